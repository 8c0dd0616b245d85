// What a cron run does (issue 14): start an attempt for its target (gates, ticket, dispatch), end it when its ticket
// or execution reports an outcome or its deadline passes, retry it by the cron's policy, and record every step —
// attempts[] on the run, the cron's last result and failure streak, `cron_run.*` events to the target's workspace
// (admins notified once per failure streak), an activity entry per run and per attempt.
//
// Every function here works in the caller's transaction on a locked run row, so two processes never start or end
// the same attempt twice: the start claims the pending row with SKIP LOCKED, an outcome locks the running row and
// does nothing when the attempt has moved on.
import { agents, cronRuns, crons, cronTargets, executions, tickets, workspaces } from '@mc/db';
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { EventData } from '@mc/contracts';
import { recordActivity } from '../activity/record-activity';
import { budgetBlock } from '../budgets/usage';
import { inTransaction, type Ctx } from '../context';
import { dispatchChannelOf } from '../dispatch/dispatch.rules';
import { dispatchTask } from '../dispatch/dispatch-task';
import { dispatchTicket } from '../dispatch/dispatch-ticket';
import { DomainError } from '../errors';
import { emitEvent } from '../events/emit-event';
import { writeTicket } from '../tickets/create-ticket';
import { PRIORITY_RANK, type TicketPriority } from '../tickets/tickets.rules';
import { onCommittedEvent, type EventReaction } from '../webhooks/dispatch-events';
import { notifyCronsChanged } from './cron-signal';
import { CRON_PAUSED_REASONS, CRON_RUN_REASONS, CRON_RUN_SKIP_DETAIL, retryDecision, retryPolicyOf, runDeadlineMs, type CronRunStatus } from './cron-runs.rules';

type RunRow = typeof cronRuns.$inferSelect;

/** One attempt of a run, as listed in `attempts[]`. */
export interface CronRunAttempt {
  attempt: number;
  status: 'running' | 'success' | 'failed' | 'skipped';
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  ticketId: string | null;
  executionId: string | null;
  /** A failed attempt that is retried: when the next one may start. */
  nextAttemptAt?: string | null;
}

/** The task of a cron as stored (`crons.task`); missing fields fall back to harmless defaults. */
interface CronTask {
  title?: string;
  instructions?: string;
  labels?: string[];
  priority?: TicketPriority;
  createTicket?: boolean;
}

/** What the dispatch door needs to hand a run's task to its agent. */
export interface CronDispatchRequest {
  workspaceId: string;
  agentId: string;
  /** The run's ticket, when the task creates one; null: the task goes without a ticket. */
  ticketId: string | null;
  cronRunId: string;
  task: { title: string; instructions: string; labels: string[]; priority: TicketPriority };
}

/**
 * The dispatch door as the scheduler uses it: hand the task to an agent a channel reaches (dispatch.rules.ts
 * `dispatchChannelOf`), in the caller's transaction (a refusal rolls the attempt's start back and fails the attempt).
 * Returns the execution it started.
 */
export type CronDispatch = (tx: Ctx, req: CronDispatchRequest) => Promise<{ executionId: string }>;

/**
 * The dispatch door for a run (dispatch/): the run's ticket when the task creates one (`dispatchTicket`, as
 * `POST /tickets/{id}/dispatch`), else the task alone (`dispatchTask`, ADR 0018). The execution it starts carries the
 * run's id: its outcome ends the attempt, its tokens and cost count for the run, in the target's workspace.
 */
export const dispatchCronRun: CronDispatch = async (tx, req) => {
  const r = req.ticketId
    ? await dispatchTicket(tx, { ticketId: req.ticketId, agentId: req.agentId, cronRunId: req.cronRunId, task: req.task })
    : await dispatchTask(tx, { workspaceId: req.workspaceId, agentId: req.agentId, cronRunId: req.cronRunId, task: req.task });
  return { executionId: r.executionId };
};

export interface CronRunOptions {
  /**
   * How a run's task reaches an agent a channel reaches: the dispatch door by default. null: this runner dispatches
   * nothing (tests and benchmarks of the scheduler alone): a ticket is still created and offered, a task without
   * one has nothing to do (NOTHING_TO_DO).
   */
  dispatch?: CronDispatch | null;
  /** A number in [0, 1) for the retry jitter (Math.random by default). */
  random?: () => number;
}

