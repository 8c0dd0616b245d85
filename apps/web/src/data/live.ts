'use client';
// The workspace's live events (GET /api/v1/events, server-sent) keep every page of it current: each event
// invalidates the queries it affects (EVENT_REFRESHES below), so a page that reads through TanStack Query is live
// without doing anything. One connection per workspace however many components listen, one reconnect policy, one
// `LiveEvent` type. A page that wants to react to an event itself (a highlight, a toast) passes `onEvent`.
import { EVENT_TYPE_NAMES, LIVE_SIGNAL_TYPES, type EventTypeName } from '@mc/contracts/constants';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { api } from './client';
import { globalKey, wsKey, type WorkspaceResource } from './keys';

export type LiveSignalType = (typeof LIVE_SIGNAL_TYPES)[number];
export type LiveEventType = EventTypeName | LiveSignalType;

/** One event of the stream (the server's LiveEvent, without its internal routing fields). */
export interface LiveEvent {
  type: LiveEventType;
  workspaceId: string;
  ticketId?: string;
  agentId?: string;
  commentId?: string;
  status?: string;
  /** The outbox event this announces (as webhooks deliver it), when there is one. */
  eventId?: string;
  at: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * What a query can be refreshed as: a resource of the workspace, the workspace itself, the user's notifications,
 * or the crons (instance-level: a cron targeting this workspace is cached once, whichever page read it).
 */
type Refresh = WorkspaceResource | 'workspace' | 'notifications' | 'crons';

/**
 * Which queries each event makes stale. Typed over every event type and signal, so a new event type does not
 * compile until it says what it refreshes. `resync` (events may have been missed) refreshes everything.
 */
export const EVENT_REFRESHES: Record<LiveEventType, readonly Refresh[] | 'everything'> = {
  'ticket.created': ['tickets', 'epics', 'activity', 'metrics'],
  'ticket.claimed': ['tickets', 'epics', 'activity', 'agents', 'metrics'],
  'ticket.moved': ['tickets', 'epics', 'activity', 'agents', 'metrics'],
  'ticket.updated': ['tickets', 'epics', 'activity'],
  'ticket.assigned': ['tickets', 'activity', 'agents'],
  'ticket.released': ['tickets', 'activity', 'agents', 'metrics'],
  'ticket.dispatched': ['tickets', 'executions', 'activity'],
  'task.dispatched': ['executions', 'activity'],
  'comment.created': ['tickets', 'activity'],
  'agent.registered': ['agents', 'activity'],
  'agent.approved': ['agents', 'activity', 'gateways'],
  'agent.rejected': ['agents', 'activity'],
  'agent.key_rotated': ['agents', 'activity'],
  'agent.deactivated': ['agents', 'tickets', 'activity'],
  'agent.activated': ['agents', 'activity'],
  'agent.deleted': ['agents', 'tickets', 'activity'],
  'rating.recorded': ['ratings', 'tickets', 'executions', 'agents', 'metrics'],
  'execution.started': ['executions', 'agents', 'activity'],
  // A cron run's tokens and cost are its executions' (the run's own cron_run.* event may come later).
  'execution.finished': ['executions', 'agents', 'metrics', 'costs', 'budget', 'activity', 'workspace', 'crons'],
  'budget.threshold_reached': ['budget', 'costs', 'workspace'],
  'member.invited': ['members', 'invitations', 'activity'],
  'member.joined': ['members', 'invitations', 'activity'],
  'member.invitation_declined': ['members', 'invitations', 'activity'],
  'member.invitation_revoked': ['members', 'invitations', 'activity'],
  'webhook.disabled': ['webhooks', 'deliveries'],
  'cron.created': ['crons', 'activity'],
  'cron.updated': ['crons', 'activity'],
  'cron.deleted': ['crons', 'activity'],
  // Gateways (issue 15): a person's change; live state reports of the connection owner are not events (the page polls).
  'gateway.created': ['gateways', 'activity'],
  'gateway.updated': ['gateways', 'activity'],
  'gateway.deleted': ['gateways', 'agents', 'activity'],
  // Cron runs (the scheduler): a run starts (its ticket appears), ends or fails; the cron's page and lists follow.
  'cron_run.started': ['crons', 'tickets', 'activity'],
  'cron_run.finished': ['crons', 'tickets', 'activity', 'notifications'],
  'cron_run.failed': ['crons', 'tickets', 'activity', 'notifications'],
  'cron_run.missed': ['crons', 'activity', 'notifications'],
  'notifications.read': ['notifications'],
  // A gateway run was sent or started running (ADR 0023): the ticket page's dispatched run shows its progress.
  'execution.progress': ['executions'],
  resync: 'everything',
};

export const LIVE_EVENT_NAMES: readonly LiveEventType[] = [...EVENT_TYPE_NAMES, ...LIVE_SIGNAL_TYPES];

/** Coalesce a burst of events into one round of refetches. */
const BURST_MS = 200;
/** After an HTTP error answer (EventSource gives up for good), try again after this long. */
const RECONNECT_MS = 5000;
/** Keep a connection this long after its last listener leaves (a page change inside the workspace reuses it). */
const LINGER_MS = 2000;

function refresh(queryClient: QueryClient, workspaceId: string, what: ReadonlySet<Refresh> | 'everything') {
  if (what === 'everything') {
    void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId) });
    void queryClient.invalidateQueries({ queryKey: globalKey('workspaces') });
    void queryClient.invalidateQueries({ queryKey: globalKey('notifications') });
    void queryClient.invalidateQueries({ queryKey: globalKey('crons') });
    return;
  }
  for (const r of what) {
    if (r === 'workspace') void queryClient.invalidateQueries({ queryKey: globalKey('workspaces') });
    else if (r === 'notifications') void queryClient.invalidateQueries({ queryKey: globalKey('notifications') });
    else if (r === 'crons') void queryClient.invalidateQueries({ queryKey: globalKey('crons') });
    else void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, r) });
  }
}

