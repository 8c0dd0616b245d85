import { agents } from '@mc/db';
import { eq } from 'drizzle-orm';
import { requireAgent } from '../auth/guards';
import type { Ctx } from '../context';
import { livenessOf } from './agents.rules';

/**
 * POST /agents/me/heartbeat — "I am alive", without spending model tokens. Records last-seen (one indexed
 * UPDATE); the ticket lease renewal joins it when tickets arrive.
 */
export async function recordHeartbeat(ctx: Ctx) {
  const me = requireAgent(ctx);
  const now = ctx.clock.now();
  await ctx.db.update(agents).set({ lastSeenAt: now }).where(eq(agents.id, me.agentId));
  return { agentId: me.agentId, lastSeenAt: now.toISOString(), liveness: livenessOf(now, now), serverTime: now.toISOString() };
}
