// Runs of gateway-fired crons (issue 15 point 6-7, ADR 0020 wiring): the gateway fires them, Mission Control records
// them. A run is recorded under the scheduler's id `cronRunId(cron, slot, agent)`; the slot is the schedule's slot the
// start belongs to (a start within the early/grace window of a slot), so the `cron` started/finished events, the
// delivery webhook and missed-run detection all land on one row. A start that belongs to no slot (a manual or forced
// run out of band) is its own slot, like Mission Control's "run now".
import { timingSafeEqual } from 'node:crypto';
import { cronRuns, cronTargets, crons, gateways } from '@mc/db';
import { and, desc, eq, sql } from 'drizzle-orm';
import { inTransaction, type Ctx } from '../context';
import { unauthenticated } from '../errors';
import { openSecret, SecretKeyError } from '../shared/secrets';
import { requireGatewayAccess } from '../gateways/gateway-access';
import { gatewaySecretContext } from '../gateways/gateways.rules';
import { MISSED_RUN_RULES } from './gateway-sync/missed-runs';
import { cronRunId, nextSlotAfter, parseSchedule } from './schedule';

/** What the gateway tells about a run (a `cron` event payload, or the finished-run webhook body). */
export interface GatewayRunReport {
  jobId: string;
  action: 'started' | 'finished';
  runAtMs: number;
  status?: string;
  summary?: string;
  error?: string;
  durationMs?: number;
  runId?: string;
  usage?: unknown;
  model?: string;
}

const OUTPUT_MAX = 20_000;
const clip = (s: unknown, n: number) => (typeof s === 'string' ? (s.length > n ? `${s.slice(0, n - 1)}…` : s) : null);

/** Reads a report from an untrusted payload; null when it is not one. */
export function gatewayRunReportOf(p: unknown): GatewayRunReport | null {
  if (!p || typeof p !== 'object') return null;
  const o = p as Record<string, unknown>;
  if (typeof o.jobId !== 'string' || !o.jobId || o.jobId.length > 200) return null;
  if (o.action !== 'started' && o.action !== 'finished') return null;
  if (typeof o.runAtMs !== 'number' || !Number.isFinite(o.runAtMs) || o.runAtMs <= 0) return null;
  return {
    jobId: o.jobId,
    action: o.action,
    runAtMs: Math.floor(o.runAtMs),
    ...(typeof o.status === 'string' ? { status: o.status.slice(0, 40) } : {}),
    ...(typeof o.summary === 'string' ? { summary: clip(o.summary, OUTPUT_MAX)! } : {}),
    ...(typeof o.error === 'string' ? { error: clip(o.error, 1_000)! } : {}),
    ...(typeof o.durationMs === 'number' && Number.isFinite(o.durationMs) && o.durationMs >= 0 ? { durationMs: Math.floor(o.durationMs) } : {}),
    ...(typeof o.runId === 'string' ? { runId: o.runId.slice(0, 200) } : {}),
    ...(o.usage && typeof o.usage === 'object' ? { usage: o.usage } : {}),
    ...(typeof o.model === 'string' ? { model: o.model.slice(0, 200) } : {}),
  };
}

/** The schedule slot a start at `atMs` belongs to, or null when it belongs to none (a run out of band). */
export function slotOfStart(c: { schedule: string; timezone: string }, atMs: number): Date | null {
  let parsed;
  try {
    parsed = parseSchedule(c.schedule);
  } catch {
    return null;
  }
  const next = nextSlotAfter(parsed, c.timezone, new Date(atMs - MISSED_RUN_RULES.graceMs - 1));
  if (!next) return null;
  return next.getTime() <= atMs + MISSED_RUN_RULES.earlyMs ? next : null;
}

const FINISHED: Record<string, 'success' | 'failed' | 'skipped'> = { ok: 'success', success: 'success', error: 'failed', failed: 'failed', skipped: 'skipped' };

/**
 * Record a start or an end of a gateway run of the cron linked to (gateway, job). Idempotent: the run id is derived,
 * the row upserted; an end never goes back to running. Returns the run id, or null when no cron holds the job.
 */
