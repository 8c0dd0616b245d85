import { agents } from '@mc/db';
import { eq } from 'drizzle-orm';
import { timingSafeEqual } from 'node:crypto';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { unauthenticated } from '../errors';
import { sha256 } from '../shared/crypto';
import { claimFirstKey } from './agent-keys';
import type { AgentStatus } from './agents.rules';

const badSecret = () => unauthenticated('unknown agent or wrong registration secret');

function sameHash(a: string, b: string) {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * GET /agents/{id}/registration with the registration secret — the agent's view of its application. After
 * approval the first read returns the API key (`apiKey`); no later read ever shows it again.
 */
export async function getRegistration(ctx: Ctx, agentId: string, secret: string | null) {
  if (!secret) throw unauthenticated('send the registration secret as Authorization: Bearer <secret>');
  const [agent] = await ctx.db.select().from(agents).where(eq(agents.id, agentId)).limit(1);
  if (!agent || !sameHash(agent.registrationSecretHash, sha256(secret))) throw badSecret();
  const base = {
    agentId: agent.id,
    workspaceId: agent.workspaceId,
    status: agent.status as AgentStatus,
    rejectionReason: agent.rejectionReason,
  };
  if (agent.status !== 'active' || agent.keyIssuedAt) {
    return { ...base, apiKey: null, keyDelivery: (agent.keyDelivery as string | null) ?? null };
  }
  return inTransaction(
    { ...ctx, principal: { kind: 'agent', agentId: agent.id, workspaceId: agent.workspaceId, name: agent.name, capabilities: agent.capabilities, credentialId: 'registration' } },
    async (tx) => {
      const claimed = await claimFirstKey(tx, agent.id, 'registration_poll');
      if (!claimed) {
        const [again] = await tx.db.select().from(agents).where(eq(agents.id, agentId)).limit(1);
        return { ...base, status: again.status as AgentStatus, apiKey: null, keyDelivery: again.keyDelivery ?? null };
      }
      await recordActivity(tx, {
        workspaceId: agent.workspaceId,
        action: 'agent.key_issued',
        target: { kind: 'agent', id: agent.id },
        summary: `fetched its API key with its registration secret`,
        metadata: { delivery: 'registration_poll', keyId: claimed.keyId },
      });
      return { ...base, apiKey: claimed.key, keyDelivery: 'registration_poll' };
    },
  );
}
