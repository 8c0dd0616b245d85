import { agents } from '@mc/db';
import { eq } from 'drizzle-orm';
import { requireAgent } from '../shared/guards';
import type { Ctx } from '../context';
import { publishLive } from '../shared/live';
import { renewLeases } from '../tickets/claim-ticket';
import { livenessOf } from './agents.rules';

/**
 * POST /agents/me/heartbeat — "I am alive", without spending model tokens. Records last-seen and renews the
 * leases of the tickets the agent holds.
 */
export async function recordHeartbeat(ctx: Ctx) {
  const me = requireAgent(ctx);
  const now = ctx.clock.now();
  const [before] = await ctx.db.select({ lastSeenAt: agents.lastSeenAt }).from(agents).where(eq(agents.id, me.agentId)).limit(1);
  await ctx.db.update(agents).set({ lastSeenAt: now }).where(eq(agents.id, me.agentId));
  // Tell open dashboards when the agent comes (back) online; steady heartbeats stay silent.
  if (livenessOf(before?.lastSeenAt ?? null, now) !== 'online') {
    await publishLive(ctx, { type: 'agent.online', workspaceId: me.workspaceId, agentId: me.agentId });
  }
  const leasesRenewed = await renewLeases(ctx, me.agentId);
  return { agentId: me.agentId, lastSeenAt: now.toISOString(), liveness: livenessOf(now, now), serverTime: now.toISOString(), leasesRenewed };
}
