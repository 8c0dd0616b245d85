// Invitations (issue 11, ADR 0013): when adding someone is an invitation, how long one lasts, and what may follow what.
// Who may invite with which role is the members table's rule (`members.manage` + `canManageRole`).

/** An invitation can be accepted for this long after it was sent (or last renewed). */
export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

/** What an invitation row holds; `expired` is never stored, it is a pending one read after its `expiresAt`. */
export type StoredInvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked';
export type InvitationStatus = StoredInvitationStatus | 'expired';

/** The three ways an invitation ends, by whom, and the status each leaves. Only a pending, unexpired one can end. */
export const INVITATION_ENDINGS = {
  accept: { by: 'invitee', to: 'accepted' },
  decline: { by: 'invitee', to: 'declined' },
  revoke: { by: 'workspace_admin', to: 'revoked' },
} as const satisfies Record<string, { by: 'invitee' | 'workspace_admin'; to: StoredInvitationStatus }>;
export type InvitationEnding = keyof typeof INVITATION_ENDINGS;

/** Revoking an expired invitation is allowed (it only tidies the list); accepting or declining one is not. */
export const ENDINGS_ALLOWED_AFTER_EXPIRY: ReadonlySet<InvitationEnding> = new Set(['revoke']);

export function invitationStatus(row: { status: string; expiresAt: Date }, now: Date): InvitationStatus {
  if (row.status === 'pending' && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return row.status as StoredInvitationStatus;
}

/**
 * `POST /workspaces/{id}/members` adds the person at once (201) only when that reveals nothing the caller could not
 * already see: an instance admin lists every user anyway, and someone who shares a workspace with the caller is in
 * a member list the caller can read. Everyone else is invited (202), and the answer is the same whether the address
 * belongs to a user or not.
 */
export function addsDirectly(caller: { isInstanceAdmin: boolean }, invitee: { exists: boolean; sharesWorkspaceWithCaller: boolean }): boolean {
  return invitee.exists && (caller.isInstanceAdmin || invitee.sharesWorkspaceWithCaller);
}

/** Why an invitation can no longer be answered, said to the invitee (or the admin revoking it). */
export function endedMessage(status: InvitationStatus, workspaceName: string): string {
  switch (status) {
    case 'accepted':
      return `this invitation to ${workspaceName} was already accepted`;
    case 'declined':
      return `this invitation to ${workspaceName} was already declined`;
    case 'revoked':
      return `this invitation to ${workspaceName} was revoked by an admin of the workspace`;
    case 'expired':
      return `this invitation to ${workspaceName} has expired; ask an admin of the workspace to invite you again`;
    case 'pending':
      return `this invitation to ${workspaceName} is still pending`;
  }
}
