// The owner side of the `gateway` channel (ADR 0023): run in the process that holds a gateway's connection, never
// in a request. It sends the dispatches the door queued (gateway-queue.ts), follows their runs through the gateway's
// events, and finishes their executions with the reply, the usage and the cost; `agent.wait` covers events missed
// across a reconnect, and Mission Control's own deadline covers a gateway that never answers.
import type { DispatchedTask } from '@mc/contracts';
import { agents, executions, tickets, workspaces } from '@mc/db';
import { GatewayRequestError, GatewayUnavailableError, type AgentWaitResult, type GatewayClient } from '@mc/openclaw';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { mintRunToken } from '../auth/run-tokens';
import { asSystem, inTransaction, type AgentPrincipal, type Ctx } from '../context';
import { DomainError } from '../errors';
import { failRunningExecution } from '../executions/fail-execution';
import { publishLive } from '../shared/live';
import { reportExecution } from '../executions/report-execution';
import type { GatewayHandlers } from '../gateways/gateway-handlers';
import { createComment } from '../tickets/comments';
import { releaseTicket } from '../tickets/release-ticket';
import { CLAIM_LEASE_MS, MAX_COMMENT } from '../tickets/tickets.rules';
import {
  GATEWAY_DEADLINE_GRACE_MS,
  GATEWAY_QUIET_PROBE_MS,
  GATEWAY_RUN_OUTCOME,
  GATEWAY_RUN_TIMEOUT_S,
  GATEWAY_SEND_BATCH,
  GATEWAY_WAIT_PROBE_MS,
  gatewaySessionKey,
} from './dispatch.rules';
import { buildGatewayRunMessage } from './gateway-message';

// For callers without their own dependency on the client package (tests of the API drive the handlers).
export { GatewayClient, GatewayRequestError, GatewayUnavailableError, type GatewayEvent } from '@mc/openclaw';

const SYSTEM = 'gateway-dispatch';
/** How long the `agent` request may take (the gateway accepts at once; this bounds a stuck connection). */
const SEND_TIMEOUT_MS = 10_000;
const HISTORY_TIMEOUT_MS = 10_000;

/** How a gateway run ended, as the owner learned it (events, agent.wait, its own deadline, a restart). */
export interface GatewayRunEnd {
  status: 'ok' | 'error' | 'timeout';
  text: string | null;
  /** Why Mission Control ended it (deadline, restart), when it was not the gateway's word. */
  why?: string;
}

// ---- sending ----------------------------------------------------------------------------------------------------

/**
 * Send the dispatches queued for `gatewayId`, oldest first, each in its own transaction holding its row
 * (FOR UPDATE SKIP LOCKED: two owners never send the same one). The run token is minted in that transaction, so a
 * send that did not reach the gateway (unavailable, `sent: false`) rolls back to `queued` with no token left over.
 * A refusal by the gateway fails the execution (and gives the ticket back). Returns how many were sent.
 */
