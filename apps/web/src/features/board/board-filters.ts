'use client';
// The board's filters (assignee, label, epic, text), kept in the URL so a board view can be shared; the text
// search waits for a pause in typing.
import { useEffect, useState } from 'react';

export interface BoardFilters {
  assignee: string;
  label: string;
  epic: string;
  q: string;
}
export const NO_FILTERS: BoardFilters = { assignee: '', label: '', epic: '', q: '' };

function filtersFromUrl(): BoardFilters {
  if (typeof window === 'undefined') return NO_FILTERS;
  const sp = new URLSearchParams(window.location.search);
  return { assignee: sp.get('assignee') ?? '', label: sp.get('label') ?? '', epic: sp.get('epic') ?? '', q: sp.get('q') ?? '' };
}

export function isFiltered(f: BoardFilters): boolean {
  return Object.values(f).some(Boolean);
}

export function useBoardFilters() {
  const [filters, setFilters] = useState<BoardFilters>(filtersFromUrl);
  const [qDraft, setQDraft] = useState(filters.q);

  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === qDraft ? f : { ...f, q: qDraft })), 300);
    return () => clearTimeout(t);
  }, [qDraft]);
  useEffect(() => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) sp.set(k, v);
    const s = sp.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${s ? `?${s}` : ''}`);
  }, [filters]);

  return {
    filters,
    qDraft,
    setQDraft,
    set: (k: keyof BoardFilters, v: string) => setFilters((f) => ({ ...f, [k]: v })),
    applyQ: () => setFilters((f) => ({ ...f, q: qDraft })),
    clear: () => {
      setQDraft('');
      setFilters(NO_FILTERS);
    },
  };
}