export class LiveConnection {
  state: LiveState = 'connecting';
  readonly listeners = new Set<(e: LiveEvent) => void>();
  private readonly stateListeners = new Set<() => void>();
  private source: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private linger: ReturnType<typeof setTimeout> | null = null;
  private burst: ReturnType<typeof setTimeout> | null = null;
  private pending = new Set<Refresh>();
  private pendingAll = false;
  private broken = false;
  private users = 0;

  constructor(
    private readonly workspaceId: string,
    private readonly queryClient: QueryClient,
    private readonly onClosed: () => void,
  ) {}

  acquire() {
    this.users++;
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    if (!this.source && !this.retry) this.connect();
  }

  release() {
    this.users--;
    if (this.users > 0) return;
    this.linger = setTimeout(() => this.close(), LINGER_MS);
  }

  subscribeState = (fn: () => void) => {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  };

  private setState(state: LiveState) {
    if (this.state === state) return;
    this.state = state;
    for (const fn of this.stateListeners) fn();
  }

  private connect() {
    this.retry = null;
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(api.url('/events', { workspaceId: this.workspaceId }));
    this.source = source;
    const onMessage = (msg: MessageEvent) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(msg.data as string) as LiveEvent;
      } catch {
        return; // a malformed line is ignored; the next event or a resync fixes the view
      }
      this.received(event);
    };
    for (const t of LIVE_EVENT_NAMES) source.addEventListener(t, onMessage as EventListener);
    source.onopen = () => {
      this.setState('live');
      // Back after a break: events in between are lost, so everything is re-read (and listeners hear a resync).
      if (this.broken) this.received({ type: 'resync', workspaceId: this.workspaceId, at: new Date().toISOString() });
      this.broken = false;
    };
    source.onerror = () => {
      this.broken = true;
      this.setState('reconnecting');
      // A network break reconnects by itself (the server sends `retry: 3000`); an HTTP error answer closes the
      // stream for good: open a new one later.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.source = null;
        if (this.users > 0) this.retry = setTimeout(() => this.connect(), RECONNECT_MS);
      }
    };
  }

  private received(event: LiveEvent) {
    const what = EVENT_REFRESHES[event.type];
    if (what) this.schedule(what);
    for (const fn of this.listeners) fn(event);
  }

  private schedule(what: readonly Refresh[] | 'everything') {
    if (what === 'everything') this.pendingAll = true;
    else for (const r of what) this.pending.add(r);
    if (this.burst) return;
    this.burst = setTimeout(() => {
      this.burst = null;
      const all = this.pendingAll;
      const some = this.pending;
      this.pendingAll = false;
      this.pending = new Set();
      refresh(this.queryClient, this.workspaceId, all ? 'everything' : some);
    }, BURST_MS);
  }

  private close() {
    this.source?.close();
    this.source = null;
    for (const t of [this.retry, this.burst, this.linger]) if (t) clearTimeout(t);
    this.retry = this.burst = this.linger = null;
    this.onClosed();
  }
}

const connections = new WeakMap<QueryClient, Map<string, LiveConnection>>();

/** The shared connection of one workspace (exported for tests; components use `useLiveEvents`). */
export function connectionFor(queryClient: QueryClient, workspaceId: string): LiveConnection {
  let byWorkspace = connections.get(queryClient);
  if (!byWorkspace) connections.set(queryClient, (byWorkspace = new Map()));
  let c = byWorkspace.get(workspaceId);
  if (!c) {
    const map = byWorkspace;
    c = new LiveConnection(workspaceId, queryClient, () => map.delete(workspaceId));
    map.set(workspaceId, c);
  }
  return c;
}

const serverState = (): LiveState => 'connecting';

/**
 * Keep the workspace's queries live, and hear its events: `onEvent` gets every event (after the queries it
 * affects were marked stale). Returns the connection's state for a "Live" / "Reconnecting…" indicator.
 * Pass null while the workspace is not known yet.
 */
export function useLiveEvents(workspaceId: string | null | undefined, onEvent?: (e: LiveEvent) => void): LiveState {
  const queryClient = useQueryClient();
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const connection = workspaceId ? connectionFor(queryClient, workspaceId) : null;

  useEffect(() => {
    if (!connection) return;
    const listener = (e: LiveEvent) => onEventRef.current?.(e);
    connection.listeners.add(listener);
    connection.acquire();
    return () => {
      connection.listeners.delete(listener);
      connection.release();
    };
  }, [connection]);

  const subscribe = useCallback((fn: () => void) => connection?.subscribeState(fn) ?? (() => {}), [connection]);
  return useSyncExternalStore(subscribe, () => connection?.state ?? 'connecting', serverState);
}
