// The client's behaviour (error semantics, query strings, auth header, envelope) against a scripted fetch, and its
// types against the generated document (checked by tsc through expectTypeOf).
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ApiError, createApiClient, type Schemas } from '../src/index';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

function scripted(...answers: Answer[]) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request);
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    const text = a.body === undefined ? null : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    return new Response(text, { status: a.status, headers: { 'content-type': 'application/json', ...a.headers } });
  });
  return { fetch, requests };
}

const ok = (data: unknown, meta?: unknown) => ({ status: 200, body: { success: true, data, ...(meta ? { meta } : {}) } });
const fail = (status: number, code: string, message: string, details?: unknown) => ({
  status,
  body: { success: false, error: { code, message, requestId: 'req_1', details } },
});

describe('createApiClient', () => {
  it('unwraps the envelope and builds paths and query strings from typed params', async () => {
    const { fetch, requests } = scripted(ok([{ id: 't1' }], { limit: 2, nextCursor: 'c2' }), ok({ id: 'tk 1' }));
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1/', fetch });
    const page = await client.list('/tickets', { params: { query: { workspaceId: 'w1', status: 'todo,done', q: '', label: undefined, limit: 2 } } });
    expect(page).toEqual({ items: [{ id: 't1' }], meta: { limit: 2, nextCursor: 'c2' } });
    expect(requests[0].url).toBe('http://mc.test/api/v1/tickets?workspaceId=w1&status=todo%2Cdone&limit=2');
    expect(requests[0].method).toBe('GET');
    await client.get('/tickets/{id}', { params: { path: { id: 'a/b' } } });
    expect(requests[1].url).toBe('http://mc.test/api/v1/tickets/a%2Fb');
    expect(client.url('/events', { workspaceId: 'w 1' })).toBe('http://mc.test/api/v1/events?workspaceId=w+1');
  });

  it('sends a token as a bearer header and a JSON body', async () => {
    const { fetch, requests } = scripted({ status: 201, body: { success: true, data: { id: 'w1' } } });
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', token: 'mc_usr_x', fetch });
    const created = await client.post('/workspaces', { body: { name: 'Acme', slug: 'acme' } });
    expect(created).toEqual({ id: 'w1' });
    expect(requests[0].headers.get('authorization')).toBe('Bearer mc_usr_x');
    expect(requests[0].headers.get('content-type')).toBe('application/json');
    expect(await requests[0].json()).toEqual({ name: 'Acme', slug: 'acme' });
  });

  it('turns an error envelope into an ApiError with its code, request id and field issues', async () => {
    const { fetch } = scripted(fail(400, 'VALIDATION_ERROR', 'invalid body', { issues: [{ field: 'slug', in: 'body', message: 'Too small: expected string to have >=3 characters' }] }));
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', fetch });
    const err = await client.post('/workspaces', { body: { name: 'A', slug: 'a' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code, e.message, e.requestId]).toEqual([400, 'VALIDATION_ERROR', 'invalid body', 'req_1']);
    expect(e.fieldError('slug')).toBe('At least 3 characters');
    expect(e.fieldError('name')).toBeUndefined();
  });

  it('calls onUnauthenticated on a 401 unless the call is quiet', async () => {
    const onUnauthenticated = vi.fn();
    const { fetch } = scripted(fail(401, 'UNAUTHENTICATED', 'sign in'), fail(401, 'UNAUTHENTICATED', 'wrong password'));
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', fetch, onUnauthenticated });
    await expect(client.get('/me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    await expect(client.post('/auth/login', { body: { email: 'a@b.c', password: 'x' }, quiet401: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('says NETWORK when the server cannot be reached, rethrows an abort, and explains a non-envelope answer', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    const { fetch } = scripted(new TypeError('fetch failed'), abort, { status: 502, body: '<html>bad gateway</html>', headers: { 'x-request-id': 'req_9' } }, { status: 200, body: { hello: 1 } });
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', fetch });
    await expect(client.get('/me')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
    await expect(client.get('/me')).rejects.toBe(abort);
    await expect(client.get('/me')).rejects.toMatchObject({ status: 502, code: 'INTERNAL', requestId: 'req_9' });
    await expect(client.get('/me')).rejects.toMatchObject({ status: 200, code: 'UNEXPECTED' });
  });

  it('answers undefined for 204', async () => {
    const { fetch } = scripted({ status: 204 });
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', fetch });
    await expect(client.delete('/tickets/{id}/rating', { params: { path: { id: 't1' } } })).resolves.toBeUndefined();
  });

  it('types answers from the served document', () => {
    const client = createApiClient({ baseUrl: 'http://mc.test/api/v1', fetch: async () => new Response(null, { status: 204 }) });
    expectTypeOf(client.get<'/tickets/{id}', { params: { path: { id: string } } }>).returns.resolves.toEqualTypeOf<Schemas['Ticket']>();
    expectTypeOf(client.list<'/notifications', {}>).returns.resolves.toHaveProperty('meta').toHaveProperty('unreadCount').toEqualTypeOf<number>();
    expectTypeOf(client.delete<'/tickets/{id}/rating', { params: { path: { id: string } } }>).returns.resolves.toEqualTypeOf<void>();
    // @ts-expect-error an unknown path does not compile
    void (() => client.get('/no-such-path'));
    // @ts-expect-error a missing path parameter does not compile
    void (() => client.get('/tickets/{id}', {}));
  });
});
