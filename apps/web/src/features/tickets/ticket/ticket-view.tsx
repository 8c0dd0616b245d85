'use client';
// One ticket, the whole story, composed: header and moves, description (or its edit form), comments, executions,
// history; beside them the details, rating, PRs and the short link. Each section reads its own data; the writes
// come from useTicketWrites.
import Link from 'next/link';
import { useState } from 'react';
import type { LiveState } from '@/src/data/live';
import { toApiError } from '@/src/data/client';
import { Card } from '@/src/ui/components';
import { RatingButtons } from '@/src/features/ratings/rating-buttons';
import { TicketExecutions } from '@/src/ui/executions';
import type { Workspace } from '@/src/ui/types';
import { isHeld } from '../lease-countdown';
import { explainMoveError } from '../move-error';
import { usePeople } from '../people';
import { useEpics, useTicketWrites } from '../queries';
import { RefusalAlert } from '../refusal-alert';
import type { Ticket, TicketStatus } from '../types';
import { assigneeBody, AssigneePicker } from './assignee-picker';
import { CloseDialog } from './close-dialog';
import { CommentForm } from './comment-form';
import { CommentsCard } from './comments-card';
import { DescriptionCard } from './description-card';
import { DetailsCard } from './details-card';
import { DispatchCard, isDispatchable } from './dispatch-card';
import { EditTicketForm } from './edit-ticket-form';
import { ForceReleaseDialog } from './force-release-dialog';
import { HistoryCard } from './history-card';
import { MoveBar } from './move-bar';
import { PullRequestsCard } from './pull-requests-card';
import { TicketHeader } from './ticket-header';

export function TicketView({ workspace: w, ticket: t, live }: { workspace: Workspace; ticket: Ticket; live: LiveState }) {
  const people = usePeople(w.id);
  const { epics } = useEpics(w.id);
  const writes = useTicketWrites(w.id, t.id);
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const canManage = !!w.permissions['tickets.manage'] && !w.archived;
  // The server's answer says who may dispatch (false in an archived workspace, for viewers and agents).
  const canDispatch = !!w.permissions['tickets.dispatch'] && isDispatchable(t);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const [moveError, setMoveError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  const [releasing, setReleasing] = useState(false);

  /** The move shows at once; a refusal puts the ticket back and says why. */
  async function move(to: TicketStatus, closedReason?: string) {
    setMoveError(null);
    try {
      await writes.move.mutateAsync({ ticket: t, to, closedReason });
    } catch (err) {
      setMoveError(explainMoveError(toApiError(err), t, to));
    }
  }

  return (
    <div className="space-y-5" data-testid="ticket-page">
      <TicketHeader ticket={t} boardHref={`${base}/board`} live={live} />
      <MoveBar moves={t.allowedMoves} moving={writes.move.isPending ? (writes.move.variables?.to ?? null) : null} onMove={(s) => void move(s)} onClose={() => setClosing(true)} />
      {moveError && <RefusalAlert text={moveError} onDismiss={() => setMoveError(null)} />}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {editing ? (
            <EditTicketForm ticket={t} epics={epics} onCancel={() => setEditing(false)} onSave={async (edit) => (await writes.edit.mutateAsync(edit), setEditing(false))} />
          ) : (
            <DescriptionCard description={t.description} onEdit={canWrite ? () => setEditing(true) : undefined} />
          )}
          <CommentsCard workspaceId={w.id} ticketId={t.id} people={people} form={canWrite ? <CommentForm people={people} onPost={writes.comment.mutateAsync} /> : undefined} />
          <Card title="Executions" description="Runs the agents reported while working on this ticket, with their tokens and cost.">
            <TicketExecutions workspaceId={w.id} workspaceSlug={w.slug} ticketId={t.id} />
          </Card>
          <HistoryCard workspaceId={w.id} ticketId={t.id} status={t.status} workspaceSlug={w.slug} here={`${base}/tickets/${encodeURIComponent(t.id)}`} agentName={people.agentName} />
        </div>

        <aside className="space-y-6">
          <DetailsCard
            ticket={t}
            people={people}
            epics={epics}
            assignee={<AssigneePicker ticket={t} people={people} canAssign={canManage} onAssign={(choice) => writes.assign.mutateAsync(assigneeBody(choice) ?? {})} />}
            onForceRelease={canManage && isHeld(t) ? () => setReleasing(true) : undefined}
          />
          {canDispatch && <DispatchCard workspace={w} ticket={t} people={people} />}
          <Card title="Rating" description="Was the agent's work on this ticket good? Ratings count in its scorecard.">
            <RatingButtons workspaceId={w.id} target={{ kind: 'tickets', id: t.id }} canRate={!!w.permissions['ratings.write'] && !w.archived} label="Rate this ticket's work" />
          </Card>
          <PullRequestsCard workspaceId={w.id} ticketId={t.id} defaultRepository={w.defaultRepository} />
          <p className="text-xs text-slate-500">
            Link to this ticket:{' '}
            <Link href={`/t/${t.id}`} className="font-mono text-indigo-600 hover:text-indigo-500">
              /t/{t.id}
            </Link>
          </p>
        </aside>
      </div>

      <CloseDialog open={closing} ticket={t} onClose={() => setClosing(false)} onConfirm={(reason) => move('closed', reason)} />
      <ForceReleaseDialog open={releasing} ticket={t} holderName={people.agentName(t.claimedBy)} onClose={() => setReleasing(false)} onConfirm={async () => void (await writes.forceRelease.mutateAsync())} />
    </div>
  );
}
