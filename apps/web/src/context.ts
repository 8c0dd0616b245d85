// Composition root: the one place that wires the database, the clock and the runners of this process.
import type { ApiDeps } from '@mc/api';
import {
  abandonStaleExecutions,
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
  pruneWebhookHistory,
  RateLimiter,
  registerCronRunReactions,
  sweepExpiredLeases,
  sweepIdempotencyKeys,
  systemClock,
  watchedCredentialCache,
  WEBHOOK_RETRY_BASE_MS_DEFAULT,
  WebhookRunner,
  DELIVERY_WRITING_EVENTS,
} from '@mc/core';
import { openDatabase, vacuumGrownTables, type Database } from '@mc/db';
import type { AppEnv } from './env';

export interface Runtime {
  database: Database;
  deps: ApiDeps;
  close(): Promise<void>;
}

/** Periodic housekeeping (expired rate-limit windows and idempotency keys, old webhook deliveries). */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** How often running executions are checked for abandonment. */
const ABANDON_SWEEP_INTERVAL_MS = 60 * 1000;
/** How often the embedded database's grown tables are vacuumed and analyzed (PGlite has no autovacuum; packages/db maintenance). */
const EMBEDDED_VACUUM_INTERVAL_MS = 10 * 60 * 1000;

export async function createRuntime(env: AppEnv, version: string): Promise<Runtime> {
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
    config: { ...DEFAULT_CORE_CONFIG, publicUrl: env.MC_PUBLIC_URL ?? null, allowPrivateNetwork: env.MC_WEBHOOK_ALLOW_PRIVATE },
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

  // Webhooks: outbox → deliveries → signed POSTs with retries. Several processes may run this (SKIP LOCKED and
  // leases in the database); every live event (a LISTEN wake-up, from any process) starts a pass at once.
  // It passes every 500 ms: during an outage its failures are logged once, not twice a second.
  const webhookLog = new OutageLog('[webhooks] runner');
  const webhooks = new WebhookRunner(systemCtx, {
    retryBaseMs: env.MC_WEBHOOK_RETRY_BASE_MS ?? WEBHOOK_RETRY_BASE_MS_DEFAULT,
    onError: (err) => webhookLog.failed(err),
    onPassDone: () => webhookLog.ok(),
  });
  webhooks.start();
  const unsubscribeWebhooks = live.subscribe((e) => webhooks.kick({ due: DELIVERY_WRITING_EVENTS.has(e.type) }));

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

  return {
    database,
    deps,
    async close() {
      clearInterval(sweep);
      clearInterval(leases);
      clearInterval(abandoned);
      clearInterval(vacuumer);
      await vacuuming;
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
