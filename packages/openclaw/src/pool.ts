// One reconnecting client per gateway, for the gateways this process holds a lease on.
//
// The pool knows nothing of the database: targets come from `listTargets` (the coordinator decrypts tokens and
// identities), and `acquireLease(gatewayId)` decides whether this process may connect (on PostgreSQL an advisory
// lock, so N web processes keep one connection per gateway); it returns a release function, or null when another
// process holds the gateway. Live state changes (state, server version, protocol, hosted agents, last error) go to
// `onLiveState`, in order per gateway, for the coordinator to persist on the gateway row.
import { GatewayClient, type GatewayClientOptions, type GatewayEvent, type GatewayState, type RequestOptions } from './client';
import type { DeviceIdentity } from './device-identity';
import type { GatewayAgentInfo } from './methods';

export interface GatewayTarget {
  id: string;
  url: string;
  token: string;
  deviceIdentity?: DeviceIdentity | null;
  /** a device token the gateway issued after pairing, when one was stored */
  deviceToken?: string | null;
  /** the socket's DNS lookup for this gateway (address rules); not part of what makes a reconnect */
  lookup?: GatewayClientOptions['lookup'];
}

export type LeaseRelease = () => void | Promise<void>;

export interface HostedAgent {
  id: string;
  name: string;
}

export interface GatewayLiveState {
  state: GatewayState;
  serverVersion: string | null;
  protocol: number | null;
  /** the agents the gateway hosts, as of the last successful agents.list (kept while disconnected) */
  agents: HostedAgent[];
  lastError: string | null;
  lastErrorAt: Date | null;
}

export interface GatewayPoolOptions {
  listTargets: () => Promise<GatewayTarget[]>;
  acquireLease: (gatewayId: string) => Promise<LeaseRelease | null>;
  onLiveState?: (gatewayId: string, live: GatewayLiveState) => void | Promise<void>;
  onEvent?: (gatewayId: string, event: GatewayEvent) => void;
  /** the gateway issued a device token to our identity: store it (encrypted) with the gateway */
  onDeviceToken?: (gatewayId: string, deviceToken: string) => void | Promise<void>;
  /** failures of listTargets, acquireLease, callbacks or the agents refresh (never thrown) */
  onError?: (err: unknown, context: { gatewayId?: string; during: string }) => void;
  /** how often targets are re-listed and unheld leases retried, ms (default 30 000; 0 = only on refresh()) */
  refreshIntervalMs?: number;
  /** timeout of the agents.list call made on every connect, ms (default 10 000) */
  agentsTimeoutMs?: number;
  clientOptions?: Omit<GatewayClientOptions, 'url' | 'token' | 'deviceIdentity' | 'deviceToken'>;
}

/** The gateway is not connected from this process (another process holds its lease, or it is unknown). */
export class GatewayNotOwnedError extends Error {
  readonly gatewayId: string;
  constructor(gatewayId: string) {
    super(`gateway ${gatewayId} is not held by this process`);
    this.name = 'GatewayNotOwnedError';
    this.gatewayId = gatewayId;
  }
}

interface Entry {
  target: GatewayTarget;
  fingerprint: string;
  client: GatewayClient;
  release: LeaseRelease;
  live: GatewayLiveState;
  lastEmitted: string;
  emitChain: Promise<void>;
}

function fingerprint(t: GatewayTarget): string {
  return JSON.stringify([t.url, t.token, t.deviceIdentity?.deviceId ?? null, t.deviceIdentity?.privateKeyPem ?? null, t.deviceToken ?? null]);
}

export class GatewayPool {
  private readonly opts: GatewayPoolOptions;
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private stopped = false;

  constructor(opts: GatewayPoolOptions) {
    this.opts = opts;
  }

