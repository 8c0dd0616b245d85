'use client';
// The one QueryClient of the dashboard (mounted once, in the root layout) and its defaults: an answer is stale at
// once (a page mounted again shows its cached rows and re-reads them, as pages always did), a query is re-read
// when the tab becomes visible again, polls (`refetchInterval`) pause while it is hidden, failures that a retry can
// fix (network, 502–504) are retried once after a second, refusals (4xx) never.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from './client';

declare module '@tanstack/react-query' {
  interface Register {
    // Every query and mutation goes through the typed client, which throws only ApiError (or an abort).
    defaultError: ApiError;
  }
}

function retryable(failureCount: number, error: unknown): boolean {
  if (failureCount >= 1) return false;
  return error instanceof ApiError && (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 0,
        refetchOnWindowFocus: true,
        refetchIntervalInBackground: false,
        retry: retryable,
        retryDelay: 1000,
      },
      mutations: { retry: false },
    },
  });
}

export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
