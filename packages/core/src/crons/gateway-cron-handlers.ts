// The cron sync's wiring to one connected gateway (issue 15 points 6-8, ADR 0020): the database ports of
// `runSyncPass`, in one place, and `gatewayCronHandlers` (the GatewayHandlers seam) that runs them in the process
// owning the gateway's connection:
// - onConnected / onSyncRequested / onWork: make sure the gateway's cron webhook settings are Mission Control's
//   (config.get, config.patch only when different), then one sync pass;
// - onEvent `cron`: added/updated/removed → a debounced sync pass; started/finished → the run is recorded;
// - onTick: a periodic reconcile by listing (never configRevision); every write goes through the write limiter (one
//   per gateway, kept across passes: 25 writes per method per minute).
// Jobs whose gateway agent no Mission Control agent is linked to are not imported: they are listed on the gateway
// (`gateways.cron_sync_notes`, shown on its page) until an agent is linked, then the next pass imports them.
import { createHash, randomBytes } from 'node:crypto';
import { agents, cronRuns, cronTargets, crons, gateways } from '@mc/db';
import type { GatewayClient } from '@mc/openclaw';
import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { emitEvent } from '../events/emit-event';
import type { GatewayHandlers } from '../gateways/gateway-handlers';
import { gatewaySecretContext } from '../gateways/gateways.rules';
import { newId } from '../shared/ids';
import { openSecret, sealSecret, SecretKeyError } from '../shared/secrets';
import { notifyCronsChanged } from './cron-signal';
import { CRON_ID_PREFIX } from './crons.rules';
import { gatewayRunReportOf, recordGatewayRun } from './gateway-cron-runs';
import type { McCronFields, McCronForSync, SyncContext, SyncState } from './gateway-sync/mapping';
import type { OpenClawJob } from './gateway-sync/openclaw-job';
import type { GatewayWrite, SyncAction } from './gateway-sync/reconcile';
import { runSyncPass, type SyncPassResult } from './gateway-sync/sync-pass';
import { runWrites, WriteLimiter } from './gateway-sync/write-scheduler';
import { decideMissedRuns, detectMissedRuns, MISSED_RUN_RULES, runStartOf, slotScheduleOf, type MissedRunPolicy, type RunStart } from './gateway-sync/missed-runs';
import { nextSlotAfter, parseSchedule } from './schedule';

/** Wiring constants (as data). */
export const GATEWAY_CRON_WIRING = {
  /** `cron` added/updated/removed events are gathered this long before one sync pass. */
  resyncDebounceMs: 2_000,
  /** A reconcile by listing at least this often while connected (onTick runs every ~30 s). */
  reconcileEveryMs: 5 * 60_000,
  /** The delivery route, under MC_PUBLIC_URL. */
  deliveryPath: (gatewayId: string) => `/api/v1/gateways/${encodeURIComponent(gatewayId)}/cron-deliveries`,
  /** Notes kept on the gateway at most. */
  notesMax: 100,
} as const;

/**
 * This instance's tag on one gateway (`declarationKey = mission-control:<tag>:<cronId>`): derived from the gateway
 * row's id, which is random per Mission Control instance, so two instances sharing a gateway never share a tag, and
 * stable for the life of the row.
 */
export const instanceTagFor = (gatewayId: string) => createHash('sha256').update(`mission-control:${gatewayId}`).digest('hex').slice(0, 12);

/** The sync context of one gateway; null when Mission Control has no public URL (the gateway could not deliver). */
export function syncContextFor(ctx: Pick<Ctx, 'config'>, gatewayId: string): SyncContext | null {
  const base = ctx.config.publicUrl?.replace(/\/+$/, '');
  if (!base) return null;
  return { instanceTag: instanceTagFor(gatewayId), deliveryUrl: `${base}${GATEWAY_CRON_WIRING.deliveryPath(gatewayId)}` };
}

// ------------------------------------------------------------------------------------------------ DB ports

type CronRow = typeof crons.$inferSelect;
interface TaskJson {
  title?: string;
  instructions?: string;
  timeoutSeconds?: number;
  [k: string]: unknown;
}

