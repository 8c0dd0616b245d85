// Members of a workspace: list, add by e-mail (at once, or as an invitation: invitations.ts), change a role,
// remove. The last owner can never be removed or demoted.
import type { WorkspaceRole } from '@mc/contracts';
import { memberships, users } from '@mc/db';
import { and, count, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireUser } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { closeInvitationsOnJoin, sendInvitation } from './invitations';
import { addsDirectly } from './invitations.rules';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { canManageRole } from '../shared/workspaces.rules';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { listStatement } from '../shared/per-workspace';

type MemberRow = { userId: string; email: string; name: string; role: string; createdAt: Date; updatedAt: Date };

function toMemberDto(m: MemberRow) {
  return {
    userId: m.userId,
    email: m.email,
    name: m.name,
    role: m.role as WorkspaceRole,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

const memberColumns = {
  userId: memberships.userId,
  email: users.email,
  name: users.name,
  role: memberships.role,
  createdAt: memberships.createdAt,
  updatedAt: memberships.updatedAt,
};

export const MEMBER_SORT_FIELDS = ['name', 'email', 'createdAt', 'role'] as const;
/** GET /workspaces/{id}/members answers this many when no `limit` is given (what it always answered: all, up to this). */
export const MEMBERS_PAGE_DEFAULT = 1000;

const memberSortColumns: SortColumns<MemberRow> = {
  name: { column: users.name, value: (r) => r.name },
  email: { column: users.email, value: (r) => r.email },
  createdAt: { column: memberships.createdAt, value: (r) => r.createdAt },
  role: { column: memberships.role, value: (r) => r.role },
};
const memberIdColumn = { column: users.id, value: (r: MemberRow) => r.userId };

/**
 * The statement of GET /workspaces/{id}/members for a workspace the caller may see. By join date or role: a walk of
 * `memberships_workspace_created_idx` / `memberships_workspace_role_idx` (workspace, field, user). By name or e-mail
 * (the default is by name): the users' `users_name_idx` / `users_sort_email_idx` in order, each probed for a
 * membership, when the workspace holds a large part of the users; otherwise its members are few and are read and
 * sorted (the planner picks). Either stops after `limit + 1` rows. Exported so that a test can EXPLAIN it.
 */
export function memberListQuery(ctx: Ctx, workspaceId: string, input: PageQuery) {
  const plan = planPage(input, memberSortColumns, memberIdColumn);
  const filter = eq(memberships.workspaceId, workspaceId);
  const statement = listStatement<MemberRow>(
    ctx.db
      .select(memberColumns)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(filter, plan.where))
      .orderBy(...plan.orderBy)
      .limit(plan.limit)
      .offset(plan.offset),
  );
  return { plan, filter, statement };
}

/** GET /workspaces/{id}/members — by name unless sorted otherwise; `meta.total` as `input.total` asks (ADR 0016). */
export async function findMembers(ctx: Ctx, idOrSlug: string, input: PageQuery & { total?: TotalMode }) {
  const { workspace } = await requireWorkspaceAccess(ctx, idOrSlug, 'members.read');
  const { plan, filter, statement } = memberListQuery(ctx, workspace.id, input);
  const rowsOut = await statement.run();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, memberships, filter);
  return toPage(rowsOut, input, plan, memberSortColumns, memberIdColumn, toMemberDto, total);
}

async function getMember(ctx: Ctx, workspaceId: string, userId: string) {
  const [m] = await ctx.db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  return m;
}

/** Refuse to leave a workspace without an owner. Counts under the row locks of the caller's transaction. */
async function assertOwnerRemains(ctx: Ctx, workspaceId: string) {
  const owners = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
    .for('update');
  if (owners.length <= 1) {
    throw conflict('a workspace must keep at least one owner; make someone else owner first');
  }
}

/**
 * POST /workspaces/{id}/members {email, role}. Adds the user at once (`added`, 201) when that tells the caller nothing
 * new — they are an instance admin, or already share a workspace with that user (`addsDirectly`) — and otherwise
 * sends an invitation (`invited`, 202) that looks the same for every address, whether a user holds it or not.
 */
