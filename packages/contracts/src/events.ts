// The catalog of domain events: one versioned zod schema per type. Every change that matters writes one of these
// to the outbox in its own transaction; notifications, webhooks and the dashboard's live updates all read them.
import { ZIsoDate } from './common';
import { EVENT_TYPE_NAMES, NOTIFICATION_TYPES, type EventTypeName } from './constants';
import { CRON_RUN_STATUS_VALUES } from './crons';
import { z } from './z';

const ZTicketRef = z
  .object({ id: z.string(), number: z.number().int(), title: z.string(), status: z.string() })
  .openapi('EventTicketRef');
const ZAgentRef = z.object({ id: z.string(), name: z.string() }).openapi('EventAgentRef');
const ZPrincipalRef = z.object({ kind: z.enum(['user', 'agent']), id: z.string() });
const ZExecutionRef = z
  .object({ id: z.string(), agentId: z.string(), ticketId: z.string().nullable(), status: z.string(), model: z.string().nullable() })
  .openapi('EventExecutionRef');

const ZCronRef = z
  .object({ id: z.string(), name: z.string(), schedule: z.string(), timezone: z.string(), enabled: z.boolean() })
  .openapi('EventCronRef');
const ZGatewayRef = z.object({ id: z.string(), name: z.string(), url: z.string() }).openapi('EventGatewayRef');
/** A cron run as its events carry it (issue 14): one (cron, scheduled slot, target), and the attempt the event is about. */
const ZCronRunRef = z
  .object({
    id: z.string(),
    cronId: z.string(),
    cronName: z.string(),
    agentId: z.string(),
    slot: ZIsoDate,
    trigger: z.string(),
    attempt: z.number().int(),
    status: z.enum(CRON_RUN_STATUS_VALUES),
    reason: z.string().nullable(),
    ticketIds: z.array(z.string()),
  })
  .openapi('EventCronRunRef');

const ZInvitationRef = z
  .object({ id: z.string(), email: z.string(), role: z.string(), expiresAt: ZIsoDate })
  .openapi('EventInvitationRef');

