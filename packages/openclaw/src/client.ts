// A reconnecting client for one OpenClaw gateway (WebSocket protocol v4).
//
// Lifecycle: start() opens the socket; the gateway sends `connect.challenge`; we answer `connect` (protocol range,
// client identity, operator role and scopes, token, and a signed device proof when a device identity is given);
// `hello-ok` makes the client `connected`. Afterwards:
//   - requests are matched to responses by id, each with its own timeout and optional AbortSignal; a retryable
//     `UNAVAILABLE` is retried after the gateway's `retryAfterMs` while the request's deadline allows;
//   - every inbound frame counts as traffic; `tick` events arrive every policy.tickIntervalMs, and 2× that without
//     traffic means the connection is dead: it is dropped and re-established;
//   - a dropped connection rejects every in-flight request at once (no caller waits for a dead gateway) and
//     reconnects with exponential backoff and jitter; authentication failures (`unauthorized`) are retried only
//     after a long pause (or never), not in a hot loop.
// Requests made while the client is `unreachable` or `unauthorized` fail immediately; while `connecting` they wait
// for the connection, at most until their own timeout.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import WebSocket from 'ws';
import { backoffDelay, type BackoffOptions } from './backoff';
import { signDeviceConnect, type DeviceIdentity } from './device-identity';
import { OpenClawApi } from './methods';
import { GatewayAbortError, GatewayRequestError, GatewayTimeoutError, GatewayUnavailableError } from './errors';
import {
  CLIENT_ID,
  CLIENT_MODE,
  DEFAULT_SCOPES,
  MAX_FRAME_BYTES,
  OPERATOR_ROLE,
  SUPPORTED_PROTOCOL,
  encodeRequest,
  errorDetailCode,
  isAuthFailure,
  parseFrame,
  parseHelloOk,
  type GatewayErrorShape,
  type HelloOk,
} from './protocol';

export type GatewayState = 'connecting' | 'connected' | 'unreachable' | 'unauthorized';

export interface GatewayStatus {
  state: GatewayState;
  /** when the client entered this state */
  since: Date;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** from the last hello-ok (kept while disconnected) */
  serverVersion: string | null;
  protocol: number | null;
  methods: string[];
  events: string[];
  tickIntervalMs: number | null;
  /**
   * set while the gateway holds this device for approval (state `unauthorized`): the operator runs
   * `openclaw devices approve <pairingRequestId>` on the gateway host; the client keeps retrying every pairingRetryMs
   */
  pairingRequestId: string | null;
  /** the operator scopes the gateway granted in the last hello-ok (null when it did not say) */
  grantedScopes: string[] | null;
}

export interface GatewayEvent {
  event: string;
  payload: unknown;
  seq?: number;
}

export interface GatewayClientOptions {
  /** ws:// or wss:// URL of the gateway */
  url: string;
  /** the gateway's shared token (gateway.auth.token) */
  token?: string;
  /** for gateways that require device pairing (remote ones) */
  deviceIdentity?: DeviceIdentity;
  /** a device token the gateway issued to this device after pairing (hello-ok auth.deviceToken) */
  deviceToken?: string;
  /** operator scopes to ask for (default read, write, admin) */
  scopes?: readonly string[];
  /** reported as client.version (default "mission-control") */
  clientVersion?: string;
  /** reported as client.platform (default process.platform) */
  platform?: string;
  /** default timeout of a request, ms (default 15 000) */
  requestTimeoutMs?: number;
  /** how long one connection attempt (socket open + challenge + hello-ok) may take, ms (default 10 000) */
  connectTimeoutMs?: number;
  /** reconnect delays (default 500 ms doubling to 30 s, half of each delay random) */
  backoff?: BackoffOptions;
  /** pause before trying again after an authentication failure, ms; null: never (default 300 000) */
  unauthorizedRetryMs?: number | null;
  /**
   * pause between tries while the device waits for pairing approval on the gateway, ms; null: never (default 30 000;
   * the gateway lets a pairing request expire after 5 minutes, so the retries also keep it fresh)
   */
  pairingRetryMs?: number | null;
  /** a connection is dead after this many tick intervals without traffic (default 2) */
  tickGraceFactor?: number;
  /** tick interval to assume when hello-ok has none, ms (default 30 000) */
  defaultTickIntervalMs?: number;
  /** fallback delay when a retryable error has no retryAfterMs, ms (default 1 000) */
  defaultRetryAfterMs?: number;
  /** random source for jitter, [0, 1) (tests pass their own) */
  random?: () => number;
  /**
   * the socket's DNS lookup (e.g. one that refuses internal addresses the caller's rules forbid); a refusal fails the
   * attempt like any connection error (`unreachable`, its message as lastError). Default: the system lookup.
   */
  lookup?: LookupFunction;
}

