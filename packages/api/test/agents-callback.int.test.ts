// The key handover through the agent's endpoint (issue #3): on approval the server POSTs
// {type:'agent.approved', agentId, workspaceId, apiKey} to the endpoint. A 2xx answer means the key was delivered
// there (the registration poll then never shows it); a failure or a refused address (private networks unless
// allowed) leaves the key for the poll. A real HTTP receiver on 127.0.0.1 plays the agent.
import { sha256 } from '@mc/core';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentActivity, createTeam, keyRows, poll, registerPending, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { expectError, expectOk } from './helpers';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** A receiver on a random loopback port that answers `status` to every request and remembers what it got. */
async function startReceiver(status: number | (() => number) = 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const code = typeof status === 'function' ? status() : status;
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: code < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/mission-control`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];
async function receiver(status?: number | (() => number)) {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const approve = (h: Harness, id: string, key: string) => h.call('POST', `/api/v1/agents/${id}/approve`, { key });

describe('with private addresses allowed', () => {
  let h: Harness;
  let t: Team;
  beforeAll(async () => {
    h = await createHarness({ config: { allowPrivateNetwork: true } });
    t = await createTeam(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('approval POSTs the key to the endpoint; it works, and the poll never shows it', async () => {
    const rx = await receiver(200);
    const p = await registerPending(h, t.ws.slug, { endpoint: rx.url });
    expect(rx.received).toEqual([]); // nothing before approval

    const approved = expectOk(await approve(h, p.id, t.admin.key));
    expect(approved).toMatchObject({ id: p.id, status: 'active', keyDelivery: 'endpoint_callback', keyIssuedAt: expect.any(String) });

    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(got).toMatchObject({ method: 'POST', url: '/hooks/mission-control' });
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.body).toEqual({ type: 'agent.approved', agentId: p.id, workspaceId: t.ws.id, apiKey: expect.stringMatching(/^mc_agt_[A-Za-z0-9_-]{43}$/) });
    const key = got.body.apiKey as string;

    // The delivered key works and is the agent's one key, stored as a hash.
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key })).id).toBe(p.id);
    const rows = await keyRows(h, p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].keyHash).toBe(sha256(key));

    // The poll knows where the key went, and never hands it (or another) out.
    for (let i = 0; i < 2; i++) {
      expect(expectOk(await poll(h, p.id, p.secret))).toEqual({
        agentId: p.id,
        workspaceId: t.ws.id,
        status: 'active',
        rejectionReason: null,
        apiKey: null,
        keyDelivery: 'endpoint_callback',
      });
    }
    expect(await keyRows(h, p.id)).toHaveLength(1);
    expect(rx.received).toHaveLength(1);

    const log = (await agentActivity(h, t.ws.id)).filter((e) => e.target.id === p.id);
    const issued = log.find((e) => e.action === 'agent.key_issued');
    expect(issued?.metadata).toMatchObject({ delivery: 'endpoint_callback', status: 200 });
    expect(JSON.stringify(log)).not.toContain(key);
  });

  it('an endpoint answering 500 does not get the key: the poll hands it out instead', async () => {
    const rx = await receiver(500);
    const p = await registerPending(h, t.ws.slug, { endpoint: rx.url });
    const approved = expectOk(await approve(h, p.id, t.admin.key));
    expect(approved).toMatchObject({ status: 'active', keyDelivery: 'registration_poll', keyIssuedAt: null });
    expect(rx.received).toHaveLength(1);
    const offered = rx.received[0].body.apiKey as string;
    // The key the endpoint refused was withdrawn; it never works.
    expect(await keyRows(h, p.id)).toEqual([]);
    expectError(await h.call('GET', '/api/v1/agents/me', { key: offered }), 401, 'UNAUTHENTICATED');

    const reg = expectOk(await poll(h, p.id, p.secret));
    expect(reg).toMatchObject({ status: 'active', apiKey: expect.stringMatching(/^mc_agt_/), keyDelivery: 'registration_poll' });
    expect(reg.apiKey).not.toBe(offered);
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key: reg.apiKey })).id).toBe(p.id);
    expectError(await h.call('GET', '/api/v1/agents/me', { key: offered }), 401, 'UNAUTHENTICATED');
    expect(expectOk(await poll(h, p.id, p.secret)).apiKey).toBeNull();
    const rows = await keyRows(h, p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].keyHash).toBe(sha256(reg.apiKey));

    const log = (await agentActivity(h, t.ws.id)).filter((e) => e.target.id === p.id);
    expect(log.find((e) => e.action === 'agent.key_callback_failed')?.metadata).toMatchObject({ delivery: 'endpoint_callback', status: 500 });
    expect(log.find((e) => e.action === 'agent.key_issued')?.metadata).toMatchObject({ delivery: 'registration_poll' });
  });

  it('an unreachable endpoint (nothing listening) leaves the key for the poll', async () => {
    const rx = await receiver(200);
    const url = rx.url;
    await rx.close();
    receivers.splice(receivers.indexOf(rx), 1);
    const p = await registerPending(h, t.ws.slug, { endpoint: url });
    expect(expectOk(await approve(h, p.id, t.admin.key)).keyDelivery).toBe('registration_poll');
    const reg = expectOk(await poll(h, p.id, p.secret));
    expect(reg).toMatchObject({ apiKey: expect.stringMatching(/^mc_agt_/), keyDelivery: 'registration_poll' });
    expect(await keyRows(h, p.id)).toHaveLength(1);
  });

  it('a redirect is not followed and counts as a failed delivery', async () => {
    const target = await receiver(200);
    const redirect = createServer((_req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirect.address() as AddressInfo;
      const p = await registerPending(h, t.ws.slug, { endpoint: `http://127.0.0.1:${port}/` });
      expect(expectOk(await approve(h, p.id, t.admin.key)).keyDelivery).toBe('registration_poll');
      expect(target.received).toEqual([]);
      expect(expectOk(await poll(h, p.id, p.secret)).apiKey).toMatch(/^mc_agt_/);
    } finally {
      await new Promise<void>((resolve) => redirect.close(() => resolve()));
    }
  });

  it('two admins approving at once: one 200, one 409, one POST to the endpoint, one key row', async () => {
    for (let round = 0; round < 3; round++) {
      const rx = await receiver(200);
      const p = await registerPending(h, t.ws.slug, { endpoint: rx.url });
      const results = await Promise.all([approve(h, p.id, t.owner.key), approve(h, p.id, t.admin.key)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(expectOk(results.find((r) => r.status === 200)!).keyDelivery).toBe('endpoint_callback');
      expect(rx.received).toHaveLength(1);
      const rows = await keyRows(h, p.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].keyHash).toBe(sha256(rx.received[0].body.apiKey));
      expect(expectOk(await poll(h, p.id, p.secret)).apiKey).toBeNull();
    }
  });

  it('a poll racing the callback: the key is handed over exactly once, through one channel', async () => {
    // The endpoint answers slowly, so that the agent polls while its endpoint is being called.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const received: any[] = [];
    const slow = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', async () => {
        received.push(JSON.parse(text));
        await gate;
        res.writeHead(200);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = slow.address() as AddressInfo;
      const p = await registerPending(h, t.ws.slug, { endpoint: `http://127.0.0.1:${port}/` });
      const approving = approve(h, p.id, t.admin.key);
      while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
      // The endpoint holds the key now: the poll must not issue a second one.
      const during = expectOk(await poll(h, p.id, p.secret));
      expect(during.apiKey).toBeNull();
      release();
      expect(expectOk(await approving).keyDelivery).toBe('endpoint_callback');
      expect(expectOk(await poll(h, p.id, p.secret))).toMatchObject({ apiKey: null, keyDelivery: 'endpoint_callback' });
      const rows = await keyRows(h, p.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].keyHash).toBe(sha256(received[0].apiKey));
    } finally {
      release();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});

