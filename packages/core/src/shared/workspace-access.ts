import type { WorkspaceRole } from '@mc/contracts';
import { memberships, workspaces, type Db } from '@mc/db';
import { and, eq, or, sql } from 'drizzle-orm';
import { requirePrincipal } from './guards';
import type { Ctx } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { AGENT_WORKSPACE_PERMISSIONS, roleAllows, WORKSPACE_ARCHIVED_MESSAGE, WRITE_PERMISSIONS, type WorkspacePermission } from './workspaces.rules';

export type WorkspaceRow = typeof workspaces.$inferSelect;

export interface WorkspaceAccess {
  workspace: WorkspaceRow;
  /** The caller's own role; null for an instance admin who is not a member. */
  role: WorkspaceRole | null;
  /** The role the rules apply: the caller's, or `owner` for an instance admin. */
  effectiveRole: WorkspaceRole;
}

/**
 * The workspace (by id or slug) with a person's role in it: built once per database handle and run prepared (named
 * on PostgreSQL), since every workspace-scoped request of a person starts with it — building its SQL text on each call
 * cost about as much CPU as the lookup itself (bench/README.md, "The fixed cost of a request").
 */
function buildAccessStatement(db: Db) {
  return db
    .select({ workspace: workspaces, role: memberships.role })
    .from(workspaces)
    .leftJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, sql.placeholder('userId'))))
    .where(or(eq(workspaces.id, sql.placeholder('idOrSlug')), eq(workspaces.slug, sql.placeholder('idOrSlug'))))
    .limit(1)
    .prepare('mc_workspace_access');
}
const accessStatements = new WeakMap<Db, ReturnType<typeof buildAccessStatement>>();
function accessStatement(db: Db) {
  let s = accessStatements.get(db);
  if (!s) accessStatements.set(db, (s = buildAccessStatement(db)));
  return s;
}

/**
 * Load a workspace (by id or slug) with the caller's role in one query, and check `permission`.
 * Not a member → 404 (no existence leak); a member without the permission → 403.
 */
export async function requireWorkspaceAccess(ctx: Ctx, idOrSlug: string, permission: WorkspacePermission): Promise<WorkspaceAccess> {
  const me = requirePrincipal(ctx);
  if (me.kind === 'agent') return requireAgentWorkspaceAccess(ctx, me.workspaceId, idOrSlug, permission);
  const [row] = await accessStatement(ctx.db).execute({ idOrSlug, userId: me.userId });
  if (!row || (!row.role && !me.isInstanceAdmin)) throw notFound('workspace');
  const role = (row.role as WorkspaceRole | null) ?? null;
  const effectiveRole: WorkspaceRole = me.isInstanceAdmin ? 'owner' : role!;
  if (!roleAllows(effectiveRole, permission)) throw forbidden(`your role (${effectiveRole}) cannot do this here`);
  assertWritable(row.workspace, permission);
  return { workspace: row.workspace, role, effectiveRole };
}

/** An agent sees exactly its own workspace; any other is 404. */
async function requireAgentWorkspaceAccess(ctx: Ctx, ownWorkspaceId: string, idOrSlug: string, permission: WorkspacePermission): Promise<WorkspaceAccess> {
  const [workspace] = await ctx.db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.id, ownWorkspaceId), or(eq(workspaces.id, idOrSlug), eq(workspaces.slug, idOrSlug))))
    .limit(1);
  if (!workspace) throw notFound('workspace');
  if (!AGENT_WORKSPACE_PERMISSIONS.has(permission)) throw forbidden('agents cannot do this');
  assertWritable(workspace, permission);
  return { workspace, role: null, effectiveRole: 'viewer' };
}

function assertWritable(workspace: WorkspaceRow, permission: WorkspacePermission) {
  if (WRITE_PERMISSIONS.has(permission)) assertWorkspaceOpen(workspace);
}

/**
 * The one rule of ADR 0003, for every use case that writes in a workspace: an archived workspace refuses with
 * 409 CONFLICT (`details.reason: "workspace_archived"`). One-statement writes use `workspaceOpenSql` instead, and
 * explain a miss with this same error.
 */
export function assertWorkspaceOpen(workspace: { archivedAt: Date | null }, message = WORKSPACE_ARCHIVED_MESSAGE): void {
  if (workspace.archivedAt) throw workspaceArchived(message);
}

export const workspaceArchived = (message = WORKSPACE_ARCHIVED_MESSAGE) => conflict(message, { reason: 'workspace_archived' });

/**
 * `assertWorkspaceOpen` as a condition of a hand-written statement (the claim, an agent's move, the poll), over a
 * workspace id expression (a parameter such as `:workspaceId` or a column). With a parameter it is a constant
 * sub-plan, evaluated once per statement by a primary-key lookup.
 */
export const workspaceOpenSql = (workspaceId: string) =>
  `NOT EXISTS (SELECT 1 FROM workspaces aw WHERE aw.id = ${workspaceId} AND aw.archived_at IS NOT NULL)`;

/** Load a workspace by id and refuse it when archived: for agent doors that write without another access check. */
export async function requireOpenWorkspace(ctx: Ctx, workspaceId: string): Promise<void> {
  const [w] = await ctx.db.select({ archivedAt: workspaces.archivedAt }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!w) throw notFound('workspace');
  assertWorkspaceOpen(w);
}

/**
 * The ids of the workspaces a user belongs to, for lists that span them. Read first and passed to the list's query
 * as constants: with `workspace_id IN (SELECT … FROM memberships)` inside the query the planner cannot know which
 * workspaces, and walked the whole log's time index for a member's word search (14 ms at 1M entries against 5 ms
 * with the ids as constants, bench/README.md, bench:activity).
 */
export async function memberWorkspaceIds(ctx: Ctx, userId: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, userId));
  return rows.map((r) => r.id);
}
