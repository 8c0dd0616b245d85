import { agentKeys, agents } from '@mc/db';
import { and, eq, isNull } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { emitEvent } from '../events/emit-event';
import { inTransaction, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { assertCanManage, requireAgentAccess } from './agent-access';
import { settleAgentRegistrationNotifications } from '../notifications/notifications';
import { toAgentDto } from './agent-dto';
import { canMoveAgent, type AgentStatus } from './agents.rules';

const VERB: Record<'active' | 'deactivated' | 'deleted', { action: string; past: string }> = {
  active: { action: 'agent.activated', past: 'reactivated' },
  deactivated: { action: 'agent.deactivated', past: 'deactivated' },
  deleted: { action: 'agent.deleted', past: 'deleted' },
};

/**
 * Deactivate (keys stop at once; reactivation restores them), reactivate, or delete (keys revoked for good;
 * the agent leaves every list but its history stays). Workspace admins only.
 */
async function moveAgent(ctx: Ctx, agentId: string, to: 'active' | 'deactivated' | 'deleted') {
  return inTransaction(ctx, async (tx) => {
    const a = await requireAgentAccess(tx, agentId, { lock: true });
    // Reactivating gives access back: refused while archived; deactivating and deleting take it away: allowed.
    assertCanManage(a, { revokesAccess: to !== 'active' });
    const from = a.agent.status as AgentStatus;
    if (from === 'deleted') throw notFound('agent');
    if (!canMoveAgent(from, to) || (to === 'active' && from !== 'deactivated')) {
      throw conflict(`an agent that is ${from} cannot become ${to}`, { status: from });
    }
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(agents)
      .set({ status: to, updatedAt: now, version: a.agent.version + 1, ...(to === 'deleted' ? { deletedAt: now } : {}) })
      .where(eq(agents.id, agentId))
      .returning();
    if (to === 'deleted') {
      await tx.db.update(agentKeys).set({ revokedAt: now }).where(and(eq(agentKeys.agentId, agentId), isNull(agentKeys.revokedAt)));
    }
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: VERB[to].action,
      target: { kind: 'agent', id: row.id },
      summary: `${VERB[to].past} agent ${row.name}`,
      metadata: { from },
      status: row.status,
    });
    // Deleting a pending agent decides its approval request too.
    if (from === 'pending') await settleAgentRegistrationNotifications(tx, row.workspaceId, row.id);
    const type = to === 'active' ? 'agent.activated' : to === 'deactivated' ? 'agent.deactivated' : 'agent.deleted';
    await emitEvent(tx, type, row.workspaceId, { agent: { id: row.id, name: row.name } }, { agentId: row.id });
    return toAgentDto(row, tx.principal, now);
  });
}

export const deactivateAgent = (ctx: Ctx, id: string) => moveAgent(ctx, id, 'deactivated');
export const activateAgent = (ctx: Ctx, id: string) => moveAgent(ctx, id, 'active');
export const deleteAgent = (ctx: Ctx, id: string) => moveAgent(ctx, id, 'deleted');
