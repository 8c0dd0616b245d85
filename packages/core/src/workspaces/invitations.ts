// Invitations to a workspace (issue 11, ADR 0013). `addMember` (members.ts) decides between adding someone at once and
// inviting them; this file holds the invitation itself: sending (or renewing) one, the workspace admins' list and
// revoke, and the invitee's list, accept and decline. An invitation is addressed to an e-mail address; the invitee is
// whoever holds that address when they look, so nothing here tells a workspace admin whether the address has a user.
import type { WorkspaceRole } from '@mc/contracts';
import { invitations, memberships, notifications, workspaces } from '@mc/db';
import { and, asc, desc, eq, gt, isNull, notExists, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireUser } from '../shared/guards';
import { inTransaction, type Ctx, type UserPrincipal } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { emitEvent } from '../events/emit-event';
import { publishLive } from '../shared/live';
import { newId } from '../shared/ids';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceRow } from '../shared/workspace-access';
import { ENDINGS_ALLOWED_AFTER_EXPIRY, INVITATION_ENDINGS, INVITATION_TTL_MS, invitationStatus, endedMessage, type InvitationEnding } from './invitations.rules';
import { canManageRole, roleAllows } from '../shared/workspaces.rules';

type InvitationRow = typeof invitations.$inferSelect;

export const INVITATION_ID_PREFIX = 'inv';

/** The admins' view: what they typed and when, never anything about the person behind the address. */
export function toInvitationDto(row: InvitationRow, now: Date) {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    email: row.email,
    role: row.role as WorkspaceRole,
    status: invitationStatus(row, now),
    invitedBy: { id: row.invitedById, name: row.invitedByName },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

type WorkspaceSummary = Pick<WorkspaceRow, 'id' | 'slug' | 'name' | 'emoji' | 'color'>;

/** The invitee's view: the workspace they are asked into, the role, who asked, until when. */
function toMyInvitationDto(row: InvitationRow, workspace: WorkspaceSummary, now: Date) {
  return {
    id: row.id,
    workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name, emoji: workspace.emoji, color: workspace.color },
    role: row.role as WorkspaceRole,
    status: invitationStatus(row, now),
    invitedBy: { name: row.invitedByName },
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

const invitationRef = (row: InvitationRow) => ({ id: row.id, email: row.email, role: row.role, expiresAt: row.expiresAt.toISOString() });

/**
 * Send an invitation, or renew the pending one for this address (new role, new expiry, same id). Called by
 * `addMember` inside its transaction, after the caller's right to grant the role was checked. It does the same work
 * whether the address has a user or not — the same statements, in the same order — so that neither the answer nor
 * its timing tells them apart; only the notification statement finds a recipient or not.
 */
export async function sendInvitation(tx: Ctx, me: UserPrincipal, workspace: WorkspaceRow, email: string, role: WorkspaceRole) {
  const now = tx.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const [row] = await tx.db
    .insert(invitations)
    .values({
      id: newId(INVITATION_ID_PREFIX, now.getTime()),
      workspaceId: workspace.id,
      email,
      role,
      status: 'pending',
      invitedById: me.userId,
      invitedByName: me.name,
      expiresAt,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [invitations.workspaceId, invitations.email],
      targetWhere: sql`${invitations.status} = 'pending'`,
      set: { role, invitedById: me.userId, invitedByName: me.name, expiresAt, updatedAt: now },
    })
    .returning();
  const renewed = row.createdAt.getTime() !== now.getTime();
  await recordActivity(tx, {
    workspaceId: workspace.id,
    action: 'member.invited',
    target: { kind: 'invitation', id: row.id },
    summary: `${renewed ? 'renewed the invitation of' : 'invited'} ${email} as ${role}`,
    metadata: { email, role, expiresAt: expiresAt.toISOString(), renewed },
  });
  // The invitee's notification is written by notify.ts (`member.invited`): one INSERT … SELECT that runs for every
  // address and finds a recipient only when a user holds it.
  await emitEvent(tx, 'member.invited', workspace.id, { invitation: invitationRef(row) });
  return { status: 'invited' as const, invitation: toInvitationDto(row, now) };
}

/**
 * A direct add (instance admin, or a person the caller shares a workspace with) fulfils any pending invitation of
 * the same address to this workspace: it is closed as accepted, so that it leaves both lists.
 */
export async function closeInvitationsOnJoin(tx: Ctx, workspaceId: string, email: string) {
  const now = tx.clock.now();
  const closed = await tx.db
    .update(invitations)
    .set({ status: 'accepted', answeredAt: now, updatedAt: now })
    .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.email, email), eq(invitations.status, 'pending')))
    .returning({ id: invitations.id });
  for (const { id } of closed) await markInvitationNotificationsRead(tx, id, workspaceId);
}

