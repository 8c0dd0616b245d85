'use client';
// A list read from a cursor-paged endpoint: the first page whenever `path` changes, then "Load more" appends the
// next page (`meta.nextCursor`). Every list page of the dashboard (activity, tickets, workspaces, executions…)
// uses this instead of repeating the same state machine.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiList, toApiError, type ApiError, type ListMeta } from './api';

export interface CursorList<T> {
  /** null while the first page loads. */
  items: T[] | null;
  /** meta.total of the first page, when the endpoint counts. */
  total: number | undefined;
  hasMore: boolean;
  error: ApiError | null;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  /** Refetch the first page in place (rows stay visible until the answer arrives). */
  reload: () => void;
  /** Patch the loaded rows locally, e.g. after an action on one row. */
  setItems: (update: (items: T[]) => T[]) => void;
}

/** `path` is the list URL without a cursor (build it with `qs`); pass null to wait (e.g. until filters are known). */
export function useCursorList<T>(path: string | null): CursorList<T> {
  const [items, setItemsState] = useState<T[] | null>(null);
  const [meta, setMeta] = useState<ListMeta | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  // The path a page belongs to: an answer for an older path (filters changed meanwhile) is dropped.
  const current = useRef(path);
  current.current = path;

  // A new path starts from "loading", a reload keeps the rows on screen.
  useEffect(() => {
    setItemsState(null);
    setMeta(null);
  }, [path]);

  useEffect(() => {
    if (path === null) return;
    let live = true;
    setError(null);
    apiList<T>(path)
      .then((page) => {
        if (!live) return;
        setItemsState(page.items);
        setMeta(page.meta);
      })
      .catch((err) => {
        if (!live) return;
        setError(toApiError(err));
        setItemsState((cur) => cur ?? []);
      });
    return () => {
      live = false;
    };
  }, [path, generation]);

  const cursor = meta?.nextCursor ?? null;
  const loadMore = useCallback(async () => {
    if (!cursor || path === null) return;
    const forPath = path;
    setLoadingMore(true);
    try {
      const sep = forPath.includes('?') ? '&' : '?';
      const page = await apiList<T>(`${forPath}${sep}cursor=${encodeURIComponent(cursor)}`);
      if (current.current !== forPath) return;
      setItemsState((cur) => [...(cur ?? []), ...page.items]);
      setMeta((m) => ({ ...(m ?? page.meta), nextCursor: page.meta.nextCursor ?? null }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, path]);

  return {
    items,
    total: meta?.total,
    hasMore: !!cursor,
    error,
    loadingMore,
    loadMore,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
    setItems: useCallback((update: (items: T[]) => T[]) => setItemsState((cur) => (cur ? update(cur) : cur)), []),
  };
}
