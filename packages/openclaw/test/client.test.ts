// Unit tests of the gateway client's protocol mechanics against a tiny local WebSocket server (no OpenClaw).
import { afterEach, describe, expect, it } from 'vitest';
import {
  GatewayClient,
  GatewayRequestError,
  GatewayTimeoutError,
  GatewayUnavailableError,
  backoffDelay,
  encodeRequest,
  isAuthFailure,
  parseFrame,
  parseHelloOk,
  SUPPORTED_PROTOCOL,
  type GatewayState,
} from '../src/index';
import { FakeGateway } from './fake-gateway';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fake(opts: ConstructorParameters<typeof FakeGateway>[0] = {}): Promise<FakeGateway> {
  const g = await new FakeGateway(opts).start();
  cleanups.push(() => g.kill());
  return g;
}

function client(url: string, opts: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  const c = new GatewayClient({ url, token: 'secret-token', backoff: { initialMs: 20, maxMs: 200 }, ...opts });
  cleanups.push(() => c.close());
  return c;
}

/** Resolves when the client reaches `state` (the test's own timeout bounds it). */
function reach(c: GatewayClient, state: GatewayState): Promise<void> {
  if (c.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: { state: GatewayState }) => {
      if (s.state === state) {
        c.off('state', on);
        resolve();
      }
    };
    c.on('state', on);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('framing', () => {
  it('parses responses and events, and ignores anything else', () => {
    expect(parseFrame('{"type":"res","id":"a","ok":true,"payload":{"x":1}}')).toEqual({ type: 'res', id: 'a', ok: true, payload: { x: 1 } });
    expect(
      parseFrame('{"type":"res","id":"b","ok":false,"error":{"code":"UNAVAILABLE","message":"later","retryable":true,"retryAfterMs":1500}}'),
    ).toEqual({ type: 'res', id: 'b', ok: false, error: { code: 'UNAVAILABLE', message: 'later', retryable: true, retryAfterMs: 1500 } });
    expect(parseFrame('{"type":"event","event":"tick","payload":{"ts":1},"seq":7}')).toEqual({ type: 'event', event: 'tick', payload: { ts: 1 }, seq: 7 });
    expect(parseFrame('not json')).toBeNull();
    expect(parseFrame('[1,2]')).toBeNull();
    expect(parseFrame('{"type":"req","id":"x","method":"m"}')).toBeNull();
    expect(parseFrame('{"type":"res","ok":true}')).toBeNull();
    expect(parseFrame('{"type":"res","id":"c","ok":false,"error":"boom"}')).toMatchObject({ ok: false, error: { code: 'UNKNOWN' } });
  });

  it('encodes requests and reads hello-ok', () => {
    expect(JSON.parse(encodeRequest('1', 'health', {}))).toEqual({ type: 'req', id: '1', method: 'health', params: {} });
    expect(JSON.parse(encodeRequest('2', 'health'))).toEqual({ type: 'req', id: '2', method: 'health' });
    expect(parseHelloOk({ type: 'hello-ok', protocol: 4, server: { version: '2026.9.6' } }).server.version).toBe('2026.9.6');
    expect(() => parseHelloOk({ type: 'nope' })).toThrow();
  });

  it('classifies connect failures', () => {
    expect(isAuthFailure({ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } })).toBe(true);
    expect(isAuthFailure({ code: 'NOT_PAIRED', message: 'pairing required' })).toBe(true);
    expect(isAuthFailure({ code: 'INVALID_REQUEST', message: 'x', details: { code: 'PAIRING_REQUIRED' } })).toBe(true);
    expect(isAuthFailure({ code: 'INVALID_REQUEST', message: 'x', details: { code: 'AUTH_RATE_LIMITED' } })).toBe(false);
    expect(isAuthFailure({ code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH' } })).toBe(false);
    expect(isAuthFailure({ code: 'UNAVAILABLE', message: 'starting' })).toBe(false);
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and randomises the jitter fraction', () => {
    const o = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(0, o, () => 0)).toBe(50);
    expect(backoffDelay(0, o, () => 0.999999)).toBe(100);
    expect(backoffDelay(1, o, () => 0)).toBe(100);
    expect(backoffDelay(3, o, () => 0.999999)).toBe(800);
    expect(backoffDelay(4, o, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(500, o, () => 0)).toBe(500);
    expect(backoffDelay(2, { ...o, jitter: 0 }, () => 0.7)).toBe(400);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(5, o)));
    for (const d of seen) expect(d >= 500 && d <= 1_000).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('GatewayClient against a local server', () => {
  it('does the v4 handshake and reports what hello-ok says', async () => {
    const g = await fake({ tickIntervalMs: 12_345 });
    const c = client(g.url, { clientVersion: '9.9.9' }).start();
    const hello = await c.ready({ timeoutMs: 10_000 });
    expect(hello.protocol).toBe(4);
    expect(g.connects).toHaveLength(1);
    expect(g.connects[0]).toMatchObject({
      minProtocol: SUPPORTED_PROTOCOL.min,
      maxProtocol: SUPPORTED_PROTOCOL.max,
      client: { id: 'gateway-client', version: '9.9.9', platform: process.platform, mode: 'backend' },
      role: 'operator',
      scopes: ['operator.read', 'operator.write', 'operator.admin'],
      auth: { token: 'secret-token' },
    });
    expect(g.connects[0].device).toBeUndefined();
    const s = c.getStatus();
    expect(s).toMatchObject({ state: 'connected', serverVersion: 'fake-1.0', protocol: 4, tickIntervalMs: 12_345, lastError: null });
    expect(s.methods).toContain('agents.list');
  });

  it('matches responses to requests by id, whatever the order', async () => {
    const held: Array<{ id: string; n: number; send: (f: unknown) => void }> = [];
    const g = await fake({
      onRequest(method, params, send, id) {
        if (method !== 'echo') return undefined;
        held.push({ id, n: params.n, send });
        if (held.length === 3) for (const h of [...held].reverse()) h.send({ type: 'res', id: h.id, ok: true, payload: { n: h.n * 10 } });
        return undefined;
      },
    });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    const results = await Promise.all([1, 2, 3].map((n) => c.request<{ n: number }>('echo', { n })));
    expect(results.map((r) => r.n)).toEqual([10, 20, 30]);
  });

  it('times out a request that gets no answer, and cancels one on abort', async () => {
    const g = await fake({ onRequest: () => undefined });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    const err = await c.request<any>('never', {}, { timeoutMs: 50 }).catch((e: any) => e);
    expect(err).toBeInstanceOf(GatewayTimeoutError);
    expect(err.sent).toBe(true);
    const ac = new AbortController();
    const p = c.request<any>('never', {}, { timeoutMs: 60_000, signal: ac.signal }).catch((e: any) => e);
    ac.abort();
    expect((await p).name).toBe('AbortError');
    // the client keeps working
    expect(c.state).toBe('connected');
  });

  it('retries a retryable UNAVAILABLE after retryAfterMs, and gives up when the deadline does not allow it', async () => {
    const at: number[] = [];
    const g = await fake({
      onRequest(method, _p, send, id) {
        at.push(Date.now());
        if (method === 'limited' && at.length < 3) {
          send({ type: 'res', id, ok: false, error: { code: 'UNAVAILABLE', message: 'rate limited', retryable: true, retryAfterMs: 80 } });
          return undefined;
        }
        if (method === 'slow-limit') {
          send({ type: 'res', id, ok: false, error: { code: 'UNAVAILABLE', message: 'rate limited', retryable: true, retryAfterMs: 60_000 } });
          return undefined;
        }
        return { done: true };
      },
    });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    expect(await c.request('limited', {}, { timeoutMs: 30_000 })).toEqual({ done: true });
    expect(at).toHaveLength(3);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(75);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(75);

    const err = await c.request('slow-limit', {}, { timeoutMs: 5_000 }).catch((e: any) => e);
    expect(err).toBeInstanceOf(GatewayRequestError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', retryable: true, retryAfterMs: 60_000 });
    // a non-retryable error is not retried
    const g2 = await fake({
      onRequest(_m, _p, send, id) {
        send({ type: 'res', id, ok: false, error: { code: 'INVALID_REQUEST', message: 'bad params' } });
        return undefined;
      },
    });
    const c2 = client(g2.url).start();
    await c2.ready({ timeoutMs: 10_000 });
    await expect(c2.request('x', {})).rejects.toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(g2.requests).toHaveLength(1);
  });

  it('retries connect while the gateway answers retryable UNAVAILABLE (start-up)', async () => {
    const g = await fake({
      onConnect: (_p, attempt) =>
        attempt < 3 ? { ok: false, error: { code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 30 } } : { ok: true },
    });
    const states: GatewayState[] = [];
    const c = client(g.url);
    c.on('state', (s) => states.push(s.state));
    c.start();
    await c.ready({ timeoutMs: 10_000 });
    expect(g.connects).toHaveLength(3);
    expect(states).not.toContain('unreachable');
    expect(c.getStatus().lastError).toMatch(/UNAVAILABLE/);
  });

  it('goes unauthorized on a bad token and does not retry in a loop', async () => {
    const g = await fake({
      onConnect: () => ({
        ok: false,
        error: { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } },
      }),
    });
    const c = client(g.url, { backoff: { initialMs: 1, maxMs: 5 } }).start();
    await expect(c.ready({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(c.state).toBe('unauthorized');
    expect(c.getStatus().lastError).toMatch(/AUTH_TOKEN_MISMATCH/);
    expect(c.getStatus().lastErrorAt).toBeInstanceOf(Date);
    await sleep(200); // with a hot loop at 1–5 ms backoff this would be dozens of attempts
    expect(g.connects).toHaveLength(1);
    // requests fail at once, without waiting for their timeout
    await expect(c.request('health', {}, { timeoutMs: 60_000 })).rejects.toMatchObject({ name: 'GatewayUnavailableError', sent: false });
    // reconnectNow (e.g. after the token was fixed) tries again
    const refusedAgain = new Promise<void>((resolve) => c.once('state', () => resolve()));
    c.reconnectNow();
    await refusedAgain;
    expect(c.state).toBe('unauthorized');
    expect(g.connects.length).toBe(2);
  });

  it('while the device awaits pairing approval: unauthorized with the request id, retried slowly until approved', async () => {
    let approved = false;
    const g = await fake({
      onConnect: () =>
        approved
          ? { ok: true }
          : { ok: false, error: { code: 'NOT_PAIRED', message: 'pairing required', details: { code: 'PAIRING_REQUIRED', reason: 'not-paired', requestId: 'req-42' } } },
    });
    const c = client(g.url, { pairingRetryMs: 50, backoff: { initialMs: 1, maxMs: 1 } }).start();
    await reach(c, 'unauthorized');
    expect(c.getStatus()).toMatchObject({ pairingRequestId: 'req-42' });
    expect(c.getStatus().lastError).toContain('openclaw devices approve req-42');
    approved = true; // the operator approved it on the gateway
    await reach(c, 'connected');
    expect(c.getStatus().pairingRequestId).toBeNull();
    expect(g.connects.length).toBeGreaterThanOrEqual(2);
  });

  it('a hello-ok that grants no scopes (remote gateway, no device identity) is unauthorized, not connected', async () => {
    const g = await fake({ helloAuth: () => ({ method: 'token', role: 'operator', scopes: [] }) });
    const c = client(g.url).start();
    await expect(c.ready({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(c.getStatus()).toMatchObject({ state: 'unauthorized', grantedScopes: [] });
    expect(c.getStatus().lastError).toMatch(/no operator scopes.*device identity/);
  });

  it('ready() after reconnectNow() waits for the attempt under way', async () => {
    let ok = false;
    const g = await fake({
      onConnect: () => (ok ? { ok: true } : { ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } } }),
      helloAuth: (p) => ({ scopes: p.scopes }),
    });
    const c = client(g.url).start();
    await reach(c, 'unauthorized');
    ok = true;
    c.reconnectNow();
    await c.ready({ timeoutMs: 10_000 });
    expect(c.getStatus()).toMatchObject({ state: 'connected', grantedScopes: ['operator.read', 'operator.write', 'operator.admin'] });
  });

  it('declares a silent connection dead after 2 tick intervals and reconnects', async () => {
    const g = await fake({ tickIntervalMs: 60 });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    await reach(c, 'connecting');
    expect(c.getStatus().lastError).toMatch(/no traffic/);
    await reach(c, 'connected');
    expect(g.connections).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection that receives ticks', async () => {
    // ticks every 50 ms against a 600 ms limit (2 × 300 ms): only a 550 ms stall of this process could break it
    const g = await fake({ tickIntervalMs: 300, sendTicksEveryMs: 50 });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    const states: GatewayState[] = [];
    c.on('state', (s) => states.push(s.state));
    await sleep(1_500); // 2.5 limits
    expect(states).toEqual([]);
    expect(g.connections).toBe(1);
  });

  it('rejects in-flight requests at once when the gateway dies, goes unreachable, and reconnects after a restart', async () => {
    const g = await fake({ onRequest: () => undefined });
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    const inflight = c.request<any>('never', {}, { timeoutMs: 600_000 }).catch((e: any) => e);
    await sleep(20);
    await g.kill();
    const err = await inflight; // would hang for 10 minutes if the drop were not noticed
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect(err.sent).toBe(true);
    await reach(c, 'unreachable');
    await expect(c.request('health', {}, { timeoutMs: 600_000 })).rejects.toMatchObject({ name: 'GatewayUnavailableError', sent: false });
    await g.start(); // same port
    await reach(c, 'connected');
    expect(g.connects.length).toBeGreaterThanOrEqual(2);
  });

  it('delivers events to listeners and async iterators', async () => {
    const g = await fake();
    const c = client(g.url).start();
    await c.ready({ timeoutMs: 10_000 });
    const ac = new AbortController();
    const it = c.events({ filter: (e) => e.event === 'agent', signal: ac.signal });
    const waited = c.waitForEvent((e) => e.event === 'agent' && (e.payload as any).n === 2, { timeoutMs: 10_000 });
    g.broadcast('tick', {});
    g.broadcast('agent', { n: 1 });
    g.broadcast('agent', { n: 2 });
    expect((await waited).payload).toEqual({ n: 2 });
    const got: unknown[] = [];
    for await (const e of it) {
      got.push(e.payload);
      if (got.length === 2) ac.abort();
    }
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a request made while connecting waits for the connection (within its timeout)', async () => {
    const g = await fake({ onRequest: (m) => (m === 'health' ? { ok: true } : undefined) });
    const c = client(g.url).start();
    expect(c.state).toBe('connecting');
    expect(await c.request('health', {}, { timeoutMs: 10_000 })).toEqual({ ok: true });
  });

  it('close() rejects pending requests and ends iterators', async () => {
    const g = await fake({ onRequest: () => undefined });
    const c = new GatewayClient({ url: g.url, token: 't' }).start();
    await c.ready({ timeoutMs: 10_000 });
    const p = c.request('never', {}, { timeoutMs: 600_000 }).catch((e: any) => e);
    const it = c.events();
    const next = it.next();
    await c.close();
    expect(await p).toBeInstanceOf(GatewayUnavailableError);
    expect(await next).toEqual({ value: undefined, done: true });
    await expect(c.request('health')).rejects.toBeInstanceOf(GatewayUnavailableError);
  });
});
