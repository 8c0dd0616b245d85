// Rate limits: per key, per IP without a key, the headers on every answer, 429 with Retry-After, window roll-over,
// and counts that hold across several server instances sharing one database.
import { createApiApp } from '@mc/api';
import { ManualClock, RateLimiter } from '@mc/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, uniq, type CallResult, type Harness } from './harness';
import { expectError, expectOk } from './helpers';

// 10 s into a minute: windows are fixed one-minute windows, so 50 s remain.
const START = new Date('2026-04-01T09:00:10.000Z');
const clock = new ManualClock(START);
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ clock, limits: { perKeyPerMinute: 5, anonPerMinute: 3 } });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  // Every test starts in a fresh window of its own.
  clock.set(new Date(clock.now().getTime() + 60_000));
  const now = clock.now().getTime();
  clock.set(new Date(now - (now % 60_000) + 10_000));
});

const limitHeaders = (r: CallResult) => ({
  limit: r.headers.get('x-ratelimit-limit'),
  remaining: r.headers.get('x-ratelimit-remaining'),
  reset: r.headers.get('x-ratelimit-reset'),
});

async function newKey(owner = h.admin.key) {
  const created = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: owner, body: { name: uniq('rl') } }), 201);
  clock.set(new Date(clock.now().getTime() + 60_000 - (clock.now().getTime() % 60_000) + 10_000)); // that create used a hit
  return created as { id: string; key: string };
}

describe('per key', () => {
  it('counts down X-RateLimit-Remaining, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const k = await newKey();
    for (let i = 0; i < 5; i++) {
      const r = await h.call('GET', '/api/v1/me', { key: k.key });
      expect(r.status).toBe(200);
      expect(limitHeaders(r)).toEqual({ limit: '5', remaining: String(4 - i), reset: '50' });
      expect(r.headers.get('retry-after')).toBeNull();
    }
    const sixth = await h.call('GET', '/api/v1/me', { key: k.key });
    const e = expectError(sixth, 429, 'RATE_LIMITED');
    expect(e.message).toMatch(/5 requests per minute/);
    expect(sixth.headers.get('retry-after')).toBe('50');
    expect(limitHeaders(sixth)).toEqual({ limit: '5', remaining: '0', reset: '50' });
  });

  it('another key, even of the same user, is unaffected', async () => {
    const a = await newKey();
    const b = await newKey();
    for (let i = 0; i < 5; i++) expect((await h.call('GET', '/api/v1/me', { key: a.key })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { key: a.key })).status).toBe(429);
    const other = await h.call('GET', '/api/v1/me', { key: b.key });
    expect(other.status).toBe(200);
    expect(limitHeaders(other).remaining).toBe('4');
  });

  it('a refused write does nothing', async () => {
    const k = await newKey();
    for (let i = 0; i < 5; i++) await h.call('GET', '/api/v1/me', { key: k.key });
    const slug = uniq('limited');
    expectError(await h.call('POST', '/api/v1/workspaces', { key: k.key, body: { name: 'x', slug } }), 429, 'RATE_LIMITED');
    expect(await h.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.slug, slug) })).toHaveLength(0);
  });

  it('the next window starts afresh; Reset and Retry-After count down to it', async () => {
    const k = await newKey();
    for (let i = 0; i < 5; i++) await h.call('GET', '/api/v1/me', { key: k.key });
    clock.advance(30_000);
    const limited = await h.call('GET', '/api/v1/me', { key: k.key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    clock.advance(20_000);
    const fresh = await h.call('GET', '/api/v1/me', { key: k.key });
    expect(fresh.status).toBe(200);
    expect(limitHeaders(fresh)).toEqual({ limit: '5', remaining: '4', reset: '60' });
  });

  it('errors count too, and carry the headers', async () => {
    const k = await newKey();
    for (let i = 0; i < 5; i++) {
      const r = await h.call('GET', '/api/v1/workspaces/wsp_missing', { key: k.key });
      expect(r.status).toBe(404);
      expect(limitHeaders(r).remaining).toBe(String(4 - i));
    }
    expect((await h.call('GET', '/api/v1/me', { key: k.key })).status).toBe(429);
  });
});

