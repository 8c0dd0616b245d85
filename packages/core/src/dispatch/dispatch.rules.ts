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

/**
 * How a dispatched task reaches an agent (its transport), for a ticket and for a task without one alike.
 * `endpoint`: a signed POST to the agent's own HTTP endpoint (a `dispatch` delivery, retried on the webhook
 * schedule). The OpenClaw issue adds `gateway` for agents linked to a gateway (`PUT /agents/{id}/gateway-link`),
 * chosen here before `endpoint`, with its own case in hand-over.ts (`sendTask`), which TypeScript checks for
 * exhaustiveness. An agent no channel reaches gets no dispatched work: the door refuses (409 `agent_unreachable`)
 * and a cron run whose task creates no ticket is skipped (AGENT_UNREACHABLE, cron-runs.rules.ts).
 */
export type DispatchChannel = 'endpoint';

/** The channel that reaches `agent`, or null when none does (409 `agent_unreachable`). */
export function dispatchChannelOf(agent: { endpoint: string | null }): DispatchChannel | null {
  if (agent.endpoint) return 'endpoint';
  return null;
}

/** Agents a dispatch may go to: active ones (a pending, rejected or deactivated agent takes no work). */
export const DISPATCHABLE_AGENT_STATUSES = ['active'] as const;

export const DISPATCH_REFUSALS = {
  agentRequired: 'this ticket is assigned to no agent and held by none: name the agent to dispatch it to (agentId)',
  agentInactive: (name: string, status: string) => `agent ${name} is ${status}; only active agents take dispatched work`,
  agentUnreachable: (name: string) => `agent ${name} has no endpoint to send the task to; set its endpoint (PATCH /agents/{id}) or dispatch to another agent`,
  systemOnly: 'a task without a ticket is dispatched by Mission Control itself (a cron run, a workflow step); people and agents dispatch tickets',
  ticketFinished: (number: number, status: string) => `ticket #${number} is ${status}; move it back to an open status before dispatching it`,
  agentsCannot: 'agents cannot dispatch tickets: an agent works on its own tickets (claim them); a person, a cron or a workflow dispatches',
} as const;
