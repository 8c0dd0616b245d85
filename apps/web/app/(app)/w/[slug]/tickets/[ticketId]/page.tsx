'use client';
// One ticket, the whole story: description, state and the moves it may make, who it is assigned to and who
// holds it until when, linked PRs, comments with @mentions, status history and activity — all live.
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ActivityItem } from '@/src/ui/activity-item';
import { agentOptionLabel } from '@/src/ui/agents';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Button, Card, ConfirmDialog, EmptyState, ErrorAlert, Loading, SelectField, TextArea, TextField, Time, useTitle } from '@/src/ui/components';
import { RatingButtons, TicketExecutions } from '@/src/ui/executions';
import { Markdown } from '@/src/ui/markdown';
import { LabelChip, LeaseCountdown, LiveIndicator, MentionTextarea, PriorityBadge, StatusBadge, type MentionCandidate } from '@/src/ui/ticket-parts';
import {
  explainMoveError,
  isStatus,
  memberHandle,
  NEXT_STATUSES,
  PRIORITIES,
  PRIORITY_LABEL,
  splitList,
  STATUS_LABEL,
  useLiveEvents,
  usePeople,
  type Comment,
  type Epic,
  type LiveEvent,
  type People,
  type PullRequestLink,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '@/src/ui/tickets';
import type { Activity } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

const COMMENTS_PAGE = 200;

export default function TicketPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const id = decodeURIComponent(ticketId);
  const router = useRouter();
  const { workspace: w } = useWorkspace();
  const people = usePeople(w.id);
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const canManage = !!w.permissions['tickets.manage'] && !w.archived;
  const base = `/w/${encodeURIComponent(w.slug)}`;

  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [comments, setComments] = useState<Comment[] | null>(null);
  const [commentsCursor, setCommentsCursor] = useState<string | null>(null);
  const [links, setLinks] = useState<PullRequestLink[]>([]);
  const [activity, setActivity] = useState<Activity[] | null>(null);
  const [activityError, setActivityError] = useState<ApiError | null>(null);
  const [epics, setEpics] = useState<Epic[]>([]);
  const [moveError, setMoveError] = useState<string | null>(null);
  const [moving, setMoving] = useState<TicketStatus | null>(null);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  const [releasing, setReleasing] = useState(false);
  useTitle(ticket ? `#${ticket.number} ${ticket.title}` : 'Ticket');

  const loadTicket = useCallback(async () => {
    try {
      const t = await api<Ticket>('GET', `/tickets/${encodeURIComponent(id)}`);
      setTicket((cur) => (cur && cur.id === t.id && cur.version > t.version ? cur : t));
      setLoadError(null);
    } catch (err) {
      setLoadError(toApiError(err));
    }
  }, [id]);
  const loadComments = useCallback(async () => {
    try {
      const { items, meta } = await apiList<Comment>(`/tickets/${encodeURIComponent(id)}/comments${qs({ limit: COMMENTS_PAGE })}`);
      setComments(items);
      setCommentsCursor(meta.nextCursor ?? null);
    } catch {
      setComments((c) => c ?? []);
    }
  }, [id]);
  const loadLinks = useCallback(async () => {
    try {
      setLinks((await apiList<PullRequestLink>(`/tickets/${encodeURIComponent(id)}/links`)).items);
    } catch {
      // shown as "none"; the ticket itself reports real problems
    }
  }, [id]);
  const loadActivity = useCallback(async () => {
    try {
      setActivity((await apiList<Activity>(`/activity${qs({ workspaceId: w.id, targetId: id, limit: 200 })}`)).items);
      setActivityError(null);
    } catch (err) {
      setActivityError(toApiError(err));
      setActivity((a) => a ?? []);
    }
  }, [w.id, id]);

  useEffect(() => {
    void loadTicket();
    void loadComments();
    void loadLinks();
    void loadActivity();
  }, [loadTicket, loadComments, loadLinks, loadActivity]);
  useEffect(() => {
    apiList<Epic>(`/epics${qs({ workspaceId: w.id })}`)
      .then(({ items }) => setEpics(items))
      .catch(() => setEpics([]));
  }, [w.id]);

  // A ticket of another workspace: its own page lives under that workspace's URL.
  useEffect(() => {
    if (ticket && ticket.workspaceId !== w.id) router.replace(`/t/${encodeURIComponent(ticket.id)}`);
  }, [ticket, w.id, router]);

  // Live: several events for one change (moved + updated, comment + lease renewal) come in a burst; refetch once.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const wanted = useRef({ comments: false });
  const { agentName, agents, reload: reloadPeople } = people;
  const onEvent = useCallback(
    (e: LiveEvent) => {
      if (e.ticketId !== id) return;
      if (e.type === 'comment.created') wanted.current.comments = true;
      if (e.agentId && !agentName(e.agentId) && agents.length < 200) reloadPeople();
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const withComments = wanted.current.comments;
        wanted.current.comments = false;
        void loadTicket();
        void loadActivity();
        if (withComments) {
          void loadComments();
          void loadLinks();
        }
      }, 120);
    },
    [id, loadTicket, loadActivity, loadComments, loadLinks, agentName, agents.length, reloadPeople],
  );
  const live = useLiveEvents(w.id, onEvent, () => {
    void loadTicket();
    void loadComments();
    void loadLinks();
    void loadActivity();
  });
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  async function move(to: TicketStatus, closedReason?: string) {
    if (!ticket) return;
    setMoveError(null);
    setMoving(to);
    try {
      setTicket(await api<Ticket>('PATCH', `/tickets/${ticket.id}`, { status: to, version: ticket.version, ...(closedReason ? { closedReason } : {}) }));
      void loadActivity();
    } catch (err) {
      const e = toApiError(err);
      setMoveError(explainMoveError(e, ticket, to));
      void loadTicket();
    } finally {
      setMoving(null);
    }
  }

  if (loadError && !ticket) {
    return loadError.status === 404 ? (
      <EmptyState icon="🎫" title="Ticket not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={`${base}/board`}>Back to the board</Link>}>
        There is no ticket <span className="font-mono">{id}</span>, or you cannot see it.
      </EmptyState>
    ) : (
      <div className="space-y-3">
        <ErrorAlert error={loadError} />
        <Button variant="secondary" onClick={() => void loadTicket()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!ticket) return <Loading />;
  const t = ticket;
  const next = NEXT_STATUSES[t.status];

  return (
    <div className="space-y-5" data-testid="ticket-page">
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <Link href={`${base}/board`} className="font-medium text-indigo-600 hover:text-indigo-500">
          ← Board
        </Link>
        <LiveIndicator state={live} />
      </div>

      <div>
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-mono text-lg text-slate-500">#{t.number}</span>
          <StatusBadge status={t.status} />
          <PriorityBadge priority={t.priority} />
        </div>
        <h2 className="mt-1 text-xl font-semibold tracking-tight break-words text-slate-900" data-testid="ticket-heading">
          {t.title}
        </h2>
      </div>

      {canWrite && next.length > 0 && (
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Move ticket">
          <span className="text-sm text-slate-500">Move to</span>
          {next.map((s) => (
            <Button
              key={s}
              size="sm"
              variant={s === 'closed' ? 'secondary' : 'primary'}
              loading={moving === s}
              disabled={!!moving}
              onClick={() => (s === 'closed' ? setClosing(true) : void move(s))}
            >
              {STATUS_LABEL[s]}
            </Button>
          ))}
        </div>
      )}
      {moveError && (
        <div role="alert" data-testid="move-error" className="flex items-start justify-between gap-3 rounded-md border border-rose-200 bg-rose-50 px-3.5 py-2.5 text-sm text-rose-800">
          <p className="font-medium">{moveError}</p>
          <button type="button" onClick={() => setMoveError(null)} className="shrink-0 rounded px-1 text-rose-600 hover:bg-rose-100" aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {editing ? (
            <EditTicket ticket={t} epics={epics} onCancel={() => setEditing(false)} onSaved={(u) => (setTicket(u), setEditing(false), void loadActivity(), void loadLinks())} onStale={() => void loadTicket()} />
          ) : (
            <Card
              title="Description"
              footer={
                canWrite ? (
                  <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>
                    Edit ticket
                  </Button>
                ) : undefined
              }
            >
              {t.description.trim() ? <Markdown text={t.description} /> : <p className="text-sm text-slate-500">No description.</p>}
            </Card>
          )}

          <Comments
            ticket={t}
            comments={comments}
            hasMore={!!commentsCursor}
            people={people}
            canWrite={canWrite}
            onMore={async () => {
              if (!commentsCursor) return;
              const { items, meta } = await apiList<Comment>(`/tickets/${encodeURIComponent(id)}/comments${qs({ limit: COMMENTS_PAGE, cursor: commentsCursor })}`);
              setComments((c) => [...(c ?? []), ...items.filter((x) => !c?.some((y) => y.id === x.id))]);
              setCommentsCursor(meta.nextCursor ?? null);
            }}
            onPosted={(c) => {
              setComments((list) => (list?.some((x) => x.id === c.id) ? list : [...(list ?? []), c]));
              void loadLinks();
              void loadActivity();
            }}
          />

          <Card title="Executions" description="Runs the agents reported while working on this ticket, with their tokens and cost.">
            <TicketExecutions workspaceId={w.id} workspaceSlug={w.slug} ticketId={t.id} />
          </Card>

          <Card title="History" description="Status changes and everything else that happened to this ticket.">
            <ErrorAlert error={activityError} className="mb-3" />
            {activity === null ? (
              <Loading />
            ) : (
              <div className="space-y-5">
                <StatusHistory activity={activity} ticket={t} />
                {activity.length > 0 && (
                  <div>
                    <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Activity</h3>
                    <ul className="divide-y divide-slate-100" data-testid="ticket-activity">
                      {activity.map((a) => (
                        <ActivityItem key={a.id} entry={a} workspaceSlug={w.slug} agentName={people.agentName} here={`/w/${encodeURIComponent(w.slug)}/tickets/${encodeURIComponent(t.id)}`} />
                      ))}
                    </ul>
                  </div>
                )}
              </div>
            )}
          </Card>
        </div>

        <aside className="space-y-6">
          <Card title="Details">
            <dl className="space-y-3 text-sm">
              <Row label="Status">
                <StatusBadge status={t.status} />
                {t.status === 'closed' && t.closedReason && <p className="mt-1 text-xs text-slate-500">{t.closedReason}</p>}
              </Row>
              <Row label="Priority">
                <PriorityBadge priority={t.priority} />
              </Row>
              <Row label="Held by">
                <Holder ticket={t} people={people} />
                {canManage && t.claimedBy && t.status === 'in_progress' && (
                  <Button size="sm" variant="secondary" className="mt-2" onClick={() => setReleasing(true)}>
                    Force release
                  </Button>
                )}
              </Row>
              <Row label="Assignee">
                <Assignee ticket={t} people={people} canAssign={canManage} onChanged={(u) => (setTicket(u), void loadActivity())} />
              </Row>
              <Row label="Labels">
                {t.labels.length ? (
                  <div className="flex flex-wrap gap-1">
                    {t.labels.map((l) => (
                      <LabelChip key={l} label={l} />
                    ))}
                  </div>
                ) : (
                  <None />
                )}
              </Row>
              <Row label="Epic">{t.epicId ? (epics.find((e) => e.id === t.epicId)?.title ?? <span className="font-mono text-xs">{t.epicId}</span>) : <None />}</Row>
              <Row label="Required capabilities">
                {t.requiredCapabilities.length ? (
                  <div className="flex flex-wrap gap-1">
                    {t.requiredCapabilities.map((c) => (
                      <code key={c} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                        {c}
                      </code>
                    ))}
                  </div>
                ) : (
                  <None />
                )}
              </Row>
              <Row label="Wiki">
                {t.wikiRefs.length ? (
                  <ul className="space-y-0.5">
                    {t.wikiRefs.map((r) => (
                      <li key={r} className="font-mono text-xs text-slate-700">
                        {r}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <None />
                )}
              </Row>
              <Row label="Created">
                <Time iso={t.createdAt} /> by {creatorName(t, people)}
              </Row>
              <Row label="Updated">
                <Time iso={t.updatedAt} relative />
              </Row>
            </dl>
          </Card>
          <Card title="Rating" description="Was the agent's work on this ticket good? Ratings count in its scorecard.">
            <RatingButtons target={`tickets/${encodeURIComponent(t.id)}`} canRate={!!w.permissions['ratings.write'] && !w.archived} label="Rate this ticket's work" />
          </Card>
          <Card title="Pull requests">
            {links.length === 0 ? (
              <p className="text-sm text-slate-500">None yet. Mention a PR in the description or a comment: owner/repo#12 or its URL{w.defaultRepository ? <>, or PR#12 for {w.defaultRepository}</> : <> (a bare PR#12 links once Settings names a default repository)</>}.</p>
            ) : (
              <ul className="space-y-1.5 text-sm" data-testid="ticket-links">
                {links.map((l) => (
                  <li key={l.id}>
                    <a href={l.url} target="_blank" rel="noopener noreferrer nofollow" className="font-medium text-indigo-600 hover:text-indigo-500">
                      {l.repo}#{l.number}
                    </a>{' '}
                    <span className="text-xs text-slate-500">{l.provider === 'gitlab' ? 'GitLab MR' : 'GitHub PR'}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <p className="text-xs text-slate-500">
            Link to this ticket:{' '}
            <Link href={`/t/${t.id}`} className="font-mono text-indigo-600 hover:text-indigo-500">
              /t/{t.id}
            </Link>
          </p>
        </aside>
      </div>

      <CloseDialog open={closing} ticket={t} onClose={() => setClosing(false)} onConfirm={(reason) => move('closed', reason)} />
      <ConfirmDialog
        open={releasing}
        title={`Force-release #${t.number}?`}
        confirmLabel="Force release"
        onClose={() => setReleasing(false)}
        onConfirm={async () => {
          setTicket(await api<Ticket>('POST', `/tickets/${t.id}/release`, { reason: 'force-released from the dashboard' }));
          void loadActivity();
        }}
      >
        {people.agentName(t.claimedBy) ?? 'The agent'} loses its claim and the ticket goes back to To-do for anyone to take. This is recorded in the activity log.
      </ConfirmDialog>
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-800">{children}</dd>
    </div>
  );
}

function None() {
  return <span className="text-slate-500">—</span>;
}

function creatorName(t: Ticket, people: People): string {
  const c = t.createdBy;
  if (c.kind === 'agent') return people.agentName(c.id) ?? 'an agent';
  if (c.kind === 'user') return people.memberName(c.id) ?? 'a person';
  return c.kind;
}

function Holder({ ticket: t, people }: { ticket: Ticket; people: People }) {
  if (!t.claimedBy) return <None />;
  const name = people.agentName(t.claimedBy) ?? t.claimedBy;
  const held = t.status === 'in_progress';
  return (
    <div data-testid="holder">
      <span className="font-medium">🤖 {name}</span>
      {held ? (
        <p className="mt-0.5 text-xs text-slate-500">
          until <Time iso={t.leaseExpiresAt} /> · <LeaseCountdown ticket={t} />
        </p>
      ) : (
        <p className="mt-0.5 text-xs text-slate-500">worked on it (claim ended)</p>
      )}
    </div>
  );
}

function Assignee({ ticket: t, people, canAssign, onChanged }: { ticket: Ticket; people: People; canAssign: boolean; onChanged(t: Ticket): void }) {
  const current = t.assignee ? `${t.assignee.kind}:${t.assignee.id}` : '';
  const [value, setValue] = useState(current);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setValue(current), [current]);
  const name = people.assigneeName(t.assignee);
  // Only active agents can be given a ticket; one assigned before it was deactivated is still shown as the assignee.
  const retiredAssignee = t.assignee?.kind === 'agent' ? people.agents.find((a) => a.id === t.assignee!.id && a.status !== 'active') : undefined;
  if (!canAssign) return name ? <span data-testid="assignee">{name}</span> : <None />;

  async function save() {
    setPending(true);
    setError(null);
    try {
      const [kind, who] = value.split(':');
      onChanged(await api<Ticket>('PUT', `/tickets/${t.id}/assignee`, who ? (kind === 'agent' ? { agentId: who } : { userId: who }) : {}));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex items-end gap-2">
        <SelectField id="assignee" label="Assignee" hideLabel value={value} onChange={(e) => setValue(e.target.value)} className="min-w-0 flex-1">
          <option value="">Nobody</option>
          {(people.activeAgents.length > 0 || retiredAssignee) && (
            <optgroup label="Agents">
              {people.activeAgents.map((a) => (
                <option key={a.id} value={`agent:${a.id}`}>
                  {a.name}
                </option>
              ))}
              {retiredAssignee && (
                <option value={`agent:${retiredAssignee.id}`} disabled>
                  {agentOptionLabel(retiredAssignee)}
                </option>
              )}
            </optgroup>
          )}
          <optgroup label="Members">
            {people.members.map((m) => (
              <option key={m.userId} value={`user:${m.userId}`}>
                {m.name}
              </option>
            ))}
          </optgroup>
        </SelectField>
        <Button size="sm" variant="secondary" onClick={() => void save()} loading={pending} disabled={value === current}>
          {value ? 'Assign' : 'Unassign'}
        </Button>
      </div>
      <ErrorAlert error={error} />
    </div>
  );
}

function CloseDialog({ open, ticket, onClose, onConfirm }: { open: boolean; ticket: Ticket; onClose(): void; onConfirm(reason: string): Promise<void> }) {
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (open) setReason('');
  }, [open]);
  return (
    <ConfirmDialog open={open} title={`Close #${ticket.number}?`} confirmLabel="Close ticket" tone="primary" onClose={onClose} onConfirm={() => onConfirm(reason.trim())}>
      <p>A closed ticket is finished for good (won&apos;t do, duplicate, or done and verified).</p>
      <TextArea id="closed-reason" label="Reason (optional)" rows={2} className="mt-3" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
    </ConfirmDialog>
  );
}

// ---------------------------------------------------------------------------------------------------- history

interface StatusStep {
  id: string;
  from: TicketStatus | null;
  to: TicketStatus;
  who: string;
  at: string;
  note?: string;
}

/** Status changes, oldest first, read from the activity log (created, claimed, moved, released, lease expiry). */
function StatusHistory({ activity, ticket }: { activity: Activity[]; ticket: Ticket }) {
  const steps = useMemo(() => {
    const out: StatusStep[] = [];
    for (const a of [...activity].reverse()) {
      const m = a.metadata as Record<string, unknown>;
      const step = (from: TicketStatus | null, to: TicketStatus, note?: string) => out.push({ id: a.id, from, to, who: a.actor.name, at: a.createdAt, note });
      if (a.action === 'ticket.created') step(null, 'todo');
      else if (a.action === 'ticket.claimed') step('todo', 'in_progress', 'claimed');
      else if (a.action === 'ticket.moved' && isStatus(m.to)) step(isStatus(m.from) ? m.from : null, m.to, typeof m.closedReason === 'string' && m.closedReason ? m.closedReason : undefined);
      else if (a.action === 'ticket.released') step('in_progress', 'todo', 'released');
      else if (a.action === 'ticket.force_released') step('in_progress', 'todo', 'force-released');
      else if (a.action === 'ticket.lease_expired') step('in_progress', 'todo', 'lease expired');
    }
    return out;
  }, [activity]);
  if (steps.length === 0) return null;
  return (
    <div>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Status</h3>
      <ol className="relative space-y-3 border-l border-slate-200 pl-4" data-testid="status-history">
        {steps.map((s) => (
          <li key={s.id} className="text-sm">
            <span className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full bg-white ring-2 ring-indigo-400" aria-hidden="true" />
            <span className="font-medium text-slate-900">{s.from ? `${STATUS_LABEL[s.from]} → ${STATUS_LABEL[s.to]}` : `Created in ${STATUS_LABEL[s.to]}`}</span>
            {s.note && <span className="text-slate-500"> ({s.note})</span>}
            <span className="block text-xs text-slate-500">
              {s.who} · <Time iso={s.at} />
            </span>
          </li>
        ))}
        {steps[steps.length - 1].to !== ticket.status && (
          <li className="text-xs text-slate-500">Now {STATUS_LABEL[ticket.status]}</li>
        )}
      </ol>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- comments

function mentionSet(c: Comment, people: People): Set<string> {
  const s = new Set<string>();
  for (const m of c.mentions) {
    if (m.kind === 'all') s.add('all');
    else if (m.kind === 'agent') s.add((people.agentName(m.id) ?? m.name).toLowerCase());
    else {
      const member = people.members.find((x) => x.userId === m.id);
      s.add((member ? memberHandle(member) : m.name).toLowerCase());
    }
  }
  return s;
}

const AUTHOR_ICON: Record<Comment['author']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

function Comments({
  ticket,
  comments,
  hasMore,
  people,
  canWrite,
  onMore,
  onPosted,
}: {
  ticket: Ticket;
  comments: Comment[] | null;
  hasMore: boolean;
  people: People;
  canWrite: boolean;
  onMore(): Promise<void>;
  onPosted(c: Comment): void;
}) {
  const [body, setBody] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const candidates = useMemo<MentionCandidate[]>(
    () => [
      ...people.agents.map((a) => ({ handle: a.name, label: a.name, kind: 'agent' as const, hint: a.status === 'active' ? 'agent' : `agent (${a.status})` })),
      ...people.members.map((m) => ({ handle: memberHandle(m), label: m.name, kind: 'user' as const, hint: `${m.name} · ${m.email}` })),
      { handle: 'all', label: 'all', kind: 'all' as const, hint: 'everyone in this workspace' },
    ],
    [people.agents, people.members],
  );

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!body.trim()) return;
    setPending(true);
    setError(null);
    try {
      const c = await api<Comment>('POST', `/tickets/${ticket.id}/comments`, { body });
      setBody('');
      onPosted(c);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title={`Comments${comments?.length ? ` (${comments.length}${hasMore ? '+' : ''})` : ''}`}>
      {comments === null ? (
        <Loading />
      ) : comments.length === 0 ? (
        <p className="text-sm text-slate-500">No comments yet.</p>
      ) : (
        <ol className="space-y-4" data-testid="comments">
          {comments.map((c) => (
            <li key={c.id} className="flex gap-3" data-testid="comment">
              <span aria-hidden="true" className="mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm">
                {AUTHOR_ICON[c.author.kind] ?? '•'}
              </span>
              <div className="min-w-0 flex-1">
                <p className="text-xs text-slate-500">
                  <span className="font-medium text-slate-900">{c.author.name}</span> · <Time iso={c.createdAt} relative />
                </p>
                <Markdown text={c.body} mentions={mentionSet(c, people)} className="mt-1" />
              </div>
            </li>
          ))}
        </ol>
      )}
      {hasMore && (
        <Button variant="ghost" size="sm" className="mt-3" onClick={() => void onMore()}>
          Load more comments
        </Button>
      )}
      {canWrite && (
        <form onSubmit={submit} className="mt-5 space-y-2 border-t border-slate-100 pt-4">
          <label htmlFor="comment-body" className="block text-sm font-medium text-slate-700">
            Add a comment
          </label>
          <MentionTextarea
            id="comment-body"
            rows={4}
            value={body}
            onValueChange={setBody}
            candidates={candidates}
            placeholder="Markdown; type @ to mention an agent or a member, @all for everyone"
            maxLength={20000}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
          <ErrorAlert error={error} />
          <div className="flex items-center justify-between gap-2">
            <p className="text-xs text-slate-500">Ctrl+Enter to send</p>
            <Button type="submit" loading={pending} disabled={!body.trim()}>
              Comment
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------- edit

function EditTicket({ ticket: t, epics, onCancel, onSaved, onStale }: { ticket: Ticket; epics: Epic[]; onCancel(): void; onSaved(t: Ticket): void; onStale(): void }) {
  const [title, setTitle] = useState(t.title);
  const [description, setDescription] = useState(t.description);
  const [priority, setPriority] = useState<TicketPriority>(t.priority);
  const [labels, setLabels] = useState(t.labels.join(', '));
  const [caps, setCaps] = useState(t.requiredCapabilities.join(', '));
  const [wiki, setWiki] = useState(t.wikiRefs.join('\n'));
  const [epicId, setEpicId] = useState(t.epicId ?? '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      onSaved(
        await api<Ticket>('PATCH', `/tickets/${t.id}`, {
          title,
          description,
          priority,
          labels: splitList(labels),
          requiredCapabilities: splitList(caps),
          wikiRefs: splitList(wiki),
          epicId: epicId || null,
          version: t.version,
        }),
      );
    } catch (err) {
      const ae = toApiError(err);
      setError(ae);
      if (ae.details?.reason === 'stale_version') onStale();
    } finally {
      setPending(false);
    }
  }

  const fe = (f: string) => error?.fieldError(f);
  return (
    <Card title="Edit ticket">
      <form onSubmit={save} className="space-y-4">
        <TextField id="edit-title" label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} error={fe('title')} />
        <TextArea id="edit-description" label="Description (markdown)" rows={10} value={description} onChange={(e) => setDescription(e.target.value)} error={fe('description')} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField id="edit-priority" label="Priority" value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p]}
              </option>
            ))}
          </SelectField>
          <SelectField id="edit-epic" label="Epic" value={epicId} onChange={(e) => setEpicId(e.target.value)} error={fe('epicId')}>
            <option value="">None</option>
            {epics.map((ep) => (
              <option key={ep.id} value={ep.id}>
                {ep.title}
              </option>
            ))}
          </SelectField>
          <TextField id="edit-labels" label="Labels" hint="Comma-separated" value={labels} onChange={(e) => setLabels(e.target.value)} />
          <TextField id="edit-capabilities" label="Required capabilities" hint="Comma-separated" value={caps} onChange={(e) => setCaps(e.target.value)} spellCheck={false} />
        </div>
        <TextArea id="edit-wiki" label="Wiki pages" hint="One path per line, e.g. runbooks/deploy.md" rows={2} value={wiki} onChange={(e) => setWiki(e.target.value)} spellCheck={false} />
        <ErrorAlert error={error} fields={['title', 'description', 'epicId']} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}
