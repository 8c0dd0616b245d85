import { memberships, webhookAttempts, webhookDeliveries } from '@mc/db';
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { requireUser } from '../shared/guards';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { planPage, toPage, totalFor, type PageQuery, type SortColumns } from '../shared/pagination';
import { roleAllows } from '../shared/workspaces.rules';
import type { WorkspaceRole } from '@mc/contracts';
import { administeredWorkspaces, requireWebhookAccess, requireWebhookAdmin } from './webhook-access';
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
 * GET /webhook-deliveries — deliveries (each with every attempt) of one workspace, one endpoint, or every
 * workspace the caller administers; newest first by default.
 */
export async function findWebhookDeliveries(ctx: Ctx, input: FindWebhookDeliveriesInput) {
  const where: (SQL | undefined)[] = [];
  if (input.webhookId) {
    const { webhook } = await requireWebhookAccess(ctx, input.webhookId, { write: false });
    where.push(eq(webhookDeliveries.webhookId, webhook.id));
  }
  if (input.workspaceId) {
    const workspace = await requireWebhookAdmin(ctx, input.workspaceId, { write: false });
    where.push(eq(webhookDeliveries.workspaceId, workspace.id));
  }
  if (!input.webhookId && !input.workspaceId) where.push(administeredWorkspaces(ctx, webhookDeliveries.workspaceId));
  if (input.agentId) where.push(eq(webhookDeliveries.agentId, input.agentId));
  if (input.eventId) where.push(eq(webhookDeliveries.eventId, input.eventId));
  if (input.status) where.push(eq(webhookDeliveries.status, input.status));
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  const total = await totalFor(ctx.db, plan, webhookDeliveries, and(...where));
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
