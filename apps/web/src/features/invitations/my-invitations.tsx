'use client';
// The signed-in person's invitations (ADR 0013): Accept / Decline on the workspaces page, and a banner above every
// other signed-in page while some wait. The API decides every case; its refusals are shown as they come.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { Button, Card, ErrorAlert, RoleBadge, Time, WorkspaceAvatar } from '@/src/ui/components';
import { useAnswerInvitation, useMyInvitations, type MyInvitation } from './queries';

/** The caller's pending invitations with Accept / Decline; renders nothing when there are none. */
export function MyInvitations() {
  const { data: items, error } = useMyInvitations();
  const [notice, setNotice] = useState<string | null>(null);
  // The answer lives here, not in the row: answering removes the row (the list is re-read, and a live event may
  // re-read it even sooner), and a callback of an unmounted row would never say what happened.
  const answer = useAnswerInvitation();
  const send = (inv: MyInvitation, how: 'accept' | 'decline') =>
    answer.mutate(
      { invitation: inv, answer: how },
      { onSuccess: () => setNotice(how === 'accept' ? `You joined ${inv.workspace.name}.` : `You declined the invitation to ${inv.workspace.name}.`) },
    );
  const pendingFor = (inv: MyInvitation) => (answer.isPending && answer.variables.invitation.id === inv.id ? answer.variables.answer : null);
  const errorFor = (inv: MyInvitation) => (answer.error && answer.variables?.invitation.id === inv.id ? answer.error : null);
  if (items === undefined && !error) return null;
  if (!items?.length && !error && !notice) return null;
  return (
    <section id="invitations" aria-labelledby="invitations-heading" className="mb-8 scroll-mt-20">
      <Card title={<span id="invitations-heading">Invitations</span>} description="Workspaces you are invited to join. Invitations expire after 14 days.">
        <ErrorAlert error={error} className="mb-3" />
        {notice && (
          <p role="status" className="mb-3 text-sm text-emerald-700">
            {notice}
          </p>
        )}
        {!!items?.length && (
          <ul className="divide-y divide-slate-100" data-testid="my-invitations">
            {items.map((inv) => (
              <MyInvitationRow
                key={inv.id}
                invitation={inv}
                pending={pendingFor(inv)}
                busy={answer.isPending}
                error={errorFor(inv)}
                onAnswer={(how) => send(inv, how)}
              />
            ))}
          </ul>
        )}
      </Card>
    </section>
  );
}

function MyInvitationRow({
  invitation: inv,
  pending,
  busy,
  error,
  onAnswer: send,
}: {
  invitation: MyInvitation;
  pending: 'accept' | 'decline' | null;
  busy: boolean;
  error: unknown;
  onAnswer: (answer: 'accept' | 'decline') => void;
}) {

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
        {!!error && <ErrorAlert error={error} className="mt-2" />}
      </div>
      <div className="flex gap-2">
        <Button size="sm" onClick={() => send('accept')} loading={pending === 'accept'} disabled={busy} aria-label={`Accept the invitation to ${inv.workspace.name}`}>
          Accept
        </Button>
        <Button size="sm" variant="secondary" onClick={() => send('decline')} loading={pending === 'decline'} disabled={busy} aria-label={`Decline the invitation to ${inv.workspace.name}`}>
          Decline
        </Button>
      </div>
    </li>
  );
}

/** A line above every signed-in page (but the workspaces page, which lists them) while invitations wait. */
export function InvitationsBanner() {
  const pathname = usePathname();
  const { data: items } = useMyInvitations();
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
