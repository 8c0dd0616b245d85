'use client';
// The workspace's live ticket events (server-sent events).
import { useEffect, useRef, useState } from 'react';
import { qs } from '@/src/ui/api';
import type { LiveState } from './live-indicator';

export const LIVE_EVENT_TYPES = ['ticket.created', 'ticket.claimed', 'ticket.moved', 'ticket.updated', 'ticket.released', 'ticket.assigned', 'comment.created'] as const;

export interface LiveEvent {
  type: string;
  workspaceId: string;
  ticketId?: string;
  agentId?: string;
  commentId?: string;
  status?: string;
  at?: string;
}



/**
 * Subscribe to `GET /api/v1/events?workspaceId=…` (server-sent events). `onEvent` gets each ticket/comment
 * event; `onResync` is called when the stream comes back after a break, or when the server says `resync` (events
 * may have been missed either way).
 * EventSource reconnects by itself (the server sends `retry: 3000`).
 */
export function useLiveEvents(workspaceId: string, onEvent: (e: LiveEvent) => void, onResync?: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let broken = false;
    let stopped = false;
    const listener = (ev: MessageEvent) => {
      try {
        handlers.current.onEvent(JSON.parse(ev.data) as LiveEvent);
      } catch {
        // a malformed line is ignored; the next event or a resync fixes the view
      }
    };
    const connect = () => {
      es = new EventSource(`/api/v1/events${qs({ workspaceId })}`);
      for (const t of LIVE_EVENT_TYPES) es.addEventListener(t, listener as EventListener);
      // The server's own feed broke (a database outage) and is back, the stream stayed open: events may be missing.
      es.addEventListener('resync', () => handlers.current.onResync?.());
      es.onopen = () => {
        setState('live');
        if (broken) handlers.current.onResync?.();
        broken = false;
      };
      es.onerror = () => {
        broken = true;
        setState('reconnecting');
        // A network break reconnects by itself; an HTTP error answer closes the stream for good: retry it.
        if (es?.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          retry = setTimeout(connect, 5000);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      es?.close();
    };
  }, [workspaceId]);

  return state;
}
