// The dispatch door: a ticket handed to an agent (`POST /tickets/{id}/dispatch`), or a task without a ticket (a
// cron whose task creates none; ADR 0018). The server starts an execution for the agent and POSTs the ticket (or
// null), the task and the workspace context to the agent's endpoint (a signed delivery, retried like every
// webhook); the agent reports back on that execution (`PATCH /executions/{id}`).
import { ZIsoDate } from './common';
import { DISPATCHABLE_TICKET_STATUSES } from './constants';
import { ZTicket, ZTicketPriority } from './tickets';
import { z } from './z';

export { DISPATCHABLE_TICKET_STATUSES };

export const DISPATCH_LIMITS = { instructionsMax: 20_000 } as const;

export const ZDispatchTicketRequest = z
  .object({
    agentId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "The agent to hand the ticket to (an active agent of the ticket's workspace with an endpoint). Default: the ticket's assigned agent, else the agent holding it" }),
    instructions: z
      .string()
      .max(DISPATCH_LIMITS.instructionsMax)
      .optional()
      .openapi({ description: 'What the agent should do with the ticket, sent with it as `task.instructions`' }),
  })
  .strict()
  .openapi('DispatchTicketRequest');

export const ZDispatchTicketAnswer = z
  .object({
    executionId: z.string().openapi({ example: 'exe_01JD0000000000000000000000', description: 'The execution started for the agent (status `running`); the agent reports on it with PATCH /executions/{id}' }),
    ticketId: z.string(),
    agentId: z.string(),
    channel: z.enum(['endpoint', 'gateway']).openapi({
      description: "How the task reaches the agent: `endpoint` — a signed POST to the agent's endpoint; `gateway` — queued for the OpenClaw gateway the agent is linked to, sent by Mission Control's connection to it (the execution's `gateway.state`: queued → sent → running → finished)",
    }),
    deliveryId: z.string().nullable().openapi({ description: 'The signed delivery (`webhook-id`), visible to admins in GET /webhook-deliveries; null for the `gateway` channel' }),
  })
  .openapi('DispatchTicketAnswer');

/**
 * What a dispatch asks of the agent: the ticket's title, labels and priority unless the dispatcher (a cron's task,
 * a workflow step) says otherwise, and its instructions if it gave any. Bounded where it comes in (the request
 * above, the cron and workflow contracts), not here.
 */
export const ZDispatchTask = z
  .object({
    title: z.string(),
    instructions: z.string().nullable(),
    labels: z.array(z.string()),
    priority: ZTicketPriority.nullable(),
  })
  .openapi('DispatchTask');
export type DispatchedTask = z.infer<typeof ZDispatchTask>;

/**
 * The body POSTed to the agent's endpoint (Standard Webhooks headers; `webhook-id` is the delivery id, signed with
 * the secret derived from the agent's API key, as its notifications are). `type` is `dispatch`.
 */
export const ZDispatchDeliveryPayload = z
  .object({
    id: z.string().openapi({ description: 'The delivery id (also the `webhook-id` header): dedupe on it' }),
    type: z.literal('dispatch'),
    version: z.literal(1),
    workspaceId: z.string(),
    occurredAt: ZIsoDate,
    actor: z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string().nullable(), name: z.string() }),
    data: z.object({
      execution: z.object({
        id: z.string(),
        reportPath: z.string().openapi({ description: 'Where to report: PATCH this path (under the instance base URL) with your agent key' }),
        reportUrl: z
          .string()
          .nullable()
          .openapi({ description: 'The same as an absolute URL when the instance knows its public address (MC_PUBLIC_URL); null otherwise: use the base URL you registered with' }),
      }),
      agent: z.object({ id: z.string(), name: z.string() }),
      ticket: ZTicket.omit({ allowedMoves: true })
        .nullable()
        .openapi({ description: 'The ticket handed over; null for a task dispatched without one (a cron whose task creates no ticket): `task` says it all' }),
      task: ZDispatchTask,
      workspace: z.object({ id: z.string(), slug: z.string(), name: z.string(), mission: z.string(), defaultRepository: z.string().nullable() }),
      cronRunId: z.string().nullable(),
      workflowStepId: z.string().nullable(),
    }),
  })
  .openapi('DispatchDeliveryPayload');
export type DispatchDeliveryPayload = z.infer<typeof ZDispatchDeliveryPayload>;
