'use client';
// A list read page by page (cursor or offset paging), on top of useInfiniteQuery: the first page when the key
// changes, "Load more" appends the next one (`meta.nextCursor`, or the next offset while `total` says there are
// more). Live events and mutations refresh it by its key like any query (every loaded page is re-read).
import { useInfiniteQuery, useQueryClient, type InfiniteData, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { ApiError, ListMeta, Page } from './client';

/** Where the next page starts: a cursor from `meta.nextCursor`, or an offset. */
export type PageParam = { cursor?: string; offset?: number };

export interface PagedList<T, M extends ListMeta = ListMeta> {
  /** null while the first page loads (then [] when it failed). */
  items: T[] | null;
  /** meta of the first page (`total`, and what the endpoint adds, e.g. `unreadCount`). */
  meta: M | undefined;
  /** meta.total of the first page, when the endpoint counts. */
  total: number | undefined;
  hasMore: boolean;
  error: ApiError | null;
  /** A refresh of the loaded rows is running (they stay on screen). */
  refreshing: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  /** Re-read the loaded pages in place. */
  reload: () => Promise<void>;
  /** Patch the loaded rows in the cache (an optimistic change to one row; the next refetch has the last word). */
  setItems: (update: (items: T[]) => T[]) => void;
}

export function nextPageParam(page: Page<unknown, ListMeta>): PageParam | undefined {
  const { meta, items } = page;
  if (meta.nextCursor) return { cursor: meta.nextCursor };
  if (typeof meta.offset === 'number' && typeof meta.total === 'number' && meta.offset + items.length < meta.total && items.length > 0) {
    return { offset: meta.offset + items.length };
  }
  return undefined;
}

/**
 * `fetchPage` reads one page (pass `page.cursor`/`page.offset` to the endpoint's query); `enabled: false` waits
 * (e.g. until filters are known). Example:
 *
 *   const list = usePagedList(wsKey(ws.id, 'activity', 'list', filters), (page, signal) =>
 *     api.list('/activity', { params: { query: { workspaceId: ws.id, ...filters, ...page } }, signal }));
 */
export function usePagedList<T, M extends ListMeta = ListMeta>(
  queryKey: QueryKey,
  fetchPage: (page: PageParam, signal: AbortSignal) => Promise<Page<T, M>>,
  options: { enabled?: boolean; refetchInterval?: number | false } = {},
): PagedList<T, M> {
  const queryClient = useQueryClient();
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: {} as PageParam,
    getNextPageParam: (last) => nextPageParam(last),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval,
  });
  const setItems = useCallback(
    (update: (items: T[]) => T[]) => {
      queryClient.setQueryData<InfiniteData<Page<T, M>, PageParam>>(queryKey, (data) => {
        if (!data) return data;
        // The update sees all loaded rows; the result is cut back into the pages' sizes (the last page takes the rest).
        const all = update(data.pages.flatMap((p) => p.items));
        let at = 0;
        const pages = data.pages.map((p, i) => {
          const take = i === data.pages.length - 1 ? all.length - at : p.items.length;
          const items = all.slice(at, at + take);
          at += take;
          return { ...p, items };
        });
        return { ...data, pages };
      });
    },
    [queryClient, queryKey],
  );
  const pages = q.data?.pages;
  return {
    items: pages ? pages.flatMap((p) => p.items) : q.isError ? [] : null,
    meta: pages?.[0]?.meta,
    total: pages?.[0]?.meta.total,
    hasMore: q.hasNextPage,
    error: q.error ?? null,
    refreshing: q.isRefetching && !q.isFetchingNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: async () => {
      await q.fetchNextPage();
    },
    reload: async () => {
      await q.refetch();
    },
    setItems,
  };
}
