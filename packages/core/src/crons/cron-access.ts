// Who sees which cron, in the query (tenancy in every statement): the caller's standing in each workspace is read
// once (one memberships query), then every cron read is filtered by "has a target in a workspace the caller sees".
import type { WorkspaceRole } from '@mc/contracts';
import { agents, cronTargets, crons, memberships, workspaces } from '@mc/db';
import { and, asc, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { requirePrincipal } from '../shared/guards';
import { viewerManages, viewerSeesWorkspace, type CronViewer } from './crons.rules';

export type CronRow = typeof crons.$inferSelect;

export interface CronTargetInfo {
  cronId: string;
  workspaceId: string;
  agentId: string;
  position: number;
  agentName: string | null;
  agentStatus: string | null;
  workspaceArchived: boolean;
}

/** The caller's standing, read once per request. */
export async function cronViewer(ctx: Ctx): Promise<CronViewer> {
  const me = requirePrincipal(ctx);
  if (me.kind === 'agent') return { kind: 'agent', agentId: me.agentId, workspaceId: me.workspaceId };
  if (me.isInstanceAdmin) return { kind: 'instance_admin' };
  const rows = await ctx.db.select({ workspaceId: memberships.workspaceId, role: memberships.role }).from(memberships).where(eq(memberships.userId, me.userId));
  return { kind: 'member', userId: me.userId, roles: new Map(rows.map((r) => [r.workspaceId, r.role as WorkspaceRole])) };
}

/** The workspaces the viewer sees, as constants for a query; null for "all" (the instance admin). */
export function visibleWorkspaceIds(viewer: CronViewer): string[] | null {
  if (viewer.kind === 'instance_admin') return null;
  if (viewer.kind === 'agent') return [viewer.workspaceId];
  return [...viewer.roles.keys()];
}

/** `crons` rows the viewer may see: with a target in one of their workspaces (an index probe per cron). */
export function cronVisibleSql(ctx: Ctx, viewer: CronViewer): SQL | undefined {
  const ids = visibleWorkspaceIds(viewer);
  if (ids === null) return undefined;
  if (ids.length === 0) return sql`false`;
  return exists(
    ctx.db
      .select({ one: sql`1` })
      .from(cronTargets)
      .where(and(eq(cronTargets.cronId, crons.id), ids.length === 1 ? eq(cronTargets.workspaceId, ids[0]) : inArray(cronTargets.workspaceId, ids))),
  );
}

/** Every target of these crons (visible or not), with the agent's name and status and whether its workspace is archived. */
export async function loadTargets(ctx: Ctx, cronIds: string[]): Promise<Map<string, CronTargetInfo[]>> {
  const out = new Map<string, CronTargetInfo[]>();
  if (cronIds.length === 0) return out;
  const rows = await ctx.db
    .select({
      cronId: cronTargets.cronId,
      workspaceId: cronTargets.workspaceId,
      agentId: cronTargets.agentId,
      position: cronTargets.position,
      agentName: agents.name,
      agentStatus: agents.status,
      archivedAt: workspaces.archivedAt,
    })
    .from(cronTargets)
    .innerJoin(workspaces, eq(workspaces.id, cronTargets.workspaceId))
    .leftJoin(agents, and(eq(agents.id, cronTargets.agentId), eq(agents.workspaceId, cronTargets.workspaceId)))
    .where(inArray(cronTargets.cronId, cronIds))
    .orderBy(asc(cronTargets.cronId), asc(cronTargets.position), asc(cronTargets.agentId));
  for (const r of rows) {
    const list = out.get(r.cronId) ?? [];
    list.push({
      cronId: r.cronId,
      workspaceId: r.workspaceId,
      agentId: r.agentId,
      position: r.position,
      agentName: r.agentName,
      agentStatus: r.agentStatus,
      workspaceArchived: r.archivedAt !== null,
    });
    out.set(r.cronId, list);
  }
  return out;
}

/**
 * One cron the viewer can see (else 404, as one that does not exist), with all its targets. `manage` also requires
 * the right to change it (CRON_RULES: admin in every targeted workspace; else 403). `lock` holds the row for the
 * caller's transaction.
 */
export async function requireCron(
  ctx: Ctx,
  cronId: string,
  viewer: CronViewer,
  opts: { manage?: boolean; lock?: boolean } = {},
): Promise<{ cron: CronRow; targets: CronTargetInfo[] }> {
  const q = ctx.db.select().from(crons).where(eq(crons.id, cronId)).limit(1);
  const [cron] = opts.lock ? await q.for('update') : await q;
  if (!cron) throw notFound('cron');
  const targets = (await loadTargets(ctx, [cron.id])).get(cron.id) ?? [];
  if (!targets.some((t) => viewerSeesWorkspace(viewer, t.workspaceId))) throw notFound('cron');
  if (opts.manage) {
    if (viewer.kind === 'agent') throw forbidden('agents cannot change crons');
    if (!viewerManages(viewer, targets.map((t) => t.workspaceId))) {
      throw forbidden('changing a cron needs admin rights in every workspace it targets');
    }
  }
  return { cron, targets };
}
