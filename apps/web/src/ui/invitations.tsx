'use client';
// Invitations to workspaces (ADR 0013), on both sides: the signed-in person's own (accept or decline, on the
// workspaces page, with a banner elsewhere that points there) and a workspace's pending ones (its admins revoke them
// on the Members page). The API decides every case; its refusals are shown as they come.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, toApiError, type ApiError } from './api';
import { Badge, Button, Card, ErrorAlert, Loading, RoleBadge, Time, WorkspaceAvatar } from './components';
import { announceNotificationsChanged } from './notifications';
import { useSession } from './session';
import type { Invitation, MyInvitation } from './types';

/** Pages that answer an invitation announce it, so the banner and the lists reload at once. */
const INVITATIONS_CHANGED = 'mc:invitations-changed';

function useMyInvitations() {
  const [items, setItems] = useState<MyInvitation[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await apiList<MyInvitation>('/me/invitations')).items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setItems((i) => i ?? []);
    }
  }, []);
  useEffect(() => {
    void load();
    const reload = () => void load();
    window.addEventListener(INVITATIONS_CHANGED, reload);
    return () => window.removeEventListener(INVITATIONS_CHANGED, reload);
  }, [load]);
  return { items, error, load };
}

/** The caller's pending invitations with Accept / Decline; renders nothing when there are none. */
export function MyInvitations({ onJoined }: { onJoined?: () => void }) {
  const { items, error } = useMyInvitations();
  const { refreshWorkspaces } = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  if (items === null) return null;
  if (items.length === 0 && !error && !notice) return null;
  return (
    <section id="invitations" aria-labelledby="invitations-heading" className="mb-8 scroll-mt-20">
      <Card title={<span id="invitations-heading">Invitations</span>} description="Workspaces you are invited to join. Invitations expire after 14 days.">
        <ErrorAlert error={error} className="mb-3" />
        {notice && (
          <p role="status" className="mb-3 text-sm text-emerald-700">
            {notice}
          </p>
        )}
        {items.length > 0 && (
          <ul className="divide-y divide-slate-100" data-testid="my-invitations">
            {items.map((inv) => (
              <MyInvitationRow
                key={inv.id}
                invitation={inv}
                onAnswered={async (answer) => {
                  if (answer === 'accepted') {
                    await refreshWorkspaces();
                    onJoined?.();
                  }
                  setNotice(answer === 'accepted' ? `You joined ${inv.workspace.name}.` : `You declined the invitation to ${inv.workspace.name}.`);
                  announceNotificationsChanged();
                  window.dispatchEvent(new Event(INVITATIONS_CHANGED));
                }}
              />
            ))}
          </ul>
        )}
      </Card>
    </section>
  );
}

function MyInvitationRow({ invitation: inv, onAnswered }: { invitation: MyInvitation; onAnswered: (answer: 'accepted' | 'declined') => Promise<void> }) {
  const [pending, setPending] = useState<'accept' | 'decline' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function answer(how: 'accept' | 'decline') {
    setPending(how);
    setError(null);
    try {
      await api<MyInvitation>('POST', `/invitations/${encodeURIComponent(inv.id)}/${how}`);
      await onAnswered(how === 'accept' ? 'accepted' : 'declined');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(null);
    }
  }

  return (
    <li className="flex flex-wrap items-center gap-3 py-3 first:pt-0 last:pb-0" data-testid={`my-invitation-${inv.workspace.slug}`}>
      <WorkspaceAvatar emoji={inv.workspace.emoji} color={inv.workspace.color} />
      {/* At least 12rem of text: on a phone the buttons wrap below instead of squeezing it. */}
      <div className="min-w-[12rem] flex-1">
        <p className="font-medium break-words text-slate-900">{inv.workspace.name}</p>
        <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-slate-600">
          <span>{inv.invitedBy.name} invited you as</span>
          <RoleBadge role={inv.role} />
          <span className="text-slate-500">
            · expires <Time iso={inv.expiresAt} relative />
          </span>
        </p>
        {error && <ErrorAlert error={error} className="mt-2" />}
      </div>
      <div className="flex gap-2">
        <Button size="sm" onClick={() => void answer('accept')} loading={pending === 'accept'} disabled={pending !== null} aria-label={`Accept the invitation to ${inv.workspace.name}`}>
          Accept
        </Button>
        <Button size="sm" variant="secondary" onClick={() => void answer('decline')} loading={pending === 'decline'} disabled={pending !== null} aria-label={`Decline the invitation to ${inv.workspace.name}`}>
          Decline
        </Button>
      </div>
    </li>
  );
}

