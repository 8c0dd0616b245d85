// API v1 compatibility, part 1: the served OpenAPI document against the committed baseline
// (test/compat/v1-openapi.baseline.json). Part 2, the recorded answers, is v1-compat.int.test.ts.
//
// Fails when a v1 operation is removed, a response field is removed or renamed or changes type (or becomes optional
// or nullable), a response enum loses a value, a success or documented error status disappears, or a request gains
// a required field or parameter, loses a field, or narrows a type or an enum. Adding operations, optional request
// fields, response fields, enum values and statuses passes without touching the baseline.
//
// When a change is intended and reviewed (a new major version, or an issue that demands it), record the baseline
// again and commit the diff with the change:
//     pnpm compat:record        (= MC_COMPAT_RECORD=1 vitest run packages/api/test/v1-compat)
// Recording prints the breaks it accepts; the diff of the baseline files is what the reviewer reads.
import { createApiApp, type ApiDeps } from '@mc/api';
import { DEFAULT_CORE_CONFIG } from '@mc/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { answerShape, compareAnswers, compareDocuments, documentContract, formatBreaks, stableJson, type DocumentContract } from './compat/contract';

const BASELINE = fileURLToPath(new URL('./compat/v1-openapi.baseline.json', import.meta.url));
const RECORD = process.env.MC_COMPAT_RECORD === '1';

/** The document the app serves at /api/openapi. Building it touches no database: the routes only register. */
function servedDocument(): any {
  const deps = { config: DEFAULT_CORE_CONFIG, limits: { perKeyPerMinute: 1, anonPerMinute: 1, maxBodyBytes: 1 }, trustProxy: false, version: 'compat' };
  return createApiApp(deps as unknown as ApiDeps).openApiDocument();
}