/** An answered, revoked or joined invitation's notification is read: the invitee's bell and long-polls are told. */
async function markInvitationNotificationsRead(tx: Ctx, invitationId: string, workspaceId: string) {
  const settled = await tx.db
    .update(notifications)
    .set({ readAt: tx.clock.now() })
    .where(and(eq(notifications.invitationId, invitationId), isNull(notifications.readAt)))
    .returning({ recipientKind: notifications.recipientKind, recipientId: notifications.recipientId });
  if (settled.length) {
    await publishLive(tx, { type: 'notifications.read', workspaceId, recipients: settled.map((n) => `${n.recipientKind}:${n.recipientId}`) });
  }
}

/** GET /workspaces/{id}/invitations — pending ones (expired ones too, marked `expired`, so they can be sent again). */
export async function findWorkspaceInvitations(ctx: Ctx, idOrSlug: string) {
  // Reading them needs the role that sends them, but not a writable workspace: an archived one still shows its list.
  const { workspace, effectiveRole } = await requireWorkspaceAccess(ctx, idOrSlug, 'members.read');
  if (!roleAllows(effectiveRole, 'invitations.read')) throw forbidden(`your role (${effectiveRole}) cannot see this workspace's invitations`);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspace.id), eq(invitations.status, 'pending')))
    .orderBy(desc(invitations.updatedAt), asc(invitations.id))
    .limit(1000);
  return rows.map((r) => toInvitationDto(r, now));
}

/** DELETE /workspaces/{id}/invitations/{invitationId} — revoke a pending (or expired) invitation. */
export async function revokeInvitation(ctx: Ctx, idOrSlug: string, invitationId: string) {
  return inTransaction(ctx, async (tx) => {
    const { workspace, effectiveRole } = await requireWorkspaceAccess(tx, idOrSlug, 'members.manage');
    const [row] = await tx.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspace.id)))
      .for('update')
      .limit(1);
    if (!row) throw notFound('invitation');
    if (!canManageRole(effectiveRole, row.role as WorkspaceRole)) throw forbidden(`your role (${effectiveRole}) cannot revoke an invitation as ${row.role}`);
    const ended = await endInvitation(tx, row, workspace, 'revoke');
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'member.invitation_revoked',
      target: { kind: 'invitation', id: row.id },
      summary: `revoked the invitation of ${row.email}`,
      metadata: { email: row.email, role: row.role },
    });
    await emitEvent(tx, 'member.invitation_revoked', workspace.id, { invitation: invitationRef(ended) });
    return toInvitationDto(ended, tx.clock.now());
  });
}

/** Close a pending invitation, or say why it cannot be (CONFLICT naming its state). */
async function endInvitation(tx: Ctx, row: InvitationRow, workspace: Pick<WorkspaceRow, 'name'>, how: InvitationEnding): Promise<InvitationRow> {
  const now = tx.clock.now();
  const status = invitationStatus(row, now);
  const open = status === 'pending' || (status === 'expired' && ENDINGS_ALLOWED_AFTER_EXPIRY.has(how));
  if (!open) throw conflict(endedMessage(status, workspace.name), { reason: `invitation_${status}`, status });
  const [ended] = await tx.db
    .update(invitations)
    .set({ status: INVITATION_ENDINGS[how].to, answeredAt: now, updatedAt: now })
    .where(and(eq(invitations.id, row.id), eq(invitations.status, 'pending')))
    .returning();
  await markInvitationNotificationsRead(tx, row.id, row.workspaceId);
  return ended;
}