const systemFor = (ctx: Ctx, cronName: string): Ctx => ({ ...ctx, principal: { kind: 'system', name: `cron ${cronName}`.slice(0, 120) } });

function runRef(run: RunRow, cronName: string, over: Partial<Pick<RunRow, 'status' | 'reason' | 'attempt' | 'ticketIds'>> = {}): EventData<'cron_run.started'>['run'] {
  const r = { ...run, ...over };
  return {
    id: r.id,
    cronId: r.cronId,
    cronName,
    agentId: r.agentId,
    slot: r.slot.toISOString(),
    trigger: r.trigger,
    attempt: r.attempt,
    status: r.status as CronRunStatus,
    reason: r.reason ?? null,
    ticketIds: r.ticketIds ?? [],
  };
}

const liveOf = (run: RunRow, status: string) => ({ agentId: run.agentId, status, ...(run.ticketIds?.length ? { ticketId: run.ticketIds[run.ticketIds.length - 1] } : {}) });

// ----------------------------------------------------------------------------------------------------- start

export type StartOutcome = 'started' | 'skipped' | 'failed' | 'gone';

/**
 * Start the next attempt of a pending run that is due: claim the row (SKIP LOCKED: a run another process is starting
 * is left to it), then for its target — skip with the reason when the cron was paused, the workspace is archived,
 * the agent is not active or the workspace's budget is stopped (ADR 0007: recorded `skipped`, BUDGET_EXCEEDED, not
 * retried); otherwise create its ticket (task.createTicket: offered to that agent, in the target's workspace) and/or
 * dispatch the task through the dispatch door, and mark the run running until its deadline. One transaction.
 */