export async function recordGatewayRun(ctx: Ctx, gatewayId: string, r: GatewayRunReport): Promise<string | null> {
  const [row] = await ctx.db
    .select({ id: crons.id, schedule: crons.schedule, timezone: crons.timezone, workspaceId: cronTargets.workspaceId, agentId: cronTargets.agentId })
    .from(crons)
    .innerJoin(cronTargets, eq(cronTargets.cronId, crons.id))
    .where(and(eq(crons.gatewayId, gatewayId), eq(crons.gatewayJobId, r.jobId)))
    .limit(1);
  if (!row) return null;
  const slot = slotOfStart(row, r.runAtMs);
  const runSlot = slot ?? new Date(r.runAtMs);
  const id = cronRunId(row.id, runSlot, row.agentId);
  const startedAt = new Date(r.runAtMs);
  const now = ctx.clock.now();
  const status = r.action === 'started' ? 'running' : (FINISHED[r.status ?? ''] ?? 'failed');
  const endedAt = r.action === 'finished' ? (r.durationMs !== undefined ? new Date(r.runAtMs + r.durationMs) : now) : null;
  const attempt = {
    attempt: 1,
    status,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt?.toISOString() ?? null,
    error: r.error ?? null,
    executionId: null,
    ticketId: null,
    gatewayRunId: r.runId ?? null,
    ...(r.usage ? { usage: r.usage } : {}),
    ...(r.model ? { model: r.model } : {}),
  };
  const reason = status === 'failed' ? 'GATEWAY_ERROR' : null;
  // A `started` never overwrites a finished run (the webhook may come before the event); a `finished` always wins.
  await ctx.db
    .insert(cronRuns)
    .values({
      id,
      cronId: row.id,
      workspaceId: row.workspaceId,
      agentId: row.agentId,
      slot: runSlot,
      trigger: slot ? 'schedule' : 'manual',
      status,
      reason,
      attempt: 1,
      attempts: [attempt],
      startedAt,
      endedAt,
      durationMs: r.durationMs ?? null,
      output: r.summary ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: cronRuns.id,
      set:
        r.action === 'finished'
          ? { status, reason, attempts: [attempt], startedAt, endedAt, durationMs: r.durationMs ?? null, output: r.summary ?? null, updatedAt: now }
          : { status: sql`CASE WHEN ${cronRuns.status} IN ('pending', 'missed') THEN 'running' ELSE ${cronRuns.status} END`, reason: sql`CASE WHEN ${cronRuns.status} IN ('pending', 'missed') THEN NULL ELSE ${cronRuns.reason} END`, startedAt, updatedAt: now },
    });
  if (r.action === 'finished' && (status === 'success' || status === 'failed')) {
    await ctx.db
      .update(crons)
      .set({
        lastRunAt: startedAt,
        lastRunStatus: status,
        missedStreak: 0,
        failureStreak: status === 'success' ? 0 : sql`${crons.failureStreak} + 1`,
      })
      .where(eq(crons.id, row.id));
  } else if (r.action === 'started') {
    await ctx.db.update(crons).set({ missedStreak: 0 }).where(eq(crons.id, row.id));
  }
  return id;
}

/**
 * Does `presented` match the gateway's webhook token? Constant time over equal lengths; false when the gateway has
 * no token, the token does not open, or the gateway does not exist.
 */
export async function gatewayWebhookTokenMatches(ctx: Ctx, gatewayId: string, presented: string): Promise<boolean> {
  const [g] = await ctx.db.select({ sealed: gateways.webhookTokenCiphertext }).from(gateways).where(eq(gateways.id, gatewayId)).limit(1);
  const ring = ctx.config.secrets;
  if (!g?.sealed || !ring) return false;
  let token: string;
  try {
    token = openSecret(ring, g.sealed, gatewaySecretContext('webhook_token', gatewayId));
  } catch (err) {
    if (err instanceof SecretKeyError) return false;
    throw err;
  }
  const a = Buffer.from(token);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POST /gateways/{id}/cron-deliveries — a gateway's finished-run webhook. The Bearer token must be the gateway's
 * webhook token (401 otherwise, the same for an unknown gateway); a job no cron holds is accepted and ignored (the
 * gateway would otherwise mark its delivery failed and retry).
 */
export async function receiveGatewayCronDelivery(ctx: Ctx, gatewayId: string, presented: string | null, body: Record<string, unknown>) {
  if (!presented || presented.length > 200 || !(await gatewayWebhookTokenMatches(ctx, gatewayId, presented))) {
    throw unauthenticated('a gateway webhook token is required (Authorization: Bearer <cron.webhookToken>)');
  }
  const report = gatewayRunReportOf({ ...body, action: 'finished' });
  if (!report) return { accepted: false, runId: null };
  const runId = await inTransaction(ctx, (tx) => recordGatewayRun(tx, gatewayId, report));
  return { accepted: runId !== null, runId };
}

/** How many missed runs the gateway report lists (the latest). */
export const GATEWAY_MISSED_REPORT_LIMIT = 100;

/**
 * GET /gateways/{id}/missed-runs — the slots the gateway did not run, latest first, with their cron, and the jobs
 * the sync could not import (and why). Anyone who reads the gateway reads it; runs are those of the gateway's
 * workspace (its linked agents live there).
 */
export async function gatewayMissedRuns(ctx: Ctx, gatewayId: string) {
  const { gateway } = await requireGatewayAccess(ctx, gatewayId, { write: false });
  const rows = await ctx.db
    .select({ runId: cronRuns.id, cronId: crons.id, cronName: crons.name, agentId: cronRuns.agentId, slot: cronRuns.slot, policy: crons.missedRunPolicy, streak: crons.missedStreak })
    .from(crons)
    .innerJoin(cronRuns, and(eq(cronRuns.cronId, crons.id), eq(cronRuns.status, 'missed')))
    .where(and(eq(crons.gatewayId, gateway.id), eq(cronRuns.workspaceId, gateway.workspaceId)))
    .orderBy(desc(cronRuns.slot), desc(cronRuns.id))
    .limit(GATEWAY_MISSED_REPORT_LIMIT);
  return {
    gatewayId: gateway.id,
    runs: rows.map((r) => ({ runId: r.runId, cronId: r.cronId, cronName: r.cronName, agentId: r.agentId, slot: r.slot.toISOString(), missedRunPolicy: r.policy as 'record' | 'force_run', missedStreak: r.streak })),
    notSynced: gateway.cronSyncNotes.map((n) => ({ jobId: n.jobId, name: n.name, reason: n.reason })),
  };
}
