// Creating, changing, deleting and running a cron now (issue 14). Each needs admin rights in every workspace the
// cron targets (crons.rules.ts); each writes its activity entries and `cron.*` events to every targeted workspace
// and wakes the scheduler (cron-signal.ts) in the same transaction.
import { agents, cronRuns, cronTargets, crons } from '@mc/db';
import { eq, inArray } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict, staleVersion, validation } from '../errors';
import { emitEvent } from '../events/emit-event';
import { requireUser } from '../shared/guards';
import { newId } from '../shared/ids';
import { requireWorkspaceAccess, workspaceArchived } from '../shared/workspace-access';
import { cronViewer, loadTargets, requireCron, type CronRow, type CronTargetInfo } from './cron-access';
import { cronAnswers, toCronRunDto, type CronRetry, type CronTask } from './cron-dto';
import { notifyCronsChanged } from './cron-signal';
import { notifyGatewaysChanged } from '../gateways/gateway-connection';
import { CRON_ID_PREFIX, CRON_TARGETABLE_AGENT_STATUSES, gatewayCronRefusal, targetSkipReason } from './crons.rules';
import { cronRunId, nextSlotAfter, parseSchedule, validateTimezone, type ParsedSchedule } from './schedule';

export interface CronTargetInput {
  workspaceId: string;
  agentId: string;
}

export interface CreateCronInput {
  name: string;
  schedule: string;
  timezone: string;
  targets: CronTargetInput[];
  task: CronTask;
  retry: CronRetry;
  concurrency: 'skip' | 'queue_one' | 'allow';
  catchUp: 'once' | 'skip';
  enabled: boolean;
}

export interface UpdateCronInput {
  name?: string;
  schedule?: string;
  timezone?: string;
  targets?: CronTargetInput[];
  task?: Partial<CronTask>;
  retry?: Partial<CronRetry>;
  concurrency?: 'skip' | 'queue_one' | 'allow';
  catchUp?: 'once' | 'skip';
  enabled?: boolean;
  missedRunPolicy?: 'record' | 'force_run';
  resolveConflict?: 'mission_control' | 'gateway';
  version?: number;
}

interface ResolvedTarget {
  workspaceId: string;
  agentId: string;
  position: number;
  /** The gateway hosting the agent (agents.gateway_id), or null. */
  gatewayId: string | null;
}

/** A cron that targets a gateway agent has that one target (CRON_GATEWAY_RULES); returns the gateway, or null. */
function gatewayOfTargets(targets: readonly ResolvedTarget[]): string | null {
  const onGateway = targets.findIndex((t) => t.gatewayId !== null);
  if (onGateway === -1) return null;
  if (targets.length > 1) {
    const field = `targets.${onGateway}.agentId`;
    throw validation([{ field, in: 'body', message: 'an agent hosted on a gateway must be the only target of its cron (make one cron per gateway agent)' }], `${field}: an agent hosted on a gateway must be the only target of its cron`);
  }
  return targets[0].gatewayId;
}

const dbTarget = (t: ResolvedTarget) => ({ workspaceId: t.workspaceId, agentId: t.agentId, position: t.position });

function refuse(r: ReturnType<typeof gatewayCronRefusal>) {
  if (r) throw conflict(r.message, { reason: r.reason });
}

/** Ask the gateway's connection owner for a sync pass, with the caller's transaction (mc_gateways `sync`). */
async function askGatewaySync(tx: Ctx, gatewayId: string, workspaceId: string) {
  await notifyGatewaysChanged(tx, { gatewayId, workspaceId, change: 'sync' });
}

function checkRetry(retry: CronRetry) {
  if (retry.maxSeconds < retry.baseSeconds) {
    throw validation([{ field: 'retry.maxSeconds', in: 'body', message: 'must be at least retry.baseSeconds' }], 'retry.maxSeconds: must be at least retry.baseSeconds');
  }
}

