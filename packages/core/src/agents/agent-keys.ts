import { agentKeys, agents } from '@mc/db';
import { and, eq, isNull } from 'drizzle-orm';
import { AGENT_KEY_PREFIX, KEY_DISPLAY_CHARS } from '../auth/auth.rules';
import type { Ctx } from '../context';
import { newSecret, sha256 } from '../shared/crypto';
import { newId } from '../shared/ids';

/** Store a new key for an agent (hash only) and return the secret. */
export async function insertAgentKey(ctx: Ctx, agent: { id: string; workspaceId: string }) {
  const key = newSecret(AGENT_KEY_PREFIX);
  const now = ctx.clock.now();
  const id = newId('akey', now.getTime());
  await ctx.db.insert(agentKeys).values({
    id,
    agentId: agent.id,
    workspaceId: agent.workspaceId,
    keyPrefix: key.slice(0, KEY_DISPLAY_CHARS),
    keyHash: sha256(key),
    createdAt: now,
  });
  return { key, keyId: id };
}

/**
 * Hand over an approved agent's first key, once: whichever channel claims it first (the registration poll or
 * the endpoint callback) gets it; every later claim gets null. The claim is one conditional UPDATE, so two
 * racing readers never both receive a key.
 */
export async function claimFirstKey(ctx: Ctx, agentId: string, delivery: 'registration_poll' | 'endpoint_callback') {
  const now = ctx.clock.now();
  const [agent] = await ctx.db
    .update(agents)
    .set({ keyIssuedAt: now, keyDelivery: delivery })
    .where(and(eq(agents.id, agentId), eq(agents.status, 'active'), isNull(agents.keyIssuedAt)))
    .returning();
  if (!agent) return null;
  return { agent, ...(await insertAgentKey(ctx, agent)) };
}

/** Undo a claim whose delivery failed (the endpoint refused it), so that the registration poll can claim it. */
export async function releaseFirstKey(ctx: Ctx, agentId: string, keyId: string) {
  await ctx.db.delete(agentKeys).where(eq(agentKeys.id, keyId));
  await ctx.db.update(agents).set({ keyIssuedAt: null, keyDelivery: null }).where(eq(agents.id, agentId));
}