describe('with private addresses refused (the default)', () => {
  let h: Harness;
  let t: Team;
  beforeAll(async () => {
    h = await createHarness();
    t = await createTeam(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Register with an endpoint while private targets are allowed (an endpoint saved before the rules changed). */
  async function registeredWhileAllowed(endpoint: string) {
    h.deps.config.allowPrivateNetwork = true;
    try {
      return await registerPending(h, t.ws.slug, { endpoint });
    } finally {
      h.deps.config.allowPrivateNetwork = false;
    }
  }

  it('registration with an internal endpoint is 400 naming the endpoint (without credentials, nothing is stored)', async () => {
    expect(h.deps.config.allowPrivateNetwork).toBe(false);
    const before = (await agentActivity(h, t.ws.id, 'agent.registered')).length;
    for (const endpoint of [
      'http://[::ffff:127.0.0.1]:8080/hooks',
      'http://[::ffff:7f00:1]/hooks',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::1]/',
      'http://127.0.0.1:9/x',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://localhost:9/x',
      'http://[::1]:9/x',
      'http://10.0.0.1:9/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0:9/',
    ]) {
      const r = await h.call('POST', '/api/v1/agents', { body: { workspace: t.ws.slug, name: `ssrf-${Math.random().toString(36).slice(2, 8)}`, capabilities: [], endpoint } });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(r.body.error.details.issues, endpoint).toEqual([{ field: 'endpoint', in: 'body', message: expect.stringMatching(/internal address|local-only name/) }]);
    }
    expect((await agentActivity(h, t.ws.id, 'agent.registered')).length).toBe(before);
    // Credentials in the URL are refused whatever the setting; a name that does not resolve (yet) is accepted.
    const withCredentials = await h.call('POST', '/api/v1/agents', { body: { workspace: t.ws.slug, name: 'with-credentials', capabilities: [], endpoint: 'https://u:p@agent.example.com/' } });
    expectError(withCredentials, 400, 'VALIDATION_ERROR');
    expect(withCredentials.body.error.details.issues[0]).toMatchObject({ field: 'endpoint', message: expect.stringMatching(/user name or password/) });
    await registerPending(h, t.ws.slug, { endpoint: 'https://agent.not-resolvable.invalid/hooks' });
  });

  it('an agent cannot move its endpoint to an internal address either (PATCH is 400 naming the endpoint)', async () => {
    const p = await registerPending(h, t.ws.slug, { endpoint: 'https://agent.example.com/hooks' });
    const r = await h.call('PATCH', `/api/v1/agents/${p.id}`, { key: t.admin.key, body: { endpoint: 'http://[::ffff:127.0.0.1]:8080/' } });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(r.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['endpoint']);
    expectOk(await h.call('PATCH', `/api/v1/agents/${p.id}`, { key: t.admin.key, body: { endpoint: 'https://agent2.example.com/hooks' } }));
  });

  it('an endpoint saved while allowed is refused when the key is sent (nothing is sent) and the poll hands out the key', async () => {
    const rx = await receiver(200);
    const p = await registeredWhileAllowed(rx.url);
    const approved = expectOk(await approve(h, p.id, t.admin.key));
    expect(approved).toMatchObject({ status: 'active', keyDelivery: 'registration_poll' });
    expect(rx.received).toEqual([]);
    expect(await keyRows(h, p.id)).toEqual([]);

    const reg = expectOk(await poll(h, p.id, p.secret));
    expect(reg).toMatchObject({ status: 'active', apiKey: expect.stringMatching(/^mc_agt_/), keyDelivery: 'registration_poll' });
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key: reg.apiKey })).id).toBe(p.id);
    expect(expectOk(await poll(h, p.id, p.secret)).apiKey).toBeNull();
    expect(await keyRows(h, p.id)).toHaveLength(1);

    const failed = (await agentActivity(h, t.ws.id, 'agent.key_callback_failed')).find((e) => e.target.id === p.id);
    expect(failed?.metadata).toMatchObject({ status: null, excerpt: expect.stringMatching(/^refused: .*private or loopback/) });
  });

  it('the key is never POSTed to a loopback receiver, whatever form its address is written in', async () => {
    const rx = await receiver(200);
    const port = new URL(rx.url).port;
    // (A cloud metadata address cannot be saved even while private targets are allowed: see the next describe.)
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '2130706433', '127.1', 'localhost', '[::1]', '10.0.0.1', '0.0.0.0']) {
      const endpoint = `http://${host}:${port}/hooks/mission-control`;
      const p = await registeredWhileAllowed(endpoint);
      expect(expectOk(await approve(h, p.id, t.admin.key)).keyDelivery, endpoint).toBe('registration_poll');
      const failed = (await agentActivity(h, t.ws.id, 'agent.key_callback_failed')).find((e) => e.target.id === p.id);
      expect(failed?.metadata?.excerpt, endpoint).toMatch(/^refused: /);
      expect(expectOk(await poll(h, p.id, p.secret)).apiKey, endpoint).toMatch(/^mc_agt_/);
    }
    expect(rx.received).toEqual([]);
  });
});

