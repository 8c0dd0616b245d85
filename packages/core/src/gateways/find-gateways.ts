// Reading gateways: the list of one workspace (every member; its agents too) and one gateway.
import { gateways } from '@mc/db';
import { and, eq, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { requirePrincipal } from '../shared/guards';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { requireGatewayAccess, type GatewayRow, type GatewayViewerRole } from './gateway-access';
import { gatewayAnswer, linkedAgents, toGatewayDto } from './gateway-dto';
import { GATEWAY_RULES, type GatewayState } from './gateways.rules';

export const GATEWAY_SORT_FIELDS = ['createdAt', 'name', 'state'] as const;

const sortColumns: SortColumns<GatewayRow> = {
  createdAt: { column: gateways.createdAt, value: (r) => r.createdAt },
  name: { column: gateways.name, value: (r) => r.name },
  state: { column: gateways.state, value: (r) => r.state },
};
const idColumn = { column: gateways.id, value: (r: GatewayRow) => r.id };

export interface FindGatewaysInput extends PageQuery {
  workspaceId: string;
  state?: GatewayState;
  total?: TotalMode;
}

/**
 * GET /gateways?workspaceId= — each sort walks its (workspace_id, key, id) index (gateways_workspace_*_idx) and
 * stops after the page; linked agents for the whole page in one more statement.
 */
export async function findGateways(ctx: Ctx, input: FindGatewaysInput) {
  const me = requirePrincipal(ctx);
  const access = await requireWorkspaceAccess(ctx, input.workspaceId, GATEWAY_RULES.readPermission);
  const role: GatewayViewerRole = me.kind === 'agent' ? 'agent' : access.effectiveRole;
  const filter = and(eq(gateways.workspaceId, access.workspace.id), input.state ? eq(gateways.state, input.state) : undefined) as SQL;
  const plan = planPage(input, sortColumns, idColumn);
  const rows = await ctx.db.select().from(gateways).where(and(filter, plan.where)).orderBy(...plan.orderBy).limit(plan.limit).offset(plan.offset);
  const total = await pageTotal(ctx.db, plan, input.total, rows.length, gateways, filter);
  const page = toPage(rows, input, plan, sortColumns, idColumn, (r) => r, total);
  const linked = await linkedAgents(ctx, page.items);
  return { ...page, items: page.items.map((r) => toGatewayDto(r, role, linked.get(r.id) ?? [])) };
}

/** GET /gateways/{id} */
export async function getGateway(ctx: Ctx, gatewayId: string) {
  const { gateway, role } = await requireGatewayAccess(ctx, gatewayId, { write: false });
  return gatewayAnswer(ctx, gateway, role);
}