export async function addMember(
  ctx: Ctx,
  idOrSlug: string,
  input: { email: string; role: WorkspaceRole },
): Promise<{ outcome: 'added'; member: ReturnType<typeof toMemberDto> } | { outcome: 'invited'; sent: Awaited<ReturnType<typeof sendInvitation>> }> {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const { workspace, effectiveRole } = await requireWorkspaceAccess(tx, idOrSlug, 'members.manage');
    if (!canManageRole(effectiveRole, input.role)) throw forbidden(`your role (${effectiveRole}) cannot grant ${input.role}`);
    const email = input.email.toLowerCase();
    // One query whatever the address: the user, if any, and whether they share a workspace with the caller.
    const [user] = await tx.db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        shares: sql<boolean>`EXISTS (SELECT 1 FROM ${memberships} theirs JOIN ${memberships} mine ON mine.workspace_id = theirs.workspace_id
          WHERE theirs.user_id = ${users.id} AND mine.user_id = ${me.userId})`,
      })
      .from(users)
      .where(eq(users.email, email))
      .limit(1);
    if (!user || !addsDirectly(me, { exists: true, sharesWorkspaceWithCaller: user.shares })) {
      return { outcome: 'invited' as const, sent: await sendInvitation(tx, me, workspace, email, input.role) };
    }
    const now = tx.clock.now();
    // Invitation rows first, then the membership: the order acceptInvitation takes them in, so an admin adding
    // someone while they accept their invitation waits for it instead of deadlocking with it.
    await closeInvitationsOnJoin(tx, workspace.id, email);
    const inserted = await tx.db
      .insert(memberships)
      .values({ workspaceId: workspace.id, userId: user.id, role: input.role, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw conflict(`${user.email} is already a member of this workspace`);
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'member.added',
      target: { kind: 'user', id: user.id },
      summary: `added ${user.email} as ${input.role}`,
      metadata: { role: input.role },
    });
    const member = toMemberDto({ userId: user.id, email: user.email, name: user.name, role: input.role, createdAt: now, updatedAt: now });
    return { outcome: 'added' as const, member };
  });
}

/** PATCH /workspaces/{id}/members/{userId} {role} */
export async function updateMemberRole(ctx: Ctx, idOrSlug: string, userId: string, input: { role: WorkspaceRole }) {
  return inTransaction(ctx, async (tx) => {
    const { workspace, effectiveRole } = await requireWorkspaceAccess(tx, idOrSlug, 'members.manage');
    const member = await getMember(tx, workspace.id, userId);
    if (!member) throw notFound('member');
    const from = member.role as WorkspaceRole;
    if (!canManageRole(effectiveRole, from) || !canManageRole(effectiveRole, input.role)) {
      throw forbidden(`your role (${effectiveRole}) cannot change ${from} to ${input.role}`);
    }
    if (from === input.role) return toMemberDto(member);
    if (from === 'owner') await assertOwnerRemains(tx, workspace.id);
    const now = tx.clock.now();
    await tx.db
      .update(memberships)
      .set({ role: input.role, updatedAt: now })
      .where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.userId, userId)));
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'member.role_changed',
      target: { kind: 'user', id: userId },
      summary: `changed ${member.email} from ${from} to ${input.role}`,
      metadata: { from, to: input.role },
    });
    return toMemberDto({ ...member, role: input.role, updatedAt: now });
  });
}

/** DELETE /workspaces/{id}/members/{userId} — by a manager, or by the member themself (leaving). */
export async function removeMember(ctx: Ctx, idOrSlug: string, userId: string) {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const leaving = me.userId === userId;
    const { workspace, effectiveRole } = await requireWorkspaceAccess(tx, idOrSlug, leaving ? 'workspace.read' : 'members.manage');
    const member = await getMember(tx, workspace.id, userId);
    if (!member) throw notFound('member');
    if (!leaving && !canManageRole(effectiveRole, member.role as WorkspaceRole)) {
      throw forbidden(`your role (${effectiveRole}) cannot remove an ${member.role}`);
    }
    if (member.role === 'owner') await assertOwnerRemains(tx, workspace.id);
    await tx.db.delete(memberships).where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.userId, userId)));
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: leaving ? 'member.left' : 'member.removed',
      target: { kind: 'user', id: userId },
      summary: leaving ? `${member.email} left the workspace` : `removed ${member.email}`,
      metadata: { role: member.role },
    });
    return toMemberDto(member);
  });
}

/** Number of workspaces a user is the only owner of (deleting such a user would orphan them). */
export async function countSoleOwnerships(ctx: Ctx, userId: string): Promise<number> {
  const owned = await ctx.db
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'owner')));
  let sole = 0;
  for (const { workspaceId } of owned) {
    const [{ n }] = await ctx.db
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
    if (Number(n) <= 1) sole++;
  }
  return sole;
}