export const EVENT_CATALOG = {
  'ticket.created': { version: 1, data: z.object({ ticket: ZTicketRef }) },
  'ticket.claimed': { version: 1, data: z.object({ ticket: ZTicketRef, agentId: z.string(), leaseExpiresAt: ZIsoDate }) },
  'ticket.moved': { version: 1, data: z.object({ ticket: ZTicketRef, from: z.string(), to: z.string() }) },
  'ticket.updated': { version: 1, data: z.object({ ticket: ZTicketRef, fields: z.array(z.string()) }) },
  'ticket.assigned': { version: 1, data: z.object({ ticket: ZTicketRef, assignee: ZPrincipalRef.nullable(), previous: ZPrincipalRef.nullable() }) },
  'ticket.released': {
    version: 1,
    data: z.object({
      ticket: ZTicketRef,
      previousHolder: z.string().nullable(),
      reason: z.enum(['released', 'force_released', 'lease_expired']),
      /** With `lease_expired`: when the holder's lease ran out (the previous holder is notified, `lease_expired`). */
      leaseExpiredAt: ZIsoDate.optional(),
    }),
  },
  /**
   * The ticket was handed to an agent (`POST /tickets/{id}/dispatch`, a cron run or a workflow step): an execution
   * was started for it and the task is on its way to the agent (`channel`: how it reaches the agent).
   */
  'ticket.dispatched': {
    version: 1,
    data: z.object({
      ticket: ZTicketRef,
      agent: ZAgentRef,
      executionId: z.string(),
      channel: z.enum(['endpoint', 'gateway']),
      cronRunId: z.string().nullable(),
      workflowStepId: z.string().nullable(),
    }),
  },
  /**
   * A task was handed to an agent without a ticket (a cron whose task creates none; later a workflow step): an
   * execution was started for it and the task is on its way to the agent. The ticket-less twin of `ticket.dispatched`.
   */
  'task.dispatched': {
    version: 1,
    data: z.object({
      task: z.object({ title: z.string() }),
      agent: ZAgentRef,
      executionId: z.string(),
      channel: z.enum(['endpoint', 'gateway']),
      cronRunId: z.string().nullable(),
      workflowStepId: z.string().nullable(),
    }),
  },
  'comment.created': {
    version: 1,
    data: z.object({
      ticket: ZTicketRef,
      comment: z.object({ id: z.string(), excerpt: z.string(), author: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }) }),
      mentions: z.array(z.object({ kind: z.enum(['user', 'agent', 'all']), id: z.string().nullable() })),
    }),
  },
  'agent.registered': { version: 1, data: z.object({ agent: ZAgentRef.extend({ capabilities: z.array(z.string()), endpoint: z.string().nullable() }) }) },
  'agent.approved': { version: 1, data: z.object({ agent: ZAgentRef }) },
  'agent.rejected': { version: 1, data: z.object({ agent: ZAgentRef, reason: z.string() }) },
  'agent.key_rotated': { version: 1, data: z.object({ agent: ZAgentRef, previousKeyExpiresAt: ZIsoDate }) },
  'agent.deactivated': { version: 1, data: z.object({ agent: ZAgentRef }) },
  'agent.activated': { version: 1, data: z.object({ agent: ZAgentRef }) },
  'agent.deleted': { version: 1, data: z.object({ agent: ZAgentRef }) },
  'rating.recorded': {
    version: 1,
    data: z.object({
      target: z.object({ kind: z.enum(['ticket', 'execution']), id: z.string() }),
      /** The agent the work is credited to; null when nobody held or was assigned the ticket. */
      agentId: z.string().nullable(),
      change: z.enum(['created', 'changed', 'removed']),
      rating: z.enum(['good', 'bad']).nullable(),
      previous: z.enum(['good', 'bad']).nullable(),
    }),
  },
  'execution.started': {
    version: 1,
    data: z.object({ execution: ZExecutionRef }),
  },
  'execution.finished': {
    version: 1,
    data: z.object({
      execution: ZExecutionRef.extend({
        durationMs: z.number().int(),
        tokensIn: z.number().int(),
        tokensOut: z.number().int(),
        apiCalls: z.number().int(),
        costUsd: z.number().nullable(),
      }),
    }),
  },
  /** A workspace's monthly usage reached 80% or 100% of a limit (once per limit, threshold and month). */
  'budget.threshold_reached': {
    version: 1,
    data: z.object({
      limit: z.enum(['tokens', 'cost']),
      threshold: z.union([z.literal(80), z.literal(100)]),
      /** Tokens, or USD, used this month when the threshold was reached. */
      used: z.number(),
      /** The limit (tokens, or USD). */
      limitValue: z.number(),
      /** UTC month, `YYYY-MM`. */
      month: z.string(),
      hardStop: z.boolean(),
      /** Hard stop in force: claims and new executions get 402 until the month rolls over or the limit is raised. */
      blocked: z.boolean(),
    }),
  },
  /** Someone was invited to the workspace (or an invitation was renewed). Nothing says whether the address has a user. */
  'member.invited': { version: 1, data: z.object({ invitation: ZInvitationRef }) },
  /** The invitee accepted: they are a member now. */
  'member.joined': { version: 1, data: z.object({ invitation: ZInvitationRef, user: z.object({ id: z.string(), name: z.string() }) }) },
  'member.invitation_declined': { version: 1, data: z.object({ invitation: ZInvitationRef }) },
  'member.invitation_revoked': { version: 1, data: z.object({ invitation: ZInvitationRef }) },
  'webhook.disabled': {
    version: 1,
    data: z.object({ webhook: z.object({ id: z.string(), url: z.string() }), reason: z.string(), consecutiveFailures: z.number().int(), failingSince: ZIsoDate.nullable() }),
  },
  /** Sent to every workspace the cron targets (for `cron.updated`: before and after the change). */
  'cron.created': { version: 1, data: z.object({ cron: ZCronRef }) },
  'cron.updated': { version: 1, data: z.object({ cron: ZCronRef, fields: z.array(z.string()) }) },
  'cron.deleted': { version: 1, data: z.object({ cron: ZCronRef }) },
  /** An OpenClaw gateway was registered, changed (`fields`: what changed; `token` when a new one was set) or deleted. */
  'gateway.created': { version: 1, data: z.object({ gateway: ZGatewayRef }) },
  'gateway.updated': { version: 1, data: z.object({ gateway: ZGatewayRef, fields: z.array(z.string()) }) },
  'gateway.deleted': { version: 1, data: z.object({ gateway: ZGatewayRef }) },
  // Cron runs (issue 14, the scheduler): to the workspace of the run's target.
  /** An attempt of a run started (its ticket created, its task dispatched). */
  'cron_run.started': { version: 1, data: z.object({ run: ZCronRunRef, executionId: z.string().nullable() }) },
  /** A run ended without failing: `success`, or `skipped` with its reason (budget stop, unrunnable target, previous run still going). */
  'cron_run.finished': {
    version: 1,
    data: z.object({
      run: ZCronRunRef,
      durationMs: z.number().int().nullable(),
      /** The cron paused itself with this run (no runnable target left); its admins are notified. */
      cronPaused: z.boolean(),
    }),
  },
  /** An attempt failed: retried at `nextAttemptAt`, or the run ended `failed` (`willRetry: false`). */
  'cron_run.failed': {
    version: 1,
    data: z.object({
      run: ZCronRunRef,
      error: z.string(),
      willRetry: z.boolean(),
      nextAttemptAt: ZIsoDate.nullable(),
      durationMs: z.number().int().nullable(),
      /** The cron's consecutive failed runs with this one (1: it just started failing, and the admins are told). */
      failureStreak: z.number().int(),
    }),
  },
  /**
   * A gateway-fired cron's slot passed without the gateway running it (ADR 0020): sent when a streak of missed slots
   * begins, not for each slot (`missed`: how many this check found; `streak`: in a row so far). The runs are recorded
   * `missed` (reason GATEWAY_MISSED); under `force_run` the latest was run at once (`forced`).
   */
  'cron_run.missed': {
    version: 1,
    data: z.object({
      cron: ZCronRef,
      gatewayId: z.string(),
      agentId: z.string(),
      latestSlot: ZIsoDate,
      missed: z.number().int(),
      streak: z.number().int(),
      forced: z.boolean(),
    }),
  },
} as const;

