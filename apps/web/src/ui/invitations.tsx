'use client';
// A workspace's pending invitations (ADR 0013), which its admins revoke on the Members page. The invitee's side
// (accept, decline, the banner) is in src/features/invitations. The API decides every case; its refusals are shown.
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, toApiError, type ApiError } from './api';
import { Badge, Button, Card, ErrorAlert, Loading, RoleBadge, Time } from './components';
import type { Invitation } from './types';

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