/** v1 only: a later /api/v2 has a contract of its own. */
function v1Only(doc: any) {
  return { ...doc, paths: Object.fromEntries(Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/'))) };
}

const clone = <T>(v: T): T => structuredClone(v);

/** A small document built the way the route builder builds the real one: envelopes, shared schemas, error statuses. */
function fixtureDocument(): any {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const json = (schema: unknown) => ({ 'application/json': { schema } });
  const envelope = (data: unknown) => ({ type: 'object', properties: { success: { type: 'boolean', enum: [true] }, data }, required: ['success', 'data'] });
  const ok = (status: number, data: unknown) => ({ [status]: { description: 'Success', content: json(envelope(data)) } });
  const errors = Object.fromEntries([400, 401, 403, 404, 409, 413, 429, 500].map((s) => [s, { description: 'Error', content: json(ref('Error')) }]));
  const id = [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }];
  return {
    openapi: '3.0.3',
    paths: {
      '/api/v1/tickets': {
        get: {
          operationId: 'listTickets',
          parameters: [
            { in: 'query', name: 'limit', required: false, schema: { type: 'integer' } },
            { in: 'query', name: 'status', required: false, schema: { type: 'string' } },
          ],
          responses: { ...ok(200, { type: 'array', items: ref('Ticket') }), ...errors },
        },
        post: {
          operationId: 'createTicket',
          parameters: [{ in: 'header', name: 'Idempotency-Key', required: false, schema: { type: 'string' } }],
          requestBody: { required: true, content: json(ref('CreateTicketRequest')) },
          responses: { ...ok(201, ref('CreatedTicket')), ...errors },
        },
      },
      '/api/v1/tickets/{id}': {
        get: { operationId: 'getTicket', parameters: id, responses: { ...ok(200, ref('Ticket')), ...errors } },
        delete: { operationId: 'deleteTicket', parameters: id, responses: { 204: { description: 'Done' }, ...errors } },
      },
      '/api/v1/tickets/{id}/claim': {
        patch: { operationId: 'claimTicket', parameters: id, responses: { ...ok(200, ref('Ticket')), ...errors, 402: errors[409] } },
      },
      '/api/v1/tickets/{id}/links': {
        get: { operationId: 'listTicketLinks', parameters: id, responses: { ...ok(200, { type: 'array', items: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } }), ...errors } },
      },
      '/api/v1/me': { get: { operationId: 'getMe', responses: { ...ok(200, { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }), ...errors } } },
      '/api/v1/workspaces/{id}/members': {
        post: {
          operationId: 'addMember',
          parameters: id,
          requestBody: { required: true, content: json({ type: 'object', properties: { email: { type: 'string' } }, required: ['email'] }) },
          responses: { ...ok(201, { type: 'object', properties: { userId: { type: 'string' } }, required: ['userId'] }), ...errors },
        },
      },
    },
    components: {
      schemas: {
        TicketPriority: { type: 'string', enum: ['low', 'medium', 'high', 'urgent'] },
        Ticket: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            number: { type: 'integer' },
            title: { type: 'string' },
            priority: ref('TicketPriority'),
            claimedBy: { type: 'string', nullable: true },
            assignee: { type: 'object', nullable: true, properties: { kind: { type: 'string', enum: ['agent', 'user'] }, id: { type: 'string' } }, required: ['kind', 'id'] },
            labels: { type: 'array', items: { type: 'string' } },
            permissions: { type: 'object', additionalProperties: { type: 'boolean' } },
            version: { type: 'integer' },
          },
          required: ['id', 'number', 'title', 'priority', 'claimedBy', 'assignee', 'labels', 'permissions', 'version'],
        },
        CreatedTicket: {
          allOf: [
            ref('Ticket'),
            {
              type: 'object',
              properties: { secret: { type: 'string', nullable: true }, threshold: { anyOf: [{ type: 'number', enum: [80] }, { type: 'number', enum: [100] }] } },
              required: ['secret', 'threshold'],
            },
          ],
        },
        CreateTicketRequest: {
          type: 'object',
          properties: {
            workspaceId: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            priority: ref('TicketPriority'),
            wikiRefs: { type: 'array', items: { type: 'string' } },
          },
          required: ['workspaceId', 'title'],
          additionalProperties: false,
        },
        Error: {
          type: 'object',
          properties: {
            success: { type: 'boolean', enum: [false] },
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } }, required: ['code', 'message', 'requestId'] },
          },
          required: ['success', 'error'],
        },
        EventData_ticket_created: {
          type: 'object',
          properties: { ticket: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } }, required: ['id', 'title'] } },
          required: ['ticket'],
        },
      },
    },
  };
}

describe('API v1 compatibility: the OpenAPI document', () => {
  const doc = v1Only(servedDocument());
  const current = documentContract(doc);

  test('every v1 operation, field, type, enum value and status of the baseline is still served', () => {
    if (RECORD) {
      const previous = (() => {
        try {
          return JSON.parse(readFileSync(BASELINE, 'utf8')) as DocumentContract;
        } catch {
          return null;
        }
      })();
      if (previous) console.warn(formatBreaks('Recording accepts', compareDocuments(previous, current)) || 'Recording: no incompatible change.');
      writeFileSync(BASELINE, stableJson(current));
      return;
    }
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as DocumentContract;
    const breaks = compareDocuments(baseline, current);
    if (breaks.length) {
      expect.fail(`${formatBreaks('OpenAPI document', breaks)}\nKeep v1 compatible, or (if this change is intended and reviewed) record the baseline again: pnpm compat:record`);
    }
  });

});

