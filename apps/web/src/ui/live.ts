'use client';
// A ticking clock for relative times ("2 min ago") that must age on screen. Keeping data current is the data
// layer's business (src/data: refetchInterval, and the live stream invalidating queries).
import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` (for relative times that should age while the page is open). */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

