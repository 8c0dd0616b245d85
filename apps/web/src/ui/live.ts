'use client';
// Keeping a page current without a reload: a poll that runs only while the tab is visible, the workspace's
// server-sent event stream (GET /api/v1/events) to refresh sooner than the next poll, and a ticking clock for
// relative times ("2 min ago") that must age on screen.
import { useEffect, useRef, useState } from 'react';
import { API_BASE } from './api';

/** The current time, refreshed every `everyMs` (for relative times that should age while the page is open). */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function visible() {
  return typeof document === 'undefined' || document.visibilityState === 'visible';
}

/**
 * Call `fn` every `intervalMs` while the page is visible; at once when the page becomes visible again. The
 * first call is the caller's business (usually its initial load). A call still running is never overlapped.
 */
export function useVisibleInterval(fn: () => Promise<unknown> | unknown, intervalMs: number, enabled = true) {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    if (!enabled) return;
    let running = false;
    const tick = async () => {
      if (running || !visible()) return;
      running = true;
      try {
        await fnRef.current();
      } catch {
        // the page shows its own errors; a failed poll is retried on the next tick
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    const onVisibility = () => {
      if (visible()) void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, enabled]);
}

/** Event types of the live stream (kept in step with EVENT_CATALOG in @mc/contracts; a value import would pull zod in). */
export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.claimed',
  'ticket.moved',
  'ticket.updated',
  'ticket.assigned',
  'ticket.released',
  'comment.created',
  'agent.registered',
  'agent.approved',
  'agent.rejected',
  'agent.key_rotated',
  'agent.deactivated',
  'agent.activated',
  'agent.deleted',
  'agent.updated',
  'execution.started',
  'execution.finished',
  'rating.recorded',
  'budget.threshold_reached',
  'member.invited',
  'member.joined',
  'member.invitation_declined',
  'member.invitation_revoked',
] as const;

export interface LiveEvent {
  type: string;
  workspaceId: string;
  ticketId?: string;
  agentId?: string;
  commentId?: string;
  status?: string;
  at: string;
}

/**
 * Subscribe to the workspace's live events (server-sent events with the session cookie) whose type matches one of
 * `prefixes` (`'agent.'`, `'ticket.'`, …). Events arriving in a burst are coalesced: `onEvent` gets the last one
 * after `debounceMs`. Without EventSource (or when the stream fails) the page still has its poll.
 */
export function useWorkspaceEvents(workspaceId: string | null | undefined, prefixes: readonly string[], onEvent: (e: LiveEvent) => void, debounceMs = 250) {
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const key = prefixes.join(',');
  useEffect(() => {
    if (!workspaceId || typeof EventSource === 'undefined') return;
    // `resync`: the server lost its database feed for a while and has it back (events may be missing): reload too.
    const wanted = [...LIVE_EVENT_TYPES.filter((t) => key.split(',').some((p) => t.startsWith(p))), 'resync'];
    const source = new EventSource(`${API_BASE}/events?workspaceId=${encodeURIComponent(workspaceId)}`);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const handler = (msg: MessageEvent) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(msg.data as string) as LiveEvent;
      } catch {
        return;
      }
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        onEventRef.current(event);
      }, debounceMs);
    };
    for (const t of wanted) source.addEventListener(t, handler as EventListener);
    return () => {
      if (timer) clearTimeout(timer);
      for (const t of wanted) source.removeEventListener(t, handler as EventListener);
      source.close();
    };
  }, [workspaceId, key, debounceMs]);
}