/** The crons linked to a gateway, as the planner sees them (one target each: the agent linked to the gateway agent). */
export async function loadSyncRecords(ctx: Ctx, gatewayId: string): Promise<McCronForSync[]> {
  const rows = await ctx.db
    .select({ cron: crons, gatewayAgentId: agents.gatewayAgentId })
    .from(crons)
    .leftJoin(cronTargets, eq(cronTargets.cronId, crons.id))
    .leftJoin(agents, eq(agents.id, cronTargets.agentId))
    .where(eq(crons.gatewayId, gatewayId))
    .orderBy(crons.id);
  const seen = new Set<string>();
  const out: McCronForSync[] = [];
  for (const { cron: c, gatewayAgentId } of rows) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const task = c.task as TaskJson;
    out.push({
      id: c.id,
      owner: c.owner === 'gateway' ? 'gateway' : 'mission_control',
      name: c.name,
      schedule: c.schedule || null,
      timezone: c.timezone,
      enabled: c.enabled,
      task: { title: String(task.title ?? ''), instructions: String(task.instructions ?? ''), timeoutSeconds: typeof task.timeoutSeconds === 'number' ? task.timeoutSeconds : null },
      gatewayAgentId: gatewayAgentId ?? null,
      gatewayJobId: c.gatewayJobId,
      readOnly: c.readOnly,
      readOnlyReason: (c.readOnlyReason as McCronForSync['readOnlyReason']) ?? null,
      syncState: (c.syncState as SyncState | null) ?? null,
      syncFingerprint: c.syncFingerprint,
      gatewayFingerprint: c.gatewayFingerprint,
      resolveConflict: (c.conflictResolution as McCronForSync['resolveConflict']) ?? null,
    });
  }
  return out;
}

const cronRef = (c: CronRow) => ({ id: c.id, name: c.name, schedule: c.schedule, timezone: c.timezone, enabled: c.enabled });

async function targetsOf(ctx: Ctx, cronId: string) {
  return ctx.db.select({ workspaceId: cronTargets.workspaceId, agentId: cronTargets.agentId }).from(cronTargets).where(eq(cronTargets.cronId, cronId));
}

/** The Mission Control agent linked to this gateway agent (the target of its jobs), or null. */
async function linkedAgent(ctx: Ctx, gatewayId: string, gatewayAgentId: string | null) {
  if (!gatewayAgentId) return null;
  const [a] = await ctx.db
    .select({ id: agents.id, workspaceId: agents.workspaceId })
    .from(agents)
    .where(and(eq(agents.gatewayId, gatewayId), eq(agents.gatewayAgentId, gatewayAgentId), ne(agents.status, 'deleted')))
    .limit(1);
  return a ?? null;
}

const nextDueOf = (f: { schedule: string | null; timezone: string; enabled: boolean }, now: Date): Date | null => {
  if (!f.enabled || !f.schedule) return null;
  try {
    return nextSlotAfter(parseSchedule(f.schedule), f.timezone, now);
  } catch {
    return null;
  }
};

/** Mission Control's shape of a gateway job's schedule when it has none to show (read-only, unexpressible). */
const UNEXPRESSIBLE = '';

function taskFrom(prev: TaskJson, f: McCronFields): Record<string, unknown> {
  const { timeoutSeconds: _old, ...rest } = prev;
  return {
    labels: [],
    priority: 'medium',
    createTicket: false,
    ...rest,
    title: f.task.title,
    instructions: f.task.instructions,
    ...(f.task.timeoutSeconds !== undefined ? { timeoutSeconds: f.task.timeoutSeconds } : {}),
  };
}

const DEFAULT_RETRY = { maxAttempts: 1, backoff: 'exponential', baseSeconds: 60, maxSeconds: 3600 };

export type SyncNote = { jobId: string; name: string; reason: string };