export async function startRun(ctx: Ctx, runId: string, opts: CronRunOptions = {}): Promise<StartOutcome> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    // The run, its cron, and the target's workspace and agent in one statement (the gates below read them).
    const [row] = await tx.db
      .select({
        run: cronRuns,
        cronName: crons.name,
        task: crons.task,
        enabled: crons.enabled,
        ws: { id: workspaces.id, archivedAt: workspaces.archivedAt, defaultRepository: workspaces.defaultRepository },
        agent: { id: agents.id, status: agents.status, workspaceId: agents.workspaceId, endpoint: agents.endpoint, gatewayId: agents.gatewayId, gatewayAgentId: agents.gatewayAgentId, name: agents.name },
      })
      .from(cronRuns)
      .innerJoin(crons, eq(crons.id, cronRuns.cronId))
      .leftJoin(workspaces, eq(workspaces.id, cronRuns.workspaceId))
      .leftJoin(agents, eq(agents.id, cronRuns.agentId))
      .where(and(eq(cronRuns.id, runId), eq(cronRuns.status, 'pending'), lte(cronRuns.dueAt, now)))
      .for('update', { of: cronRuns, skipLocked: true });
    if (!row) return 'gone';
    const { run, cronName, ws, agent } = row;
    const task = (row.task ?? {}) as CronTask;
    const sys = systemFor(tx, cronName);

    let skip: string | null = null;
    if (!row.enabled && run.trigger !== 'manual') skip = CRON_RUN_REASONS.CRON_PAUSED;
    else if (!ws || ws.archivedAt) skip = CRON_RUN_REASONS.WORKSPACE_ARCHIVED;
    else if (!agent || agent.status !== 'active' || agent.workspaceId !== run.workspaceId) skip = CRON_RUN_REASONS.AGENT_INACTIVE;
    else if (await budgetBlock(tx, run.workspaceId)) skip = CRON_RUN_REASONS.BUDGET_EXCEEDED;
    const dispatch = opts.dispatch === undefined ? dispatchCronRun : opts.dispatch;
    // The door takes the task to an agent a channel reaches (with its ticket, or alone when the task creates none).
    // A task without a ticket for an agent no channel reaches cannot go anywhere: the run is skipped, with the reason.
    const channel = agent ? dispatchChannelOf(agent) : null;
    const canDispatch = !!(dispatch && channel);
    const ticketless = task.createTicket === false;
    let detail: string | null = null;
    if (!skip && ticketless && !dispatch) skip = CRON_RUN_REASONS.NOTHING_TO_DO;
    else if (!skip && ticketless && !channel) {
      skip = CRON_RUN_REASONS.AGENT_UNREACHABLE;
      detail = CRON_RUN_SKIP_DETAIL.AGENT_UNREACHABLE(agent!.name);
    }
    if (skip) {
      const attempt: CronRunAttempt = { attempt: run.attempt, status: 'skipped', startedAt: now.toISOString(), endedAt: now.toISOString(), error: detail ?? skip, ticketId: null, executionId: null };
      const paused = skip === CRON_RUN_REASONS.WORKSPACE_ARCHIVED || skip === CRON_RUN_REASONS.AGENT_INACTIVE ? await pauseIfNoRunnableTarget(sys, run.cronId) : false;
      await endRun(sys, run, cronName, { status: 'skipped', reason: skip, output: detail, attempts: [...(run.attempts as CronRunAttempt[]), attempt], cronPaused: paused });
      return 'skipped';
    }

    // The attempt's start, in a savepoint: a refusal of the dispatch door (or any failure creating the ticket) rolls
    // back what it began and fails the attempt, which the retry policy then takes.
    const title = (task.title ?? cronName).slice(0, 200);
    const instructions = task.instructions ?? '';
    const labels = task.labels ?? [];
    const priority: TicketPriority = task.priority && task.priority in PRIORITY_RANK ? task.priority : 'medium';
    let started: { ticketId: string | null; executionId: string | null };
    try {
      started = await inTransaction(sys, async (sp) => {
        let ticketId: string | null = null;
        if (!ticketless) {
          const ticket = await writeTicket(
            sp,
            { id: run.workspaceId, defaultRepository: ws!.defaultRepository },
            { title, description: instructions, labels, priority },
            { assigneeAgentId: run.agentId, assigneeUserId: null },
            { kind: 'cron', id: run.id },
          );
          ticketId = ticket.id;
        }
        let executionId: string | null = null;
        if (canDispatch) {
          const d = await dispatch!(sp, { workspaceId: run.workspaceId, agentId: run.agentId, ticketId, cronRunId: run.id, task: { title, instructions, labels, priority } });
          executionId = d.executionId;
        }
        return { ticketId, executionId };
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const failed: RunRow = { ...run, status: 'running', startedAt: run.startedAt ?? now };
      const attempts = [...(run.attempts as CronRunAttempt[]), { attempt: run.attempt, status: 'running', startedAt: now.toISOString(), endedAt: null, error: null, ticketId: null, executionId: null } satisfies CronRunAttempt];
      await failAttempt(sys, { ...failed, attempts }, cronName, CRON_RUN_REASONS.START_FAILED, `${err.code}: ${err.message}`, opts);
      return 'failed';
    }

    const attempt: CronRunAttempt = { attempt: run.attempt, status: 'running', startedAt: now.toISOString(), endedAt: null, error: null, ...started };
    const ticketIds = started.ticketId ? [...run.ticketIds, started.ticketId] : run.ticketIds;
    const [updated] = await tx.db
      .update(cronRuns)
      .set({
        status: 'running',
        reason: null,
        dueAt: null,
        deadlineAt: new Date(now.getTime() + runDeadlineMs(task)),
        startedAt: run.startedAt ?? now,
        ticketIds,
        attempts: [...(run.attempts as CronRunAttempt[]), attempt],
        updatedAt: now,
      })
      .where(eq(cronRuns.id, run.id))
      .returning();
    await recordActivity(sys, {
      workspaceId: run.workspaceId,
      action: 'cron_run.started',
      target: { kind: 'cron_run', id: run.id },
      summary: `started run of cron ${cronName} for ${agent!.name} (slot ${run.slot.toISOString()}, attempt ${run.attempt})`,
      metadata: { cronId: run.cronId, agentId: run.agentId, slot: run.slot.toISOString(), attempt: run.attempt, trigger: run.trigger, ...started },
      status: 'running',
    });
    await emitEvent(sys, 'cron_run.started', run.workspaceId, { run: runRef(updated, cronName), executionId: started.executionId }, liveOf(updated, 'running'));
    return 'started';
  });
}

