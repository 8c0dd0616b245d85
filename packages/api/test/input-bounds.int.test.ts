// What issue 11 found outside the schemas, each answered 400 VALIDATION_ERROR in the envelope (never a 500 or a
// stall): bodies nested thousands deep (even without credentials), ill-formed Unicode in any string or key, and
// integers beyond their column. The fuzz suite (fuzz.int.test.ts) keeps the whole surface under these rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type CallResult, type Harness } from './harness';
import { expectError, expectOk, issueFields } from './helpers';
import { createTicket, type Ticket } from './tickets.fixtures';

let h: Harness;
let team: Team;
let agent: Awaited<ReturnType<typeof activeAgent>>;
let ticket: Ticket;

beforeAll(async () => {
  // The default body limit of the app (1 MiB), so that bodies of the size the probe sent get through to the walk.
  h = await createHarness({ limits: { maxBodyBytes: 1024 * 1024 } });
  team = await createTeam(h);
  agent = await activeAgent(h, team.owner.key, team.ws.id);
  ticket = await createTicket(h, team.member.key, team.ws.id);
});
afterAll(() => h?.close());

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

function expectValidation(r: CallResult, field: string, message: RegExp) {
  const err = expectError(r, 400, 'VALIDATION_ERROR');
  const issues = err.details.issues as { field: string; message: string }[];
  expect(issues.length, JSON.stringify(err)).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.field, JSON.stringify(err)).toBe(field);
    expect(issue.message, JSON.stringify(err)).toMatch(message);
  }
  if (field !== '(body)') expect(err.message).toContain(`${field}: `);
}

describe('deeply nested bodies', () => {
  it('5,000 levels of arrays or objects, without credentials, are 400 naming the nesting', async () => {
    for (const raw of [nestedArrays(5000), nestedObjects(5000), `{"email":"a@b.co","password":${nestedArrays(5000)}}`]) {
      const r = await h.call('POST', '/api/v1/auth/login', { raw });
      expectValidation(r, '(body)', /deeper than 32 levels/);
    }
  });

  it('20 parallel bodies of 400 kB nested arrays are all refused, on anonymous and signed-in routes', async () => {
    const raw = nestedArrays(200_000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? h.call('POST', '/api/v1/auth/login', { raw }) : h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, raw }),
      ),
    );
    for (const r of answers) expectValidation(r, '(body)', /deeper than 32 levels/);
  });

  it('nesting within the bound reaches the schema as before', async () => {
    const r = await h.call('POST', '/api/v1/auth/login', { raw: nestedArrays(32) });
    expect(issueFields(r)).toEqual(['(body)']);
    expect(expectError(r, 400, 'VALIDATION_ERROR').message).not.toMatch(/deeper/);
  });

  it('brackets inside strings do not count as nesting', async () => {
    const r = await h.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: team.member.key, body: { description: '['.repeat(5000) } });
    expect(expectOk(r).description).toBe('['.repeat(5000));
  });
});