describe('per IP without a key', () => {
  const fromIp = (ip: string, extra: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': `${ip}, 10.0.0.1`, ...extra } });

  it('limits anonymous calls per client IP (first X-Forwarded-For address behind a trusted proxy)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await h.call('GET', '/api/v1/health', fromIp('203.0.113.7'));
      expect(r.status).toBe(200);
      expect(limitHeaders(r)).toEqual({ limit: '3', remaining: String(2 - i), reset: '50' });
    }
    const fourth = await h.call('GET', '/api/v1/health', fromIp('203.0.113.7'));
    expectError(fourth, 429, 'RATE_LIMITED');
    expect(fourth.headers.get('retry-after')).toBe('50');
    // Another IP is unaffected; so is a key used from the limited IP.
    expect((await h.call('GET', '/api/v1/health', fromIp('203.0.113.8'))).status).toBe(200);
    const keyed = await h.call('GET', '/api/v1/me', { key: h.admin.key, ...fromIp('203.0.113.7') });
    expect(keyed.status).toBe(200);
    expect(limitHeaders(keyed).limit).toBe('5');
  });

  it('unauthenticated calls to protected endpoints and login attempts count against the IP', async () => {
    const ip = '198.51.100.1';
    expect((await h.call('GET', '/api/v1/me', fromIp(ip))).status).toBe(401);
    expect((await h.call('POST', '/api/v1/auth/login', { body: { email: 'x@example.com', password: 'guess' }, ...fromIp(ip) })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/setup', fromIp(ip))).status).toBe(200);
    expectError(await h.call('POST', '/api/v1/auth/login', { body: { email: 'x@example.com', password: 'guess' }, ...fromIp(ip) }), 429, 'RATE_LIMITED');
  });

  it('requests with a wrong key count against the IP too (guessing keys is rate-limited) and carry the headers', async () => {
    const ip = '198.51.100.2';
    for (let i = 0; i < 3; i++) {
      const r = await h.call('GET', '/api/v1/me', { key: `mc_usr_guess${i}`, ...fromIp(ip) });
      expectError(r, 401, 'UNAUTHENTICATED');
      expect(limitHeaders(r)).toEqual({ limit: '3', remaining: String(2 - i), reset: '50' });
    }
    expectError(await h.call('GET', '/api/v1/me', { key: 'mc_usr_guess4', ...fromIp(ip) }), 429, 'RATE_LIMITED');
    expectError(await h.call('GET', '/api/v1/me', { headers: { authorization: 'Basic Zm9vOmJhcg==', 'x-forwarded-for': ip } }), 429, 'RATE_LIMITED');
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: spoofing it does not escape the limit', async () => {
    const t = await createHarness({ clock, trustProxy: false, limits: { anonPerMinute: 2 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await t.call('GET', '/api/v1/health', fromIp(`192.0.2.${i}`))).status);
      expect(codes).toEqual([200, 200, 429, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('one instance counts exactly', () => {
  // No timer flushes here: each test starts its flushes itself.
  const manual = () => new RateLimiter(h.database.db, clock, { windowMs: 60_000, flushMs: 3_600_000 });

  it('hits accepted while a flush is writing are still counted', async () => {
    const limiter = manual();
    const bucket = `test:${uniq('inflight')}`;
    try {
      for (let i = 0; i < 4; i++) expect((await limiter.hit(bucket, 5)).allowed).toBe(true);
      const flushing = limiter.flush(); // the 4 hits are on their way to the database
      expect(await limiter.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.hit(bucket, 5)).toMatchObject({ allowed: false, remaining: 0 });
      await flushing;
      expect(await limiter.hit(bucket, 5)).toMatchObject({ allowed: false, remaining: 0 });
      await limiter.flush();
      const rows = await h.database.db.query.rateLimits.findMany({ where: (r, { eq }) => eq(r.bucket, bucket) });
      expect(rows.map((r) => r.count)).toEqual([5]);
    } finally {
      await limiter.close();
    }
  });

  it("a flush that ends after the window rolled over does not charge the old window's count to the new one", async () => {
    const limiter = manual();
    const bucket = `test:${uniq('rollover')}`;
    try {
      for (let i = 0; i < 5; i++) expect((await limiter.hit(bucket, 5)).allowed).toBe(true);
      expect((await limiter.hit(bucket, 5)).allowed).toBe(false);
      const flushing = limiter.flush();
      clock.set(new Date(clock.now().getTime() + 60_000)); // next window
      expect(await limiter.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 4 });
      await flushing;
      expect(await limiter.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 3 });
    } finally {
      await limiter.close();
    }
  });
});

describe('across server instances sharing one database', () => {
  it('a second RateLimiter learns the shared count on its first hit; the first sees the second after its own flush', async () => {
    const bucket = `test:${uniq('shared')}`;
    const first = h.deps.rateLimiter;
    const second = new RateLimiter(h.database.db, clock);
    try {
      for (let i = 0; i < 2; i++) expect((await first.hit(bucket, 5)).allowed).toBe(true);
      await first.flush();

      // The second instance starts from the shared count (2), not from zero.
      expect(await second.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await second.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 1 });
      await second.flush(); // shared: 4

      // The first still believes 2 were used until it flushes; its flush reads back the shared total.
      expect(await first.hit(bucket, 5)).toMatchObject({ allowed: true, remaining: 2 });
      await first.flush(); // shared: 5
      expect(await first.hit(bucket, 5)).toMatchObject({ allowed: false, remaining: 0 });
      // And the second, once it flushes anything, also stops; a new instance refuses straight away.
      expect((await second.hit(bucket, 5)).allowed).toBe(true); // its view (4) is as of its last flush
      await second.flush();
      expect((await second.hit(bucket, 5)).allowed).toBe(false);
      const third = new RateLimiter(h.database.db, clock);
      expect(await third.hit(bucket, 5)).toMatchObject({ allowed: false, remaining: 0 });
      await third.close();
    } finally {
      await second.close();
    }
  });

  it("two app instances on one database share a key's limit", async () => {
    const k = await newKey();
    const limiter = new RateLimiter(h.database.db, clock);
    const other = createApiApp({ ...h.deps, rateLimiter: limiter });
    const callOther = (path: string) => other.app.request(`http://mc.test${path}`, { headers: { authorization: `Bearer ${k.key}` } });
    try {
      for (let i = 0; i < 3; i++) expect((await h.call('GET', '/api/v1/me', { key: k.key })).status).toBe(200);
      await h.deps.rateLimiter.flush();
      // The other instance starts from the 3 hits already counted: 2 more, then 429.
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await callOther('/api/v1/me'));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 429, 429]);
      expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0', '0']);
      await limiter.flush();
      // The first instance learns the other's hits with its next flush (it may accept one more before: its view is
      // as of its last flush), and refuses from then on.
      expect((await h.call('GET', '/api/v1/me', { key: k.key })).status).toBe(200);
      await h.deps.rateLimiter.flush();
      expectError(await h.call('GET', '/api/v1/me', { key: k.key }), 429, 'RATE_LIMITED');
    } finally {
      await limiter.close();
    }
  });
});
