// @deprecated for pages: new and converted pages call the typed client (`api` of src/data/client.ts) inside
// queries and mutations (src/data). This module keeps the error semantics' old import path (the same ApiError
// class, from @mc/client) and an untyped call for pages not yet converted; it goes when the last of them does.
import { ApiError, api as client, handleUnauthenticated, type ListMeta } from '../data/client';

export { API_BASE, ApiError, prettyIssue, safeNext, setUnauthenticatedHandler, toApiError } from '../data/client';
export type { ListMeta } from '../data/client';

export interface ApiOptions {
  signal?: AbortSignal;
  /** Do not hand a 401 to the session handler (login and setup forms expect 401 as an answer). */
  quiet401?: boolean;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function request<T>(method: Method, path: string, body: unknown, options: ApiOptions): Promise<{ data: T; meta?: ListMeta }> {
  try {
    // The typed client underneath (same transport, same errors), called with an untyped path.
    const res = await client.raw.request(method.toLowerCase() as 'get', path as never, { body, signal: options.signal } as never);
    const envelope = res.data as { data: T; meta?: ListMeta } | undefined;
    return envelope ?? { data: undefined as T };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !options.quiet401) handleUnauthenticated();
    throw err;
  }
}

/** @deprecated Call one endpoint and return its `data`; throws ApiError. `path` is relative to /api/v1. */
export async function api<T>(method: Method, path: string, body?: unknown, options: ApiOptions = {}): Promise<T> {
  return (await request<T>(method, path, body, options)).data;
}

/** @deprecated GET a list endpoint: the items and the paging meta. */
export async function apiList<T>(path: string, options: ApiOptions = {}): Promise<{ items: T[]; meta: ListMeta }> {
  const { data, meta } = await request<T[]>('GET', path, undefined, options);
  return { items: data, meta: meta ?? { limit: data.length } };
}

/** @deprecated Build a query string from the defined, non-empty values (the typed client builds them from params). */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