// The rules themselves, on deliberate edits of a small document written like the served one (a fixture, so that an
// intended and recorded change of the real contract does not disturb these tests): each break must be caught and named.
describe('API v1 compatibility: the rules for the document', () => {
  const fixture = fixtureDocument();
  const current = documentContract(fixture);
  const edit = () => {
    const d = clone(fixture);
    return { d, schemas: d.components.schemas };
  };
  const breaksOf = (d: any) => compareDocuments(current, documentContract(d));
  const lines = (d: any) => breaksOf(d).map((b) => formatBreaks('x', [b]).split('\n')[1]);

  test('the flattening resolves $ref, allOf, anyOf, arrays, maps, nullable and enums into field paths', () => {
    const created = current.operations['POST /api/v1/tickets'].success['201'];
    expect(created.contentType).toBe('application/json');
    expect(created.fields).toMatchObject({
      $: { type: 'object' },
      success: { type: 'boolean', enum: [true] },
      'data.id': { type: 'string' },
      'data.priority': { type: 'string', enum: ['high', 'low', 'medium', 'urgent'] },
      'data.claimedBy': { type: 'string', nullable: true },
      'data.assignee': { type: 'object', nullable: true },
      'data.assignee.kind': { type: 'string', enum: ['agent', 'user'] },
      'data.labels[]': { type: 'string' },
      'data.permissions{}': { type: 'boolean' },
      'data.secret': { type: 'string', nullable: true },
      'data.threshold': { type: 'number', enum: [100, 80] },
    });
    expect(current.operations['POST /api/v1/tickets'].body).toMatchObject({ $: { type: 'object' }, title: { type: 'string' }, description: { type: 'string', optional: true } });
    expect(current.operations['GET /api/v1/tickets'].parameters).toMatchObject({ 'query.limit': { type: 'integer', optional: true } });
    expect(current.operations['DELETE /api/v1/tickets/{id}'].success).toEqual({ '204': {} });
    expect(Object.keys(current.schemas)).toEqual(['Error', 'EventData_ticket_created']);
  });

  test('a renamed response field is a break, named with its operation, path and the likely new name', () => {
    const { d, schemas } = edit();
    schemas.Ticket.properties.headline = schemas.Ticket.properties.title;
    delete schemas.Ticket.properties.title;
    schemas.Ticket.required = schemas.Ticket.required.map((f: string) => (f === 'title' ? 'headline' : f));
    const out = lines(d);
    expect(out).toContain('  ✗ GET /api/v1/tickets/{id} (getTicket) 200 › data.title: field removed (renamed to `data.headline`?) (before: string; now: absent)');
    expect(out).toContain('  ✗ GET /api/v1/tickets (listTickets) 200 › data[].title: field removed (renamed to `data[].headline`?) (before: string; now: absent)');
  });

  test('a changed success status is a break', () => {
    const d = clone(fixture);
    const op = d.paths['/api/v1/tickets'].post;
    op.responses['200'] = op.responses['201'];
    delete op.responses['201'];
    expect(lines(d)).toEqual(['  ✗ POST /api/v1/tickets (createTicket): success status 201 removed (before: 201; now: 200)']);
  });

  test('a removed error status and a removed operation are breaks', () => {
    const d = clone(fixture);
    delete d.paths['/api/v1/tickets/{id}/claim'].patch.responses['409'];
    delete d.paths['/api/v1/tickets/{id}/links'];
    expect(lines(d)).toEqual([
      '  ✗ GET /api/v1/tickets/{id}/links (listTicketLinks): operation removed',
      '  ✗ PATCH /api/v1/tickets/{id}/claim (claimTicket): documented error status 409 removed (before: 409; now: 400, 401, 402, 403, 404, 413, 429, 500)',
    ]);
  });

  test('a changed response type, a field turned nullable or optional, a lost enum value are breaks', () => {
    const { d, schemas } = edit();
    schemas.Ticket.properties.number = { type: 'string' };
    schemas.Ticket.properties.title.nullable = true;
    schemas.Ticket.required = schemas.Ticket.required.filter((f: string) => f !== 'version');
    schemas.TicketPriority.enum = schemas.TicketPriority.enum.filter((v: string) => v !== 'low');
    const out = lines(d).filter((l) => l.includes('(getTicket) 200'));
    expect(out).toEqual([
      '  ✗ GET /api/v1/tickets/{id} (getTicket) 200 › data.number: type changed (before: integer; now: string)',
      '  ✗ GET /api/v1/tickets/{id} (getTicket) 200 › data.priority: enum value(s) removed: "low" (before: string ["high","low","medium","urgent"]; now: string ["high","medium","urgent"])',
      '  ✗ GET /api/v1/tickets/{id} (getTicket) 200 › data.title: field became nullable (before: string; now: string|null)',
      '  ✗ GET /api/v1/tickets/{id} (getTicket) 200 › data.version: field became optional: clients may no longer receive it (before: integer; now: integer (optional))',
    ]);
    // The same enum in a request body: a value clients could send is refused now.
    expect(lines(d)).toContainEqual(expect.stringMatching(/POST \/api\/v1\/tickets \(createTicket\) request body › priority: enum value\(s\) no longer accepted: "low"/));
  });

  test('a request field made required, a new required field, parameter or body, a narrowed or removed request field are breaks', () => {
    const { d, schemas } = edit();
    schemas.CreateTicketRequest.required.push('description');
    schemas.CreateTicketRequest.properties.urgency = { type: 'integer' };
    schemas.CreateTicketRequest.required.push('urgency');
    delete schemas.CreateTicketRequest.properties.wikiRefs;
    const list = d.paths['/api/v1/tickets'].get;
    list.parameters.push({ in: 'query', name: 'team', required: true, schema: { type: 'string' } });
    const limit = list.parameters.find((p: any) => p.name === 'limit');
    limit.schema = { ...limit.schema, type: 'string', enum: ['10', '50'] };
    d.paths['/api/v1/me'].get.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
    expect(lines(d)).toEqual([
      '  ✗ GET /api/v1/me (getMe) request body: a body is now required (before: none; now: object)',
      '  ✗ GET /api/v1/tickets (listTickets) parameters › query.limit: type narrowed (before: integer (optional); now: string ["10","50"] (optional))',
      '  ✗ GET /api/v1/tickets (listTickets) parameters › query.limit: restricted to an enum (before: integer (optional); now: string ["10","50"] (optional))',
      '  ✗ GET /api/v1/tickets (listTickets) parameters › query.team: new required field (before: absent; now: string)',
      '  ✗ POST /api/v1/tickets (createTicket) request body › description: became required (before: string (optional); now: string)',
      '  ✗ POST /api/v1/tickets (createTicket) request body › urgency: new required field (before: absent; now: integer)',
      '  ✗ POST /api/v1/tickets (createTicket) request body › wikiRefs: no longer accepted: clients that send it are refused or ignored (before: array (optional); now: absent)',
      '  ✗ POST /api/v1/tickets (createTicket) request body › wikiRefs[]: no longer accepted: clients that send it are refused or ignored (before: string; now: absent)',
    ]);
  });

  test('a removed or changed webhook event payload is a break', () => {
    const { d, schemas } = edit();
    const name = Object.keys(schemas).find((n) => n.startsWith('EventData_ticket'))!;
    const field = Object.keys(schemas[name].properties)[0];
    schemas[name].properties[field] = { type: 'string' };
    expect(lines(d).join('\n')).toMatch(new RegExp(`schema ${name} › ${field}: type changed`));
  });

  test('additions pass: operations, optional request fields and parameters, response fields, enum values, statuses', () => {
    const { d, schemas } = edit();
    schemas.Ticket.properties.estimate = { type: 'integer', nullable: true };
    schemas.Ticket.required.push('estimate');
    schemas.CreateTicketRequest.properties.estimate = { type: 'integer' };
    schemas.TicketPriority.enum.push('someday');
    for (const item of Object.values<any>(d.paths)) {
      for (const op of Object.values<any>(item)) op.responses['503'] = op.responses['500'];
    }
    const members = d.paths['/api/v1/workspaces/{id}/members'].post;
    members.responses['202'] = { description: 'Invited', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['invited'] } } } } } };
    d.paths['/api/v1/tickets'].get.parameters.push({ in: 'query', name: 'team', required: false, schema: { type: 'string' } });
    d.paths['/api/v1/me/invitations'] = { get: clone(d.paths['/api/v1/me'].get) };
    // An optional body where there was none (its fields required when it is sent).
    d.paths['/api/v1/tickets/{id}'].delete.requestBody = { required: false, content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] } } } };
    // Widening what a request accepts passes too.
    schemas.CreateTicketRequest.properties.title = { ...schemas.CreateTicketRequest.properties.title, nullable: true };
    schemas.CreateTicketRequest.required = schemas.CreateTicketRequest.required.filter((f: string) => f !== 'title');
    expect(breaksOf(d)).toEqual([]);
  });
});

