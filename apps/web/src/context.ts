// Composition root: the one place that wires the database, the clock and the runners of this process.
import type { ApiDeps } from '@mc/api';
import {
  abandonStaleExecutions,
  asSystem,
  bootstrapInstance,
  CRONS_CHANNEL,
  CronScheduler,
  DEFAULT_CORE_CONFIG,
  KEY_USAGE_FLUSH_MS,
  KeyUsageTracker,
  LEASE_SWEEP_INTERVAL_MS,
  LIVE_CHANNEL,
  LiveBus,
  OutageLog,
  parseGatewayAllowedHosts,
  pruneWebhookHistory,
  resealGatewaySecrets,
  resolveSecretKeys,
  unopenableSecrets,
  RateLimiter,
  registerCronRunReactions,
  sweepExpiredLeases,
  sweepIdempotencyKeys,
  systemClock,
  watchedCredentialCache,
  WEBHOOK_RETRY_BASE_MS_DEFAULT,
  WebhookRunner,
  dispatcherWake,
} from '@mc/core';
import { maintainClaimedTickets, openDatabase, vacuumGrownTables, type Database } from '@mc/db';
import type { AppEnv } from './env';
import { createGatewayRuntime, type GatewayRuntime } from './gateways/runtime';
import { GATEWAY_HANDLERS } from './gateways/handlers';

export interface Runtime {
  database: Database;
  deps: ApiDeps;
  /** The OpenClaw gateway connections this process owns (issue 15). */
  gateways: GatewayRuntime;
  close(): Promise<void>;
}

/** Periodic housekeeping (expired rate-limit windows and idempotency keys, old webhook deliveries). */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** How often running executions are checked for abandonment. */
const ABANDON_SWEEP_INTERVAL_MS = 60 * 1000;
/** How often the embedded database's grown tables are vacuumed and analyzed (PGlite has no autovacuum; packages/db maintenance). */
const EMBEDDED_VACUUM_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The secret keyring and the gateway host rules, from the environment: a malformed MC_SECRET_KEY,
 * MC_SECRET_KEY_PREVIOUS or MC_GATEWAY_ALLOWED_HOSTS stops the start with a message naming it (ADR 0019).
 */
function secretsAndGatewayRules(env: AppEnv) {
  try {
    const keys = resolveSecretKeys({ key: env.MC_SECRET_KEY, previous: env.MC_SECRET_KEY_PREVIOUS, keyFileDir: env.DATABASE_URL ? null : env.dataDir });
    return { keys, gatewayAllowedHosts: parseGatewayAllowedHosts(env.MC_GATEWAY_ALLOWED_HOSTS) };
  } catch (err) {
    throw new Error(`invalid environment: ${(err as Error).message}`);
  }
}

