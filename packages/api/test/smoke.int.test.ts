import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, errorOf, uniq, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('harness', () => {
  it('creates a workspace and lists it', async () => {
    const slug = uniq('ws');
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'W', slug } });
    expect(r.status).toBe(201);
    expect(r.body.data.slug).toBe(slug);
    const l = await h.call('GET', '/api/v1/workspaces', { key: h.admin.key });
    expect(l.body.data.map((w: any) => w.slug)).toContain(slug);
    expect(errorOf(await h.call('GET', '/api/v1/workspaces'))?.code).toBe('UNAUTHENTICATED');
  });
});