/** Parse the schedule in its zone and find its first slot after `now`; a schedule that never fires again is a 400. */
function planSchedule(schedule: string, timezone: string, now: Date): { parsed: ParsedSchedule; timezone: string; next: Date } {
  const parsed = parseSchedule(schedule, 'schedule');
  const tz = validateTimezone(timezone, 'timezone');
  const next = nextSlotAfter(parsed, tz, now);
  if (!next) throw validation([{ field: 'schedule', in: 'body', message: 'never fires after now (an @once time in the past?)' }], 'schedule: never fires after now');
  return { parsed, timezone: tz, next };
}

/**
 * The targets, checked: each workspace (id or slug) must let the caller manage crons (not a member → 404, a member
 * without admin → 403, archived → 409), each agent must be one of that workspace's (else 400 naming the field), and
 * an agent appears once. Workspaces in `known` are already checked (kept targets of an edit).
 */
async function resolveTargets(ctx: Ctx, input: CronTargetInput[], known: ReadonlySet<string> = new Set()): Promise<ResolvedTarget[]> {
  const wsIds = new Map<string, string>();
  for (const t of input) {
    if (wsIds.has(t.workspaceId)) continue;
    if (known.has(t.workspaceId)) {
      wsIds.set(t.workspaceId, t.workspaceId);
      continue;
    }
    const access = await requireWorkspaceAccess(ctx, t.workspaceId, 'crons.manage');
    wsIds.set(t.workspaceId, access.workspace.id);
  }
  const agentIds = [...new Set(input.map((t) => t.agentId))];
  const found = await ctx.db
    .select({ id: agents.id, workspaceId: agents.workspaceId, status: agents.status, gatewayId: agents.gatewayId })
    .from(agents)
    .where(inArray(agents.id, agentIds));
  const byId = new Map(found.map((a) => [a.id, a]));
  const seen = new Set<string>();
  return input.map((t, i) => {
    const workspaceId = wsIds.get(t.workspaceId)!;
    const agent = byId.get(t.agentId);
    if (!agent || agent.workspaceId !== workspaceId || !(CRON_TARGETABLE_AGENT_STATUSES as readonly string[]).includes(agent.status)) {
      throw validation([{ field: `targets.${i}.agentId`, in: 'body', message: 'no such agent in this workspace' }], `targets.${i}.agentId: no such agent in this workspace`);
    }
    if (seen.has(t.agentId)) {
      throw validation([{ field: `targets.${i}.agentId`, in: 'body', message: 'this agent is already a target' }], `targets.${i}.agentId: this agent is already a target`);
    }
    seen.add(t.agentId);
    return { workspaceId, agentId: t.agentId, position: i, gatewayId: agent.gatewayId };
  });
}

const cronRef = (c: CronRow) => ({ id: c.id, name: c.name, schedule: c.schedule, timezone: c.timezone, enabled: c.enabled });

async function answerOne(ctx: Ctx, row: CronRow) {
  const viewer = await cronViewer(ctx);
  const [dto] = await cronAnswers(ctx, [row], viewer, (ids) => loadTargets(ctx, ids));
  return dto;
}