  /** First refresh, then a refresh every refreshIntervalMs. */
  async start(): Promise<void> {
    if (this.stopped) throw new Error('pool is stopped');
    await this.refresh();
    const every = this.opts.refreshIntervalMs ?? 30_000;
    if (every > 0 && !this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.refresh(), every);
      this.timer.unref?.();
    }
  }

  /**
   * Re-lists targets: connects to new ones whose lease this process gets, reconnects those whose url or
   * credentials changed, drops removed ones (closing the client and releasing the lease). Concurrent calls share
   * one pass, and a call during a pass triggers one more pass after it.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.refreshOnce();
        } while (this.refreshAgain && !this.stopped);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Closes every client and releases every lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing?.catch(() => {});
    await Promise.all([...this.entries.keys()].map((id) => this.drop(id)));
  }

  /**
   * Lets go of one gateway now: closes its client and calls its release (e.g. when the coordinator learns that its
   * lease is lost). The next refresh may take it again if the lease is free.
   */
  relinquish(gatewayId: string): Promise<void> {
    return this.drop(gatewayId);
  }

  /** Gateway ids this process holds. */
  owned(): string[] {
    return [...this.entries.keys()];
  }

  owns(gatewayId: string): boolean {
    return this.entries.has(gatewayId);
  }

  /** The client of a gateway this process holds (undefined otherwise). */
  client(gatewayId: string): GatewayClient | undefined {
    return this.entries.get(gatewayId)?.client;
  }

  live(gatewayId: string): GatewayLiveState | undefined {
    const e = this.entries.get(gatewayId);
    return e ? { ...e.live, agents: [...e.live.agents] } : undefined;
  }

  /** A request to a held gateway; GatewayNotOwnedError when another process holds it. */
  request<T = unknown>(gatewayId: string, method: string, params?: unknown, opts?: RequestOptions): Promise<T> {
    const e = this.entries.get(gatewayId);
    if (!e) return Promise.reject(new GatewayNotOwnedError(gatewayId));
    return e.client.request<T>(method, params, opts);
  }

  /** Re-reads the hosted agents of a held gateway (also done on every connect). */
  async refreshAgents(gatewayId: string): Promise<HostedAgent[]> {
    const e = this.entries.get(gatewayId);
    if (!e) throw new GatewayNotOwnedError(gatewayId);
    const r = await e.client.api.agentsList({ timeoutMs: this.opts.agentsTimeoutMs ?? 10_000 });
    const agents = (Array.isArray(r.agents) ? r.agents : [])
      .filter((a: GatewayAgentInfo) => typeof a?.id === 'string' && a.id)
      .map((a: GatewayAgentInfo) => ({ id: a.id, name: typeof a.name === 'string' && a.name ? a.name : a.id }));
    if (this.entries.get(gatewayId) === e) {
      e.live.agents = agents;
      this.emitLive(gatewayId, e);
    }
    return agents;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private report(err: unknown, during: string, gatewayId?: string): void {
    try {
      this.opts.onError?.(err, { gatewayId, during });
    } catch {
      // an error reporter that throws must not break the pool
    }
  }

  private async refreshOnce(): Promise<void> {
    if (this.stopped) return;
    let targets: GatewayTarget[];
    try {
      targets = await this.opts.listTargets();
    } catch (err) {
      this.report(err, 'listTargets');
      return;
    }
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const id of [...this.entries.keys()]) {
      if (!wanted.has(id)) await this.drop(id);
    }
    for (const t of targets) {
      if (this.stopped) return;
      const e = this.entries.get(t.id);
      if (e) {
        if (e.fingerprint !== fingerprint(t)) this.replaceClient(t.id, e, t);
        continue;
      }
      let release: LeaseRelease | null;
      try {
        release = await this.opts.acquireLease(t.id);
      } catch (err) {
        this.report(err, 'acquireLease', t.id);
        continue;
      }
      if (!release) continue;
      if (this.stopped || this.entries.has(t.id)) {
        await Promise.resolve(release()).catch((err) => this.report(err, 'releaseLease', t.id));
        continue;
      }
      const live: GatewayLiveState = { state: 'connecting', serverVersion: null, protocol: null, agents: [], lastError: null, lastErrorAt: null };
      const entry: Entry = {
        target: t,
        fingerprint: fingerprint(t),
        client: null as unknown as GatewayClient,
        release,
        live,
        lastEmitted: '',
        emitChain: Promise.resolve(),
      };
      this.entries.set(t.id, entry);
      entry.client = this.createClient(t.id, entry, t);
      this.emitLive(t.id, entry);
      entry.client.start();
    }
  }

  private createClient(gatewayId: string, entry: Entry, t: GatewayTarget): GatewayClient {
    const client = new GatewayClient({
      ...this.opts.clientOptions,
      url: t.url,
      token: t.token,
      ...(t.deviceIdentity ? { deviceIdentity: t.deviceIdentity } : {}),
      ...(t.deviceToken ? { deviceToken: t.deviceToken } : {}),
      ...(t.lookup ? { lookup: t.lookup } : {}),
    });
    client.on('state', (s) => {
      if (entry.client !== client) return;
      entry.live.state = s.state;
      entry.live.serverVersion = s.serverVersion;
      entry.live.protocol = s.protocol;
      entry.live.lastError = s.lastError;
      entry.live.lastErrorAt = s.lastErrorAt;
      this.emitLive(gatewayId, entry);
    });
    client.on('hello', () => {
      if (entry.client !== client) return;
      this.refreshAgents(gatewayId).catch((err) => this.report(err, 'agents.list', gatewayId));
    });
    client.on('event', (ev) => {
      if (entry.client !== client || !this.opts.onEvent) return;
      try {
        this.opts.onEvent(gatewayId, ev);
      } catch (err) {
        this.report(err, 'onEvent', gatewayId);
      }
    });
    client.on('deviceToken', (token) => {
      if (entry.client !== client || !this.opts.onDeviceToken) return;
      Promise.resolve()
        .then(() => this.opts.onDeviceToken!(gatewayId, token))
        .catch((err) => this.report(err, 'onDeviceToken', gatewayId));
    });
    return client;
  }

  private replaceClient(gatewayId: string, entry: Entry, t: GatewayTarget): void {
    const old = entry.client;
    entry.target = t;
    entry.fingerprint = fingerprint(t);
    entry.live = { ...entry.live, state: 'connecting' };
    entry.client = this.createClient(gatewayId, entry, t);
    void old.close();
    this.emitLive(gatewayId, entry);
    entry.client.start();
  }

  private async drop(gatewayId: string): Promise<void> {
    const e = this.entries.get(gatewayId);
    if (!e) return;
    this.entries.delete(gatewayId);
    await e.client.close();
    await e.emitChain;
    try {
      await e.release();
    } catch (err) {
      this.report(err, 'releaseLease', gatewayId);
    }
  }

  /** Sends the live state if it changed since the last one sent, keeping calls for one gateway in order. */
  private emitLive(gatewayId: string, e: Entry): void {
    const cb = this.opts.onLiveState;
    if (!cb) return;
    const snapshot: GatewayLiveState = { ...e.live, agents: [...e.live.agents] };
    const key = JSON.stringify(snapshot);
    if (key === e.lastEmitted) return;
    e.lastEmitted = key;
    e.emitChain = e.emitChain
      .then(() => cb(gatewayId, snapshot))
      .catch((err) => this.report(err, 'onLiveState', gatewayId));
  }
}
