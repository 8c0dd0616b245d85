// The contract every endpoint shares: the envelope, X-Request-Id, every reachable error code with its status,
// and how malformed requests (JSON, content type, unknown fields, size) are answered.
import { getRequestListener } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('success envelope', () => {
  it('wraps one resource as {success: true, data}', async () => {
    const r = await h.call('GET', '/api/v1/health');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['data', 'success']);
    expect(r.body).toEqual({
      success: true,
      data: { status: 'ok', version: 'test', database: h.database.kind, databaseState: 'reachable', liveEvents: 'connected', uptimeSeconds: expect.any(Number) },
    });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('wraps lists as {success: true, data: [], meta}', async () => {
    await createWorkspace(h, h.admin.key);
    const r = await h.call('GET', '/api/v1/workspaces?limit=1', { key: h.admin.key });
    expect(Object.keys(r.body).sort()).toEqual(['data', 'meta', 'success']);
    expect(Array.isArray(r.body.data)).toBe(true);
    expect(r.body.meta).toMatchObject({ limit: 1, offset: 0, total: expect.any(Number) });
  });

  it('answers a create with 201', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'Created', slug: uniq('created') } });
    expect(expectOk(r, 201).id).toMatch(/^wsp_[0-9A-Z]{26}$/);
  });
});

