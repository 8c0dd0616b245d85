'use client';
// One ticket, the whole story, composed: header and moves, description (or its edit form), comments, executions,
// history; beside them the details, rating, PRs and the short link.
import Link from 'next/link';
import { useState } from 'react';
import { toApiError } from '@/src/ui/api';
import { Card } from '@/src/ui/components';
import { RatingButtons, TicketExecutions } from '@/src/ui/executions';
import type { Workspace } from '@/src/ui/types';
import { isHeld } from '../lease-countdown';
import { explainMoveError } from '../move-error';
import type { People } from '../people';
import { RefusalAlert } from '../refusal-alert';
import type { TicketStatus } from '../types';
import { assigneeBody, AssigneePicker } from './assignee-picker';
import { CloseDialog } from './close-dialog';
import { CommentForm } from './comment-form';
import { CommentsCard } from './comments-card';
import { DescriptionCard } from './description-card';
import { DetailsCard } from './details-card';
import { EditTicketForm } from './edit-ticket-form';
import { ForceReleaseDialog } from './force-release-dialog';
import { HistoryCard } from './history-card';
import { MoveBar } from './move-bar';
import { PullRequestsCard } from './pull-requests-card';
import { TicketHeader } from './ticket-header';
import type { useTicketData } from './use-ticket-data';

type Data = ReturnType<typeof useTicketData>;

export function TicketView({ workspace: w, people, data }: { workspace: Workspace; people: People; data: Data & { ticket: NonNullable<Data['ticket']> } }) {
  const t = data.ticket;
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const canManage = !!w.permissions['tickets.manage'] && !w.archived;
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const [moving, setMoving] = useState<TicketStatus | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  const [releasing, setReleasing] = useState(false);

  async function move(to: TicketStatus, closedReason?: string) {
    setMoveError(null);
    setMoving(to);
    try {
      await data.move(to, closedReason);
    } catch (err) {
      setMoveError(explainMoveError(toApiError(err), t, to));
    } finally {
      setMoving(null);
    }
  }

  return (
    <div className="space-y-5" data-testid="ticket-page">
      <TicketHeader ticket={t} boardHref={`${base}/board`} live={data.live} />
      <MoveBar moves={t.allowedMoves} moving={moving} onMove={(s) => void move(s)} onClose={() => setClosing(true)} />
      {moveError && <RefusalAlert text={moveError} onDismiss={() => setMoveError(null)} />}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {editing ? (
            <EditTicketForm ticket={t} epics={data.epics} onCancel={() => setEditing(false)} onSave={async (edit) => (await data.edit({ ...edit }), setEditing(false))} />
          ) : (
            <DescriptionCard description={t.description} onEdit={canWrite ? () => setEditing(true) : undefined} />
          )}
          <CommentsCard
            comments={data.comments}
            hasMore={data.hasMoreComments}
            people={people}
            onMore={() => void data.moreComments()}
            form={canWrite ? <CommentForm people={people} onPost={data.comment} /> : undefined}
          />
          <Card title="Executions" description="Runs the agents reported while working on this ticket, with their tokens and cost.">
            <TicketExecutions workspaceId={w.id} workspaceSlug={w.slug} ticketId={t.id} />
          </Card>
          <HistoryCard activity={data.activity} error={data.activityError} status={t.status} workspaceSlug={w.slug} here={`${base}/tickets/${encodeURIComponent(t.id)}`} agentName={people.agentName} />
        </div>

        <aside className="space-y-6">
          <DetailsCard
            ticket={t}
            people={people}
            epics={data.epics}
            assignee={<AssigneePicker ticket={t} people={people} canAssign={canManage} onAssign={(choice) => data.assign(assigneeBody(choice) ?? {})} />}
            onForceRelease={canManage && isHeld(t) ? () => setReleasing(true) : undefined}
          />
          <Card title="Rating" description="Was the agent's work on this ticket good? Ratings count in its scorecard.">
            <RatingButtons target={`tickets/${encodeURIComponent(t.id)}`} canRate={!!w.permissions['ratings.write'] && !w.archived} label="Rate this ticket's work" />
          </Card>
          <PullRequestsCard links={data.links} defaultRepository={w.defaultRepository} />
          <p className="text-xs text-slate-500">
            Link to this ticket:{' '}
            <Link href={`/t/${t.id}`} className="font-mono text-indigo-600 hover:text-indigo-500">
              /t/{t.id}
            </Link>
          </p>
        </aside>
      </div>

      <CloseDialog open={closing} ticket={t} onClose={() => setClosing(false)} onConfirm={(reason) => move('closed', reason)} />
      <ForceReleaseDialog open={releasing} ticket={t} holderName={people.agentName(t.claimedBy)} onClose={() => setReleasing(false)} onConfirm={data.forceRelease} />
    </div>
  );
}
