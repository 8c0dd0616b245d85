import { agentKeys, agents } from '@mc/db';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { emitEvent } from '../events/emit-event';
import { inTransaction, type Ctx } from '../context';
import { conflict, validation } from '../errors';
import { assertCanManage, requireAgentAccess } from './agent-access';
import { insertAgentKey } from './agent-keys';
import { ROTATION_GRACE_DEFAULT_SECONDS, ROTATION_GRACE_MAX_SECONDS } from './agents.rules';

/**
 * POST /agents/{id}/rotate-key {graceSeconds?} — by the agent itself or a workspace admin. Returns a new key;
 * every key that still works keeps working until `now + graceSeconds` (default 24 h, 0..7 days), then 401.
 * Rotating again during a grace period is well defined: keys already in grace keep the earlier of their own
 * expiry and the new one, so a grace is never extended, and each rotation adds exactly one new key.
 */
export async function rotateAgentKey(ctx: Ctx, agentId: string, input: { graceSeconds?: number }) {
  const grace = input.graceSeconds ?? ROTATION_GRACE_DEFAULT_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > ROTATION_GRACE_MAX_SECONDS) {
    throw validation([{ field: 'graceSeconds', in: 'body', message: `0..${ROTATION_GRACE_MAX_SECONDS}` }], `graceSeconds must be 0..${ROTATION_GRACE_MAX_SECONDS}`);
  }
  return inTransaction(ctx, async (tx) => {
    // The row lock serialises rotations of one agent.
    const a = await requireAgentAccess(tx, agentId, { lock: true });
    assertCanManage(a, { selfAllowed: true });
    if (a.agent.status !== 'active') throw conflict(`only an active agent's key can be rotated; this agent is ${a.agent.status}`);
    const now = tx.clock.now();
    const previousKeyExpiresAt = new Date(now.getTime() + grace * 1000);
    const graced = await tx.db
      .update(agentKeys)
      .set({ expiresAt: sql`LEAST(COALESCE(${agentKeys.expiresAt}, 'infinity'::timestamptz), ${previousKeyExpiresAt.toISOString()}::timestamptz)` })
      .where(and(eq(agentKeys.agentId, agentId), isNull(agentKeys.revokedAt), or(isNull(agentKeys.expiresAt), gt(agentKeys.expiresAt, now))))
      .returning({ id: agentKeys.id });
    const { key, keyId } = await insertAgentKey(tx, a.agent);
    // A key handed out here counts as the first key, so the registration poll never issues another one.
    await tx.db
      .update(agents)
      .set({ keyIssuedAt: a.agent.keyIssuedAt ?? now, keyDelivery: a.agent.keyDelivery ?? 'rotation', updatedAt: now })
      .where(eq(agents.id, agentId));
    await recordActivity(tx, {
      workspaceId: a.agent.workspaceId,
      action: 'agent.key_rotated',
      target: { kind: 'agent', id: agentId },
      summary: `rotated ${a.agent.name}'s API key (previous keys work until ${previousKeyExpiresAt.toISOString()})`,
      metadata: { graceSeconds: grace, newKeyId: keyId, gracedKeyIds: graced.map((g) => g.id), by: a.isSelf ? 'self' : 'admin' },
    });
    await emitEvent(
      tx,
      'agent.key_rotated',
      a.agent.workspaceId,
      { agent: { id: agentId, name: a.agent.name }, previousKeyExpiresAt: previousKeyExpiresAt.toISOString() },
      { agentId },
    );
    return { agentId, apiKey: key, keyId, previousKeyExpiresAt: previousKeyExpiresAt.toISOString(), graceSeconds: grace };
  });
}
