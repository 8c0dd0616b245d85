// Agents and the agents a gateway hosts (issue 15, point 3): link a Mission Control agent to a hosted agent, unlink
// it, or "add as agent" — a new agent, approved, in the gateway's workspace, linked at once.
import { agents, gateways } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { assertCanManage, requireAgentAccess } from '../agents/agent-access';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation, validation } from '../errors';
import { emitEvent } from '../events/emit-event';
import { sha256, newSecret } from '../shared/crypto';
import { requireUser } from '../shared/guards';
import { newId } from '../shared/ids';
import { requireGatewayAccess, type GatewayRow } from './gateway-access';
import { AGENT_NAME_PATTERN } from '../agents/agents.rules';

export interface GatewayLinkInput {
  gatewayId: string;
  gatewayAgentId: string;
}

/**
 * The hosted agent must be one the gateway listed, once it has listed any (`last_synced_at`): before its first sync
 * nothing is known, and the link is taken as given (the dispatch fails cleanly if the id is wrong).
 */
function assertHosted(g: GatewayRow, gatewayAgentId: string) {
  if (g.lastSyncedAt && !(g.agents ?? []).some((a) => a.id === gatewayAgentId)) {
    throw validation([{ field: 'gatewayAgentId', in: 'body', message: 'this gateway does not host an agent with this id' }], 'gatewayAgentId: not hosted by this gateway');
  }
}

const alreadyLinked = (gatewayAgentId: string) =>
  conflict(`the gateway's agent "${gatewayAgentId}" is already linked to another agent`, {
    reason: 'already_linked',
    issues: [{ field: 'gatewayAgentId', in: 'body', message: 'already linked to another agent' }],
  });

const linkOf = (a: typeof agents.$inferSelect) => ({ agentId: a.id, workspaceId: a.workspaceId, gatewayId: a.gatewayId, gatewayAgentId: a.gatewayAgentId });

/** The gateway, in the agent's workspace only: one elsewhere (or none) is the same 400, so nothing leaks. */
async function gatewayInWorkspace(ctx: Ctx, gatewayId: string, workspaceId: string): Promise<GatewayRow> {
  const [g] = await ctx.db
    .select()
    .from(gateways)
    .where(and(eq(gateways.id, gatewayId), eq(gateways.workspaceId, workspaceId)))
    .limit(1);
  if (!g) throw validation([{ field: 'gatewayId', in: 'body', message: "no such gateway in this agent's workspace" }], "gatewayId: no such gateway in this agent's workspace");
  return g;
}

/** PUT /agents/{id}/gateway-link — workspace admins (agents.manage); replaces an earlier link of the agent. */
export async function linkAgentToGateway(ctx: Ctx, agentId: string, input: GatewayLinkInput) {
  requireUser(ctx);
  try {
    return await inTransaction(ctx, async (tx) => {
      const a = await requireAgentAccess(tx, agentId, { lock: true });
      assertCanManage(a);
      if (a.agent.status === 'deleted' || a.agent.status === 'rejected') throw conflict(`a ${a.agent.status} agent cannot be linked`, { reason: 'agent_status', status: a.agent.status });
      const g = await gatewayInWorkspace(tx, input.gatewayId, a.agent.workspaceId);
      assertHosted(g, input.gatewayAgentId);
      if (a.agent.gatewayId === g.id && a.agent.gatewayAgentId === input.gatewayAgentId) return linkOf(a.agent);
      const now = tx.clock.now();
      const [row] = await tx.db
        .update(agents)
        .set({ gatewayId: g.id, gatewayAgentId: input.gatewayAgentId, updatedAt: now, version: a.agent.version + 1 })
        .where(and(eq(agents.id, a.agent.id), eq(agents.workspaceId, a.agent.workspaceId)))
        .returning();
      await recordActivity(tx, {
        workspaceId: row.workspaceId,
        action: 'agent.gateway_linked',
        target: { kind: 'agent', id: row.id },
        summary: `linked agent ${row.name} to "${input.gatewayAgentId}" on gateway "${g.name}"`,
        metadata: { gatewayId: g.id, gatewayAgentId: input.gatewayAgentId, previous: a.agent.gatewayId ? { gatewayId: a.agent.gatewayId, gatewayAgentId: a.agent.gatewayAgentId } : null },
      });
      return linkOf(row);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'agents_gateway_agent_key')) throw alreadyLinked(input.gatewayAgentId);
    throw err;
  }
}