/** Apply one Mission Control-side action of a plan, in its own transaction. Notes jobs it could not import. */
export async function applyMcAction(
  ctx: Ctx,
  gatewayId: string,
  action: Exclude<SyncAction, { type: 'add_to_gateway' | 'update_gateway' | 'remove_from_gateway' }>,
  notes: SyncNote[],
): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    switch (action.type) {
      case 'import_to_mc': {
        const f = action.fields;
        const agent = await linkedAgent(tx, gatewayId, f.gatewayAgentId);
        if (!agent) {
          notes.push({
            jobId: action.jobId,
            name: f.name,
            reason: f.gatewayAgentId
              ? `not imported: no agent is linked to the gateway's agent "${f.gatewayAgentId}" (link one on this page)`
              : "not imported: the job runs on the gateway's default agent; give it an agent on the gateway, then link that agent here",
          });
          return;
        }
        if (!f.schedule) {
          notes.push({ jobId: action.jobId, name: f.name, reason: `shown on the gateway only: ${f.readOnlyReason ?? 'its schedule'} cannot be expressed in Mission Control` });
          return;
        }
        const [row] = await tx.db
          .insert(crons)
          .values({
            id: newId(CRON_ID_PREFIX, now.getTime()),
            name: f.name,
            schedule: f.schedule ?? UNEXPRESSIBLE,
            scheduleKind: f.scheduleKind ?? 'cron',
            timezone: f.timezone,
            task: taskFrom({}, f),
            retry: DEFAULT_RETRY,
            enabled: f.enabled,
            owner: 'gateway',
            gatewayId,
            gatewayJobId: action.jobId,
            nextDueAt: nextDueOf(f, now),
            syncState: 'ok',
            syncFingerprint: action.syncFingerprint,
            gatewayFingerprint: action.gatewayFingerprint,
            lastSyncedAt: now,
            readOnly: f.readOnly,
            readOnlyReason: f.readOnlyReason,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) return; // another pass imported it first
        await tx.db.insert(cronTargets).values({ cronId: row.id, workspaceId: agent.workspaceId, agentId: agent.id, position: 0 });
        await recordActivity(tx, {
          workspaceId: agent.workspaceId,
          action: 'cron.created',
          target: { kind: 'cron', id: row.id },
          summary: `imported cron "${row.name}" from its gateway (${row.schedule}, ${row.timezone})`,
          metadata: { gatewayId, gatewayJobId: action.jobId, readOnly: f.readOnly },
        });
        await emitEvent(tx, 'cron.created', agent.workspaceId, { cron: cronRef(row) });
        return;
      }
      case 'update_mc': {
        const [cron] = await tx.db.select().from(crons).where(eq(crons.id, action.cronId)).for('update').limit(1);
        if (!cron) return;
        const f = action.fields;
        const targets = await targetsOf(tx, cron.id);
        let retarget: { id: string; workspaceId: string } | null = null;
        if (action.changed.includes('agent')) {
          retarget = await linkedAgent(tx, gatewayId, f.gatewayAgentId);
          if (!retarget) {
            await tx.db
              .update(crons)
              .set({ syncState: 'error', syncError: `the job moved to the gateway's agent "${f.gatewayAgentId ?? 'default'}", which no agent here is linked to`, lastSyncedAt: now })
              .where(eq(crons.id, cron.id));
            return;
          }
        }
        const schedule = f.schedule ?? cron.schedule;
        const [row] = await tx.db
          .update(crons)
          .set({
            name: f.name,
            schedule,
            scheduleKind: f.scheduleKind ?? cron.scheduleKind,
            timezone: f.timezone,
            enabled: f.enabled,
            task: taskFrom(cron.task as TaskJson, f),
            nextDueAt: nextDueOf({ schedule, timezone: f.timezone, enabled: f.enabled }, now),
            readOnly: f.readOnly,
            readOnlyReason: f.readOnlyReason,
            gatewayJobId: action.jobId,
            syncState: 'ok',
            syncError: null,
            conflictResolution: null,
            syncFingerprint: action.syncFingerprint,
            gatewayFingerprint: action.gatewayFingerprint,
            lastSyncedAt: now,
            updatedAt: now,
            version: cron.version + 1,
          })
          .where(eq(crons.id, cron.id))
          .returning();
        if (retarget) {
          await tx.db.delete(cronTargets).where(eq(cronTargets.cronId, cron.id));
          await tx.db.insert(cronTargets).values({ cronId: cron.id, workspaceId: retarget.workspaceId, agentId: retarget.id, position: 0 });
        }
        const workspaces = new Set([...targets.map((t) => t.workspaceId), ...(retarget ? [retarget.workspaceId] : [])]);
        for (const ws of workspaces) {
          await recordActivity(tx, {
            workspaceId: ws,
            action: 'cron.updated',
            target: { kind: 'cron', id: row.id },
            summary: `cron "${row.name}" changed on its gateway (${action.changed.join(', ') || 'sync'})`,
            metadata: { fields: action.changed, gatewayId },
          });
          await emitEvent(tx, 'cron.updated', ws, { cron: cronRef(row), fields: action.changed });
        }
        await notifyCronsChanged(tx, { cronId: row.id, change: 'updated', nextDueAt: null });
        return;
      }
      case 'remove_from_mc': {
        const [cron] = await tx.db.select().from(crons).where(eq(crons.id, action.cronId)).for('update').limit(1);
        if (!cron) return;
        const targets = await targetsOf(tx, cron.id);
        await tx.db.delete(crons).where(eq(crons.id, cron.id));
        for (const ws of new Set(targets.map((t) => t.workspaceId))) {
          await recordActivity(tx, {
            workspaceId: ws,
            action: 'cron.deleted',
            target: { kind: 'cron', id: cron.id },
            summary: `cron "${cron.name}" was removed from its gateway`,
            metadata: { gatewayId, gatewayJobId: action.jobId },
          });
          await emitEvent(tx, 'cron.deleted', ws, { cron: cronRef(cron) });
        }
        await notifyCronsChanged(tx, { cronId: cron.id, change: 'deleted', nextDueAt: null });
        return;
      }
      case 'mark_synced':
        await tx.db
          .update(crons)
          .set({
            gatewayJobId: action.jobId,
            syncState: 'ok',
            syncError: null,
            conflictResolution: null,
            syncFingerprint: action.syncFingerprint,
            gatewayFingerprint: action.gatewayFingerprint,
            lastSyncedAt: now,
          })
          .where(eq(crons.id, action.cronId));
        return;
      case 'report_conflict':
        await tx.db
          .update(crons)
          .set({ syncState: 'conflict', syncError: `${action.kind}: ${action.detail}`.slice(0, 1_000), conflictResolution: null, lastSyncedAt: now })
          .where(eq(crons.id, action.cronId));
        return;
    }
  });
}