/** POST /crons */
export async function createCron(ctx: Ctx, input: CreateCronInput) {
  requireUser(ctx);
  const now = ctx.clock.now();
  const plan = planSchedule(input.schedule, input.timezone, now);
  checkRetry(input.retry);
  const row = await inTransaction(ctx, async (tx) => {
    const targets = await resolveTargets(tx, input.targets);
    const gatewayId = gatewayOfTargets(targets);
    const me = requireUser(tx);
    const [row] = await tx.db
      .insert(crons)
      .values({
        id: newId(CRON_ID_PREFIX, now.getTime()),
        name: input.name,
        schedule: plan.parsed.source,
        scheduleKind: plan.parsed.kind,
        timezone: plan.timezone,
        task: { ...input.task, labels: [...new Set(input.task.labels)] } as unknown as Record<string, unknown>,
        retry: input.retry as unknown as Record<string, unknown>,
        concurrency: input.concurrency,
        catchUp: input.catchUp,
        enabled: input.enabled,
        owner: 'mission_control',
        // A gateway cron keeps its next slot for display; the gateway fires it (the scheduler leaves gateway_id set out).
        gatewayId,
        syncState: gatewayId ? 'pending' : null,
        nextDueAt: input.enabled ? plan.next : null,
        createdBy: me.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await tx.db.insert(cronTargets).values(targets.map((t) => ({ cronId: row.id, ...dbTarget(t) })));
    if (gatewayId) await askGatewaySync(tx, gatewayId, targets[0].workspaceId);
    for (const ws of new Set(targets.map((t) => t.workspaceId))) {
      await recordActivity(tx, {
        workspaceId: ws,
        action: 'cron.created',
        target: { kind: 'cron', id: row.id },
        summary: `created cron "${row.name}" (${row.schedule}, ${row.timezone})`,
        metadata: { schedule: row.schedule, timezone: row.timezone, agentIds: targets.filter((t) => t.workspaceId === ws).map((t) => t.agentId) },
      });
      await emitEvent(tx, 'cron.created', ws, { cron: cronRef(row) });
    }
    await notifyCronsChanged(tx, { cronId: row.id, change: 'created', nextDueAt: row.nextDueAt?.toISOString() ?? null });
    return row;
  });
  return answerOne(ctx, row);
}

/** PATCH /crons/{id} (If-Match or `version`). Resuming computes the next slot from now: missed slots are not fired. */
export async function updateCron(ctx: Ctx, cronId: string, input: UpdateCronInput) {
  requireUser(ctx);
  const viewer = await cronViewer(ctx);
  await requireCron(ctx, cronId, viewer, { manage: true });
  const now = ctx.clock.now();
  const row = await inTransaction(ctx, async (tx) => {
    const { cron, targets } = await requireCron(tx, cronId, viewer, { manage: true, lock: true });
    if (input.version !== undefined && input.version !== cron.version) throw staleVersion('cron', cron.version, input.version);
    const changes: Partial<typeof crons.$inferInsert> = {};
    const fields: string[] = [];
    const asked = (Object.keys(input) as (keyof UpdateCronInput)[]).filter((k) => k !== 'version' && input[k] !== undefined);
    refuse(gatewayCronRefusal(cron, 'edit', asked));
    if ((input.missedRunPolicy !== undefined || input.resolveConflict !== undefined) && cron.gatewayId === null) {
      const field = input.missedRunPolicy !== undefined ? 'missedRunPolicy' : 'resolveConflict';
      throw validation([{ field, in: 'body', message: 'only for crons fired by a gateway' }], `${field}: only for crons fired by a gateway`);
    }
    if (input.missedRunPolicy !== undefined && input.missedRunPolicy !== cron.missedRunPolicy) {
      changes.missedRunPolicy = input.missedRunPolicy;
      fields.push('missedRunPolicy');
    }
    if (input.resolveConflict !== undefined) {
      if (cron.syncState !== 'conflict') throw conflict('this cron has no sync conflict to resolve', { reason: 'no_conflict' });
      changes.conflictResolution = input.resolveConflict;
      fields.push('resolveConflict');
    }
    if (input.name !== undefined && input.name !== cron.name) {
      changes.name = input.name;
      fields.push('name');
    }
    const scheduleChanged = input.schedule !== undefined || input.timezone !== undefined;
    const schedule = input.schedule ?? cron.schedule;
    const timezone = input.timezone ?? cron.timezone;
    let plan: ReturnType<typeof planSchedule> | null = null;
    if (scheduleChanged) {
      plan = planSchedule(schedule, timezone, now);
      if (plan.parsed.source !== cron.schedule) {
        changes.schedule = plan.parsed.source;
        changes.scheduleKind = plan.parsed.kind;
        fields.push('schedule');
      }
      if (plan.timezone !== cron.timezone) {
        changes.timezone = plan.timezone;
        fields.push('timezone');
      }
    }
    if (input.task !== undefined) {
      const task = { ...(cron.task as unknown as CronTask), ...input.task };
      if (input.task.labels) task.labels = [...new Set(input.task.labels)];
      changes.task = task as unknown as Record<string, unknown>;
      fields.push('task');
    }
    if (input.retry !== undefined) {
      const retry = { ...(cron.retry as unknown as CronRetry), ...input.retry };
      checkRetry(retry);
      changes.retry = retry as unknown as Record<string, unknown>;
      fields.push('retry');
    }
    if (input.concurrency !== undefined && input.concurrency !== cron.concurrency) {
      changes.concurrency = input.concurrency;
      fields.push('concurrency');
    }
    if (input.catchUp !== undefined && input.catchUp !== cron.catchUp) {
      changes.catchUp = input.catchUp;
      fields.push('catchUp');
    }
    const enabled = input.enabled ?? cron.enabled;
    if (enabled !== cron.enabled) {
      changes.enabled = enabled;
      changes.pausedReason = null;
      fields.push('enabled');
    }
    // The next slot: from the schedule on a schedule change or a resume; none while paused.
    if (!enabled) {
      if (cron.nextDueAt !== null) changes.nextDueAt = null;
    } else if (changes.schedule !== undefined || changes.timezone !== undefined || changes.enabled === true) {
      changes.nextDueAt = (plan ?? planSchedule(schedule, timezone, now)).next;
    }
    let newTargets: ResolvedTarget[] | null = null;
    if (input.targets !== undefined) {
      newTargets = await resolveTargets(tx, input.targets, new Set(targets.map((t) => t.workspaceId)));
      if (gatewayOfTargets(newTargets) !== cron.gatewayId) {
        throw validation(
          [{ field: 'targets', in: 'body', message: cron.gatewayId ? "a gateway cron keeps its gateway's agents as target: make a new cron instead" : 'a gateway agent cannot be added to this cron: make a new cron for it' }],
          'targets: a cron cannot move onto or off a gateway',
        );
      }
      const before = targets.map((t) => `${t.workspaceId}/${t.agentId}`).join(',');
      const after = newTargets.map((t) => `${t.workspaceId}/${t.agentId}`).join(',');
      if (before === after) newTargets = null;
      else fields.push('targets');
    }
    if (fields.length === 0) return { row: cron, targets };
    // ADR 0003: while a target's workspace is archived, the cron may only be paused, or lose that target.
    const archived = new Set(targets.filter((t) => t.workspaceArchived).map((t) => t.workspaceId));
    const keepsArchived = (newTargets ?? targets).some((t) => archived.has(t.workspaceId));
    if (keepsArchived && !(fields.length === 1 && fields[0] === 'enabled' && !enabled)) {
      throw workspaceArchived('a workspace this cron targets is archived: pause the cron, or remove that target');
    }
    // A content edit of a gateway cron waits for the next sync pass (asked for below); a conflict stays one until resolved.
    const syncable = fields.some((f) => !['missedRunPolicy', 'resolveConflict', 'catchUp', 'concurrency', 'retry'].includes(f));
    if (cron.gatewayId !== null && syncable && cron.syncState !== 'conflict') changes.syncState = 'pending';
    const [row] = await tx.db
      .update(crons)
      .set({ ...changes, updatedAt: now, version: cron.version + 1 })
      .where(eq(crons.id, cron.id))
      .returning();
    if (newTargets) {
      await tx.db.delete(cronTargets).where(eq(cronTargets.cronId, cron.id));
      await tx.db.insert(cronTargets).values(newTargets.map((t) => ({ cronId: cron.id, ...dbTarget(t) })));
    }
    if (cron.gatewayId !== null && (syncable || fields.includes('resolveConflict'))) await askGatewaySync(tx, cron.gatewayId, targets[0]?.workspaceId ?? '');
    const workspaces = new Set([...targets.map((t) => t.workspaceId), ...(newTargets ?? []).map((t) => t.workspaceId)]);
    const action = fields.length === 1 && fields[0] === 'enabled' ? (enabled ? 'cron.resumed' : 'cron.paused') : 'cron.updated';
    for (const ws of workspaces) {
      await recordActivity(tx, {
        workspaceId: ws,
        action,
        target: { kind: 'cron', id: row.id },
        summary: action === 'cron.updated' ? `changed cron "${row.name}" (${fields.join(', ')})` : `${enabled ? 'resumed' : 'paused'} cron "${row.name}"`,
        metadata: { fields },
      });
      await emitEvent(tx, 'cron.updated', ws, { cron: cronRef(row), fields });
    }
    await notifyCronsChanged(tx, { cronId: row.id, change: 'updated', nextDueAt: row.nextDueAt?.toISOString() ?? null });
    return { row, targets };
  });
  return answerOne(ctx, row.row);
}

/** DELETE /crons/{id} — the cron, its targets and its runs (executions keep their `cronRunId`). Answers the cron as it was. */
export async function deleteCron(ctx: Ctx, cronId: string) {
  requireUser(ctx);
  const viewer = await cronViewer(ctx);
  await requireCron(ctx, cronId, viewer, { manage: true });
  const answer = await inTransaction(ctx, async (tx) => {
    const { cron, targets } = await requireCron(tx, cronId, viewer, { manage: true, lock: true });
    refuse(gatewayCronRefusal(cron, 'delete'));
    const [dto] = await cronAnswers(tx, [cron], viewer, async () => new Map([[cron.id, targets]]));
    await tx.db.delete(crons).where(eq(crons.id, cron.id));
    // Its job on the gateway carries the cron's key and no cron now: the next sync pass removes it.
    if (cron.gatewayId !== null) await askGatewaySync(tx, cron.gatewayId, targets[0]?.workspaceId ?? '');
    for (const ws of new Set(targets.map((t) => t.workspaceId))) {
      await recordActivity(tx, {
        workspaceId: ws,
        action: 'cron.deleted',
        target: { kind: 'cron', id: cron.id },
        summary: `deleted cron "${cron.name}"`,
        metadata: { schedule: cron.schedule },
      });
      await emitEvent(tx, 'cron.deleted', ws, { cron: cronRef(cron) });
    }
    await notifyCronsChanged(tx, { cronId: cron.id, change: 'deleted', nextDueAt: null });
    return dto;
  });
  return answer;
}

/**
 * POST /crons/{id}/run — "run now": one pending run per runnable target (open workspace, active agent), trigger
 * `manual`, its slot and due time now, its id `cronRunId(cron, now, agent)`; the scheduler is woken to take them.
 * Targets that cannot run are listed with the reason; none runnable is 409.
 */
export async function runCronNow(ctx: Ctx, cronId: string) {
  requireUser(ctx);
  const viewer = await cronViewer(ctx);
  await requireCron(ctx, cronId, viewer, { manage: true });
  return inTransaction(ctx, async (tx) => {
    const { cron, targets } = await requireCron(tx, cronId, viewer, { manage: true });
    refuse(gatewayCronRefusal(cron, 'run'));
    const now = tx.clock.now();
    const runnable: CronTargetInfo[] = [];
    const skipped: { workspaceId: string; agentId: string; reason: string }[] = [];
    for (const t of targets) {
      const reason = targetSkipReason(t);
      if (reason) skipped.push({ workspaceId: t.workspaceId, agentId: t.agentId, reason });
      else runnable.push(t);
    }
    if (runnable.length === 0) {
      if (skipped.every((x) => x.reason === 'WORKSPACE_ARCHIVED')) throw workspaceArchived();
      throw conflict('none of this cron\'s targets can run now', { reason: 'no_runnable_target', skipped });
    }
    const inserted = await tx.db
      .insert(cronRuns)
      .values(
        runnable.map((t) => ({
          id: cronRunId(cron.id, now, t.agentId),
          cronId: cron.id,
          workspaceId: t.workspaceId,
          agentId: t.agentId,
          slot: now,
          trigger: 'manual',
          status: 'pending',
          attempt: 1,
          dueAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning();
    for (const ws of new Set(runnable.map((t) => t.workspaceId))) {
      await recordActivity(tx, {
        workspaceId: ws,
        action: 'cron.run_requested',
        target: { kind: 'cron', id: cron.id },
        summary: `asked cron "${cron.name}" to run now`,
        metadata: { runIds: inserted.filter((r) => r.workspaceId === ws).map((r) => r.id) },
      });
    }
    await notifyCronsChanged(tx, { cronId: cron.id, change: 'run', nextDueAt: now.toISOString() });
    return { runs: inserted.map((r) => toCronRunDto({ ...r, tokensIn: 0, tokensOut: 0, costUsd: '0.000000' })), skipped };
  });
}
