import { CAPABILITY_PATTERN } from './agents';
import { ZIsoDate, ZVersion } from './common';
import { z } from './z';

import { TICKET_PRIORITY_VALUES, TICKET_STATUS_VALUES } from './constants';

export { TICKET_PRIORITY_VALUES, TICKET_STATUS_VALUES };
export const ZTicketStatus = z.enum(TICKET_STATUS_VALUES).openapi('TicketStatus');
export const ZTicketPriority = z.enum(TICKET_PRIORITY_VALUES).openapi('TicketPriority');

const ZLabel = z.string().trim().min(1).max(50);
// CAPABILITY_PATTERN bounds the length (64); `maxLength` documents it.
const ZCapability = z.string().regex(CAPABILITY_PATTERN, 'lowercase capability name').openapi({ maxLength: 64 });
const ZWikiRef = z.string().min(1).max(300).openapi({ description: 'Path of a wiki page, e.g. `runbooks/deploy.md`' });

export const ZTicket = z
  .object({
    id: z.string().openapi({ example: 'tkt_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    number: z.number().int().openapi({ description: 'Per-workspace number (#42)' }),
    title: z.string(),
    description: z.string(),
    status: ZTicketStatus,
    priority: ZTicketPriority,
    labels: z.array(z.string()),
    epicId: z.string().nullable(),
    requiredCapabilities: z.array(z.string()),
    wikiRefs: z.array(z.string()),
    assignee: z.object({ kind: z.enum(['agent', 'user']), id: z.string() }).nullable(),
    claimedBy: z.string().nullable().openapi({ description: 'Agent holding the claim (stays as who did the work after done)' }),
    claimedAt: ZIsoDate.nullable(),
    leaseExpiresAt: ZIsoDate.nullable().openapi({ description: 'When an unrenewed claim goes back to To-do' }),
    closedReason: z.string().nullable(),
    createdBy: z.object({ kind: z.string(), id: z.string().nullable() }),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    statusChangedAt: ZIsoDate,
    version: z.number().int(),
    allowedMoves: z.array(ZTicketStatus).openapi({
      description:
        'The statuses YOU (the caller) may move this ticket to now with `PATCH /tickets/{id}` `{status}`, read off the server\'s ' +
        'ticket lifecycle table for what you are to the ticket (the agent holding it, its assignee, a workspace admin, or a ' +
        'member while no agent holds it). Draw buttons, drag targets and menus from it; any other status is refused. Empty ' +
        'for viewers, in an archived workspace, and when you may make no move. Claiming and releasing are their own ' +
        'endpoints and are not listed: an agent starts work on a To-do ticket by claiming it (`PATCH /tickets/{id}/claim`), ' +
        'so To-do → in_progress is never among an agent\'s moves. Computed when the answer is made: a later change by ' +
        'someone else can still refuse the move (409).',
      example: ['pr_review', 'todo'],
    }),
  })
  .openapi('Ticket');

export const ZCreateTicketRequest = z
  .object({
    workspaceId: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(50_000).optional(),
    priority: ZTicketPriority.optional(),
    labels: z.array(ZLabel).max(20).optional(),
    epicId: z.string().max(64).nullable().optional(),
    requiredCapabilities: z.array(ZCapability).max(32).optional(),
    wikiRefs: z.array(ZWikiRef).max(50).optional(),
    assignee: z
      .object({ agentId: z.string().max(64).optional(), userId: z.string().max(64).optional() })
      .strict()
      .nullable()
      .optional()
      .openapi({ description: 'Admins only' }),
  })
  .strict()
  .openapi('CreateTicketRequest');

export const ZUpdateTicketRequest = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(50_000).optional(),
    priority: ZTicketPriority.optional(),
    labels: z.array(ZLabel).max(20).optional(),
    epicId: z.string().max(64).nullable().optional(),
    requiredCapabilities: z.array(ZCapability).max(32).optional(),
    wikiRefs: z.array(ZWikiRef).max(50).optional(),
    status: ZTicketStatus.optional().openapi({ description: 'Checked by the state machine; a refused move is 409 INVALID_TRANSITION' }),
    closedReason: z.string().max(1000).optional(),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateTicketRequest');

export const ZAssignTicketRequest = z
  .object({ agentId: z.string().max(64).nullable().optional(), userId: z.string().max(64).nullable().optional() })
  .strict()
  .openapi('AssignTicketRequest');

/** Extra `meta` of `GET /tickets/available`: why the workspace offers no work at all right now. */
export const ZAvailableTicketsMeta = z.object({
  paused: z
    .object({
      reason: z.enum(['workspace_archived', 'budget_exceeded']),
      message: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .openapi({ description: 'With `budget_exceeded`: month, limit, used, limitValue, resetsAt (as a claim\'s 402 has them)' }),
    })
    .nullable()
    .openapi({
      description:
        'Set when nothing is offered whatever the tickets: the workspace is archived, or its monthly budget is exhausted under hard stop (claims would be 402). `null` otherwise.',
    }),
});

export const ZReleaseTicketRequest = z.object({ reason: z.string().max(1000).optional() }).strict().openapi('ReleaseTicketRequest');

export const ZComment = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    workspaceId: z.string(),
    author: z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string().nullable(), name: z.string() }),
    body: z.string(),
    mentions: z.array(z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() })),
    createdAt: ZIsoDate,
  })
  .openapi('Comment');

export const ZCreateCommentRequest = z.object({ body: z.string().trim().min(1).max(20_000) }).strict().openapi('CreateCommentRequest');

export const ZPullRequestLink = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    provider: z.enum(['github', 'gitlab']),
    repo: z.string(),
    number: z.number().int(),
    url: z.string(),
    commentId: z.string().nullable(),
    createdAt: ZIsoDate,
  })
  .openapi('PullRequestLink');

export const ZTicketForPullRequest = ZTicket.extend({ pullRequestUrl: z.string() }).openapi('TicketForPullRequest');

export const ZEpic = z
  .object({ id: z.string(), workspaceId: z.string(), title: z.string(), description: z.string(), createdAt: ZIsoDate })
  .openapi('Epic');

export const ZCreateEpicRequest = z
  .object({ workspaceId: z.string().min(1).max(64), title: z.string().trim().min(1).max(200), description: z.string().max(10_000).optional() })
  .strict()
  .openapi('CreateEpicRequest');