// ------------------------------------------------------------------------------------------------------ end

/**
 * End an attempt of a running run with its outcome (its ticket reached Done or was closed, its execution reported,
 * its deadline passed). `expect` narrows it to a run still at that attempt, or whose deadline has passed. Does
 * nothing (returns false) when the run is not running any more: an outcome that arrives late, twice, or for an
 * attempt that another process already ended.
 */
export async function endAttempt(
  ctx: Ctx,
  runId: string,
  outcome: { status: 'success' } | { status: 'failed'; reason: string; error: string },
  extra: { output?: string | null; deadlinePassed?: boolean } = {},
  opts: CronRunOptions = {},
): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const where = [eq(cronRuns.id, runId), eq(cronRuns.status, 'running')];
    if (extra.deadlinePassed) where.push(lte(cronRuns.deadlineAt, now));
    const [row] = await tx.db
      .select({ run: cronRuns, cronName: crons.name })
      .from(cronRuns)
      .innerJoin(crons, eq(crons.id, cronRuns.cronId))
      .where(and(...where))
      .for('update', { of: cronRuns });
    if (!row) return false;
    const sys = systemFor(tx, row.cronName);
    if (outcome.status === 'success') {
      const attempts = closeLastAttempt(row.run.attempts as CronRunAttempt[], 'success', now, null);
      await endRun(sys, row.run, row.cronName, { status: 'success', reason: null, output: extra.output ?? null, attempts, cronPaused: false });
    } else {
      await failAttempt(sys, { ...row.run, output: extra.output ?? row.run.output }, row.cronName, outcome.reason, outcome.error, opts);
    }
    return true;
  });
}

function closeLastAttempt(attempts: CronRunAttempt[], status: CronRunAttempt['status'], now: Date, error: string | null, nextAttemptAt?: string | null): CronRunAttempt[] {
  const out = attempts.map((a) => ({ ...a }));
  const last = out[out.length - 1];
  if (last && last.status === 'running') Object.assign(last, { status, endedAt: now.toISOString(), error, ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}) });
  return out;
}

/** A running attempt failed: retry it by the cron's policy (pending again, due after the backoff), or end the run failed. */
async function failAttempt(sys: Ctx, run: RunRow, cronName: string, reason: string, error: string, opts: CronRunOptions) {
  const now = sys.clock.now();
  const [cron] = await sys.db.select({ retry: crons.retry, failureStreak: crons.failureStreak }).from(crons).where(eq(crons.id, run.cronId));
  const decision = retryDecision(retryPolicyOf(cron?.retry), run.attempt, reason, (opts.random ?? Math.random)());
  if (!decision.retry) {
    const attempts = closeLastAttempt(run.attempts as CronRunAttempt[], 'failed', now, error);
    await endRun(sys, run, cronName, { status: 'failed', reason, output: run.output, attempts, cronPaused: false, error });
    return;
  }
  const nextAt = new Date(now.getTime() + decision.delayMs);
  const attempts = closeLastAttempt(run.attempts as CronRunAttempt[], 'failed', now, error, nextAt.toISOString());
  const [updated] = await sys.db
    .update(cronRuns)
    .set({ status: 'pending', reason, attempt: run.attempt + 1, attempts, dueAt: nextAt, deadlineAt: null, output: run.output, updatedAt: now })
    .where(eq(cronRuns.id, run.id))
    .returning();
  await recordActivity(sys, {
    workspaceId: run.workspaceId,
    action: 'cron_run.failed',
    target: { kind: 'cron_run', id: run.id },
    summary: `attempt ${run.attempt} of cron ${cronName} failed (${reason}); attempt ${run.attempt + 1} at ${nextAt.toISOString()}`,
    metadata: { cronId: run.cronId, agentId: run.agentId, slot: run.slot.toISOString(), attempt: run.attempt, reason, error, nextAttemptAt: nextAt.toISOString() },
    status: 'retrying',
  });
  await emitEvent(
    sys,
    'cron_run.failed',
    run.workspaceId,
    { run: runRef(updated, cronName), error: error.slice(0, 500), willRetry: true, nextAttemptAt: nextAt.toISOString(), durationMs: null, failureStreak: cron?.failureStreak ?? 0 },
    liveOf(updated, 'pending'),
  );
  // Every scheduler (this process and the others) looks again: the retry may be due before what it sleeps for.
  await notifyCronsChanged(sys, { cronId: run.cronId, change: 'run', nextDueAt: nextAt.toISOString() });
}