export type EventType = keyof typeof EVENT_CATALOG;
export const EVENT_TYPES = EVENT_TYPE_NAMES as unknown as [EventType, ...EventType[]];
// The catalog and the zod-free list name exactly the same types (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameTypes: Same<EventType, EventTypeName> = true;
void _sameTypes;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOG)[T]['data']>;

/** An event as webhooks deliver it and `GET /events/log` shows it. */
export const ZDomainEvent = z
  .object({
    id: z.string().openapi({ example: 'evt_01JD0000000000000000000000', description: 'Unique; receivers dedupe on it' }),
    type: z.enum(EVENT_TYPES),
    version: z.number().int(),
    workspaceId: z.string(),
    occurredAt: ZIsoDate,
    actor: z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string().nullable(), name: z.string() }),
    data: z.record(z.string(), z.unknown()).openapi({ description: 'Per type, see the EventData* schemas' }),
  })
  .openapi('DomainEvent');


export { NOTIFICATION_TYPES };
export type { NotificationType } from './constants';

export const ZNotification = z
  .object({
    id: z.string(),
    type: z.enum(NOTIFICATION_TYPES),
    content: z.string(),
    context: z.object({
      workspaceId: z.string(),
      ticketId: z.string().nullable(),
      commentId: z.string().nullable(),
      agentId: z.string().nullable(),
      /** An `invitation` notification's invitation (accept or decline it with `POST /invitations/{id}/accept|decline`). */
      invitationId: z.string().nullable(),
      eventId: z.string(),
    }),
    read: z.boolean(),
    readAt: ZIsoDate.nullable(),
    createdAt: ZIsoDate,
  })
  .openapi('Notification');
