'use client';
// Writes: useMutation with the dashboard's two habits built in — an optimistic change of a cached answer (rolled
// back if the API refuses), and invalidation of what the write affects once it settles (the live stream would
// refresh it too, but the writer's own screen should not wait for it).
import { useMutation, useQueryClient, type QueryKey, type UseMutationResult } from '@tanstack/react-query';
import type { ApiError } from './client';

export interface Optimistic<TVars> {
  /** The cached answer to change at once. */
  queryKey: QueryKey;
  /** The new cached value; `old` is undefined when nothing is cached (return it unchanged then). */
  update: (old: any, vars: TVars) => unknown;
}

export interface ApiMutationOptions<TData, TVars> {
  mutationFn: (vars: TVars) => Promise<TData>;
  /** Keys (prefixes) to refresh when the write settles, success or not. */
  invalidate?: QueryKey[] | ((data: TData | undefined, vars: TVars) => QueryKey[]);
  optimistic?: Optimistic<TVars> | Optimistic<TVars>[];
  /** How long the finished mutation (its answer) stays cached; 0 for answers holding a secret shown once. */
  gcTime?: number;
  /** Do not re-read the optimistic keys after a success (the optimistic value is what the server now holds). */
  keepOptimistic?: boolean;
  onSuccess?: (data: TData, vars: TVars) => void | Promise<void>;
  onError?: (error: ApiError, vars: TVars) => void;
}

type Snapshot = { key: QueryKey; value: unknown }[];

export function useApiMutation<TData = unknown, TVars = void>(options: ApiMutationOptions<TData, TVars>): UseMutationResult<TData, ApiError, TVars, Snapshot> {
  const queryClient = useQueryClient();
  const optimistic = options.optimistic ? ([] as Optimistic<TVars>[]).concat(options.optimistic) : [];
  return useMutation<TData, ApiError, TVars, Snapshot>({
    mutationFn: options.mutationFn,
    gcTime: options.gcTime,
    onMutate: async (vars) => {
      const snapshot: Snapshot = [];
      for (const o of optimistic) {
        // A refetch in flight would overwrite the optimistic value with the old answer.
        await queryClient.cancelQueries({ queryKey: o.queryKey });
        const value = queryClient.getQueryData(o.queryKey);
        snapshot.push({ key: o.queryKey, value });
        queryClient.setQueryData(o.queryKey, (old: unknown) => (old === undefined ? old : o.update(old, vars)));
      }
      return snapshot;
    },
    onError: (error, vars, snapshot) => {
      for (const s of snapshot ?? []) queryClient.setQueryData(s.key, s.value);
      options.onError?.(error, vars);
    },
    onSuccess: options.onSuccess,
    onSettled: async (data, error, vars) => {
      const keys = typeof options.invalidate === 'function' ? options.invalidate(data, vars) : (options.invalidate ?? []);
      const reread = error || !options.keepOptimistic ? optimistic.map((o) => o.queryKey) : [];
      const all = [...keys, ...reread];
      await Promise.all(all.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}