describe('X-Request-Id', () => {
  it('echoes a valid client request id on success and error, and records it in the activity log', async () => {
    const id = `req-${uniq('id')}`;
    const ok = await h.call('GET', '/api/v1/health', { headers: { 'x-request-id': id } });
    expect(ok.headers.get('x-request-id')).toBe(id);
    const err = await h.call('GET', '/api/v1/me', { headers: { 'x-request-id': id } });
    expect(err.headers.get('x-request-id')).toBe(id);
    expect(expectError(err, 401, 'UNAUTHENTICATED').requestId).toBe(id);

    const wid = `create:${uniq('rid')}`;
    const ws = expectOk(
      await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'Rid', slug: uniq('rid') }, headers: { 'x-request-id': wid } }),
      201,
    );
    const log = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${ws.id}&action=workspace.created`, { key: h.admin.key }));
    expect(log).toHaveLength(1);
    expect(log[0].requestId).toBe(wid);
  });

  it('generates one when absent', async () => {
    const a = await h.call('GET', '/api/v1/health');
    const b = await h.call('GET', '/api/v1/health');
    expect(a.headers.get('x-request-id')).toMatch(UUID);
    expect(b.headers.get('x-request-id')).toMatch(UUID);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('replaces an invalid one (spaces, control characters, too long) with a generated id', async () => {
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const r = await h.call('GET', '/api/v1/me', { headers: { 'x-request-id': bad } });
      const rid = r.headers.get('x-request-id');
      expect(rid).toMatch(UUID);
      expect(r.body.error.requestId).toBe(rid);
    }
    // 128 characters of the allowed alphabet are fine.
    const max = 'a'.repeat(128);
    expect((await h.call('GET', '/api/v1/health', { headers: { 'x-request-id': max } })).headers.get('x-request-id')).toBe(max);
  });

  it('is set on answers produced outside the route builder (404, 405, 413)', async () => {
    const id = 'outside-builder';
    for (const r of [
      await h.call('GET', '/api/v1/nope', { headers: { 'x-request-id': id } }),
      await h.call('PUT', '/api/v1/workspaces', { key: h.admin.key, headers: { 'x-request-id': id } }),
      await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw: 'x'.repeat(70_000), headers: { 'x-request-id': id } }),
    ]) {
      expect(r.headers.get('x-request-id')).toBe(id);
      expect(r.body.error.requestId).toBe(id);
    }
  });
});

describe('every reachable error code', () => {
  let member: Awaited<ReturnType<Harness['newUser']>>;
  beforeAll(async () => {
    member = await h.newUser('Member');
  });

  it('400 VALIDATION_ERROR with details naming the field', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'Bad', slug: 'Not A Slug' } });
    const e = expectError(r, 400, 'VALIDATION_ERROR');
    expect(e.details.issues).toEqual([expect.objectContaining({ field: 'slug', in: 'body', message: expect.stringMatching(/lowercase/) })]);
  });

  it('401 UNAUTHENTICATED', async () => {
    expectError(await h.call('GET', '/api/v1/workspaces'), 401, 'UNAUTHENTICATED');
  });

  it('403 FORBIDDEN', async () => {
    expectError(await h.call('GET', '/api/v1/users', { key: member.key }), 403, 'FORBIDDEN');
  });

  it('404 NOT_FOUND for a missing resource and an unknown endpoint', async () => {
    expectError(await h.call('GET', '/api/v1/workspaces/wsp_nope', { key: member.key }), 404, 'NOT_FOUND');
    const e = expectError(await h.call('GET', '/api/v1/no-such-thing', { key: member.key }), 404, 'NOT_FOUND');
    expect(e.message).toContain('/api/v1/no-such-thing');
    expectError(await h.call('GET', '/api/v2/workspaces'), 404, 'NOT_FOUND');
  });

  it('405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const r = await h.call('PUT', '/api/v1/workspaces', { key: h.admin.key, body: {} });
    expectError(r, 405, 'METHOD_NOT_ALLOWED');
    expect(r.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'POST']);
    const one = await h.call('POST', '/api/v1/tickets/tkt_x/claim', { key: h.admin.key });
    expectError(one, 405, 'METHOD_NOT_ALLOWED');
    expect(one.headers.get('allow')).toBe('PATCH');
    const two = await h.call('POST', '/api/v1/workspaces/wsp_x/budget', { key: h.admin.key });
    expect(two.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'PUT']);
    const item = await h.call('PUT', '/api/v1/workspaces/wsp_x', { key: h.admin.key });
    expect(item.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'PATCH']);
    // A trailing slash is the same resource.
    expect((await h.call('PUT', '/api/v1/workspaces/', { key: h.admin.key })).status).toBe(405);
  });

  it('409 CONFLICT', async () => {
    const ws = await createWorkspace(h, h.admin.key);
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'Dup', slug: ws.slug } });
    const e = expectError(r, 409, 'CONFLICT');
    expect(e.details.issues).toEqual([expect.objectContaining({ field: 'slug' })]);
  });

  it('413 PAYLOAD_TOO_LARGE over the body limit (64 KiB in the harness), and nothing is written', async () => {
    const slug = uniq('big');
    const body = JSON.stringify({ name: 'Big', slug, mission: 'm'.repeat(64 * 1024) });
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw: body });
    const e = expectError(r, 413, 'PAYLOAD_TOO_LARGE');
    expect(e.message).toContain('65536');
    expect(await h.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.slug, slug) })).toHaveLength(0);
    // Just under the limit is parsed normally (and then refused by the schema for the long mission).
    const under = JSON.stringify({ name: 'Big', slug, mission: 'm'.repeat(60 * 1024) });
    const u = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw: under });
    expectError(u, 400, 'VALIDATION_ERROR');
    expect(issueFields(u)).toEqual(['mission']);
  });

  it('413 also for a declared Content-Length over the limit, before authentication', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', {
      raw: 'x'.repeat(65 * 1024),
      headers: { 'content-length': String(65 * 1024) },
    });
    expectError(r, 413, 'PAYLOAD_TOO_LARGE');
  });

  it("over Node's HTTP server: a write with no Content-Length and no Transfer-Encoding has no body; a chunked one is still limited", async () => {
    const server = http.createServer(getRequestListener(h.app.app.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // node:http sends a body-less request without either header when neither is set and nothing is written.
    const send = (method: string, path: string, headers: Record<string, string>, chunks: string[] = []) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        for (const c of chunks) req.write(c);
        req.end();
      });
    try {
      const none = await send('POST', '/api/v1/workspaces', { authorization: `Bearer ${h.admin.key}` });
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/JSON body is required/);
      const big = JSON.stringify({ name: 'Big', slug: uniq('chunked'), mission: 'm'.repeat(64 * 1024) });
      const chunked = await send('POST', '/api/v1/workspaces', { authorization: `Bearer ${h.admin.key}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [big.slice(0, 1000), big.slice(1000)]);
      expect(chunked.status).toBe(413);
      expect(chunked.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('malformed requests are 400 VALIDATION_ERROR naming what is wrong', () => {
  it('malformed JSON', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw: '{"name": "x", "slug": ' });
    const e = expectError(r, 400, 'VALIDATION_ERROR');
    expect(e.message).toMatch(/not valid JSON/);
    expect(issueFields(r)).toEqual(['(body)']);
    expect(JSON.stringify(r.body)).not.toMatch(/SyntaxError|at JSON\.parse|\/work\//);
  });

  it('a body of the wrong content type', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', {
      key: h.admin.key,
      raw: JSON.stringify({ name: 'x', slug: uniq('ct') }),
      headers: { 'content-type': 'text/plain' },
    });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field: 'Content-Type', in: 'header' })]);
    const form = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw: 'name=x&slug=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(issueFields(form)).toEqual(['Content-Type']);
    // application/*+json and a charset are JSON.
    const vendor = await h.call('POST', '/api/v1/workspaces', {
      key: h.admin.key,
      raw: JSON.stringify({ name: 'x', slug: uniq('vnd') }),
      headers: { 'content-type': 'application/vnd.mc+json; charset=utf-8' },
    });
    expectOk(vendor, 201);
  });

  it('a missing body where one is required', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['(body)']);
  });

  it('a body that is not an object', async () => {
    for (const raw of ['[]', '"text"', '42', 'null']) {
      const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, raw });
      expectError(r, 400, 'VALIDATION_ERROR');
    }
  });

  it('unknown fields in strict bodies, naming the field', async () => {
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: uniq('strict'), owner: 'me', isDefault: true } });
    const e = expectError(r, 400, 'VALIDATION_ERROR');
    const text = JSON.stringify(e.details);
    expect(text).toContain('owner');
    expect(text).toContain('isDefault');
    expect(issueFields(r).sort()).toEqual(['isDefault', 'owner']);
    // Nested too: PATCH with a field that only exists on the response.
    const ws = await createWorkspace(h, h.admin.key);
    const p = await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: h.admin.key, body: { budget: {} } });
    expectError(p, 400, 'VALIDATION_ERROR');
    expect(issueFields(p)).toEqual(['budget']);
  });

  it('wrong types and out-of-range values name each field', async () => {
    const ws = await createWorkspace(h, h.admin.key);
    const r = await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, {
      key: h.admin.key,
      body: { monthlyTokenLimit: -1, monthlyCostLimitUsd: 'ten', hardStop: 'yes' },
    });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r).sort()).toEqual(['hardStop', 'monthlyCostLimitUsd', 'monthlyTokenLimit']);
    for (const issue of r.body.error.details.issues) expect(issue.in).toBe('body');
  });

  it('path parameters out of range', async () => {
    const r = await h.call('GET', `/api/v1/workspaces/${'w'.repeat(65)}`, { key: h.admin.key });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field: 'id', in: 'path' })]);
  });

  it('query parameters of the wrong type', async () => {
    const r = await h.call('GET', '/api/v1/workspaces?archived=yes', { key: h.admin.key });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field: 'archived', in: 'query' })]);
  });

  it('validation happens after authentication: an anonymous malformed request is 401, not 400', async () => {
    expectError(await h.call('POST', '/api/v1/workspaces', { raw: '{oops' }), 401, 'UNAUTHENTICATED');
  });
});