export interface RequestOptions {
  /** overall deadline for this request including retries, ms (default: the client's requestTimeoutMs) */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** retry retryable UNAVAILABLE answers after retryAfterMs while the deadline allows (default true) */
  retryUnavailable?: boolean;
}

export interface EventIteratorOptions {
  /** only events for which this returns true */
  filter?: (e: GatewayEvent) => boolean;
  /** ends the iteration */
  signal?: AbortSignal;
  /** events kept for a slow consumer before the oldest are dropped (default 1 000) */
  maxBuffer?: number;
}

interface Pending {
  method: string;
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
}

interface Connection {
  ws: WebSocket;
  phase: 'challenge' | 'hello' | 'open';
  connectId: string | null;
  /** a failure was already handled (reconnect scheduled); the close that follows only cleans up */
  handled: boolean;
  lastTrafficAt: number;
  tickMs: number;
  watchdog: NodeJS.Timeout | null;
  handshakeTimer: NodeJS.Timeout | null;
  pending: Map<string, Pending>;
}

export interface GatewayClientEvents {
  state: [GatewayStatus];
  hello: [HelloOk];
  event: [GatewayEvent];
  /** the gateway issued a device token (store it with the identity) */
  deviceToken: [string];
  /** close() was called */
  closed: [];
}

export class GatewayClient extends EventEmitter<GatewayClientEvents> {
  readonly url: string;
  private readonly opts: GatewayClientOptions;
  private status: GatewayStatus;
  private conn: Connection | null = null;
  private started = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private waiters = new Set<() => void>();
  private hello: HelloOk | null = null;
  /** typed helpers for the methods Mission Control uses */
  readonly api: OpenClawApi = new OpenClawApi(this);