describe('with private addresses allowed (MC_WEBHOOK_ALLOW_PRIVATE=1): the old behaviour holds', () => {
  let h: Harness;
  let t: Team;
  beforeAll(async () => {
    h = await createHarness({ config: { allowPrivateNetwork: true } });
    t = await createTeam(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a cloud metadata endpoint is still refused (400 naming the endpoint), in any spelling', async () => {
    for (const host of ['169.254.169.254', '[::ffff:169.254.169.254]', '[fd00:ec2::254]', '2852039166']) {
      const r = await h.call('POST', '/api/v1/agents', { body: { workspace: t.ws.slug, name: uniq('meta'), endpoint: `http://${host}/latest/meta-data`, capabilities: [] } });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(r.body.error.details.issues, host).toEqual([{ field: 'endpoint', in: 'body', message: expect.stringMatching(/cloud metadata.*never an outbound target/) }]);
    }
  });

  it('an IPv4-mapped loopback endpoint is accepted and gets the key on approval', async () => {
    const rx = await receiver(200);
    const endpoint = `http://[::ffff:127.0.0.1]:${new URL(rx.url).port}/hooks/mission-control`;
    const p = await registerPending(h, t.ws.slug, { endpoint });
    expect(expectOk(await approve(h, p.id, t.admin.key)).keyDelivery).toBe('endpoint_callback');
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0].body).toMatchObject({ type: 'agent.approved', agentId: p.id, apiKey: expect.stringMatching(/^mc_agt_/) });
  });
});
