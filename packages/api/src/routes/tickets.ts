// Tickets: create, list, poll (with long-poll), atomic leased claim, state machine, release, assignment.
import {
  commaListPattern,
  listQuery,
  ZTotalMode,
  TICKET_STATUS_VALUES,
  ZAssignTicketRequest,
  ZAvailableTicketsMeta,
  ZClaimNextRequest,
  ZCreateTicketRequest,
  ZDispatchTicketAnswer,
  ZDispatchTicketRequest,
  ZReleaseTicketRequest,
  ZTicket,
  ZTicketPriority,
  ZUpdateTicketRequest,
  z,
} from '@mc/contracts';
import {
  assignTicket,
  claimNextTicket,
  claimTicket,
  createTicket,
  dispatchTicket,
  findAvailableTickets,
  findTickets,
  getTicket,
  releaseTicket,
  TICKET_SORT_FIELDS,
  updateTicket,
  waitForAvailableTickets,
} from '@mc/core';
import { noContent, type RouteBuilder } from '../http';

export const ZTicketParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Ticket id (`tkt_…`)' }) });

const ZStatusList = z
  .string()
  .max(200)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(TICKET_STATUS_VALUES)))
  .openapi({ description: 'One status or several, comma-separated: `todo,in_progress`', type: 'string', maxLength: 200, pattern: commaListPattern(TICKET_STATUS_VALUES) });

const ZFindTicketsQuery = listQuery(TICKET_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug' }),
  status: ZStatusList.optional(),
  priority: ZTicketPriority.optional(),
  assigneeId: z.string().max(64).optional().openapi({ description: 'Agent or user id' }),
  claimedBy: z.string().max(64).optional().openapi({ description: 'Agent id holding the claim' }),
  epicId: z.string().max(64).optional(),
  label: z.string().max(50).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Text in title or description, or a ticket number (#42)' }),
  total: ZTotalMode,
});

const ZAvailableQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(0)
    .openapi({ description: 'Long-poll: hold the request up to this many seconds until work appears' }),
});