/** A gateway write succeeded: record the link and fingerprints. */
export async function recordGatewayWriteDone(ctx: Ctx, action: GatewayWrite['action'], job: OpenClawJob | null, gatewayFp: string | null): Promise<void> {
  if (action.type === 'remove_from_gateway') return; // the cron is already gone
  const now = ctx.clock.now();
  await ctx.db
    .update(crons)
    .set({
      ...(job ? { gatewayJobId: job.id } : {}),
      syncState: 'ok',
      syncError: null,
      conflictResolution: null,
      syncFingerprint: action.syncFingerprint,
      ...(gatewayFp ? { gatewayFingerprint: gatewayFp } : {}),
      lastSyncedAt: now,
    })
    .where(eq(crons.id, action.cronId));
}

export async function recordCronSyncError(ctx: Ctx, cronId: string, message: string): Promise<void> {
  await ctx.db.update(crons).set({ syncState: 'error', syncError: message.slice(0, 1_000), lastSyncedAt: ctx.clock.now() }).where(eq(crons.id, cronId));
}

// ------------------------------------------------------------------------------------ gateway cron settings

/** The gateway's webhook token in clear, made (and sealed) the first time; null without a secret key. */
export async function ensureWebhookToken(ctx: Ctx, gatewayId: string): Promise<string | null> {
  const ring = ctx.config.secrets;
  if (!ring) return null;
  const context = gatewaySecretContext('webhook_token', gatewayId);
  const [g] = await ctx.db.select({ sealed: gateways.webhookTokenCiphertext }).from(gateways).where(eq(gateways.id, gatewayId)).limit(1);
  if (!g) return null;
  if (g.sealed) {
    try {
      return openSecret(ring, g.sealed, context);
    } catch (err) {
      if (!(err instanceof SecretKeyError)) throw err; // a key that no longer opens it: make a new one
    }
  }
  const token = randomBytes(32).toString('base64url');
  await ctx.db.update(gateways).set({ webhookTokenCiphertext: sealSecret(ring, token, context) }).where(eq(gateways.id, gatewayId));
  return token;
}

