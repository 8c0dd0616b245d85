// The public shape of a gateway: never its token or device identity (only that they exist), with its hosted agents
// and the workspace's agents linked to them.
import { agents } from '@mc/db';
import { and, asc, inArray, ne } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { GatewayRow, GatewayViewerRole } from './gateway-access';
import { gatewayAbilities, type GatewayState } from './gateways.rules';

export interface LinkedAgent {
  agentId: string;
  agentName: string;
  gatewayAgentId: string;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toGatewayDto(g: GatewayRow, role: GatewayViewerRole, linked: LinkedAgent[]) {
  const byHosted = new Map(linked.map((l) => [l.gatewayAgentId, l]));
  return {
    id: g.id,
    workspaceId: g.workspaceId,
    name: g.name,
    url: g.url,
    hasToken: true as const,
    tokenUpdatedAt: g.tokenUpdatedAt.toISOString(),
    hasDeviceIdentity: g.deviceIdentityCiphertext !== null,
    state: g.state as GatewayState,
    stateChangedAt: g.stateChangedAt.toISOString(),
    serverVersion: g.serverVersion,
    protocol: g.protocol,
    agents: (g.agents ?? []).map((a) => {
      const l = byHosted.get(a.id);
      return { id: a.id, name: a.name, agentId: l?.agentId ?? null, agentName: l?.agentName ?? null };
    }),
    linkedAgents: linked,
    lastError: g.lastError,
    lastErrorAt: iso(g.lastErrorAt),
    lastSyncedAt: iso(g.lastSyncedAt),
    syncRequestedAt: iso(g.syncRequestedAt),
    can: gatewayAbilities(role),
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
    version: g.version,
  };
}
export type GatewayDto = ReturnType<typeof toGatewayDto>;

/**
 * The agents linked to a page of gateways (one statement, a probe of `agents_gateway_agent_key` per gateway), in the
 * gateways' own workspace; deleted agents are left out.
 */
export async function linkedAgents(ctx: Ctx, rows: Pick<GatewayRow, 'id' | 'workspaceId'>[]): Promise<Map<string, LinkedAgent[]>> {
  const out = new Map<string, LinkedAgent[]>();
  if (rows.length === 0) return out;
  const found = await ctx.db
    .select({ gatewayId: agents.gatewayId, workspaceId: agents.workspaceId, agentId: agents.id, agentName: agents.name, gatewayAgentId: agents.gatewayAgentId })
    .from(agents)
    .where(and(inArray(agents.gatewayId, rows.map((r) => r.id)), inArray(agents.workspaceId, [...new Set(rows.map((r) => r.workspaceId))]), ne(agents.status, 'deleted')))
    .orderBy(asc(agents.gatewayAgentId), asc(agents.id));
  const wsOf = new Map(rows.map((r) => [r.id, r.workspaceId]));
  for (const f of found) {
    if (!f.gatewayId || !f.gatewayAgentId || wsOf.get(f.gatewayId) !== f.workspaceId) continue;
    const list = out.get(f.gatewayId) ?? [];
    list.push({ agentId: f.agentId, agentName: f.agentName, gatewayAgentId: f.gatewayAgentId });
    out.set(f.gatewayId, list);
  }
  return out;
}

export async function gatewayAnswer(ctx: Ctx, row: GatewayRow, role: GatewayViewerRole): Promise<GatewayDto> {
  const linked = await linkedAgents(ctx, [row]);
  return toGatewayDto(row, role, linked.get(row.id) ?? []);
}

