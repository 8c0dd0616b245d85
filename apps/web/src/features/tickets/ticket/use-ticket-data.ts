'use client';
// Everything the ticket page shows, loaded and kept current: the ticket, its comments, PR links, activity and the
// workspace's epics; live events refetch what they touch.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import type { Activity } from '@/src/ui/types';
import { useLiveEvents, type LiveEvent } from '../live-events';
import type { People } from '../people';
import { useEpics } from '../epics';
import type { Comment, PullRequestLink, Ticket } from '../types';

const COMMENTS_PAGE = 200;

export function useTicketData(workspaceId: string, id: string, people: People & { reload(): void }) {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [comments, setComments] = useState<Comment[] | undefined>(undefined);
  const [commentsCursor, setCommentsCursor] = useState<string | null>(null);
  const [links, setLinks] = useState<PullRequestLink[]>([]);
  const [activity, setActivity] = useState<Activity[] | undefined>(undefined);
  const [activityError, setActivityError] = useState<ApiError | null>(null);
  const { epics } = useEpics(workspaceId);

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
      setActivity((await apiList<Activity>(`/activity${qs({ workspaceId, targetId: id, limit: 200 })}`)).items);
      setActivityError(null);
    } catch (err) {
      setActivityError(toApiError(err));
      setActivity((a) => a ?? []);
    }
  }, [workspaceId, id]);

  const loadAll = useCallback(() => {
    void loadTicket();
    void loadComments();
    void loadLinks();
    void loadActivity();
  }, [loadTicket, loadComments, loadLinks, loadActivity]);
  useEffect(loadAll, [loadAll]);

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
  const live = useLiveEvents(workspaceId, onEvent, loadAll);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  async function moreComments() {
    if (!commentsCursor) return;
    const { items, meta } = await apiList<Comment>(`/tickets/${encodeURIComponent(id)}/comments${qs({ limit: COMMENTS_PAGE, cursor: commentsCursor })}`);
    setComments((c) => [...(c ?? []), ...items.filter((x) => !c?.some((y) => y.id === x.id))]);
    setCommentsCursor(meta.nextCursor ?? null);
  }

  const changed = (t: Ticket) => {
    setTicket(t);
    void loadActivity();
  };

  return {
    ticket,
    loadError,
    reloadTicket: loadTicket,
    comments,
    hasMoreComments: !!commentsCursor,
    moreComments,
    links,
    activity,
    activityError,
    epics,
    live,
    /** Move the ticket; the refusal is thrown (the ticket is reloaded so the page shows where it really is). */
    async move(to: Ticket['status'], closedReason?: string) {
      if (!ticket) return;
      try {
        changed(await api<Ticket>('PATCH', `/tickets/${ticket.id}`, { status: to, version: ticket.version, ...(closedReason ? { closedReason } : {}) }));
      } catch (err) {
        void loadTicket();
        throw err;
      }
    },
    async edit(body: Record<string, unknown>) {
      try {
        changed(await api<Ticket>('PATCH', `/tickets/${id}`, body));
        void loadLinks();
      } catch (err) {
        if (toApiError(err).details?.reason === 'stale_version') void loadTicket();
        throw err;
      }
    },
    async assign(body: Record<string, string>) {
      changed(await api<Ticket>('PUT', `/tickets/${id}/assignee`, body));
    },
    async forceRelease() {
      changed(await api<Ticket>('POST', `/tickets/${id}/release`, { reason: 'force-released from the dashboard' }));
    },
    async comment(body: string) {
      const c = await api<Comment>('POST', `/tickets/${id}/comments`, { body });
      setComments((list) => (list?.some((x) => x.id === c.id) ? list : [...(list ?? []), c]));
      void loadLinks();
      void loadActivity();
    },
  };
}
