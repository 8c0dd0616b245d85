// The gateway runtime of a process (issue 15): one reconnecting OpenClaw client per gateway whose lease this process
// holds (GatewayPool, @mc/openclaw), its live state written on the gateway row, and the registered handlers
// (GatewayHandlers, packages/core) driven from the connection: onConnected then onWork after every (re)connect,
// onWork on the `mc_gateway_work` signal, onSyncRequested on a sync, onEvent for every event frame, onTick every
// ~30 s. Requests never talk to a gateway: they write rows and signal; nothing in a request path awaits the pool.
//
// Ownership: on PostgreSQL a session advisory lock per gateway (Database.tryLease, one dedicated connection per
// process), so N processes keep ONE connection per gateway and another takes over within a refresh interval when
// the owner dies (or its lock connection drops: the pool lets the gateway go at once). The embedded database has
// one process, which owns every gateway.
import { createHash } from 'node:crypto';
import {
  GATEWAY_WORK_CHANNEL,
  GATEWAYS_CHANNEL,
  gatewayLookup,
  listGatewaysForConnection,
  recordGatewayState,
  saveGatewayDeviceIdentity,
  type Ctx,
  type GatewayForConnection,
  type GatewayHandlers,
  type GatewaysChangedSignal,
} from '@mc/core';
import type { Database } from '@mc/db';
import {
  GatewayPool,
  generateDeviceIdentity,
  parseDeviceIdentity,
  serializeDeviceIdentity,
  type DeviceIdentity,
  type GatewayClientOptions,
  type GatewayLiveState,
  type GatewayTarget,
} from '@mc/openclaw';

/** How often each owned, connected gateway's handlers get onTick. */
export const GATEWAY_TICK_MS = 30_000;
/** How long shutdown waits for handlers still running. */
export const GATEWAY_STOP_WAIT_MS = 5_000;
/** How often targets are re-listed and unheld leases retried (a dead owner's gateways are taken over within this). */
export const GATEWAY_REFRESH_MS = 30_000;

export interface GatewayRuntimeOptions {
  /** The process's database: LISTEN for the signals, and the leases. */
  database: Pick<Database, 'listen' | 'onListenReconnect' | 'tryLease'>;
  /** Registered handlers, called in order for each hook. */
  handlers: GatewayHandlers[];
  tickMs?: number;
  refreshIntervalMs?: number;
  clientOptions?: Omit<GatewayClientOptions, 'url' | 'token' | 'deviceIdentity' | 'deviceToken' | 'lookup'>;
  /** Where failures are logged (default console.error). Messages never carry tokens. */
  log?: (line: string) => void;
}

export interface GatewayRuntime {
  readonly pool: GatewayPool;
  /** LISTEN on the signals and start the pool (does not wait for any gateway). */
  start(): Promise<void>;
  /** Close every client and release every lease. */
  stop(): Promise<void>;
  /** Gateway ids this process owns (holds the lease of). */
  owned(): string[];
}

/** A stable signed 64-bit advisory-lock key for a gateway id. */
export function gatewayLeaseKey(gatewayId: string): bigint {
  return createHash('sha256').update(`mc.gateway:${gatewayId}`).digest().readBigInt64BE(0);
}

type Job = 'connected' | 'sync' | 'work' | 'tick';

/** The stored device record: the identity (serialized) plus a device token the gateway issued, if any. */
function readDevice(text: string | null): { identity: DeviceIdentity | null; deviceToken: string | null } {
  if (!text) return { identity: null, deviceToken: null };
  try {
    const v = JSON.parse(text) as { deviceToken?: unknown };
    return { identity: parseDeviceIdentity(text), deviceToken: typeof v.deviceToken === 'string' ? v.deviceToken : null };
  } catch {
    return { identity: null, deviceToken: null };
  }
}

function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '::1' || /^127\./.test(h);
  } catch {
    return false;
  }
}

const short = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 300);

