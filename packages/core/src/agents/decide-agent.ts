import { agents } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { emitEvent } from '../events/emit-event';
import { inTransaction, type Ctx } from '../context';
import { conflict } from '../errors';
import { settleAgentRegistrationNotifications } from '../notifications/notifications';
import { postJson } from '../shared/outbound';
import { assertCanManage, requireAgentAccess } from './agent-access';
import { toAgentDto } from './agent-dto';
import { claimFirstKey, releaseFirstKey } from './agent-keys';
import { KEY_CALLBACK_TIMEOUT_MS } from './agents.rules';

/**
 * POST /agents/{id}/approve (workspace admin). The move pending → active is one conditional UPDATE: of two
 * admins approving at once, one wins and the other gets 409, so exactly one key is ever issued. When the agent
 * gave an endpoint, its key is POSTed there right away; if the endpoint does not take it, the key waits for the
 * registration poll instead.
 */
export async function approveAgent(ctx: Ctx, agentId: string) {
  const approved = await inTransaction(ctx, async (tx) => {
    const a = await requireAgentAccess(tx, agentId);
    assertCanManage(a);
    const now = tx.clock.now();
    const me = tx.principal.kind === 'user' ? tx.principal.userId : null;
    const [row] = await tx.db
      .update(agents)
      .set({ status: 'active', decidedBy: me, decidedAt: now, updatedAt: now, version: a.agent.version + 1 })
      .where(and(eq(agents.id, agentId), eq(agents.status, 'pending')))
      .returning();
    if (!row) throw conflict(`this agent is ${a.agent.status}, not pending`, { status: a.agent.status });
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: 'agent.approved',
      target: { kind: 'agent', id: row.id },
      summary: `approved agent ${row.name}`,
      status: row.status,
    });
    await emitEvent(tx, 'agent.approved', row.workspaceId, { agent: { id: row.id, name: row.name } }, { agentId: row.id });
    await settleAgentRegistrationNotifications(tx, row.workspaceId, row.id);
    return row;
  });

  let keyDelivery: 'endpoint_callback' | 'registration_poll' = 'registration_poll';
  let callback: { ok: boolean; status: number | null; excerpt: string } | null = null;
  if (approved.endpoint) {
    const claimed = await inTransaction(ctx, (tx) => claimFirstKey(tx, approved.id, 'endpoint_callback'));
    if (claimed) {
      // postJson checks the endpoint again, literal and resolved address alike: one saved before the address rules
      // or while private targets were allowed is refused here, and the key waits for the registration poll.
      callback = await postJson(
        approved.endpoint,
        { type: 'agent.approved', agentId: approved.id, workspaceId: approved.workspaceId, apiKey: claimed.key },
        { allowPrivate: ctx.config.allowPrivateNetwork, timeoutMs: KEY_CALLBACK_TIMEOUT_MS },
      );
      await inTransaction(ctx, async (tx) => {
        if (callback!.ok) {
          keyDelivery = 'endpoint_callback';
        } else {
          await releaseFirstKey(tx, approved.id, claimed.keyId);
        }
        await recordActivity(tx, {
          workspaceId: approved.workspaceId,
          action: callback!.ok ? 'agent.key_issued' : 'agent.key_callback_failed',
          target: { kind: 'agent', id: approved.id },
          summary: callback!.ok
            ? `delivered ${approved.name}'s API key to its endpoint`
            : `could not deliver ${approved.name}'s API key to its endpoint; it will fetch it with its registration secret`,
          metadata: { delivery: 'endpoint_callback', status: callback!.status, excerpt: callback!.excerpt.slice(0, 200) },
        });
      });
    }
  }
  const [fresh] = await ctx.db.select().from(agents).where(eq(agents.id, approved.id));
  return { ...toAgentDto(fresh, ctx.principal, ctx.clock.now()), keyDelivery };
}

/** POST /agents/{id}/reject {reason} (workspace admin). */
export async function rejectAgent(ctx: Ctx, agentId: string, input: { reason: string }) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireAgentAccess(tx, agentId);
    assertCanManage(a);
    const now = tx.clock.now();
    const me = tx.principal.kind === 'user' ? tx.principal.userId : null;
    const [row] = await tx.db
      .update(agents)
      .set({ status: 'rejected', rejectionReason: input.reason, decidedBy: me, decidedAt: now, updatedAt: now, version: a.agent.version + 1 })
      .where(and(eq(agents.id, agentId), eq(agents.status, 'pending')))
      .returning();
    if (!row) throw conflict(`this agent is ${a.agent.status}, not pending`, { status: a.agent.status });
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: 'agent.rejected',
      target: { kind: 'agent', id: row.id },
      summary: `rejected agent ${row.name}: ${input.reason}`,
      metadata: { reason: input.reason },
      status: row.status,
    });
    await emitEvent(tx, 'agent.rejected', row.workspaceId, { agent: { id: row.id, name: row.name }, reason: input.reason }, { agentId: row.id });
    await settleAgentRegistrationNotifications(tx, row.workspaceId, row.id);
    return toAgentDto(row, tx.principal, now);
  });
}