describe('ill-formed Unicode', () => {
  const LONE = ['\ud800', 'a\udfffb', '\udc00\ud800'];

  it('a lone surrogate in any string field is 400 naming the field (never a database error, never replaced)', async () => {
    const pending = await registerPending(h, team.ws.id);
    const cases: [string, string, string, unknown, string][] = [
      ['PATCH', `/api/v1/workspaces/${team.ws.id}`, team.owner.key, { name: LONE[0] }, 'name'],
      ['POST', `/api/v1/tickets/${ticket.id}/comments`, agent.key, { body: LONE[1] }, 'body'],
      ['POST', '/api/v1/tickets', team.member.key, { workspaceId: team.ws.id, title: LONE[0] }, 'title'],
      ['POST', '/api/v1/tickets', team.member.key, { workspaceId: team.ws.id, title: 'ok', labels: ['fine', LONE[2]] }, 'labels.1'],
      ['PATCH', `/api/v1/tickets/${ticket.id}`, team.member.key, { wikiRefs: [`docs/${LONE[0]}.md`] }, 'wikiRefs.0'],
      ['PATCH', `/api/v1/users/${team.member.id}`, h.admin.key, { name: LONE[1] }, 'name'],
      ['PATCH', `/api/v1/agents/${pending.id}`, team.owner.key, { description: LONE[2] }, 'description'],
      ['POST', '/api/v1/agents', '', { workspace: team.ws.id, name: 'x', description: LONE[0] }, 'description'],
      // Fields the schema does not know and would refuse anyway are checked first, with the same rule.
      ['PATCH', `/api/v1/tickets/${ticket.id}`, team.member.key, { nested: { deeper: [LONE[0]] } }, 'nested.deeper.0'],
    ];
    for (const [method, path, key, body, field] of cases) {
      const r = await h.call(method, path, { key: key || undefined, body });
      expectValidation(r, field, /well-formed Unicode/);
    }
    const after = expectOk(await h.call('GET', `/api/v1/tickets/${ticket.id}`, { key: team.member.key }));
    expect(after.version).toBe(ticket.version + 1); // only the description test above changed it
  });

  it('an object key with a lone surrogate or NUL is 400, the key written as an escape', async () => {
    const r = await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, raw: '{"na\\ud800me":"x"}' });
    expectValidation(r, 'na\\ud800me', /^key must be well-formed Unicode/);
    const n = await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, raw: '{"ok":{"a\\u0000":1}}' });
    expectValidation(n, 'ok.a\\u0000', /NUL/);
  });

  it('a body whose bytes are not UTF-8 is 400, not stored with U+FFFD in their place', async () => {
    for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const body = new Uint8Array([...Buffer.from('{"name":"a'), ...bytes, ...Buffer.from('"}')]);
      const res = await h.app.app.request(`http://mc.test/api/v1/workspaces/${team.ws.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${team.owner.key}`, 'content-type': 'application/json' },
        body,
      });
      const r = { status: res.status, body: await res.json(), headers: res.headers };
      expectValidation(r, '(body)', /UTF-8/);
    }
  });

  it('surrogate pairs (emoji, astral characters) are stored as sent', async () => {
    const r = await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body: { name: 'Rocket 🚀 𝄞' } });
    expect(expectOk(r).name).toBe('Rocket 🚀 𝄞');
  });
});

describe('integers beyond their column', () => {
  it('a version beyond int32 is 400 naming it, on PATCH workspace, PUT budget and every other versioned write', async () => {
    const ws = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key }));
    const cases: [string, string, Record<string, unknown>][] = [
      ['PATCH', `/api/v1/workspaces/${team.ws.id}`, { name: 'n', version: 2147483648 }],
      ['PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { monthlyTokenLimit: null, hardStop: false, version: 2147483648 }],
      ['PATCH', `/api/v1/tickets/${ticket.id}`, { title: 't', version: 2 ** 53 }],
      ['PATCH', `/api/v1/workspaces/${team.ws.id}`, { name: 'n', version: -1 }],
    ];
    for (const [method, path, body] of cases) {
      const r = await h.call(method, path, { key: team.owner.key, body });
      expectValidation(r, 'version', /.+/);
    }
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key })).version).toBe(ws.version);
  });

  it('the largest version a column holds is a stale version (409), not an error', async () => {
    const r = await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body: { name: 'n', version: 2147483647 } });
    expectError(r, 409, 'CONFLICT');
  });
});

describe('validation errors stay the size of a mistake', () => {
  it('50,000 unknown fields name 20 of them and count the rest', async () => {
    const body = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`f${i}`, 1]));
    const r = await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body });
    const err = expectError(r, 400, 'VALIDATION_ERROR');
    expect(err.details.issues).toHaveLength(20);
    expect(err.details.moreIssues).toBe(49_980);
    expect(err.message).toMatch(/and 49980 more$/);
  });
});