// The rules for recorded answers (the recording itself runs on a database: v1-compat.int.test.ts).
describe('API v1 compatibility: the rules for recorded answers', () => {
  const answer = (status: number, body: unknown) => ({ status, shape: answerShape(body) });
  const ticket = { success: true, data: { id: 'tkt_1', number: 1, claimedBy: null, labels: ['a'], assignee: { kind: 'agent', id: 'agt_1' } } };
  const lines = (before: Record<string, any>, after: Record<string, any>) => formatBreaks('x', compareAnswers(before, after)).split('\n').slice(1);

  test('shapes are field paths and JSON types, never values', () => {
    expect(answerShape(ticket)).toEqual({
      $: 'object',
      success: 'boolean',
      data: 'object',
      'data.id': 'string',
      'data.number': 'number',
      'data.claimedBy': 'null',
      'data.labels': 'array',
      'data.labels[]': 'string',
      'data.assignee': 'object',
      'data.assignee.kind': 'string',
      'data.assignee.id': 'string',
    });
    expect(answerShape({ data: [{ a: 1 }, { a: 'x', b: true }] })).toMatchObject({ 'data[].a': 'number|string', 'data[].b': 'boolean' });
  });

  test('a changed status, a missing field, a changed JSON type, a call no longer made are breaks', () => {
    const before = { 'GET /t/{id}': answer(200, ticket), 'POST /t': answer(201, ticket), 'GET /gone': answer(200, {}) };
    const renamed = structuredClone(ticket) as any;
    renamed.data.num = renamed.data.number;
    delete renamed.data.number;
    renamed.data.assignee = 'agt_1';
    expect(lines(before, { 'GET /t/{id}': answer(200, renamed), 'POST /t': answer(200, ticket) })).toEqual([
      '  ✗ GET /gone: the scenario no longer makes this call: record the baseline again if that is intended (MC_COMPAT_RECORD=1)',
      '  ✗ GET /t/{id} › data.assignee: JSON type changed (before: object; now: string)',
      '  ✗ GET /t/{id} › data.assignee.id: field missing from the answer (before: string; now: absent)',
      '  ✗ GET /t/{id} › data.assignee.kind: field missing from the answer (before: string; now: absent)',
      '  ✗ GET /t/{id} › data.number: field missing from the answer (before: number; now: absent)',
      '  ✗ POST /t: status changed (before: 201; now: 200)',
    ]);
  });

  test('new fields and calls pass; a null value or an empty list is not a change of shape', () => {
    const before = { 'GET /t/{id}': answer(200, ticket), 'GET /t': answer(200, { success: true, data: [ticket.data] }) };
    const richer = structuredClone(ticket) as any;
    richer.data.claimedBy = 'agt_1';
    richer.data.estimate = 3;
    expect(compareAnswers(before, { 'GET /t/{id}': answer(200, richer), 'GET /t': answer(200, { success: true, data: [] }), 'GET /new': answer(200, {}) })).toEqual([]);
  });
});