/** Reads a dotted path of the gateway's config. */
function configAt(config: unknown, path: string[]): unknown {
  let cur = config;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

/**
 * Make the gateway deliver finished runs to Mission Control: `cron.webhookToken` and the delivery host in
 * `cron.webhookSsrfPolicy.allowedHostnames`. config.get first; config.patch only when something differs (config
 * writes are rate-limited like cron writes). Returns what was done, or why not.
 */
export async function ensureGatewayCronConfig(ctx: Ctx, gatewayId: string, client: GatewayClient, sync: SyncContext): Promise<'unchanged' | 'patched' | string> {
  const token = await ensureWebhookToken(ctx, gatewayId);
  if (!token) return 'no secret key (MC_SECRET_KEY): the gateway cannot be given a webhook token';
  const host = new URL(sync.deliveryUrl).hostname;
  const got = await client.api.configGet();
  const cfg = got.config;
  const hosts = configAt(cfg, ['cron', 'webhookSsrfPolicy', 'allowedHostnames']);
  const hostList = Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
  const tokenNow = configAt(cfg, ['cron', 'webhookToken']);
  if (tokenNow === token && hostList.includes(host)) return 'unchanged';
  const patch = { cron: { webhookToken: token, webhookSsrfPolicy: { allowedHostnames: [...new Set([...hostList, host])] } } };
  await client.api.configPatch({ raw: JSON.stringify(patch), ...(got.hash ? { baseHash: got.hash } : {}), note: 'Mission Control: cron delivery webhook' });
  return 'patched';
}

// ------------------------------------------------------------------------------------------------ the pass

interface GatewayState {
  limiter: WriteLimiter;
  running: Promise<SyncPassResult | null> | null;
  again: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  lastPassAt: number;
  configured: boolean;
  stopped: boolean;
  /** The jobs of the last listing (the missed-run check reads their schedules). */
  jobs: Map<string, OpenClawJob>;
  /** Starts seen in `cron` started events, per job (the latest few). */
  starts: Map<string, RunStart[]>;
  /** The gateway run ids of runs Mission Control forced (not a slot's start). */
  forced: Set<string>;
  checking: boolean;
}
const states = new Map<string, GatewayState>();
const stateOf = (gatewayId: string): GatewayState => {
  let s = states.get(gatewayId);
  if (!s) states.set(gatewayId, (s = { limiter: new WriteLimiter(), running: null, again: false, timer: null, lastPassAt: 0, configured: false, stopped: false, jobs: new Map(), starts: new Map(), forced: new Set(), checking: false }));
  return s;
};

/** Keep the gateway's notes (jobs not imported, and why) for its page. */
async function saveNotes(ctx: Ctx, gatewayId: string, notes: SyncNote[]) {
  await ctx.db
    .update(gateways)
    .set({ cronSyncNotes: notes.slice(0, GATEWAY_CRON_WIRING.notesMax) })
    .where(and(eq(gateways.id, gatewayId), sql`${gateways.cronSyncNotes} IS DISTINCT FROM ${JSON.stringify(notes.slice(0, GATEWAY_CRON_WIRING.notesMax))}::jsonb`));
}

/** One sync pass for a gateway with its DB ports (exported for tests and the runtime). */
export async function syncGatewayCrons(ctx: Ctx, gatewayId: string, client: GatewayClient, opts: { limiter?: WriteLimiter } = {}): Promise<SyncPassResult | null> {
  const sync = syncContextFor(ctx, gatewayId);
  if (!sync) {
    await saveNotes(ctx, gatewayId, [{ jobId: '', name: '', reason: 'cron sync is off: Mission Control has no public URL (MC_PUBLIC_URL) for the gateway to deliver runs to' }]);
    return null;
  }
  const state = stateOf(gatewayId);
  const notes: SyncNote[] = [];
  if (!state.configured) {
    // The sync goes on without it: runs are still recorded from the gateway's events, only the deliveries fail.
    let outcome: string;
    try {
      outcome = await ensureGatewayCronConfig(ctx, gatewayId, client, sync);
    } catch (err) {
      outcome = `config.get/config.patch failed: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}`;
    }
    state.configured = outcome === 'unchanged' || outcome === 'patched';
    if (!state.configured) {
      notes.push({ jobId: '', name: '', reason: `the gateway's cron webhook settings were not written (${outcome}): give Mission Control's connection admin scope; finished runs are recorded from the gateway's events meanwhile` });
    }
  }
  const result = await runSyncPass({
    ctx: sync,
    listJobs: async () => {
      const jobs = (await client.api.cronListAll({ includeDisabled: true })) as OpenClawJob[];
      state.jobs = new Map(jobs.map((j) => [j.id, j]));
      return jobs;
    },
    loadRecords: () => loadSyncRecords(ctx, gatewayId),
    call: (method, params) => client.request(method, params),
    applyMc: (action) => applyMcAction(ctx, gatewayId, action, notes),
    recordGatewayWrite: (action, job, fp) => recordGatewayWriteDone(ctx, action, job, fp),
    recordSyncError: (cronId, message) => recordCronSyncError(ctx, cronId, message),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    limiter: opts.limiter ?? state.limiter,
    shouldStop: () => state.stopped,
  });
  await saveNotes(ctx, gatewayId, notes);
  await ctx.db.update(gateways).set({ lastSyncedAt: ctx.clock.now() }).where(eq(gateways.id, gatewayId));
  state.lastPassAt = Date.now();
  return result;
}

/** Run a pass now, or once more right after the one under way (passes of one gateway never overlap). */
function requestPass(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<SyncPassResult | null> {
  const state = stateOf(gatewayId);
  state.stopped = false;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const run = async (): Promise<SyncPassResult | null> => {
    let last: SyncPassResult | null = null;
    do {
      state.again = false;
      last = await syncGatewayCrons(ctx, gatewayId, client);
    } while (state.again && !state.stopped);
    return last;
  };
  state.running = run().finally(() => {
    state.running = null;
  });
  return state.running;
}

function debouncedPass(ctx: Ctx, gatewayId: string, client: GatewayClient) {
  const state = stateOf(gatewayId);
  if (state.timer) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    requestPass(ctx, gatewayId, client).catch((err) => {
      console.error(`[gateway-cron] sync of ${gatewayId} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }, GATEWAY_CRON_WIRING.resyncDebounceMs);
  state.timer.unref?.();
}

/** Are crons of this gateway waiting for a sync (edited in Mission Control since)? */
async function hasPending(ctx: Ctx, gatewayId: string): Promise<boolean> {
  const [r] = await ctx.db
    .select({ one: sql`1` })
    .from(crons)
    .where(and(eq(crons.gatewayId, gatewayId), inArray(crons.syncState, ['pending'])))
    .limit(1);
  return !!r;
}

export const gatewayCronHandlers: GatewayHandlers = {
  name: 'crons',
  async onConnected(ctx, gatewayId, client) {
    stateOf(gatewayId).configured = false;
    await requestPass(ctx, gatewayId, client);
  },
  async onSyncRequested(ctx, gatewayId, client) {
    await requestPass(ctx, gatewayId, client);
  },
  async onWork(ctx, gatewayId, client) {
    if (await hasPending(ctx, gatewayId)) await requestPass(ctx, gatewayId, client);
  },
  onEvent(ctx, gatewayId, event, client) {
    if (event.event !== 'cron' || !event.payload || typeof event.payload !== 'object') return;
    const action = (event.payload as { action?: unknown }).action;
    if (action === 'added' || action === 'updated' || action === 'removed') return debouncedPass(ctx, gatewayId, client);
    const report = gatewayRunReportOf(event.payload);
    if (report?.action === 'started') {
      const list = stateOf(gatewayId).starts.get(report.jobId) ?? [];
      list.push({ atMs: report.runAtMs, ...(report.runId ? { runId: report.runId } : {}) });
      stateOf(gatewayId).starts.set(report.jobId, list.slice(-50));
    }
    if (report) {
      recordGatewayRun(ctx, gatewayId, report).catch((err) => {
        console.error(`[gateway-cron] recording a run of ${gatewayId} failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  },
  async onTick(ctx, gatewayId, client) {
    const state = stateOf(gatewayId);
    if (Date.now() - state.lastPassAt >= GATEWAY_CRON_WIRING.reconcileEveryMs) await requestPass(ctx, gatewayId, client);
    await checkMissedRuns(ctx, gatewayId, client);
  },
  onDisconnected(_ctx, gatewayId) {
    const state = states.get(gatewayId);
    if (!state) return;
    state.stopped = true;
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  },
};

/** Wait for the pass under way of a gateway (tests). */
export async function gatewayCronIdle(gatewayId: string): Promise<void> {
  await states.get(gatewayId)?.running;
}

// ------------------------------------------------------------------------------------------ missed runs

export interface MissedRunCheck {
  cronId: string;
  missed: number;
  recorded: number;
  forced: boolean;
  notify: boolean;
}

/**
 * Judge the slots of every enabled gateway-fired cron of this gateway that are past their grace (ADR 0020): starts
 * from `cron.runs` and the `started` events seen; missed slots recorded as `missed` runs (idempotent: the scheduler's
 * run id), `missed_resume_at` and `missed_streak` kept on the cron; under `force_run` the latest missed slot is run
 * (`cron.run {mode: "force"}`, through the write limiter). A streak's start is written to the activity of the
 * cron's workspace once (`cron.missed_runs`) with the event `cron_run.missed`, which notifies the workspace admins.
 */
export async function checkMissedRuns(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<MissedRunCheck[]> {
  const state = stateOf(gatewayId);
  if (state.checking) return [];
  state.checking = true;
  try {
    const now = ctx.clock.now();
    const rows = await ctx.db
      .select({ cron: crons, workspaceId: cronTargets.workspaceId, agentId: cronTargets.agentId })
      .from(crons)
      .innerJoin(cronTargets, eq(cronTargets.cronId, crons.id))
      .where(and(eq(crons.gatewayId, gatewayId), eq(crons.enabled, true), isNotNull(crons.gatewayJobId)));
    const due = rows.filter((r) => !r.cron.missedResumeAt || r.cron.missedResumeAt.getTime() + MISSED_RUN_RULES.graceMs <= now.getTime());
    if (due.length === 0) return [];
    // The last listing, or a fresh one when it lacks a job (one added by the pass that listed).
    if (due.some((r) => !state.jobs.has(r.cron.gatewayJobId!))) state.jobs = new Map(((await client.api.cronListAll({ includeDisabled: true })) as OpenClawJob[]).map((j) => [j.id, j]));
    const out: MissedRunCheck[] = [];
    for (const { cron, workspaceId, agentId } of due) {
      const job = state.jobs.get(cron.gatewayJobId!);
      const schedule = job ? slotScheduleOf(job) : null;
      if (!job || !schedule) continue;
      const runs = await client.api.cronRuns({ scope: 'job', id: job.id, limit: 100 });
      const starts = [...(state.starts.get(job.id) ?? []), ...((runs.entries ?? []).map((e) => runStartOf(e)).filter((x): x is RunStart => x !== null))];
      const report = detectMissedRuns({ cronId: cron.id, agentId, schedule, since: cron.createdAt, resumeAt: cron.missedResumeAt, now, starts, ignoreRunIds: state.forced });
      const decision = decideMissedRuns({ report, policy: cron.missedRunPolicy as MissedRunPolicy, previousStreak: cron.missedStreak, now });
      let forced = false;
      if (decision.forceRun) {
        const [outcome] = await runWrites([{ method: 'cron.run', params: { id: job.id, mode: 'force' } }], {
          call: (w) => client.request(w.method, w.params),
          clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
          limiter: state.limiter,
          shouldStop: () => state.stopped,
        });
        forced = !!outcome?.ok;
        const runId = outcome?.ok && outcome.result && typeof outcome.result === 'object' ? (outcome.result as { runId?: unknown }).runId : undefined;
        if (typeof runId === 'string') state.forced.add(runId);
      }
      await inTransaction(ctx, async (tx) => {
        if (decision.record.length > 0) {
          await tx.db
            .insert(cronRuns)
            .values(
              decision.record.map((m) => ({
                id: m.runId,
                cronId: cron.id,
                workspaceId,
                agentId,
                slot: m.slot,
                trigger: 'schedule',
                status: 'missed',
                reason: MISSED_RUN_RULES.reason,
                createdAt: now,
                updatedAt: now,
              })),
            )
            .onConflictDoNothing();
        }
        await tx.db
          .update(crons)
          .set({ missedResumeAt: report.resumeAt, missedStreak: decision.streak })
          .where(eq(crons.id, cron.id));
        if (decision.notify) {
          await recordActivity(tx, {
            workspaceId,
            action: 'cron.missed_runs',
            target: { kind: 'cron', id: cron.id },
            summary: `the gateway did not run cron "${cron.name}" (${decision.missedTotal} slot${decision.missedTotal === 1 ? '' : 's'} missed, latest ${decision.record.at(-1)?.slot.toISOString() ?? ''})`,
            metadata: { gatewayId, missed: decision.missedTotal, policy: cron.missedRunPolicy },
          });
          const latest = decision.record.at(-1)?.slot ?? report.checkedUntil;
          await emitEvent(tx, 'cron_run.missed', workspaceId, {
            cron: cronRef(cron),
            gatewayId,
            agentId,
            latestSlot: latest.toISOString(),
            missed: decision.missedTotal,
            streak: decision.streak,
            forced,
          });
        }
      });
      out.push({ cronId: cron.id, missed: decision.missedTotal, recorded: decision.record.length, forced, notify: decision.notify });
    }
    return out;
  } finally {
    state.checking = false;
  }
}