  constructor(opts: GatewayClientOptions) {
    super();
    if (!/^wss?:\/\//i.test(opts.url)) throw new Error('gateway url must start with ws:// or wss://');
    this.url = opts.url;
    this.opts = { ...opts };
    this.status = {
      state: 'connecting',
      since: new Date(),
      lastError: null,
      lastErrorAt: null,
      serverVersion: null,
      protocol: null,
      methods: [],
      events: [],
      tickIntervalMs: null,
      pairingRequestId: null,
      grantedScopes: null,
    };
  }

  /** A copy of the live status. */
  getStatus(): GatewayStatus {
    return {
      ...this.status,
      methods: [...this.status.methods],
      events: [...this.status.events],
      grantedScopes: this.status.grantedScopes ? [...this.status.grantedScopes] : null,
    };
  }

  get state(): GatewayState {
    return this.status.state;
  }

  /** The last hello-ok (null before the first connection). */
  get helloOk(): HelloOk | null {
    return this.hello;
  }

  /** Begins connecting (and reconnecting) in the background. Idempotent. */
  start(): this {
    if (this.closed) throw new Error('client is closed');
    if (!this.started) {
      this.started = true;
      this.openConnection();
    }
    return this;
  }

  /** Skips the current backoff pause (e.g. after the operator fixed a token) and connects now. */
  reconnectNow(): void {
    if (this.closed || !this.started) return;
    if (this.conn && !this.conn.handled) return; // connected, or an attempt is already under way
    this.clearReconnectTimer();
    this.openConnection();
  }

  /** Resolves once connected; rejects on `unauthorized`, on timeout, on abort or when the client is closed. */
  async ready(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HelloOk> {
    const timeoutMs = opts.timeoutMs ?? this.opts.connectTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new GatewayUnavailableError('connect', 'closed', false);
      if (this.status.state === 'connected' && this.hello) return this.hello;
      if (this.status.state === 'unauthorized' && !this.attemptInFlight()) {
        throw new GatewayUnavailableError('connect', 'unauthorized', false, this.status.lastError ?? undefined);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new GatewayTimeoutError('connect', timeoutMs, false);
      await this.waitForChange(left, opts.signal, 'connect');
    }
  }

  /** Closes the connection for good: in-flight requests are rejected, timers cleared, iterators ended. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearReconnectTimer();
    const conn = this.conn;
    this.conn = null;
    if (conn) {
      this.teardown(conn, 'client closed');
      await new Promise<void>((resolve) => {
        if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
        conn.ws.once('close', () => resolve());
        conn.ws.terminate();
      });
    }
    this.wake();
    this.emit('closed');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // requests

  /** Sends one request and resolves with the response payload (see RequestOptions for timeouts and retries). */
  async request<T = unknown>(method: string, params?: unknown, opts: RequestOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeoutMs;
    const retry = opts.retryUnavailable !== false;
    for (;;) {
      if (opts.signal?.aborted) throw new GatewayAbortError(method);
      if (this.closed) throw new GatewayUnavailableError(method, 'closed', false);
      if (this.status.state !== 'connected' || this.conn?.phase !== 'open') {
        if (this.status.state === 'connecting' && this.started) {
          const left = deadline - Date.now();
          if (left <= 0) throw new GatewayTimeoutError(method, timeoutMs, false);
          await this.waitForChange(left, opts.signal, method);
          continue;
        }
        throw new GatewayUnavailableError(method, this.started ? this.status.state : 'not started', false, this.status.lastError ?? undefined);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new GatewayTimeoutError(method, timeoutMs, false);
      try {
        return (await this.sendOnce(this.conn, method, params, left, timeoutMs, opts.signal)) as T;
      } catch (err) {
        if (!(err instanceof GatewayRequestError) || !retry || !err.retryable || err.code !== 'UNAVAILABLE') throw err;
        const delay = err.retryAfterMs ?? this.opts.defaultRetryAfterMs ?? 1_000;
        if (Date.now() + delay >= deadline) throw err;
        await this.sleep(delay, opts.signal, method);
      }
    }
  }

  private sendOnce(conn: Connection, method: string, params: unknown, leftMs: number, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const id = randomUUID();
      let timer: NodeJS.Timeout | null = null;
      const onAbort = () => settle(new GatewayAbortError(method));
      const settle = (err: Error | null, payload?: unknown) => {
        if (!conn.pending.delete(id)) return;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(payload);
      };
      conn.pending.set(id, { method, resolve: (p) => settle(null, p), reject: (e) => settle(e) });
      timer = setTimeout(() => settle(new GatewayTimeoutError(method, timeoutMs, true)), leftMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        conn.ws.send(encodeRequest(id, method, params));
      } catch (err) {
        settle(new GatewayUnavailableError(method, this.status.state, false, err instanceof Error ? err.message : String(err)));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // events

  /** Async iteration over gateway events (ends on abort or close). */
  events(opts: EventIteratorOptions = {}): AsyncIterableIterator<GatewayEvent> {
    const max = opts.maxBuffer ?? 1_000;
    const buffer: GatewayEvent[] = [];
    let notify: (() => void) | null = null;
    let done = false;
    const onEvent = (e: GatewayEvent) => {
      if (opts.filter && !opts.filter(e)) return;
      buffer.push(e);
      if (buffer.length > max) buffer.shift();
      notify?.();
    };
    const finish = () => {
      if (done) return;
      done = true;
      this.off('event', onEvent);
      this.off('closed', finish);
      opts.signal?.removeEventListener('abort', finish);
      notify?.();
    };
    this.on('event', onEvent);
    this.on('closed', finish);
    if (opts.signal?.aborted || this.closed) finish();
    else opts.signal?.addEventListener('abort', finish, { once: true });
    const it: AsyncIterableIterator<GatewayEvent> = {
      next: async () => {
        for (;;) {
          if (buffer.length > 0) return { value: buffer.shift()!, done: false };
          if (done) return { value: undefined, done: true };
          await new Promise<void>((r) => (notify = r));
          notify = null;
        }
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return it;
      },
    };
    return it;
  }

  /** The first event matching `predicate` (rejects on timeout, abort or close). */
  async waitForEvent(predicate: (e: GatewayEvent) => boolean, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<GatewayEvent> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), opts.timeoutMs);
    const onOuter = () => ac.abort();
    opts.signal?.addEventListener('abort', onOuter, { once: true });
    try {
      for await (const e of this.events({ filter: predicate, signal: ac.signal })) return e;
      if (opts.signal?.aborted) throw new GatewayAbortError('waitForEvent');
      if (this.closed) throw new GatewayUnavailableError('waitForEvent', 'closed', false);
      throw new GatewayTimeoutError('waitForEvent', opts.timeoutMs, true);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuter);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // connection management

  private attemptInFlight(): boolean {
    return this.conn !== null && !this.conn.handled && this.conn.phase !== 'open';
  }

  private openConnection(): void {
    if (this.closed) return;
    if (this.status.state === 'connected') this.setState('connecting');
    const ws = new WebSocket(this.url, {
      handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      ...(this.opts.lookup ? { lookup: this.opts.lookup } : {}),
    });
    const conn: Connection = {
      ws,
      phase: 'challenge',
      connectId: null,
      handled: false,
      lastTrafficAt: Date.now(),
      tickMs: 0,
      watchdog: null,
      handshakeTimer: null,
      pending: new Map(),
    };
    this.conn = conn;
    conn.handshakeTimer = setTimeout(
      () => this.failAttempt(conn, { kind: 'unreachable', message: `no hello-ok within ${this.opts.connectTimeoutMs ?? 10_000} ms` }),
      this.opts.connectTimeoutMs ?? 10_000,
    );
    ws.on('message', (data, isBinary) => {
      if (this.conn !== conn) return;
      conn.lastTrafficAt = Date.now();
      if (isBinary) return;
      const frame = parseFrame(data.toString());
      if (frame) this.onFrame(conn, frame);
    });
    ws.on('error', (err) => {
      if (this.conn !== conn) return;
      if (conn.phase !== 'open') this.failAttempt(conn, { kind: 'unreachable', message: err.message || String(err) });
      else this.noteError(err.message || String(err));
    });
    ws.on('close', (code, reason) => {
      if (this.conn !== conn) return;
      const why = `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
      if (conn.phase === 'open') this.dropConnection(conn, why);
      else this.failAttempt(conn, { kind: 'unreachable', message: why });
    });
  }

  private onFrame(conn: Connection, frame: NonNullable<ReturnType<typeof parseFrame>>): void {
    if (frame.type === 'event') {
      if (conn.phase === 'challenge' && frame.event === 'connect.challenge') {
        this.sendConnect(conn, frame.payload);
        return;
      }
      if (conn.phase !== 'open') return;
      this.emit('event', { event: frame.event, payload: frame.payload, ...(frame.seq !== undefined ? { seq: frame.seq } : {}) });
      return;
    }
    if (conn.phase === 'hello' && frame.id === conn.connectId) {
      if (frame.ok) this.onHello(conn, frame.payload);
      else this.onConnectRefused(conn, frame.error);
      return;
    }
    const p = conn.pending.get(frame.id);
    if (!p) return; // late answer to a request that timed out or was aborted
    if (frame.ok) p.resolve(frame.payload);
    else p.reject(new GatewayRequestError(p.method, frame.error));
  }

  private sendConnect(conn: Connection, challenge: unknown): void {
    const c = (challenge ?? {}) as { nonce?: unknown; ts?: unknown };
    const nonce = typeof c.nonce === 'string' ? c.nonce : '';
    if (!nonce) return this.failAttempt(conn, { kind: 'unreachable', message: 'connect.challenge without nonce' });
    const scopes = [...(this.opts.scopes ?? DEFAULT_SCOPES)];
    const platform = this.opts.platform ?? process.platform;
    const token = this.opts.token;
    const auth: Record<string, string> = {};
    if (token) auth.token = token;
    if (this.opts.deviceToken) auth.deviceToken = this.opts.deviceToken;
    const params: Record<string, unknown> = {
      minProtocol: SUPPORTED_PROTOCOL.min,
      maxProtocol: SUPPORTED_PROTOCOL.max,
      client: { id: CLIENT_ID, version: this.opts.clientVersion ?? 'mission-control', platform, mode: CLIENT_MODE },
      role: OPERATOR_ROLE,
      scopes,
      auth,
    };
    if (this.opts.deviceIdentity) {
      params.device = signDeviceConnect(this.opts.deviceIdentity, {
        clientId: CLIENT_ID,
        clientMode: CLIENT_MODE,
        role: OPERATOR_ROLE,
        scopes,
        // OpenClaw's own client signs with the challenge time; the gateway allows ±2 minutes
        signedAtMs: typeof c.ts === 'number' ? c.ts : Date.now(),
        token: token ?? this.opts.deviceToken ?? null,
        nonce,
        platform,
      });
    }
    conn.phase = 'hello';
    conn.connectId = randomUUID();
    try {
      conn.ws.send(encodeRequest(conn.connectId, 'connect', params));
    } catch (err) {
      this.failAttempt(conn, { kind: 'unreachable', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private onHello(conn: Connection, payload: unknown): void {
    let hello: HelloOk;
    try {
      hello = parseHelloOk(payload);
    } catch (err) {
      return this.failAttempt(conn, { kind: 'unreachable', message: err instanceof Error ? err.message : String(err) });
    }
    const granted = Array.isArray(hello.auth?.scopes) ? hello.auth.scopes.filter((x): x is string => typeof x === 'string') : null;
    this.status.grantedScopes = granted;
    if (granted && granted.length === 0) {
      // A remote gateway accepts a token-only backend connection but strips every scope: nothing would work.
      return this.failAttempt(conn, {
        kind: 'unauthorized',
        message: this.opts.deviceIdentity
          ? 'the gateway granted no operator scopes to this device'
          : 'the gateway granted no operator scopes: from a non-loopback address it needs a device identity (set deviceIdentity, then approve the device on the gateway)',
      });
    }
    if (conn.handshakeTimer) clearTimeout(conn.handshakeTimer);
    conn.handshakeTimer = null;
    conn.phase = 'open';
    this.attempt = 0;
    this.hello = hello;
    const tick = hello.policy?.tickIntervalMs;
    conn.tickMs = typeof tick === 'number' && tick > 0 ? tick : (this.opts.defaultTickIntervalMs ?? 30_000);
    this.status.serverVersion = hello.server.version;
    this.status.protocol = hello.protocol;
    this.status.methods = Array.isArray(hello.features?.methods) ? hello.features.methods.filter((m) => typeof m === 'string') : [];
    this.status.events = Array.isArray(hello.features?.events) ? hello.features.events.filter((m) => typeof m === 'string') : [];
    this.status.tickIntervalMs = conn.tickMs;
    this.status.pairingRequestId = null;
    this.armWatchdog(conn);
    this.setState('connected');
    this.emit('hello', hello);
    const dt = hello.auth?.deviceToken;
    if (typeof dt === 'string' && dt && dt !== this.opts.deviceToken) {
      this.opts.deviceToken = dt;
      this.emit('deviceToken', dt);
    }
  }

  private onConnectRefused(conn: Connection, err: GatewayErrorShape): void {
    const detail = errorDetailCode(err);
    let message = `connect refused: ${err.code}${detail ? `/${detail}` : ''}${err.message ? ` ${err.message}` : ''}`;
    const pairing = pairingRequestId(err);
    if (pairing !== undefined) {
      this.status.pairingRequestId = pairing;
      if (pairing) message += ` (approve on the gateway host: openclaw devices approve ${pairing})`;
      return this.failAttempt(conn, { kind: 'unauthorized', message, delayMs: this.opts.pairingRetryMs === undefined ? 30_000 : this.opts.pairingRetryMs });
    }
    if (err.retryable && err.code === 'UNAVAILABLE') {
      return this.failAttempt(conn, { kind: 'retry', message, delayMs: err.retryAfterMs ?? this.opts.defaultRetryAfterMs ?? 1_000 });
    }
    this.failAttempt(conn, { kind: isAuthFailure(err) ? 'unauthorized' : 'unreachable', message });
  }

  /** A connection attempt failed: record why, close the socket, schedule the next attempt. */
  private failAttempt(conn: Connection, f: { kind: 'unreachable' | 'unauthorized' | 'retry'; message: string; delayMs?: number | null }): void {
    if (this.conn !== conn || conn.handled || conn.phase === 'open') return;
    conn.handled = true;
    this.teardown(conn, f.message);
    this.noteError(f.message);
    let delay: number | null;
    if (f.kind === 'unauthorized') {
      delay = f.delayMs !== undefined ? f.delayMs : this.opts.unauthorizedRetryMs === undefined ? 300_000 : this.opts.unauthorizedRetryMs;
      this.setState('unauthorized');
    } else if (f.kind === 'retry') {
      // the gateway is up but not ready (start-up): the state stays as it is, the gateway says when to come back
      delay = f.delayMs ?? 1_000;
      this.emitStatus();
    } else {
      delay = backoffDelay(this.attempt++, this.opts.backoff, this.opts.random);
      this.setState('unreachable');
    }
    if (delay !== null) this.scheduleReconnect(delay);
  }

  /** An open connection was lost: reject in-flight requests now, reconnect soon. */
  private dropConnection(conn: Connection, why: string): void {
    if (this.conn !== conn || conn.handled) return;
    conn.handled = true;
    this.teardown(conn, why);
    this.noteError(why);
    this.setState('connecting');
    this.scheduleReconnect(backoffDelay(this.attempt++, this.opts.backoff, this.opts.random));
  }

  private teardown(conn: Connection, why: string): void {
    if (conn.handshakeTimer) clearTimeout(conn.handshakeTimer);
    if (conn.watchdog) clearTimeout(conn.watchdog);
    conn.handshakeTimer = null;
    conn.watchdog = null;
    // each reject settles (and removes) its own entry
    for (const p of [...conn.pending.values()]) p.reject(new GatewayUnavailableError(p.method, this.status.state, true, why));
    conn.ws.removeAllListeners('message');
    conn.ws.on('error', () => {});
    if (conn.ws.readyState !== WebSocket.CLOSED) conn.ws.terminate();
  }

  private armWatchdog(conn: Connection): void {
    const limit = conn.tickMs * (this.opts.tickGraceFactor ?? 2);
    const check = () => {
      conn.watchdog = null;
      if (this.conn !== conn || conn.phase !== 'open') return;
      const idle = Date.now() - conn.lastTrafficAt;
      if (idle >= limit) {
        this.dropConnection(conn, `no traffic for ${idle} ms (tick interval ${conn.tickMs} ms)`);
        return;
      }
      conn.watchdog = setTimeout(check, limit - idle);
    };
    conn.watchdog = setTimeout(check, limit);
  }

  private scheduleReconnect(delayMs: number): void {
    this.clearReconnectTimer();
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openConnection();
    }, delayMs);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private noteError(message: string): void {
    this.status.lastError = message;
    this.status.lastErrorAt = new Date();
  }

  private setState(state: GatewayState): void {
    if (this.status.state !== state) {
      this.status.state = state;
      this.status.since = new Date();
    }
    this.emitStatus();
  }

  private emitStatus(): void {
    this.wake();
    if (!this.closed) this.emit('state', this.getStatus());
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Waits for the next status change (or timeout/abort); used by ready() and by requests while connecting. */
  private waitForChange(ms: number, signal: AbortSignal | undefined, method: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(new GatewayAbortError(method));
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private sleep(ms: number, signal: AbortSignal | undefined, method: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new GatewayAbortError(method));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * For a connect refused because the device awaits pairing approval: the gateway's pairing request id ("" when it
 * gave none). undefined for any other refusal.
 */
function pairingRequestId(err: GatewayErrorShape): string | undefined {
  const detail = errorDetailCode(err);
  if (err.code !== 'NOT_PAIRED' || detail === 'DEVICE_IDENTITY_REQUIRED' || detail === 'AUTH_VERIFIED_USER_REQUIRED') return undefined;
  const d = err.details as { requestId?: unknown } | undefined;
  return typeof d?.requestId === 'string' ? d.requestId : '';
}