/**
 * GET /me/invitations — the caller's pending, unexpired invitations: those addressed to their e-mail, to a workspace
 * that is not archived and that they do not already belong to.
 */
export async function findMyInvitations(ctx: Ctx) {
  const me = requireUser(ctx);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select({ invitation: invitations, workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name, emoji: workspaces.emoji, color: workspaces.color } })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(
      and(
        eq(invitations.email, me.email.toLowerCase()),
        eq(invitations.status, 'pending'),
        gt(invitations.expiresAt, now),
        isNull(workspaces.archivedAt),
        notExists(
          ctx.db
            .select({ one: sql`1` })
            .from(memberships)
            .where(and(eq(memberships.workspaceId, invitations.workspaceId), eq(memberships.userId, me.userId))),
        ),
      ),
    )
    .orderBy(desc(invitations.updatedAt), asc(invitations.id))
    .limit(200);
  return rows.map((r) => toMyInvitationDto(r.invitation, r.workspace, now));
}

/** One of the caller's invitations, locked; anyone else's (or none) is 404. */
async function lockMyInvitation(tx: Ctx, me: UserPrincipal, invitationId: string) {
  const [row] = await tx.db
    .select({ invitation: invitations, workspace: workspaces })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(and(eq(invitations.id, invitationId), eq(invitations.email, me.email.toLowerCase())))
    .for('update', { of: invitations })
    .limit(1);
  if (!row) throw notFound('invitation');
  return row;
}

/**
 * POST /invitations/{id}/accept — join with the invited role. Someone who already belongs to the workspace keeps
 * their role (changing it is a member change for its admins); the invitation is closed either way.
 */
export async function acceptInvitation(ctx: Ctx, invitationId: string) {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const { invitation, workspace } = await lockMyInvitation(tx, me, invitationId);
    // The one archived-workspace guard (ADR 0003); an invitation that is no longer pending says so instead.
    if (invitationStatus(invitation, tx.clock.now()) === 'pending') {
      assertWorkspaceOpen(workspace, `${workspace.name} is archived; it takes no new members until it is restored`);
    }
    const ended = await endInvitation(tx, invitation, workspace, 'accept');
    const now = tx.clock.now();
    const joined = await tx.db
      .insert(memberships)
      .values({ workspaceId: workspace.id, userId: me.userId, role: ended.role, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (joined.length > 0) {
      await recordActivity(tx, {
        workspaceId: workspace.id,
        action: 'member.joined',
        target: { kind: 'user', id: me.userId },
        summary: `joined as ${ended.role}, invited by ${ended.invitedByName}`,
        metadata: { role: ended.role, invitationId: ended.id, invitedBy: ended.invitedById },
      });
      await emitEvent(tx, 'member.joined', workspace.id, { invitation: invitationRef(ended), user: { id: me.userId, name: me.name } });
    }
    return toMyInvitationDto(ended, workspace, now);
  });
}

/** POST /invitations/{id}/decline */
export async function declineInvitation(ctx: Ctx, invitationId: string) {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const { invitation, workspace } = await lockMyInvitation(tx, me, invitationId);
    const ended = await endInvitation(tx, invitation, workspace, 'decline');
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'member.invitation_declined',
      target: { kind: 'invitation', id: ended.id },
      summary: `declined the invitation as ${ended.role} (${ended.email})`,
      metadata: { email: ended.email, role: ended.role },
    });
    await emitEvent(tx, 'member.invitation_declined', workspace.id, { invitation: invitationRef(ended) });
    return toMyInvitationDto(ended, workspace, tx.clock.now());
  });
}