/** DELETE /agents/{id}/gateway-link — the agent stays; it is no longer dispatched to through the gateway. */
export async function unlinkAgentFromGateway(ctx: Ctx, agentId: string) {
  requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const a = await requireAgentAccess(tx, agentId, { lock: true });
    // Taking a link away revokes a path to the agent: allowed in an archived workspace too (ADR 0003).
    assertCanManage(a, { revokesAccess: true });
    if (!a.agent.gatewayId) return linkOf(a.agent);
    const [row] = await tx.db
      .update(agents)
      .set({ gatewayId: null, gatewayAgentId: null, updatedAt: tx.clock.now(), version: a.agent.version + 1 })
      .where(and(eq(agents.id, a.agent.id), eq(agents.workspaceId, a.agent.workspaceId)))
      .returning();
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: 'agent.gateway_unlinked',
      target: { kind: 'agent', id: row.id },
      summary: `unlinked agent ${row.name} from its gateway`,
      metadata: { gatewayId: a.agent.gatewayId, gatewayAgentId: a.agent.gatewayAgentId },
    });
    return linkOf(row);
  });
}

/** A Mission Control agent name from a hosted agent's name or id (AGENT_NAME_PATTERN), or null when none fits. */
export function agentNameFor(hosted: { id: string; name?: string | null }): string | null {
  for (const raw of [hosted.name, hosted.id]) {
    if (!raw) continue;
    const name = raw
      .trim()
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 64);
    if (AGENT_NAME_PATTERN.test(name)) return name;
  }
  return null;
}

export interface AddGatewayAgentInput {
  gatewayAgentId: string;
  name?: string;
}

/**
 * POST /gateways/{id}/agents — "add as agent": a hosted agent without a counterpart becomes an agent of the
 * gateway's workspace, approved (`active`: a workspace admin adds it, which is the approval) and linked. It has no
 * API key (it is reached through the gateway); one can be issued with the key rotation like any agent's.
 */
export async function addGatewayAgent(ctx: Ctx, gatewayId: string, input: AddGatewayAgentInput) {
  const me = requireUser(ctx);
  try {
    return await inTransaction(ctx, async (tx) => {
      const { gateway } = await requireGatewayAccess(tx, gatewayId, { write: true, lock: true });
      assertHosted(gateway, input.gatewayAgentId);
      const hosted = (gateway.agents ?? []).find((a) => a.id === input.gatewayAgentId) ?? { id: input.gatewayAgentId, name: input.gatewayAgentId };
      const name = input.name ?? agentNameFor(hosted);
      if (!name) throw validation([{ field: 'name', in: 'body', message: 'no usable name could be made from the hosted agent; give one' }], 'name: required for this hosted agent');
      const now = tx.clock.now();
      const [agent] = await tx.db
        .insert(agents)
        .values({
          id: newId('agt', now.getTime()),
          workspaceId: gateway.workspaceId,
          name,
          description: `OpenClaw agent "${hosted.name}" on gateway ${gateway.name}`.slice(0, 500),
          status: 'active',
          // No registration happened: a random secret nobody holds, so the registration poll can never answer.
          registrationSecretHash: sha256(newSecret('mc_reg_')),
          decidedBy: me.userId,
          decidedAt: now,
          gatewayId: gateway.id,
          gatewayAgentId: input.gatewayAgentId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordActivity(tx, {
        workspaceId: gateway.workspaceId,
        action: 'agent.added_from_gateway',
        target: { kind: 'agent', id: agent.id },
        summary: `added agent ${agent.name} from "${input.gatewayAgentId}" on gateway "${gateway.name}"`,
        metadata: { gatewayId: gateway.id, gatewayAgentId: input.gatewayAgentId },
      });
      await emitEvent(tx, 'agent.approved', gateway.workspaceId, { agent: { id: agent.id, name: agent.name } }, { agentId: agent.id });
      return { agentId: agent.id, name: agent.name, workspaceId: agent.workspaceId, status: 'active' as const, gatewayId: gateway.id, gatewayAgentId: input.gatewayAgentId };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'agents_gateway_agent_key')) throw alreadyLinked(input.gatewayAgentId);
    if (isUniqueViolation(err, 'agents_workspace_name_key')) {
      throw conflict(`an agent named "${input.name ?? input.gatewayAgentId}" already exists in this workspace`, {
        issues: [{ field: 'name', in: 'body', message: 'already taken in this workspace; give another name' }],
      });
    }
    throw err;
  }
}