/** A line above every signed-in page (but the workspaces page, which lists them) while invitations wait. */
export function InvitationsBanner() {
  const pathname = usePathname();
  const { items } = useMyInvitations();
  if (!items?.length || pathname === '/workspaces') return null;
  const names = items.map((i) => i.workspace.name);
  const what = names.length === 1 ? names[0] : `${names.length} workspaces`;
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-4 py-2.5 text-sm text-indigo-900" data-testid="invitations-banner">
      <p className="min-w-0 break-words">
        You are invited to join <strong>{what}</strong>.
      </p>
      <Link href="/workspaces#invitations" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
        Review {names.length === 1 ? 'the invitation' : 'invitations'} →
      </Link>
    </div>
  );
}

const STATUS_TONE = { pending: 'sky', expired: 'amber', accepted: 'emerald', declined: 'slate', revoked: 'slate' } as const;

/**
 * A workspace's pending invitations for its admins, each revocable (unless it grants a role the caller cannot). The
 * addresses are the ones the admins typed; nothing says whether a user holds them.
 */
export function WorkspaceInvitations({
  workspaceId,
  canRevoke,
  reloadKey,
  onChanged,
}: {
  workspaceId: string;
  /** Whether the caller may revoke an invitation of this role (from the workspace's grantable roles). */
  canRevoke: (inv: Invitation) => boolean;
  /** Bumped by the page after it sent an invitation. */
  reloadKey: number;
  onChanged?: (message: string) => void;
}) {
  const [items, setItems] = useState<Invitation[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await apiList<Invitation>(`/workspaces/${workspaceId}/invitations`)).items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setItems((i) => i ?? []);
    }
  }, [workspaceId]);

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  async function revoke(inv: Invitation) {
    setBusy(inv.id);
    setError(null);
    try {
      await api<Invitation>('DELETE', `/workspaces/${workspaceId}/invitations/${encodeURIComponent(inv.id)}`);
      onChanged?.(`The invitation of ${inv.email} was revoked.`);
      await load();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  }

  if (items === null) return <Loading label="Loading invitations…" />;
  return (
    <Card title="Pending invitations" description={items.length ? `${items.length} waiting for an answer` : undefined}>
      <ErrorAlert error={error} className="mb-3" />
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">No pending invitations. People you invite show up here until they answer.</p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="workspace-invitations">
          {items.map((inv) => (
            <li key={inv.id} className="flex flex-wrap items-center gap-x-3 gap-y-2 py-3 first:pt-0 last:pb-0" data-testid={`invitation-${inv.email}`}>
              <div className="min-w-0 flex-1">
                <p className="font-medium break-all text-slate-900">{inv.email}</p>
                <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-slate-600">
                  <RoleBadge role={inv.role} />
                  <Badge tone={STATUS_TONE[inv.status]}>{inv.status === 'expired' ? 'Expired' : 'Pending'}</Badge>
                  <span>
                    by {inv.invitedBy.name} · {inv.status === 'expired' ? 'expired' : 'expires'} <Time iso={inv.expiresAt} relative />
                  </span>
                </p>
              </div>
              {canRevoke(inv) && (
                <Button size="sm" variant="secondary" onClick={() => void revoke(inv)} loading={busy === inv.id} disabled={busy !== null} aria-label={`Revoke the invitation of ${inv.email}`}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