describe('OpenAPI document', () => {
  it('is served without a key and describes every route of the app', async () => {
    const r = await h.call('GET', '/api/openapi');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.0.3');
    const ops = Object.entries(r.body.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBe(h.app.builder.routes.length);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const publicOps = ops.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => `${o.method} ${o.path}`);
    const builderPublic = h.app.builder.routes.filter((x) => x.auth === 'public').map((x) => `${x.method} ${x.path}`);
    expect(publicOps.sort()).toEqual(builderPublic.sort());
    // Shared components stay as strict as the server: a role is never null in a request.
    expect(r.body.components.schemas.WorkspaceRole).toEqual({ type: 'string', enum: ['owner', 'admin', 'member', 'viewer'] });
    for (const [name, schema] of Object.entries(r.body.components.schemas as Record<string, any>)) {
      if (/Request$/.test(name)) expect(schema.nullable, name).toBeUndefined();
    }
    // The event catalog is documented: the delivered envelope and one payload schema per event type.
    const { EVENT_TYPES } = await import('@mc/contracts');
    expect(r.body.components.schemas.DomainEvent.properties.type.enum.sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(r.body.components.schemas[`EventData_${type.replace(/[^A-Za-z0-9]+/g, '_')}`], type).toBeDefined();
    const swagger = await h.call('GET', '/api-docs');
    expect(swagger.status).toBe(200);
    expect(swagger.headers.get('content-type')).toMatch(/text\/html/);
  });
});
