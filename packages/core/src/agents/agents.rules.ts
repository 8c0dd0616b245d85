// The life of an agent, as data: its statuses, which moves between them are allowed, and the numbers that
// define liveness and key rotation.

export const AGENT_STATUSES = ['pending', 'active', 'rejected', 'deactivated', 'deleted'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Allowed status changes: `from → [to…]`. Anything else is a 409 naming the current status. */
export const AGENT_TRANSITIONS: Record<AgentStatus, readonly AgentStatus[]> = {
  pending: ['active', 'rejected', 'deleted'],
  active: ['deactivated', 'deleted'],
  deactivated: ['active', 'deleted'],
  rejected: ['deleted'],
  deleted: [],
};

export function canMoveAgent(from: AgentStatus, to: AgentStatus): boolean {
  return AGENT_TRANSITIONS[from].includes(to);
}

/** Seen (heartbeat or any authenticated call) within this long: online. */
export const AGENT_ONLINE_WITHIN_MS = 2 * 60 * 1000;
/** Seen within this long (but not online): idle. Longer, or never: offline. */
export const AGENT_IDLE_WITHIN_MS = 15 * 60 * 1000;

export type AgentLiveness = 'online' | 'idle' | 'offline';

export function livenessOf(lastSeenAt: Date | null, now: Date): AgentLiveness {
  if (!lastSeenAt) return 'offline';
  const age = now.getTime() - lastSeenAt.getTime();
  if (age <= AGENT_ONLINE_WITHIN_MS) return 'online';
  if (age <= AGENT_IDLE_WITHIN_MS) return 'idle';
  return 'offline';
}

/** Rotation grace: how long the replaced key keeps working. */
export const ROTATION_GRACE_DEFAULT_SECONDS = 24 * 3600;
export const ROTATION_GRACE_MAX_SECONDS = 7 * 24 * 3600;

/** Waiting for the agent's endpoint to accept its key on approval. */
export const KEY_CALLBACK_TIMEOUT_MS = 3000;

// Names and capabilities are validated at the door by the contract's schemas, from these same patterns.
export { AGENT_NAME_PATTERN, CAPABILITY_PATTERN, MAX_CAPABILITIES } from '@mc/contracts';

/**
 * How a dispatched task reaches an agent (its transport), for a ticket and for a task without one alike.
 * `endpoint`: a signed POST to the agent's own HTTP endpoint (a `dispatch` delivery, retried on the webhook
 * schedule). `gateway`: agents linked to an OpenClaw gateway (`PUT /agents/{id}/gateway-link`), chosen before
 * `endpoint`; the request only queues it (hand-over.ts `sendTask`, checked for exhaustiveness by TypeScript). An
 * agent no channel reaches gets no dispatched work: the door refuses (409 `agent_unreachable`) and a cron run whose
 * task creates no ticket is skipped (AGENT_UNREACHABLE, cron-runs.rules.ts).
 */
export type DispatchChannel = 'gateway' | 'endpoint';

/**
 * The channel that reaches `agent`, or null when none does (409 `agent_unreachable`). `gateway`: the agent is linked
 * to an agent of an OpenClaw gateway (`agents.gateway_id` + `gateway_agent_id`); the dispatch is queued on the
 * execution and sent by the process that owns the gateway's connection (gateway-dispatch.ts, ADR 0023).
 */
export function dispatchChannelOf(agent: { endpoint: string | null; gatewayId?: string | null; gatewayAgentId?: string | null }): DispatchChannel | null {
  if (agent.gatewayId && agent.gatewayAgentId) return 'gateway';
  if (agent.endpoint) return 'endpoint';
  return null;
}