export function registerTicketRoutes(r: RouteBuilder) {
  r.define({
    method: 'post',
    path: '/api/v1/tickets',
    operationId: 'createTicket',
    summary: 'Create a ticket (members and agents of the workspace; assigning needs an admin)',
    tags: ['Tickets'],
    auth: 'any',
    body: ZCreateTicketRequest,
    response: ZTicket,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createTicket(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/tickets',
    operationId: 'listTickets',
    summary: 'Tickets you can see, filtered, searched, sorted and paged',
    tags: ['Tickets'],
    auth: 'any',
    query: ZFindTicketsQuery,
    response: ZTicket,
    list: true,
    handler: ({ ctx, query }) => findTickets(ctx, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/tickets/available',
    operationId: 'listAvailableTickets',
    summary: 'To-do tickets the calling agent may claim, best first; `?wait=N` long-polls',
    description:
      'Unassigned tickets or tickets assigned to the agent, whose required capabilities the agent has, ordered by priority then age. With `wait`, answers as soon as such a ticket exists (woken by changes from any server process) or empty after the wait. Nothing is offered while the workspace is archived or its monthly budget is exhausted under hard stop (a claim would be refused); `meta.paused` then says which.',
    tags: ['Tickets'],
    auth: 'agent',
    query: ZAvailableQuery,
    response: ZTicket,
    list: true,
    listMeta: ZAvailableTicketsMeta,
    handler: async ({ ctx, query, c, deps }) => {
      const found =
        query.wait > 0
          ? await waitForAvailableTickets(ctx, deps.live, { limit: query.limit, waitSeconds: query.wait, signal: c.req.raw.signal })
          : await findAvailableTickets(ctx, { limit: query.limit });
      return { items: found.items, meta: { limit: query.limit, nextCursor: null, paused: found.paused } };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/tickets/claim-next',
    operationId: 'claimNextTicket',
    summary: 'Claim the best ticket you may take, in one call: 200 with it claimed, 204 when there is none (after `wait` seconds)',
    description:
      "The agent's work loop: `POST /tickets/claim-next {\"wait\": 30}` → do the work → `PATCH /tickets/{id}` to move it → again. The server picks the To-do ticket that `PATCH /tickets/{id}/claim` would let you claim (unassigned or assigned to you, its required capabilities among yours), the most urgent first and the oldest among equals, and claims it atomically: agents calling at the same time each get a different ticket, never a 409. The claimed ticket is in_progress with a lease (`leaseExpiresAt`) that your writes and heartbeats renew, exactly as after a claim. `capabilities` narrows the choice to tickets that need only some of your capabilities. With `wait`, an empty answer waits for a ticket to be created, released (or its lease to expire), moved back to To-do or assigned to you; each such ticket wakes one waiting agent, not all of them. Blocked is not empty: an exhausted budget under hard stop is 402 and an archived workspace 409, at once, also when it happens during the wait.",
    tags: ['Tickets'],
    auth: 'agent',
    budgetGated: true,
    body: ZClaimNextRequest.optional().default({ wait: 0 }),
    response: ZTicket,
    alsoStatus: [204],
    answers: {
      200: 'You now hold this ticket (status in_progress, `claimedBy` is you, `leaseExpiresAt` set): work on it, then move it with PATCH /tickets/{id}',
      204: 'Nothing for you to do: no To-do ticket you may claim, also after waiting `wait` seconds. No body. Ask again (with `wait`, the request itself is the wait)',
      400: 'Invalid body (VALIDATION_ERROR), or `capabilities` names one you do not have (`details.issues` names it)',
      402: "Blocked, not empty: the workspace's monthly budget is exhausted and hard stop is on (BUDGET_EXCEEDED); `details` has month, limit, used, limitValue, resetsAt. Nothing can be claimed until `resetsAt` or until an admin raises the limit",
      403: 'Called with a person\'s credentials (FORBIDDEN): this endpoint is for agents, with an agent key',
      409: 'Blocked, not empty: the workspace is archived (CONFLICT, `details.reason: "workspace_archived"`); nothing can be claimed in it',
    },
    handler: async ({ ctx, body, c, deps }) => {
      // The client's going away only matters to a wait: without one, no AbortController is made for the request.
      const signal = body.wait > 0 ? c.req.raw.signal : undefined;
      const ticket = await claimNextTicket(ctx, deps.live, { capabilities: body.capabilities, waitSeconds: body.wait, signal });
      return ticket ?? noContent();
    },
  });

  r.define({
    method: 'get',
    path: '/api/v1/tickets/{id}',
    operationId: 'getTicket',
    summary: 'One ticket',
    tags: ['Tickets'],
    auth: 'any',
    params: ZTicketParam,
    response: ZTicket,
    handler: ({ ctx, params }) => getTicket(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/tickets/{id}',
    operationId: 'updateTicket',
    summary: 'Edit a ticket and/or move its status (state machine: todo → in_progress → pr_review → done → closed, plus returns)',
    tags: ['Tickets'],
    auth: 'any',
    params: ZTicketParam,
    body: ZUpdateTicketRequest,
    response: ZTicket,
    handler: ({ ctx, params, body, ifMatch }) => updateTicket(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/tickets/{id}/claim',
    operationId: 'claimTicket',
    summary: 'Atomically claim a To-do ticket: one racing agent wins, the others get 409 naming the holder',
    description:
      'The claim moves the ticket to in_progress with a lease (`leaseExpiresAt`) renewed by the holder\'s writes and heartbeats; an expired lease puts the ticket back in To-do. Claiming a ticket you already hold renews its lease. While the workspace\'s monthly budget is exhausted with hard stop, claims are 402 BUDGET_EXCEEDED (`details`: month, limit, used, limitValue, resetsAt); in an archived workspace they are 409 CONFLICT (`details.reason: "workspace_archived"`). A ticket that is not To-do (pr_review, done, closed) is 409 INVALID_TRANSITION; one held by another agent is 409 CONFLICT naming it.',
    tags: ['Tickets'],
    auth: 'agent',
    budgetGated: true,
    params: ZTicketParam,
    response: ZTicket,
    handler: ({ ctx, params }) => claimTicket(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/tickets/{id}/dispatch',
    operationId: 'dispatchTicket',
    summary: "Hand a ticket to an agent: an execution starts and the task goes to the agent's endpoint or OpenClaw gateway (async, 202)",
    description:
      'For workspace owners, admins and members (`permissions["tickets.dispatch"]` of the workspace); agents are 403. ' +
      "`agentId` defaults to the ticket's assigned agent, else the agent holding it (none: 400 naming `agentId`); the agent must be one of the ticket's workspace (else 404), " +
      'active (409 `details.reason: "agent_inactive"`) and reachable — linked to a gateway agent, or with an endpoint (409 `"agent_unreachable"`; the agent answer says which: `dispatchChannel`). A done or closed ticket is 409 `"ticket_finished"`; ' +
      'an archived workspace 409 `"workspace_archived"`; a hard-stopped budget 402 BUDGET_EXCEEDED, before anything starts. ' +
      'The answer names the execution (status `running`), which the agent reports on with PATCH /executions/{id}. The agent receives a signed POST ' +
      '(Standard Webhooks headers, secret derived from its API key, retried on the webhook schedule; body: `DispatchDeliveryPayload` — the ticket, the task, the workspace and `execution.reportPath`). ' +
      'When every attempt fails, the execution is marked failed with the reason. ' +
      "Channel `gateway` (an agent linked to an OpenClaw gateway): the ticket is claimed for the agent (another agent's live claim: 409 `\"ticket_held\"`) and the run is queued; Mission Control's connection to the gateway sends it with the ticket, the task, the workspace and a run token scoped to this execution and ticket (ADR 0023), and the execution's `gateway.state` follows it (queued → sent → running → finished) until it finishes with the reply, usage and cost. " +
      'Send `Idempotency-Key` to make a retried dispatch safe.',
    tags: ['Tickets'],
    auth: 'any',
    idempotent: true,
    budgetGated: true,
    params: ZTicketParam,
    body: ZDispatchTicketRequest.optional().default({}),
    response: ZDispatchTicketAnswer,
    status: 202,
    handler: ({ ctx, params, body }) =>
      dispatchTicket(ctx, { ticketId: params.id, agentId: body?.agentId, task: body?.instructions === undefined ? undefined : { instructions: body.instructions } }),
  });

  r.define({
    method: 'post',
    path: '/api/v1/tickets/{id}/release',
    operationId: 'releaseTicket',
    summary: 'Give a claimed ticket back (holder), or force-release it (workspace admin, audited)',
    tags: ['Tickets'],
    auth: 'any',
    params: ZTicketParam,
    body: ZReleaseTicketRequest.optional().default({}),
    response: ZTicket,
    handler: ({ ctx, params, body }) => releaseTicket(ctx, params.id, body ?? {}),
  });

  r.define({
    method: 'put',
    path: '/api/v1/tickets/{id}/assignee',
    operationId: 'assignTicket',
    summary: 'Assign to an agent or a member, or unassign with an empty body (workspace admin)',
    tags: ['Tickets'],
    auth: 'user',
    params: ZTicketParam,
    body: ZAssignTicketRequest,
    response: ZTicket,
    handler: ({ ctx, params, body }) => assignTicket(ctx, params.id, body),
  });
}
