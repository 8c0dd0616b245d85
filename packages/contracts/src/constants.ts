// The closed sets of names the API speaks, with no schema library behind them: the zod schemas of this package
// are built from these lists, and the dashboard (or any client) imports them from `@mc/contracts/constants`
// without pulling zod in. A name is added here once; the schemas, the domain and the UI follow.

export const TICKET_STATUS_VALUES = ['todo', 'in_progress', 'pr_review', 'done', 'closed'] as const;
export type TicketStatusName = (typeof TICKET_STATUS_VALUES)[number];

/**
 * Statuses a ticket can be dispatched to an agent in (`POST /tickets/{id}/dispatch`): work that is not finished.
 * A done or closed ticket is refused (409); move it back first.
 */
export const DISPATCHABLE_TICKET_STATUSES = ['todo', 'in_progress', 'pr_review'] as const satisfies readonly TicketStatusName[];

/** Most urgent first (the stored rank is the index). */
export const TICKET_PRIORITY_VALUES = ['urgent', 'high', 'medium', 'low'] as const;
export type TicketPriorityName = (typeof TICKET_PRIORITY_VALUES)[number];

/** Most powerful first. */
export const WORKSPACE_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type WorkspaceRoleName = (typeof WORKSPACE_ROLES)[number];

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
export const AGENT_STATUS_VALUES = ['pending', 'active', 'rejected', 'deactivated', 'deleted'] as const;
export const AGENT_LIVENESS_VALUES = ['online', 'idle', 'offline'] as const;
export const EXECUTION_STATUS_VALUES = ['running', 'success', 'failed', 'blocked'] as const;
export const COST_SOURCE_VALUES = ['reported', 'computed', 'unpriced'] as const;
export const METRICS_PERIODS = ['day', 'week', 'month'] as const;
export const RATING_VALUES = ['good', 'bad'] as const;
export const RATING_TARGET_KINDS = ['ticket', 'execution'] as const;

export const NOTIFICATION_TYPES = [
  'mention',
  'mention_all',
  'assignment',
  'status_change',
  'agent_registration',
  'webhook_disabled',
  'budget_warning',
  'budget_exceeded',
  'lease_expired',
  'invitation',
  // Crons (issue 14, the scheduler): a cron started failing (once per failure streak), a cron paused itself.
  'cron_failing',
  'cron_paused',
  // A gateway-fired cron's slots went unrun (once per streak).
  'cron_missed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Every event type of the catalog (events.ts checks that its EVENT_CATALOG has exactly these keys). */
export const EVENT_TYPE_NAMES = [
  'ticket.created',
  'ticket.claimed',
  'ticket.moved',
  'ticket.updated',
  'ticket.assigned',
  'ticket.released',
  'ticket.dispatched',
  'task.dispatched',
  'comment.created',
  'agent.registered',
  'agent.approved',
  'agent.rejected',
  'agent.key_rotated',
  'agent.deactivated',
  'agent.activated',
  'agent.deleted',
  'rating.recorded',
  'execution.started',
  'execution.finished',
  'budget.threshold_reached',
  'member.invited',
  'member.joined',
  'member.invitation_declined',
  'member.invitation_revoked',
  'webhook.disabled',
  'cron.created',
  'cron.updated',
  'cron.deleted',
  // Cron runs (issue 14, the scheduler), to the workspace of the run's target.
  'cron_run.started',
  'cron_run.finished',
  'cron_run.failed',
  // Gateway-fired crons (issue 15, ADR 0020): the gateway did not run a slot — once per streak of missed slots.
  'cron_run.missed',
  // OpenClaw gateways (issue 15): registered, changed (by a person; not live state reports), deleted.
  'gateway.created',
  'gateway.updated',
  'gateway.deleted',
] as const;
export type EventTypeName = (typeof EVENT_TYPE_NAMES)[number];

/** Live-stream signals that are not catalog events: `resync` (the server's database feed came back: reload) and
 * `notifications.read` (a bell elsewhere was cleared). */
/**
 * Live signals that are no outbox event: `resync`, `notifications.read`, and `execution.progress` (a gateway run's
 * hand-over moved on: sent, running — ADR 0023; its start and end are the execution events).
 */
export const LIVE_SIGNAL_TYPES = ['resync', 'notifications.read', 'execution.progress'] as const;

/** A cron's retry policy when the request leaves it out (the contract's defaults; the form's hints say them). */
export const CRON_RETRY_DEFAULTS = { maxAttempts: 1, backoff: 'exponential', baseSeconds: 60, maxSeconds: 3600 } as const;
