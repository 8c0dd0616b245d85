// What a run token may do, as data (ADR 0023). A run dispatched through an OpenClaw gateway is handed a token for
// reporting back over REST: it acts as its agent, but only on its own execution and ticket, through these routes.
// Anything else is 403 (`run_token_scope`); one of these routes naming another execution or ticket is 404, as for
// anything the caller cannot see.

export type RunScope = { executionId: string; ticketId: string | null };
/** Which of the run's ids the route's `{id}` must be (null: a route without an id, such as GET /me). */
type ScopedBy = 'execution' | 'ticket' | null;

export const RUN_TOKEN_ROUTES: readonly { method: string; path: string; scopedBy: ScopedBy }[] = [
  { method: 'get', path: '/api/v1/me', scopedBy: null },
  { method: 'get', path: '/api/v1/executions/{id}', scopedBy: 'execution' },
  { method: 'patch', path: '/api/v1/executions/{id}', scopedBy: 'execution' },
  { method: 'get', path: '/api/v1/tickets/{id}', scopedBy: 'ticket' },
  { method: 'patch', path: '/api/v1/tickets/{id}', scopedBy: 'ticket' },
  { method: 'get', path: '/api/v1/tickets/{id}/comments', scopedBy: 'ticket' },
  { method: 'post', path: '/api/v1/tickets/{id}/comments', scopedBy: 'ticket' },
];

export const RUN_TOKEN_REFUSAL = 'a run token only reports on its own execution and ticket (read them, comment, move the ticket, report the execution)';

/** `ok`, `forbidden` (a route outside the scope) or `not_found` (a scoped route naming another execution or ticket). */
export function runTokenAllows(run: RunScope, method: string, path: string, id: string | undefined): 'ok' | 'forbidden' | 'not_found' {
  const route = RUN_TOKEN_ROUTES.find((r) => r.method === method.toLowerCase() && r.path === path);
  if (!route) return 'forbidden';
  if (route.scopedBy === null) return 'ok';
  const mine = route.scopedBy === 'execution' ? run.executionId : run.ticketId;
  return mine !== null && id === mine ? 'ok' : 'not_found';
}
