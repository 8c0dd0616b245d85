// The typed client against the real REST app on a real database (the API's test harness, called in process):
// the envelope, paging, field issues, refusals, 401 and 204 as the server really sends them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHarness, uniq, type Harness } from '../../api/test/harness';
import { ApiError, createApiClient, type ApiClient } from '../src/index';

let h: Harness;
let client: ApiClient;
const onUnauthenticated = vi.fn();

function clientFor(token: string) {
  return createApiClient({ baseUrl: 'http://mc.test/api/v1', token, fetch: (request) => Promise.resolve(h.app.app.request(request)), onUnauthenticated });
}

beforeAll(async () => {
  h = await createHarness();
  client = clientFor(h.admin.key);
});
afterAll(async () => {
  await h?.close();
});

describe('@mc/client against the API', () => {
  it('creates, reads and pages through typed calls', async () => {
    const slugs = [uniq('cl'), uniq('cl'), uniq('cl')];
    for (const slug of slugs) {
      const ws = await client.post('/workspaces', { body: { name: `Client ${slug}`, slug } });
      expect(ws.slug).toBe(slug);
    }
    const one = await client.get('/workspaces/{id}', { params: { path: { id: slugs[0] } } });
    expect(one.name).toBe(`Client ${slugs[0]}`);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.list('/workspaces', { params: { query: { limit: 2, q: 'Client', sort: 'name', cursor } } });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w) => w.slug));
      cursor = page.meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(slugs));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('throws the API refusals as ApiError with code, request id and field issues', async () => {
    const invalid = await client.post('/workspaces', { body: { name: '', slug: 'Not A Slug' } }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ApiError);
    const e = invalid as ApiError;
    expect([e.status, e.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(e.requestId).toBeTruthy();
    expect(e.fieldError('slug')).toBeTruthy();
    expect(e.fieldError('name')).toBe('Required');

    await expect(client.get('/tickets/{id}', { params: { path: { id: 'tkt_nope' } } })).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('calls onUnauthenticated on a 401, not for a quiet call', async () => {
    const stranger = clientFor('mc_usr_not-a-key');
    await expect(stranger.get('/me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    await expect(stranger.get('/me', { quiet401: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('answers undefined for a 204', async () => {
    const ws = await client.post('/workspaces', { body: { name: 'Rated', slug: uniq('rt') } });
    const ticket = await client.post('/tickets', { body: { workspaceId: ws.id, title: 'Rate me' } });
    await client.post('/tickets/{id}/rating', { params: { path: { id: ticket.id } }, body: { rating: 'good' } });
    await expect(client.delete('/tickets/{id}/rating', { params: { path: { id: ticket.id } } })).resolves.toBeUndefined();
  });
});