/**
 * A run ends for good (success, failed, skipped): its times and duration, the cron's last result and failure streak
 * (a failed run adds one, a success resets it, a skip leaves it), the event and activity entry, and the target's
 * queued run (concurrency `queue_one`) becomes due.
 */
async function endRun(
  sys: Ctx,
  run: RunRow,
  cronName: string,
  end: { status: 'success' | 'failed' | 'skipped'; reason: string | null; output: string | null; attempts: CronRunAttempt[]; cronPaused: boolean; error?: string },
) {
  const now = sys.clock.now();
  const durationMs = run.startedAt ? Math.max(0, now.getTime() - run.startedAt.getTime()) : null;
  const [updated] = await sys.db
    .update(cronRuns)
    .set({ status: end.status, reason: end.reason, attempts: end.attempts, dueAt: null, deadlineAt: null, endedAt: now, durationMs, output: end.output, updatedAt: now })
    .where(eq(cronRuns.id, run.id))
    .returning();
  const [cron] = await sys.db
    .update(crons)
    .set({
      lastRunAt: now,
      lastRunStatus: end.status,
      failureStreak: end.status === 'failed' ? sql`${crons.failureStreak} + 1` : end.status === 'success' ? 0 : crons.failureStreak,
    })
    .where(eq(crons.id, run.cronId))
    .returning({ failureStreak: crons.failureStreak });
  const what = end.status === 'success' ? 'succeeded' : end.status === 'failed' ? `failed (${end.reason})` : `skipped (${end.reason})`;
  await recordActivity(sys, {
    workspaceId: run.workspaceId,
    action: `cron_run.${end.status === 'success' ? 'succeeded' : end.status}`,
    target: { kind: 'cron_run', id: run.id },
    summary: `run of cron ${cronName} for slot ${run.slot.toISOString()} ${what}${end.cronPaused ? '; the cron is paused: no runnable target left' : ''}`,
    metadata: { cronId: run.cronId, agentId: run.agentId, slot: run.slot.toISOString(), attempt: run.attempt, reason: end.reason, durationMs, ticketIds: run.ticketIds, cronPaused: end.cronPaused },
    status: end.status,
  });
  const ref = runRef(updated, cronName);
  if (end.status === 'failed') {
    await emitEvent(
      sys,
      'cron_run.failed',
      run.workspaceId,
      { run: ref, error: (end.error ?? end.reason ?? 'failed').slice(0, 500), willRetry: false, nextAttemptAt: null, durationMs, failureStreak: cron?.failureStreak ?? 1 },
      liveOf(updated, 'failed'),
    );
  } else {
    await emitEvent(sys, 'cron_run.finished', run.workspaceId, { run: ref, durationMs, cronPaused: end.cronPaused }, liveOf(updated, end.status));
  }
  await promoteQueued(sys, run.cronId, run.agentId);
}

/** Concurrency `queue_one`: the slot that waited for this target's previous run becomes due now. */
async function promoteQueued(sys: Ctx, cronId: string, agentId: string) {
  const now = sys.clock.now();
  const [next] = await sys.db
    .select({ id: cronRuns.id })
    .from(cronRuns)
    .where(and(eq(cronRuns.cronId, cronId), eq(cronRuns.agentId, agentId), eq(cronRuns.status, 'pending'), isNull(cronRuns.dueAt)))
    .orderBy(asc(cronRuns.slot))
    .limit(1)
    .for('update', { skipLocked: true });
  if (!next) return;
  await sys.db.update(cronRuns).set({ dueAt: now, updatedAt: now }).where(eq(cronRuns.id, next.id));
  await notifyCronsChanged(sys, { cronId, change: 'run', nextDueAt: now.toISOString() });
}

/**
 * A target could not run (archived workspace, inactive agent): when none of the cron's targets can run any more, the
 * cron pauses itself with the reason (its next run would only be skipped again). Returns whether it paused now.
 */