export async function createRuntime(env: AppEnv, version: string): Promise<Runtime> {
  const { keys, gatewayAllowedHosts } = secretsAndGatewayRules(env);
  const database = await openDatabase(
    env.DATABASE_URL
      ? { databaseUrl: env.DATABASE_URL, poolSize: env.MC_DB_POOL_SIZE, connectTimeoutMs: env.MC_DB_CONNECT_TIMEOUT_MS }
      : { dataDir: env.dbDir },
  );
  const clock = systemClock;
  const rateLimiter = new RateLimiter(database.db, clock);
  const keyUsage = new KeyUsageTracker(database.db, KEY_USAGE_FLUSH_MS);
  const live = new LiveBus();
  // One LISTEN per process feeds long-polls and event streams with changes made by any process.
  const unlisten = await database.listen(LIVE_CHANNEL, (payload) => live.receive(payload));
  // After a database outage the LISTEN connection comes back, but what was announced meanwhile is lost: every
  // long-poll and event stream is woken once to look again.
  const unsubscribeReconnect = database.onListenReconnect(() => live.resync());
  // Keys and sessions resolved once, forgotten whenever the database announces a change to a credential (any process).
  const credentials = await watchedCredentialCache(database);
  const deps: ApiDeps = {
    db: database.db,
    databaseKind: database.kind,
    clock,
    config: {
      ...DEFAULT_CORE_CONFIG,
      publicUrl: env.MC_PUBLIC_URL ?? null,
      allowPrivateNetwork: env.MC_WEBHOOK_ALLOW_PRIVATE,
      secrets: keys.ring,
      gatewayAllowedHosts,
    },
    rateLimiter,
    keyUsage,
    credentials: credentials.cache,
    live,
    liveState: () => database.listenState(),
    limits: {
      perKeyPerMinute: env.MC_RATE_LIMIT_PER_MINUTE,
      anonPerMinute: env.MC_RATE_LIMIT_ANON_PER_MINUTE,
      maxBodyBytes: env.MC_MAX_BODY_BYTES,
    },
    trustProxy: env.MC_TRUST_PROXY,
    secureCookies: env.MC_COOKIE_SECURE === undefined ? undefined : env.MC_COOKIE_SECURE === '1',
    version,
  };

  // Sealed values this process cannot open (no key, or another key than the one that sealed them) stop the start:
  // running on would break every gateway, or seal tokens the other processes cannot read (ADR 0019).
  console.log(`[mc] ${keys.note}`);
  const unopenable = await unopenableSecrets(database.db, keys.ring);
  if (unopenable.length > 0) {
    await database.close();
    const which = unopenable.map((u) => `${u.count} sealed with key ${u.keyId}`).join(', ');
    throw new Error(
      `the database holds gateway secrets this process cannot open (${which}): set MC_SECRET_KEY to the key they were sealed with (and MC_SECRET_KEY_PREVIOUS to older ones during a rotation)`,
    );
  }
  // After a rotation (new MC_SECRET_KEY, old one in MC_SECRET_KEY_PREVIOUS): re-seal what the previous key sealed.
  const resealed = await resealGatewaySecrets({ db: database.db, config: deps.config });
  if (resealed > 0) console.log(`[mc] re-sealed ${resealed} gateway secret(s) with key ${keys.ring!.current.id}`);

  if (env.MC_INIT_ADMIN_EMAIL && env.MC_INIT_ADMIN_PASSWORD) {
    const result = await bootstrapInstance(
      { db: database.db, clock, principal: { kind: 'system', name: 'bootstrap' }, requestId: null, config: deps.config },
      { email: env.MC_INIT_ADMIN_EMAIL, password: env.MC_INIT_ADMIN_PASSWORD, name: env.MC_INIT_ADMIN_NAME, apiKey: env.MC_INIT_ADMIN_API_KEY },
    );
    if (result === 'created') console.log(`[mc] created instance admin ${env.MC_INIT_ADMIN_EMAIL}`);
  }

  // Every runner survives a database outage: its pass fails, it logs once per outage (not once per pass, see
  // OutageLog), and the next pass after the server is back succeeds. Nothing here may crash the process.
  const run = (log: OutageLog, pass: () => Promise<unknown>) =>
    pass().then(
      () => log.ok(),
      (err) => log.failed(err),
    );
  const pruneLog = new OutageLog('[mc] webhook pruning');
  const sweep = setInterval(() => {
    void rateLimiter.sweep().catch(() => {});
    void sweepIdempotencyKeys(database.db, clock).catch(() => {});
    void run(pruneLog, () => pruneWebhookHistory({ db: database.db, clock }, env.MC_WEBHOOK_RETENTION_DAYS));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  // Leases of crashed or silent agents: back to To-do, batch after batch while batches come back full (a backlog is
  // worked off at once, not one batch per interval). Safe in several processes (SKIP LOCKED).
  const systemCtx = { db: database.db, clock, principal: { kind: 'system' as const, name: 'runner' }, requestId: null, config: deps.config };
  let sweeping = false;
  const leaseLog = new OutageLog('[mc] lease sweep');
  const leases = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void run(leaseLog, () => sweepExpiredLeases(systemCtx)).finally(() => (sweeping = false));
  }, LEASE_SWEEP_INTERVAL_MS);
  leases.unref();

  // Executions nobody reports on any more (crashed agents) are failed, so they end and count. SKIP LOCKED-safe.
  const abandonLog = new OutageLog('[mc] abandoned-execution sweep');
  const abandoned = setInterval(() => {
    void run(abandonLog, () => abandonStaleExecutions(systemCtx, env.MC_EXECUTION_TIMEOUT_MINUTES * 60_000));
  }, ABANDON_SWEEP_INTERVAL_MS);
  abandoned.unref();

  // Autovacuum's work for the embedded database (a PostgreSQL server does its own): once now, then as tables grow.
  // One pass at a time; close() waits for the one in progress.
  let vacuuming: Promise<unknown> | null = null;
  const vacuum = () => {
    vacuuming ??= vacuumGrownTables(database)
      .catch((err) => console.error('[mc] vacuum failed:', (err as Error).message))
      .finally(() => (vacuuming = null));
  };
  vacuum();
  const vacuumer = setInterval(vacuum, EMBEDDED_VACUUM_INTERVAL_MS);
  vacuumer.unref();
  // And `tickets` after every thousand claims or so (maintainClaimedTickets): until a VACUUM, claim-next's pick steps
  // over the index entries of every ticket claimed since the last one. Counted from the live announcements (every
  // claim and claim-next of any process publishes one); nothing on a PostgreSQL server whose autovacuum is on.
  let claimVacuum: Promise<unknown> | null = null;
  const unsubscribeClaimVacuum = live.subscribe((e) => {
    if (e.type !== 'ticket.claimed') return;
    const started = maintainClaimedTickets(database, 1);
    if (started) claimVacuum = started.catch((err) => console.error('[mc] vacuum of tickets failed:', (err as Error).message));
  });

  // Webhooks: outbox → deliveries → signed POSTs with retries. Several processes may run this (SKIP LOCKED and
  // leases in the database); every live event (a LISTEN wake-up, from any process) starts a pass soon, except one
  // whose outbox event was written already dispatched (dispatcherWake).
  // It passes every 500 ms: during an outage its failures are logged once, not twice a second.
  const webhookLog = new OutageLog('[webhooks] runner');
  const webhooks = new WebhookRunner(systemCtx, {
    retryBaseMs: env.MC_WEBHOOK_RETRY_BASE_MS ?? WEBHOOK_RETRY_BASE_MS_DEFAULT,
    onError: (err) => webhookLog.failed(err),
    onPassDone: () => webhookLog.ok(),
  });
  webhooks.start();
  const unsubscribeWebhooks = live.subscribe((e) => {
    const wake = dispatcherWake(e);
    if (wake) webhooks.kick(wake);
  });

  // Crons (issue 14): the scheduler of this process — every process on PostgreSQL, the web process on the embedded
  // database; due slots, runs and deadlines are rows claimed with SKIP LOCKED, so several never fire a slot twice.
  // It sleeps until the next due time and is woken by the crons signal of any process (a cron created, changed,
  // run now; a retry scheduled), and once after the LISTEN connection comes back. Run outcomes (a run's ticket Done
  // or closed, its execution finished) are reactions to committed events, run by the webhook dispatcher above.
  // A run's ticket goes to an agent with an HTTP endpoint through the dispatch door (the default of CronRunOptions).
  const cronRunOptions = {};
  const stopCronReactions = registerCronRunReactions(cronRunOptions);
  const cronLog = new OutageLog('[crons] scheduler');
  const scheduler = new CronScheduler(systemCtx, { ...cronRunOptions, onError: (err) => cronLog.failed(err), onPassDone: () => cronLog.ok() });
  scheduler.start();
  const unlistenCrons = await database.listen(CRONS_CHANNEL, () => scheduler.wake());
  const unsubscribeCronReconnect = database.onListenReconnect(() => scheduler.wake());

  // OpenClaw gateways (issue 15): one connection per gateway across all processes (a lease per gateway on
  // PostgreSQL), its live state on the gateway row, the handlers of gateways/handlers.ts driven from it. Start-up
  // does not wait for any gateway, and no request waits on one.
  const gateways = createGatewayRuntime(asSystem(systemCtx, 'gateways'), { database, handlers: GATEWAY_HANDLERS });
  await gateways.start();

  return {
    database,
    deps,
    gateways,
    async close() {
      await gateways.stop();
      clearInterval(sweep);
      clearInterval(leases);
      clearInterval(abandoned);
      clearInterval(vacuumer);
      unsubscribeClaimVacuum();
      await vacuuming;
      await claimVacuum;
      unsubscribeWebhooks();
      unsubscribeReconnect();
      unsubscribeCronReconnect();
      await scheduler.stop();
      await unlistenCrons();
      stopCronReactions();
      await webhooks.stop();
      await unlisten();
      await credentials.close();
      await rateLimiter.close();
      await keyUsage.flush();
      await database.close();
    },
  };
}
