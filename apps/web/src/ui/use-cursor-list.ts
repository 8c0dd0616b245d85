'use client';
// @deprecated Transitional adapter for pages not yet converted: a list read from a paged endpoint by its URL
// (built with `qs`), on top of `usePagedList` (src/data/paging.ts, useInfiniteQuery). Converted pages call
// `usePagedList` with a query key and the typed client; this file goes when its last caller does.
import { apiList, type ApiError } from './api';
import { usePagedList } from '../data/paging';

export interface CursorList<T> {
  /** null while the first page loads. */
  items: T[] | null;
  /** meta.total of the first page, when the endpoint counts. */
  total: number | undefined;
  hasMore: boolean;
  error: ApiError | null;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  /** Refetch the loaded pages in place (rows stay visible until the answer arrives). */
  reload: () => void;
  /** Patch the loaded rows locally, e.g. after an action on one row. */
  setItems: (update: (items: T[]) => T[]) => void;
}

/** `path` is the list URL without a cursor (build it with `qs`); pass null to wait (e.g. until filters are known). */
export function useCursorList<T>(path: string | null): CursorList<T> {
  const list = usePagedList<T>(
    ['legacy-list', path],
    (page, signal) => {
      const sep = path!.includes('?') ? '&' : '?';
      const at = page.cursor ? `${sep}cursor=${encodeURIComponent(page.cursor)}` : page.offset ? `${sep}offset=${page.offset}` : '';
      return apiList<T>(`${path}${at}`, { signal });
    },
    { enabled: path !== null },
  );
  return {
    items: list.items,
    total: list.total,
    hasMore: list.hasMore,
    error: list.error,
    loadingMore: list.loadingMore,
    loadMore: list.loadMore,
    reload: () => void list.reload(),
    setItems: list.setItems,
  };
}
