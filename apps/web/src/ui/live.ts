'use client';
// Keeping a page current without a reload: a ticking clock for relative times ("2 min ago") that must age on
// screen, and — for pages not yet on TanStack Query (src/data) — a poll that runs only while the tab is visible
// and an adapter over the one live-event hook (src/data/live.ts). Pages on queries use `refetchInterval` and need
// no event hook at all.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveEvents, type LiveEvent } from '../data/live';

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
 * @deprecated Pages on TanStack Query poll with `refetchInterval` (paused while the tab is hidden).
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

export type { LiveEvent } from '../data/live';

/**
 * @deprecated Transitional adapter over `useLiveEvents` (src/data/live.ts) for pages not yet on TanStack Query:
 * `onEvent` gets the last of a burst of events whose type starts with one of `prefixes`, and `resync`. A page that
 * reads through queries needs neither: the live stream invalidates its queries.
 */
export function useWorkspaceEvents(workspaceId: string | null | undefined, prefixes: readonly string[], onEvent: (e: LiveEvent) => void, debounceMs = 250) {
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const key = prefixes.join(',');
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  useLiveEvents(
    workspaceId,
    useCallback(
      (event: LiveEvent) => {
        if (event.type !== 'resync' && !key.split(',').some((p) => event.type.startsWith(p))) return;
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          timer.current = null;
          onEventRef.current(event);
        }, debounceMs);
      },
      [key, debounceMs],
    ),
  );
}
