import type { agents } from '@mc/db';
import type { Principal } from '../context';
import { dispatchChannelOf, livenessOf, type AgentStatus } from './agents.rules';

export type AgentRow = typeof agents.$inferSelect;

/**
 * The public shape of an agent. `lastSeenAt` is the agent row's `last_seen_at`: the later of its last heartbeat and
 * its keys' last use (KeyUsageTracker writes both), so the list, one agent and every other answer agree.
 * The registration IP is for the people who approve agents, not for other agents.
 */
export function toAgentDto(a: AgentRow, viewer: Principal, now: Date) {
  const seen = a.lastSeenAt;
  return {
    id: a.id,
    workspaceId: a.workspaceId,
    name: a.name,
    endpoint: a.endpoint,
    dispatchChannel: dispatchChannelOf(a),
    capabilities: a.capabilities,
    description: a.description,
    status: a.status as AgentStatus,
    liveness: a.status === 'active' ? livenessOf(seen, now) : ('offline' as const),
    lastSeenAt: seen?.toISOString() ?? null,
    registrationIp: viewer.kind === 'user' ? a.registrationIp : null,
    rejectionReason: a.rejectionReason,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    keyIssuedAt: a.keyIssuedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}
export type AgentDto = ReturnType<typeof toAgentDto>;