export function createGatewayRuntime(ctx: Ctx, opts: GatewayRuntimeOptions): GatewayRuntime {
  const log = opts.log ?? ((line: string) => console.error(line));
  const { database, handlers } = opts;
  const targets = new Map<string, GatewayTarget & { storedIdentity: boolean }>();
  /** Why a gateway is skipped (token does not open, address refused), as last recorded by this process. */
  const skipped = new Map<string, string>();
  const lastState = new Map<string, string>();
  const lastErrorAt = new Map<string, number>();
  const lastAgents = new Map<string, string>();
  const queues = new Map<string, { pending: Set<Job>; running: Promise<void> | null }>();
  const unlistens: (() => Promise<void> | void)[] = [];
  let tick: NodeJS.Timeout | null = null;
  let stopped = false;

  const listTargets = async (): Promise<GatewayTarget[]> => {
    const rows = await listGatewaysForConnection(ctx);
    const out: GatewayTarget[] = [];
    const seen = new Set<string>();
    for (const g of rows) {
      seen.add(g.id);
      const reason = g.openError ? `the token cannot be opened: ${g.openError}` : g.addressRefused ? `address refused: ${g.addressRefused}` : !g.token ? 'no token' : null;
      if (reason) {
        await recordSkipped(g, reason);
        continue;
      }
      skipped.delete(g.id);
      const device = readDevice(g.deviceIdentity);
      const t = {
        id: g.id,
        url: g.url,
        token: g.token!,
        deviceIdentity: device.identity,
        deviceToken: device.deviceToken,
        lookup: gatewayLookup(g.addressPolicy),
        storedIdentity: device.identity !== null,
      };
      targets.set(g.id, t);
      out.push(t);
    }
    for (const id of [...targets.keys()]) if (!seen.has(id)) targets.delete(id);
    return out;
  };

  const recordSkipped = async (g: GatewayForConnection, reason: string) => {
    if (skipped.get(g.id) === reason) return;
    skipped.set(g.id, reason);
    const state = g.openError || !g.token ? 'unauthorized' : 'unreachable';
    await recordGatewayState(ctx, g.id, { state, error: reason }).catch((err) => log(`[gateways] recording the state of ${g.id} failed: ${short(err)}`));
  };

  const acquireLease = async (gatewayId: string) => {
    let lost = false;
    const release = await database.tryLease(gatewayLeaseKey(gatewayId), () => {
      // The lock connection dropped: the lease is gone, another process may take the gateway now.
      lost = true;
      log(`[gateways] lease of ${gatewayId} lost; letting the gateway go`);
      void pool.relinquish(gatewayId);
    });
    if (!release) return null;
    // A gateway reached over the network pairs as a device: give it an identity (stored sealed) before connecting.
    const t = targets.get(gatewayId);
    if (t && !t.deviceIdentity && !isLoopbackUrl(t.url) && ctx.config.secrets) {
      const identity = generateDeviceIdentity();
      try {
        if (await saveGatewayDeviceIdentity(ctx, gatewayId, serializeDeviceIdentity(identity))) t.deviceIdentity = identity;
      } catch (err) {
        log(`[gateways] storing the device identity of ${gatewayId} failed: ${short(err)}`);
      }
    }
    return async () => {
      const wasConnected = lastState.get(gatewayId) === 'connected';
      lastState.delete(gatewayId);
      lastErrorAt.delete(gatewayId);
      lastAgents.delete(gatewayId);
      if (wasConnected) disconnected(gatewayId);
      // Letting go while still holding the lease (shutdown, a changed or refused gateway): the row no longer says
      // connected; whoever takes the lease next writes its own state after this. A lost lease writes nothing (another
      // process may own the gateway already); neither does a gateway skipped for a reason already recorded.
      if (!lost && !skipped.has(gatewayId)) {
        await recordGatewayState(ctx, gatewayId, { state: 'connecting' }).catch((err) => log(`[gateways] recording the state of ${gatewayId} failed: ${short(err)}`));
      }
      await release();
    };
  };

  const onLiveState = async (gatewayId: string, live: GatewayLiveState) => {
    const prev = lastState.get(gatewayId);
    lastState.set(gatewayId, live.state);
    const errAt = live.lastErrorAt?.getTime() ?? 0;
    const newError = live.lastError && errAt !== lastErrorAt.get(gatewayId) ? live.lastError : null;
    if (newError) lastErrorAt.set(gatewayId, errAt);
    const agentsKey = JSON.stringify(live.agents);
    // The pool reports [] until the first agents.list of a connection answers: only a real list is written.
    const agents = live.state === 'connected' && agentsKey !== lastAgents.get(gatewayId) && (live.agents.length > 0 || lastAgents.has(gatewayId)) ? live.agents : undefined;
    if (agents) lastAgents.set(gatewayId, agentsKey);
    const exists = await recordGatewayState(ctx, gatewayId, {
      state: live.state,
      serverVersion: live.serverVersion,
      protocol: live.protocol,
      ...(agents ? { agents } : {}),
      error: newError,
    });
    if (!exists) {
      void pool.refresh();
      return;
    }
    if (live.state === 'connected' && prev !== 'connected') schedule(gatewayId, 'connected');
    if (prev === 'connected' && live.state !== 'connected') {
      // the next connection writes its agents (and last_synced_at) again
      lastAgents.delete(gatewayId);
      disconnected(gatewayId);
    }
  };

  const disconnected = (gatewayId: string) => {
    const q = queues.get(gatewayId);
    q?.pending.clear();
    for (const h of handlers) {
      if (!h.onDisconnected) continue;
      try {
        h.onDisconnected(ctx, gatewayId);
      } catch (err) {
        log(`[gateways] handler ${h.name}.onDisconnected failed for ${gatewayId}: ${short(err)}`);
      }
    }
  };

  const onDeviceToken = async (gatewayId: string, deviceToken: string) => {
    const t = targets.get(gatewayId);
    if (!t?.deviceIdentity) return;
    await saveGatewayDeviceIdentity(ctx, gatewayId, JSON.stringify({ ...JSON.parse(serializeDeviceIdentity(t.deviceIdentity)), deviceToken }));
  };

  const pool = new GatewayPool({
    listTargets,
    acquireLease,
    onLiveState,
    onDeviceToken,
    onEvent: (gatewayId, event) => {
      const client = pool.client(gatewayId);
      if (!client) return;
      for (const h of handlers) {
        if (!h.onEvent) continue;
        try {
          h.onEvent(ctx, gatewayId, event, client);
        } catch (err) {
          log(`[gateways] handler ${h.name}.onEvent failed for ${gatewayId}: ${short(err)}`);
        }
      }
    },
    onError: (err, where) => log(`[gateways] ${where.during}${where.gatewayId ? ` of ${where.gatewayId}` : ''} failed: ${short(err)}`),
    refreshIntervalMs: opts.refreshIntervalMs ?? GATEWAY_REFRESH_MS,
    clientOptions: opts.clientOptions,
  });

  /** Queue a hook run for a gateway: one run at a time per gateway, a job asked for during a run runs once after it. */
  const schedule = (gatewayId: string, job: Job) => {
    if (stopped) return;
    let q = queues.get(gatewayId);
    if (!q) queues.set(gatewayId, (q = { pending: new Set(), running: null }));
    q.pending.add(job);
    if (!q.running) {
      const queue = q;
      queue.running = drain(gatewayId, queue).finally(() => (queue.running = null));
    }
  };

  const drain = async (gatewayId: string, q: { pending: Set<Job> }) => {
    while (q.pending.size > 0 && !stopped) {
      const job: Job = (['connected', 'sync', 'work', 'tick'] as const).find((j) => q.pending.has(j))!;
      q.pending.delete(job);
      const client = pool.client(gatewayId);
      if (!client || client.state !== 'connected') {
        q.pending.clear();
        return;
      }
      const hooks: (keyof GatewayHandlers)[] = job === 'connected' ? ['onConnected', 'onWork'] : job === 'sync' ? ['onSyncRequested'] : job === 'work' ? ['onWork'] : ['onTick'];
      for (const hook of hooks) {
        for (const h of handlers) {
          const fn = h[hook] as ((c: Ctx, id: string, cl: typeof client) => Promise<void>) | undefined;
          if (!fn || stopped) continue;
          try {
            await fn.call(h, ctx, gatewayId, client);
          } catch (err) {
            log(`[gateways] handler ${h.name}.${hook} failed for ${gatewayId}: ${short(err)}`);
          }
        }
      }
    }
  };

  const connectedOwned = () => pool.owned().filter((id) => pool.client(id)?.state === 'connected');

  const onGatewaysSignal = (payload: string) => {
    let signal: GatewaysChangedSignal;
    try {
      signal = JSON.parse(payload) as GatewaysChangedSignal;
    } catch {
      return;
    }
    if (signal.change === 'sync') {
      if (!pool.owns(signal.gatewayId)) return;
      const id = signal.gatewayId;
      // Re-read the hosted agents and write them (with last_synced_at) even when they did not change.
      pool
        .refreshAgents(id)
        .then(async (agents) => {
          if (pool.client(id)?.state !== 'connected') return;
          lastAgents.set(id, JSON.stringify(agents));
          await recordGatewayState(ctx, id, { state: 'connected', agents });
        })
        .catch((err) => log(`[gateways] agents refresh of ${id} failed: ${short(err)}`));
      schedule(signal.gatewayId, 'sync');
      return;
    }
    // created / updated / deleted: re-list (connects, reconnects with new credentials, or drops).
    if (signal.change === 'updated' || signal.change === 'created') skipped.delete(signal.gatewayId);
    void pool.refresh();
  };

  return {
    pool,
    owned: () => pool.owned(),
    async start() {
      unlistens.push(await database.listen(GATEWAYS_CHANNEL, onGatewaysSignal));
      unlistens.push(
        await database.listen(GATEWAY_WORK_CHANNEL, (gatewayId) => {
          if (pool.owns(gatewayId)) schedule(gatewayId, 'work');
        }),
      );
      // Signals sent while the LISTEN connection was away are lost: look again.
      unlistens.push(
        database.onListenReconnect(() => {
          void pool.refresh();
          for (const id of connectedOwned()) schedule(id, 'work');
        }),
      );
      tick = setInterval(() => {
        for (const id of connectedOwned()) schedule(id, 'tick');
      }, opts.tickMs ?? GATEWAY_TICK_MS);
      tick.unref();
      // Not awaited: start-up never waits for a gateway (the first pass only reads rows and takes leases anyway).
      pool.start().catch((err) => log(`[gateways] pool start failed: ${short(err)}`));
    },
    async stop() {
      stopped = true;
      if (tick) clearInterval(tick);
      for (const u of unlistens.splice(0)) await u();
      await pool.stop();
      // Handlers still running (their gateway requests failed when the clients closed) get a bounded wait: a stuck
      // one does not hold the shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...queues.values()].map((q) => q.running?.catch(() => {}))),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, GATEWAY_STOP_WAIT_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
