'use client';
// Whether the screen is wider than a phone (Tailwind's `sm`, 640 px): lists with many columns become cards below
// it. Before the browser answers (server rendering) the wide layout is assumed.
import { useSyncExternalStore } from 'react';

const QUERY = '(min-width: 640px)';

function subscribe(onChange: () => void) {
  const m = window.matchMedia(QUERY);
  m.addEventListener('change', onChange);
  return () => m.removeEventListener('change', onChange);
}

export function useWide(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => true,
  );
}
