import { memberships, webhookAttempts, webhookDeliveries } from '@mc/db';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { requireUser } from '../shared/guards';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { inWorkspaces, listStatement, perWorkspace } from '../shared/per-workspace';
import { roleAllows } from '../shared/workspaces.rules';
import type { WorkspaceRole } from '@mc/contracts';
import { administered, requireWebhookAccess, requireWebhookAdmin } from './webhook-access';
import { toDeliveryDto, type AttemptRow, type DeliveryRow } from './webhook-dto';

export const WEBHOOK_DELIVERY_SORT_FIELDS = ['createdAt', 'nextAttemptAt', 'lastAttemptAt'] as const;

const sortColumns: SortColumns<DeliveryRow> = {
  createdAt: { column: webhookDeliveries.createdAt, value: (r) => r.createdAt },
  nextAttemptAt: { column: webhookDeliveries.nextAttemptAt, value: (r) => r.nextAttemptAt },
  lastAttemptAt: { column: webhookDeliveries.lastAttemptAt, value: (r) => r.lastAttemptAt },
};
const idColumn = { column: webhookDeliveries.id, value: (r: DeliveryRow) => r.id };

export interface FindWebhookDeliveriesInput extends PageQuery {
  workspaceId?: string;
  webhookId?: string;
  agentId?: string;
  eventId?: string;
  status?: 'pending' | 'succeeded' | 'failed';
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

async function attemptsOf(ctx: Ctx, deliveryIds: string[]): Promise<Map<string, AttemptRow[]>> {
  const byDelivery = new Map<string, AttemptRow[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const rowsOut = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.attempt), asc(webhookAttempts.startedAt), asc(webhookAttempts.id));
  for (const a of rowsOut) byDelivery.get(a.deliveryId)?.push(a);
  return byDelivery;
}

/**
 * The statement of GET /webhook-deliveries: in a workspace, each sort walks `webhook_deliveries_workspace_idx`
 * (workspace, created_at, id), `…_workspace_next_idx`, `…_workspace_last_idx`, and a status filter
 * `…_workspace_status_idx`; one endpoint's deliveries `webhook_deliveries_webhook_idx`; each stops after
 * `limit + 1` rows. Without a workspace or endpoint, one walk per workspace the caller administers (every workspace
 * for the instance admin), merged. Exported so that a test can EXPLAIN it.
 */
export async function deliveryListQuery(ctx: Ctx, input: FindWebhookDeliveriesInput) {
  const where: (SQL | undefined)[] = [];
  if (input.webhookId) {
    const { webhook } = await requireWebhookAccess(ctx, input.webhookId, { write: false });
    where.push(eq(webhookDeliveries.webhookId, webhook.id));
  }
  if (input.workspaceId) {
    const workspace = await requireWebhookAdmin(ctx, input.workspaceId, { write: false });
    where.push(eq(webhookDeliveries.workspaceId, workspace.id));
  }
  if (input.agentId) where.push(eq(webhookDeliveries.agentId, input.agentId));
  if (input.eventId) where.push(eq(webhookDeliveries.eventId, input.eventId));
  if (input.status) where.push(eq(webhookDeliveries.status, input.status));
  const plan = planPage(input, sortColumns, idColumn);
  const select = (inWorkspace: SQL | undefined) =>
    ctx.db
      .select()
      .from(webhookDeliveries)
      .where(and(inWorkspace, ...where, plan.where))
      .orderBy(...plan.orderBy);
  if (input.webhookId || input.workspaceId) {
    return { plan, filter: and(...where), statement: listStatement<DeliveryRow>(select(undefined).limit(plan.limit).offset(plan.offset)) };
  }
  const across = administered(ctx);
  return {
    plan,
    filter: and(inWorkspaces(ctx, across, webhookDeliveries.workspaceId), ...where),
    statement: perWorkspace<DeliveryRow>(ctx, across, 'webhook_deliveries', plan, (ws) => select(sql`${webhookDeliveries.workspaceId} = ${ws}`)),
  };
}

/**
 * GET /webhook-deliveries — deliveries (each with every attempt) of one workspace, one endpoint, or every
 * workspace the caller administers; newest first by default; `meta.total` as `input.total` asks.
 */
export async function findWebhookDeliveries(ctx: Ctx, input: FindWebhookDeliveriesInput) {
  const { plan, filter, statement } = await deliveryListQuery(ctx, input);
  const rowsOut = await statement.run();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, webhookDeliveries, filter);
  const attempts = await attemptsOf(ctx, rowsOut.slice(0, input.limit).map((r) => r.id));
  return toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => toDeliveryDto(r, attempts.get(r.id) ?? []), total);
}

/**
 * One delivery the caller administers, by id and membership in one query; someone else's is 404.
 * `lock` holds the row for the rest of the transaction.
 */
export async function requireDeliveryAccess(ctx: Ctx, deliveryId: string, opts: { lock?: boolean } = {}): Promise<DeliveryRow> {
  const me = requireUser(ctx);
  const q = ctx.db
    .select({ delivery: webhookDeliveries, role: memberships.role })
    .from(webhookDeliveries)
    .leftJoin(memberships, and(eq(memberships.workspaceId, webhookDeliveries.workspaceId), eq(memberships.userId, me.userId)))
    .where(and(eq(webhookDeliveries.id, deliveryId), me.isInstanceAdmin ? undefined : eq(memberships.userId, me.userId)))
    .limit(1);
  const [row] = opts.lock ? await q.for('update', { of: webhookDeliveries }) : await q;
  if (!row) throw notFound('webhook delivery');
  const role: WorkspaceRole = me.isInstanceAdmin ? 'owner' : (row.role as WorkspaceRole);
  if (!roleAllows(role, 'webhooks.read')) throw forbidden('only a workspace admin can see webhook deliveries');
  return row.delivery;
}

/** A delivery row with its attempts, as the API shows it. */
export async function withAttempts(ctx: Ctx, d: DeliveryRow) {
  const attempts = await attemptsOf(ctx, [d.id]);
  return toDeliveryDto(d, attempts.get(d.id) ?? []);
}

/** GET /webhook-deliveries/{id} */
export async function getWebhookDelivery(ctx: Ctx, deliveryId: string) {
  return withAttempts(ctx, await requireDeliveryAccess(ctx, deliveryId));
}