export async function pauseIfNoRunnableTarget(sys: Ctx, cronId: string): Promise<boolean> {
  const [runnable] = await sys.db
    .select({ n: sql<number>`count(*)::int` })
    .from(cronTargets)
    .innerJoin(workspaces, and(eq(workspaces.id, cronTargets.workspaceId), isNull(workspaces.archivedAt)))
    .innerJoin(agents, and(eq(agents.id, cronTargets.agentId), eq(agents.workspaceId, cronTargets.workspaceId), eq(agents.status, 'active')))
    .where(eq(cronTargets.cronId, cronId));
  if ((runnable?.n ?? 0) > 0) return false;
  const now = sys.clock.now();
  const paused = await sys.db
    .update(crons)
    .set({ enabled: false, nextDueAt: null, pausedReason: CRON_PAUSED_REASONS.NO_RUNNABLE_TARGET, version: sql`${crons.version} + 1`, updatedAt: now })
    .where(and(eq(crons.id, cronId), eq(crons.enabled, true)))
    .returning({ id: crons.id });
  return paused.length > 0;
}

// ------------------------------------------------------------------------------------------------ outcomes

/**
 * A run's outcome from what happened to its ticket or its execution, as reactions to committed events (the outbox,
 * whichever path wrote them): its ticket reaching Done is a success, closed without being done a failure; its
 * execution (`cronRunId`) finishing `success` is a success, `failed` or `blocked` a failure. The reaction's writes
 * commit with the event's dispatch, so a crash replays the event and the run is not ended twice (endAttempt does
 * nothing for a run that is not running). Register once per process; returns the unsubscribe function.
 */
export function registerCronRunReactions(opts: CronRunOptions = {}): () => void {
  return onCommittedEvent('crons.run-outcomes', ['ticket.moved', 'execution.finished'], reactToRunOutcome(opts), { wantsSql: cronOutcomeWantedSql });
}

/**
 * The events the outcome reaction can act on, as SQL over the outbox row `e`: a move to Done or closed (other moves
 * end no run) or a finished execution, in a workspace with a cron run in flight (`cron_runs_running_idx`, one probe).
 * A run is running from the transaction that creates its ticket and its execution until this reaction or its
 * deadline ends it, and the reaction ends only running runs, so an event for which this is false has nothing to end.
 * Every other move and execution of an instance is left to the quiet skip (one statement for a batch) instead of
 * the full dispatch transaction.
 */
export const cronOutcomeWantedSql = (e: string) =>
  `(${e}.type <> 'ticket.moved' OR ${e}.data->>'to' IN ('done', 'closed'))
    AND EXISTS (SELECT 1 FROM cron_runs crr WHERE crr.workspace_id = ${e}.workspace_id AND crr.status = 'running')`;

function reactToRunOutcome(opts: CronRunOptions): EventReaction {
  return async (tx, e) => {
    const d = e.data as Record<string, any>;
    if (e.type === 'ticket.moved') {
      if (d.to !== 'done' && d.to !== 'closed') return;
      const [t] = await tx.db.select({ kind: tickets.createdByKind, runId: tickets.createdById }).from(tickets).where(eq(tickets.id, d.ticket.id));
      if (!t || t.kind !== 'cron' || !t.runId) return;
      const outcome =
        d.to === 'done'
          ? ({ status: 'success' } as const)
          : ({ status: 'failed', reason: CRON_RUN_REASONS.TICKET_CLOSED, error: `ticket #${d.ticket.number} was closed without being done` } as const);
      await endAttempt(tx, t.runId, outcome, { output: `ticket #${d.ticket.number} ${d.to === 'done' ? 'done' : 'closed'}` }, opts);
      return;
    }
    const x = d.execution as { id: string; status: string };
    const [ex] = await tx.db.select({ runId: executions.cronRunId, summary: executions.summary }).from(executions).where(eq(executions.id, x.id));
    if (!ex?.runId) return;
    const outcome =
      x.status === 'success'
        ? ({ status: 'success' } as const)
        : ({ status: 'failed', reason: CRON_RUN_REASONS.EXECUTION_FAILED, error: `execution ${x.id} ${x.status}` } as const);
    await endAttempt(tx, ex.runId, outcome, { output: ex.summary ?? null }, opts);
  };
}