export async function sendQueuedGatewayDispatches(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<number> {
  let sent = 0;
  for (let i = 0; i < GATEWAY_SEND_BATCH; i++) {
    let outcome: 'none' | 'sent' | 'refused';
    try {
      outcome = await inTransaction(asSystem(ctx, SYSTEM), (tx) => sendOne(tx, gatewayId, client));
    } catch (err) {
      // Not reached the gateway: stays queued for the next wake (onConnected / onWork).
      if (err instanceof GatewayUnavailableError && !err.sent) return sent;
      throw err;
    }
    if (outcome === 'none') break;
    if (outcome === 'sent') sent++;
  }
  return sent;
}

async function sendOne(tx: Ctx, gatewayId: string, client: GatewayClient): Promise<'none' | 'sent' | 'refused'> {
  const [row] = await tx.db
    .select({
      id: executions.id,
      workspaceId: executions.workspaceId,
      agentId: executions.agentId,
      ticketId: executions.ticketId,
      startedAt: executions.startedAt,
      summary: executions.summary,
      task: executions.gatewayTask,
    })
    .from(executions)
    .where(and(eq(executions.gatewayId, gatewayId), eq(executions.dispatchState, 'queued'), eq(executions.status, 'running')))
    .orderBy(asc(executions.startedAt))
    .limit(1)
    .for('update', { skipLocked: true });
  if (!row) return 'none';
  const now = tx.clock.now();
  const [agent] = await tx.db
    .select({ name: agents.name, status: agents.status, gatewayId: agents.gatewayId, gatewayAgentId: agents.gatewayAgentId })
    .from(agents)
    .where(and(eq(agents.id, row.agentId), eq(agents.workspaceId, row.workspaceId)))
    .limit(1);
  if (!agent || agent.gatewayId !== gatewayId || !agent.gatewayAgentId || agent.status !== 'active') {
    await finishInTx(tx, row.id, { status: 'error', text: null, why: 'The agent was unlinked from the gateway (or deactivated) before its run was sent.' }, null);
    return 'refused';
  }
  const [workspace] = await tx.db.select().from(workspaces).where(eq(workspaces.id, row.workspaceId)).limit(1);
  const [ticket] = row.ticketId ? await tx.db.select().from(tickets).where(eq(tickets.id, row.ticketId)).limit(1) : [];
  const deadline = new Date(now.getTime() + GATEWAY_RUN_TIMEOUT_S * 1000 + GATEWAY_DEADLINE_GRACE_MS);
  const base = tx.config.publicUrl?.replace(/\/+$/, '') ?? null;
  // Without a public URL the agent could not reach us: no token, the result comes back through the gateway only.
  const token = base ? await mintRunToken(tx, { workspaceId: row.workspaceId, agentId: row.agentId, executionId: row.id, ticketId: row.ticketId, expiresAt: deadline }) : null;
  const message = buildGatewayRunMessage({
    executionId: row.id,
    task: row.task as DispatchedTask | null,
    ticket: ticket ?? null,
    workspace: { name: workspace.name, slug: workspace.slug, mission: workspace.mission, defaultRepository: workspace.defaultRepository },
    report: base && token ? { baseUrl: base, token } : null,
  });
  let runId = row.id;
  try {
    const accepted = await client.api.agent(
      {
        message,
        agentId: agent.gatewayAgentId,
        idempotencyKey: row.id,
        deliver: false,
        sessionKey: gatewaySessionKey(row.id),
        timeout: GATEWAY_RUN_TIMEOUT_S,
      },
      { timeoutMs: SEND_TIMEOUT_MS },
    );
    if (typeof accepted.runId === 'string' && accepted.runId) runId = accepted.runId;
  } catch (err) {
    if (err instanceof GatewayRequestError && !err.retryable) {
      await finishInTx(tx, row.id, { status: 'error', text: null, why: `The gateway refused the run: ${err.code} ${err.message}`.slice(0, 500) }, null);
      return 'refused';
    }
    // Sent but unanswered (the connection dropped): it may be running there. Recorded as sent; the reconnect checks
    // it (agent.wait, or failed if the gateway restarted). Not sent at all: rethrown, the transaction rolls back.
    if (!((err instanceof GatewayUnavailableError || (err as { name?: string }).name === 'GatewayTimeoutError') && (err as { sent?: boolean }).sent)) throw err;
  }
  await tx.db
    .update(executions)
    .set({ dispatchState: 'sent', gatewayRunId: runId, gatewaySentAt: now, gatewayDeadlineAt: deadline, gatewayTask: null, lastReportAt: now, updatedAt: now })
    .where(eq(executions.id, row.id));
  await publishLive(tx, { type: 'execution.progress', workspaceId: row.workspaceId, agentId: row.agentId, ...(row.ticketId ? { ticketId: row.ticketId } : {}), status: 'sent' });
  return 'sent';
}

// ---- results ----------------------------------------------------------------------------------------------------

interface RunRow {
  id: string;
  workspaceId: string;
  agentId: string;
  ticketId: string | null;
  status: string;
  dispatchState: string | null;
  gatewayRunId: string | null;
  gatewaySentAt: Date | null;
}

const runColumns = {
  id: executions.id,
  workspaceId: executions.workspaceId,
  agentId: executions.agentId,
  ticketId: executions.ticketId,
  status: executions.status,
  dispatchState: executions.dispatchState,
  gatewayRunId: executions.gatewayRunId,
  gatewaySentAt: executions.gatewaySentAt,
};

async function runOf(ctx: Ctx, gatewayId: string, runId: string): Promise<RunRow | null> {
  // The run id is the execution id (sent as the idempotency key); gateway_run_id holds what the gateway answered.
  const [row] = await ctx.db
    .select(runColumns)
    .from(executions)
    .where(and(eq(executions.id, runId), eq(executions.gatewayId, gatewayId), inArray(executions.dispatchState, ['sent', 'running'])))
    .limit(1);
  return row ?? null;
}

/** The run's lifecycle started (or goes on): `running`, and the ticket's lease renewed so the sweeper leaves it. */
async function markRunAlive(ctx: Ctx, run: RunRow, sessionKey: unknown): Promise<void> {
  await inTransaction(asSystem(ctx, SYSTEM), async (tx) => {
    const now = tx.clock.now();
    await tx.db
      .update(executions)
      .set({ dispatchState: 'running', lastReportAt: now, ...(typeof sessionKey === 'string' && sessionKey.length <= 500 ? { gatewaySessionKey: sessionKey } : {}) })
      .where(and(eq(executions.id, run.id), inArray(executions.dispatchState, ['sent', 'running'])));
    if (run.dispatchState === 'sent') {
      await publishLive(tx, { type: 'execution.progress', workspaceId: run.workspaceId, agentId: run.agentId, ...(run.ticketId ? { ticketId: run.ticketId } : {}), status: 'running' });
    }
    if (run.ticketId) {
      await tx.db
        .update(tickets)
        .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
        .where(and(eq(tickets.id, run.ticketId), eq(tickets.claimedByAgentId, run.agentId), eq(tickets.status, 'in_progress')));
    }
  });
}

/** Full usage of the run from its transcript: the assistant messages tagged with the run id (input, output, cost). */
export async function gatewayRunUsage(
  client: GatewayClient,
  sessionKey: string,
  runId: string,
): Promise<{ tokensIn: number; tokensOut: number; costUsd: number | null; model: string | null } | null> {
  const history = await client.api.chatHistory({ sessionKey, limit: 200 }, { timeoutMs: HISTORY_TIMEOUT_MS });
  const messages = Array.isArray(history.messages) ? (history.messages as Record<string, any>[]) : [];
  const mine = messages.filter((m) => m && m.role === 'assistant' && m.__openclaw?.runId === runId && m.usage);
  if (mine.length === 0) return null;
  let tokensIn = 0;
  let tokensOut = 0;
  let cost = 0;
  let costKnown = false;
  let model: string | null = null;
  for (const m of mine) {
    tokensIn += num(m.usage.input);
    tokensOut += num(m.usage.output);
    const c = typeof m.usage.cost === 'object' && m.usage.cost ? m.usage.cost.total : m.usage.cost;
    if (typeof c === 'number' && Number.isFinite(c) && c > 0) {
      cost += c;
      costKnown = true;
    }
    if (typeof m.model === 'string' && m.model) model = typeof m.provider === 'string' && m.provider ? `${m.provider}/${m.model}` : m.model;
  }
  return { tokensIn, tokensOut, costUsd: costKnown ? cost : null, model };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/**
 * Finish the execution of a gateway run: its usage (from the transcript, when the gateway can still be asked), the
 * outcome, a comment on the ticket with the reply, and the ticket given back unless the agent moved it. The agent
 * may have finished the execution itself over REST with its run token: then only what is left is done (the
 * comment, the hand-over's end) — never a second execution.
 */
export async function finishGatewayRun(
  ctx: Ctx,
  gatewayId: string,
  executionId: string,
  end: GatewayRunEnd,
  client: GatewayClient | null,
  sessionKey?: string,
): Promise<boolean> {
  let usage: Awaited<ReturnType<typeof gatewayRunUsage>> = null;
  if (client && !end.why) {
    const [row] = await ctx.db.select({ runId: executions.gatewayRunId, sessionKey: executions.gatewaySessionKey }).from(executions).where(eq(executions.id, executionId)).limit(1);
    // The gateway's own name for the session (events carry it), else the key we sent.
    const key = sessionKey ?? row?.sessionKey ?? gatewaySessionKey(executionId);
    usage = await gatewayRunUsage(client, key, row?.runId ?? executionId).catch(() => null);
  }
  return inTransaction(asSystem(ctx, SYSTEM), async (tx) => {
    const [row] = await tx.db
      .select({ gatewayId: executions.gatewayId, dispatchState: executions.dispatchState })
      .from(executions)
      .where(eq(executions.id, executionId))
      .for('update');
    if (!row || row.gatewayId !== gatewayId || row.dispatchState === 'finished' || row.dispatchState === null) return false;
    await finishInTx(tx, executionId, end, usage);
    return true;
  });
}

async function finishInTx(tx: Ctx, executionId: string, end: GatewayRunEnd, usage: Awaited<ReturnType<typeof gatewayRunUsage>>): Promise<void> {
  const [e] = await tx.db
    .select({
      id: executions.id,
      status: executions.status,
      startedAt: executions.startedAt,
      summary: executions.summary,
      workspaceId: executions.workspaceId,
      agentId: executions.agentId,
      ticketId: executions.ticketId,
      tokensIn: executions.tokensIn,
      tokensOut: executions.tokensOut,
    })
    .from(executions)
    .where(eq(executions.id, executionId))
    .for('update');
  if (!e) return;
  const now = tx.clock.now();
  await tx.db.update(executions).set({ dispatchState: 'finished', gatewayTask: null }).where(eq(executions.id, e.id));
  const [agent] = await tx.db.select({ name: agents.name, capabilities: agents.capabilities }).from(agents).where(eq(agents.id, e.agentId)).limit(1);
  const asAgent: Ctx = {
    ...tx,
    principal: {
      kind: 'agent',
      agentId: e.agentId,
      workspaceId: e.workspaceId,
      name: agent?.name ?? e.agentId,
      capabilities: (agent?.capabilities as string[]) ?? [],
      credentialId: `gateway:${e.id}`,
    } satisfies AgentPrincipal,
  };
  const outcome = GATEWAY_RUN_OUTCOME[end.status] ?? 'failed';
  const reply = end.text?.trim() ? end.text.trim() : null;
  if (e.status === 'running') {
    const why = end.why ?? (end.status === 'ok' ? null : end.status === 'timeout' ? 'The gateway run timed out.' : 'The gateway run failed.');
    const summary = [reply ? reply.slice(0, 4000) : null, why].filter(Boolean).join('\n\n') || null;
    if (usage || outcome === 'success') {
      // Cumulative, never below what the agent already reported itself over REST with its run token.
      const withUsage = usage
        ? {
            tokensIn: Math.max(usage.tokensIn, e.tokensIn),
            tokensOut: Math.max(usage.tokensOut, e.tokensOut),
            ...(usage.model ? { model: usage.model } : {}),
            ...(usage.costUsd !== null ? { costUsd: usage.costUsd } : {}),
          }
        : {};
      try {
        await reportExecution(asAgent, e.id, { status: outcome, ...withUsage, ...(summary ? { summary } : {}) });
      } catch (err) {
        // Usage the report rules refuse (e.g. a model name or cost out of bounds) must not keep the run open.
        if (!(err instanceof DomainError)) throw err;
        await reportExecution(asAgent, e.id, { status: outcome, ...(summary ? { summary } : {}) });
      }
    } else {
      await failRunningExecution(tx, e, why!, `marked a gateway run failed (${end.status})`, now);
    }
  }
  if (!e.ticketId) return;
  const head = end.why ?? (end.status === 'ok' ? 'The gateway run finished.' : end.status === 'timeout' ? 'The gateway run timed out.' : 'The gateway run failed.');
  const body = `${head} (execution ${e.id})${reply ? `\n\n${reply}` : ''}`.slice(0, MAX_COMMENT);
  await swallowDomain(() => createComment(asAgent, e.ticketId!, { body }));
  // The run is over: the claim made for it goes back unless the agent moved the ticket on (release-ticket.ts only
  // releases a ticket still in progress and held by this agent).
  const [t] = await tx.db.select({ status: tickets.status, holder: tickets.claimedByAgentId }).from(tickets).where(eq(tickets.id, e.ticketId)).limit(1);
  if (t && t.status === 'in_progress' && t.holder === e.agentId) {
    await swallowDomain(() => releaseTicket(asAgent, e.ticketId!, { reason: `gateway run ${end.status}` }));
  }
}

/** A refusal of the ticket's own rules (it changed meanwhile) must not undo the execution's end. */
async function swallowDomain(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
}

// ---- events -----------------------------------------------------------------------------------------------------

/** Event handling is serialized per gateway (the seam's onEvent must not block); `gatewayDispatchIdle` awaits it. */
const chains = new Map<string, Promise<void>>();

export function gatewayDispatchIdle(gatewayId: string): Promise<void> {
  return chains.get(gatewayId) ?? Promise.resolve();
}

function enqueue(gatewayId: string, work: () => Promise<void>): void {
  const next = (chains.get(gatewayId) ?? Promise.resolve()).then(work).catch((err) => {
    console.error(`[gateway-dispatch] ${gatewayId}: event handling failed: ${(err as Error)?.message ?? err}`);
  });
  chains.set(gatewayId, next);
  void next.then(() => {
    if (chains.get(gatewayId) === next) chains.delete(gatewayId);
  });
}

function textOf(message: unknown): string | null {
  if (!message || typeof message !== 'object') return null;
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (c && typeof c === 'object' && typeof (c as any).text === 'string' ? (c as any).text : '')).join('') || null;
  return typeof (message as { text?: unknown }).text === 'string' ? (message as { text: string }).text : null;
}

/** One event frame of the gateway, for the runs this process sent (others are ignored). */
export async function handleGatewayDispatchEvent(ctx: Ctx, gatewayId: string, event: { event: string; payload: unknown }, client: GatewayClient | null): Promise<void> {
  const p = event.payload as Record<string, any> | null;
  if (!p || typeof p.runId !== 'string') return;
  if (event.event === 'agent') {
    if (p.stream !== 'lifecycle') return;
    const run = await runOf(ctx, gatewayId, p.runId);
    if (!run) return;
    const phase = p.data?.phase;
    if (phase === 'start') return markRunAlive(ctx, run, p.sessionKey);
    if (phase === 'end' || phase === 'error') {
      const failed = phase === 'error' || p.data?.status === 'error' || p.data?.error !== undefined && p.data?.error !== null;
      const text = typeof p.data?.terminalReply?.text === 'string' ? p.data.terminalReply.text : null;
      const sessionKey = typeof p.sessionKey === 'string' ? p.sessionKey : undefined;
      await finishGatewayRun(ctx, gatewayId, run.id, { status: failed ? 'error' : 'ok', text: text ?? (failed ? String(p.data?.error ?? '') || null : null) }, client, sessionKey);
      return;
    }
    return markRunAlive(ctx, run, p.sessionKey);
  }
  if (event.event === 'chat' && p.state === 'final') {
    const run = await runOf(ctx, gatewayId, p.runId);
    if (!run) return;
    await finishGatewayRun(ctx, gatewayId, run.id, { status: 'ok', text: textOf(p.message) }, client, typeof p.sessionKey === 'string' ? p.sessionKey : undefined);
  }
}

// ---- missed events, deadlines, restarts ------------------------------------------------------------------------

function waitEnd(r: AgentWaitResult): GatewayRunEnd | null {
  if (r.status === 'ok') return { status: 'ok', text: r.terminalReply?.text ?? null };
  if (r.status === 'error') return { status: 'error', text: r.terminalReply?.text ?? (typeof r.error === 'string' ? r.error : null) };
  return null; // timeout: still running, or unknown to the gateway
}

/** When the connected gateway process started (hello-ok snapshot.uptimeMs), if it said. */
function gatewayBootAt(client: GatewayClient, now: Date): Date | null {
  const uptime = (client.helloOk?.snapshot as { uptimeMs?: unknown } | undefined)?.uptimeMs;
  return typeof uptime === 'number' && Number.isFinite(uptime) ? new Date(now.getTime() - uptime) : null;
}

async function inFlight(ctx: Ctx, gatewayId: string, onlyOverdue: Date | null): Promise<RunRow[]> {
  return ctx.db
    .select(runColumns)
    .from(executions)
    .where(
      and(
        eq(executions.gatewayId, gatewayId),
        inArray(executions.dispatchState, ['sent', 'running']),
        ...(onlyOverdue ? [lte(executions.gatewayDeadlineAt, onlyOverdue)] : []),
      ),
    )
    .orderBy(asc(executions.startedAt))
    .limit(GATEWAY_SEND_BATCH);
}

/**
 * After a (re)connect: the runs sent before it may have ended while we were not listening. `agent.wait` (briefly)
 * says so when the gateway still knows them. A gateway that restarted since a run was sent lost that run (an
 * idempotency key does not survive a restart, the run is not resumed): it is failed cleanly, never sent again.
 */
export async function reconcileGatewayRuns(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<void> {
  const now = ctx.clock.now();
  const bootAt = gatewayBootAt(client, now);
  for (const run of await inFlight(ctx, gatewayId, null)) {
    const ended = await probe(client, run);
    if (ended) {
      await finishGatewayRun(ctx, gatewayId, run.id, ended, client);
    } else if (bootAt && run.gatewaySentAt && bootAt > run.gatewaySentAt) {
      await finishGatewayRun(ctx, gatewayId, run.id, { status: 'error', text: null, why: 'The gateway restarted during the run; the run was lost there (not resumed).' }, null);
    }
  }
}

async function probe(client: GatewayClient, run: RunRow): Promise<GatewayRunEnd | null> {
  try {
    return waitEnd(await client.api.agentWait({ runId: run.gatewayRunId ?? run.id, timeoutMs: GATEWAY_WAIT_PROBE_MS }));
  } catch {
    return null;
  }
}

/** Every tick: runs past Mission Control's deadline end (`timeout`) unless the gateway says they just finished. */
export async function expireGatewayRuns(ctx: Ctx, gatewayId: string, client: GatewayClient | null): Promise<number> {
  let n = 0;
  for (const run of await inFlight(ctx, gatewayId, ctx.clock.now())) {
    const ended = client ? await probe(client, run) : null;
    if (await finishGatewayRun(ctx, gatewayId, run.id, ended ?? { status: 'timeout', text: null, why: 'The gateway run passed its deadline without a result.' }, ended ? client : null)) n++;
  }
  return n;
}

/**
 * Every tick, while this process holds the gateway: the tickets of its live runs keep their lease (a long model call
 * sends no lifecycle frame for minutes, and the sweeper must not take the ticket back from a run that is alive), and
 * runs not heard of for a while are asked about (`agent.wait`, briefly): an end whose events were missed finishes
 * them.
 */
export async function keepGatewayRunsAlive(ctx: Ctx, gatewayId: string, client: GatewayClient | null): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.execute(sql`
    UPDATE tickets t SET lease_expires_at = ${new Date(now.getTime() + CLAIM_LEASE_MS).toISOString()}::timestamptz
    FROM executions e
    WHERE e.gateway_id = ${gatewayId} AND e.dispatch_state IN ('sent', 'running') AND e.status = 'running'
      AND t.id = e.ticket_id AND t.claimed_by_agent_id = e.agent_id AND t.status = 'in_progress'`);
  if (!client) return;
  const quietSince = new Date(now.getTime() - GATEWAY_QUIET_PROBE_MS);
  const quiet = await ctx.db
    .select(runColumns)
    .from(executions)
    .where(and(eq(executions.gatewayId, gatewayId), inArray(executions.dispatchState, ['sent', 'running']), lte(executions.lastReportAt, quietSince)))
    .orderBy(asc(executions.lastReportAt))
    .limit(GATEWAY_SEND_BATCH);
  for (const run of quiet) {
    const ended = await probe(client, run);
    if (ended) await finishGatewayRun(ctx, gatewayId, run.id, ended, client);
    else await ctx.db.update(executions).set({ lastReportAt: now }).where(eq(executions.id, run.id)); // asked again after another quiet spell
  }
}

/** The handlers the gateway runtime calls in the process that owns the gateway's connection (GATEWAY-SEAMS). */
export const gatewayDispatchHandlers: GatewayHandlers = {
  name: 'dispatch',
  async onConnected(ctx, gatewayId, client) {
    await reconcileGatewayRuns(ctx, gatewayId, client);
  },
  async onWork(ctx, gatewayId, client) {
    await sendQueuedGatewayDispatches(ctx, gatewayId, client);
  },
  onEvent(ctx, gatewayId, event, client) {
    if (event.event !== 'agent' && event.event !== 'chat') return;
    enqueue(gatewayId, () => handleGatewayDispatchEvent(ctx, gatewayId, event, client));
  },
  async onTick(ctx, gatewayId, client) {
    await expireGatewayRuns(ctx, gatewayId, client);
    await keepGatewayRunsAlive(ctx, gatewayId, client);
  },
};
