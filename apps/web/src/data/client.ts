// The dashboard's instance of the typed client (@mc/client): same origin, the session cookie, never the HTTP cache.
// Pages call the API only through `api` (inside a query or a mutation, see queries.ts); a 401 in mid-use hands
// the visitor to the session's handler (the sign-in page), unless the call says `quiet401`.
import { createApiClient } from '@mc/client';

export { ApiError, prettyIssue, toApiError, isAbortError, type FieldIssue, type Schemas, type QueryOf, type BodyOf, type ListMeta, type Page } from '@mc/client';

export const API_BASE = '/api/v1';

let onUnauthenticated: (() => void) | null = null;

/** The signed-in shell registers this so that a session that expires mid-use lands on the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | null) {
  onUnauthenticated = handler;
}

/** Hand the visitor to the sign-in page (what a 401 in mid-use does). */
export function handleUnauthenticated() {
  onUnauthenticated?.();
}

export const api = createApiClient({
  baseUrl: API_BASE,
  init: { credentials: 'same-origin', cache: 'no-store' },
  onUnauthenticated: () => onUnauthenticated?.(),
});

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
