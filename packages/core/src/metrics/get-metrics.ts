import type { MetricsPeriod } from '@mc/contracts';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { forbidden } from '../errors';
import { requireAgentAccess } from '../agents/agent-access';
import { requireWorkspaceAccess, type WorkspaceAccess } from '../shared/workspace-access';
import { AGENT_WORKSPACE_PERMISSIONS, roleAllows } from '../shared/workspaces.rules';
import { ratingsByBucket, statsByBucket, type MetricsScope } from './metrics.repo';
import { addSums, metricsOf, resolveMetricsRange, utcDay, ZERO_SUMS, type MetricsSums } from './metrics.rules';

export interface MetricsInput {
  period: MetricsPeriod;
  /** `YYYY-MM-DD` (UTC), inclusive. */
  from?: string;
  to?: string;
}

/**
 * GET /agents/{id}/metrics — one agent's finished executions and ratings per bucket. The people of its workspace
 * (viewers included) and the agents of the same workspace may read them; anyone else gets 404.
 */
export async function getAgentMetrics(ctx: Ctx, agentId: string, input: MetricsInput) {
  const me = requirePrincipal(ctx);
  // `me` is the calling agent, as in GET /agents/me.
  const { agent, access } = await requireAgentAccess(ctx, agentId === 'me' && me.kind === 'agent' ? me.agentId : agentId);
  assertMayReadMetrics(ctx, access);
  return computeMetrics(ctx, { workspaceId: agent.workspaceId, agentId: agent.id }, input);
}

/** GET /workspaces/{id}/metrics — the whole workspace, or one of its agents with `agentId`. */
export async function getWorkspaceMetrics(ctx: Ctx, workspaceIdOrSlug: string, input: MetricsInput & { agentId?: string }) {
  const { workspace } = await requireWorkspaceAccess(ctx, workspaceIdOrSlug, 'metrics.read');
  // An agentId of another workspace (or none at all) only narrows the scope to nothing: zeros, never its data.
  return computeMetrics(ctx, { workspaceId: workspace.id, agentId: input.agentId }, input);
}

/** The agent's own workspace access was checked for reading agents; reading their metrics is its own permission. */
function assertMayReadMetrics(ctx: Ctx, access: WorkspaceAccess) {
  const me = requirePrincipal(ctx);
  const allowed = me.kind === 'agent' ? AGENT_WORKSPACE_PERMISSIONS.has('metrics.read') : roleAllows(access.effectiveRole, 'metrics.read');
  if (!allowed) throw forbidden(`your role (${access.effectiveRole}) cannot read metrics here`);
}

async function computeMetrics(ctx: Ctx, scope: MetricsScope, input: MetricsInput) {
  const range = resolveMetricsRange(input.period, input, utcDay(ctx.clock.now()));
  const [statRows, ratingRows] = await Promise.all([
    statsByBucket(ctx, scope, range.period, range.from, range.to),
    ratingsByBucket(ctx, scope, range.period, range.from, range.to),
  ]);
  const byBucket = new Map<string, MetricsSums>(range.buckets.map((b) => [b, ZERO_SUMS]));
  const add = (bucket: string, part: Partial<MetricsSums>) => {
    const current = byBucket.get(bucket);
    // date_trunc and the rules agree on bucket starts; a row outside them would be a bug, not data to drop quietly.
    if (!current) throw new Error(`metrics: bucket ${bucket} is not one of the range ${range.from}..${range.to}`);
    byBucket.set(bucket, addSums(current, { ...ZERO_SUMS, ...part }));
  };
  for (const { bucket, ...sums } of statRows) add(bucket, sums);
  for (const { bucket, good, bad } of ratingRows) add(bucket, { good, bad });
  let totals = ZERO_SUMS;
  const series = range.buckets.map((periodStart) => {
    const sums = byBucket.get(periodStart)!;
    totals = addSums(totals, sums);
    return { periodStart, ...metricsOf(sums) };
  });
  return { period: range.period, from: range.from, to: range.to, totals: metricsOf(totals), series };
}
