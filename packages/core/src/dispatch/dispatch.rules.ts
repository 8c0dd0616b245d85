// The dispatch door as data: which tickets can be handed to an agent, which agent by default, how the task reaches
// it, and what a refused dispatch is told. Who may dispatch is the `tickets.dispatch` permission of the workspace
// rules table (shared/workspaces.rules.ts): owners, admins and members; not viewers, not agents.
import { DISPATCHABLE_TICKET_STATUSES } from '@mc/contracts/constants';
import type { TicketStatus } from '../tickets/tickets.rules';

/** Unfinished work only: a done or closed ticket is refused (409), move it back first. */
export const DISPATCHABLE_STATUSES: readonly TicketStatus[] = DISPATCHABLE_TICKET_STATUSES;

export const isDispatchable = (status: string) => (DISPATCHABLE_STATUSES as readonly string[]).includes(status);

/**
 * The agent a dispatch without `agentId` goes to, in this order: the agent the ticket is assigned to, then the
 * agent holding (or last having held) it. None of them: the dispatch must name one (400 naming `agentId`).
 */
export const DEFAULT_DISPATCH_AGENT = ['assigneeAgentId', 'claimedByAgentId'] as const;

export function defaultDispatchAgent(ticket: Record<(typeof DEFAULT_DISPATCH_AGENT)[number], string | null>): string | null {
  for (const field of DEFAULT_DISPATCH_AGENT) if (ticket[field]) return ticket[field];
  return null;
}

// How a dispatched task reaches an agent (its channel) is a fact of the agent, kept with the agent rules (the agent
// answer says it: `dispatchChannel`); re-exported here, where the door uses it.
export { dispatchChannelOf, type DispatchChannel } from '../agents/agents.rules';

/**
 * A gateway run, as data (ADR 0023). The run is given `GATEWAY_RUN_TIMEOUT_S` by the gateway; Mission Control keeps
 * its own deadline a grace later (a model failure can take over a minute to surface from the gateway), after which
 * the execution fails (`timeout`). `agent.wait` is asked about runs whose events may have been missed for at most
 * `GATEWAY_WAIT_PROBE_MS` (never longer: it runs in the owner's tick, not in a request).
 */
export const GATEWAY_RUN_TIMEOUT_S = 15 * 60;
export const GATEWAY_DEADLINE_GRACE_MS = 3 * 60 * 1000;
export const GATEWAY_WAIT_PROBE_MS = 1_000;
/** A run not heard of for this long is asked about on the owner's tick (its end may have been missed). */
export const GATEWAY_QUIET_PROBE_MS = 2 * 60 * 1000;
/** Queued dispatches sent per pass of the owner (the rest on the next wake). */
export const GATEWAY_SEND_BATCH = 20;
/** One gateway session per execution: the run's transcript (and its usage) is found by this key. */
export const gatewaySessionKey = (executionId: string) => `mc:${executionId}`;
/** Where a gateway hand-over stands (executions.dispatch_state). */
export const GATEWAY_DISPATCH_STATES = ['queued', 'sent', 'running', 'finished'] as const;
export type GatewayDispatchState = (typeof GATEWAY_DISPATCH_STATES)[number];
/** The gateway's run status → the execution's outcome. */
export const GATEWAY_RUN_OUTCOME: Record<string, 'success' | 'failed'> = { ok: 'success', error: 'failed', timeout: 'failed' };

/** Agents a dispatch may go to: active ones (a pending, rejected or deactivated agent takes no work). */
export const DISPATCHABLE_AGENT_STATUSES = ['active'] as const;

export const DISPATCH_REFUSALS = {
  agentRequired: 'this ticket is assigned to no agent and held by none: name the agent to dispatch it to (agentId)',
  agentInactive: (name: string, status: string) => `agent ${name} is ${status}; only active agents take dispatched work`,
  agentUnreachable: (name: string) => `agent ${name} has no endpoint to send the task to and is linked to no gateway agent; set its endpoint (PATCH /agents/{id}), link it (PUT /agents/{id}/gateway-link) or dispatch to another agent`,
  ticketHeld: (number: number, holder: string) => `ticket #${number} is held by agent ${holder}; release it (or let its lease run out) before dispatching it to a gateway agent`,
  systemOnly: 'a task without a ticket is dispatched by Mission Control itself (a cron run, a workflow step); people and agents dispatch tickets',
  ticketFinished: (number: number, status: string) => `ticket #${number} is ${status}; move it back to an open status before dispatching it`,
  agentsCannot: 'agents cannot dispatch tickets: an agent works on its own tickets (claim them); a person, a cron or a workflow dispatches',
} as const;
