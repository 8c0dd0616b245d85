import { webhookEndpoints } from '@mc/db';
import { and, eq, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { planPage, toPage, totalFor, type PageQuery, type SortColumns } from '../shared/pagination';
import { administeredWorkspaces, requireWebhookAccess, requireWebhookAdmin, type WebhookRow } from './webhook-access';
import { toWebhookDto } from './webhook-dto';

export const WEBHOOK_SORT_FIELDS = ['createdAt', 'url', 'status'] as const;

const sortColumns: SortColumns<WebhookRow> = {
  createdAt: { column: webhookEndpoints.createdAt, value: (r) => r.createdAt },
  url: { column: webhookEndpoints.url, value: (r) => r.url },
  status: { column: webhookEndpoints.status, value: (r) => r.status },
};
const idColumn = { column: webhookEndpoints.id, value: (r: WebhookRow) => r.id };

export interface FindWebhooksInput extends PageQuery {
  workspaceId?: string;
  status?: 'enabled' | 'disabled';
}

/** GET /webhooks — endpoints of one workspace, or of every workspace the caller administers. */
export async function findWebhooks(ctx: Ctx, input: FindWebhooksInput) {
  const where: (SQL | undefined)[] = [];
  if (input.workspaceId) {
    const workspace = await requireWebhookAdmin(ctx, input.workspaceId, { write: false });
    where.push(eq(webhookEndpoints.workspaceId, workspace.id));
  } else {
    where.push(administeredWorkspaces(ctx, webhookEndpoints.workspaceId));
  }
  if (input.status) where.push(eq(webhookEndpoints.status, input.status));
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  const total = await totalFor(ctx.db, plan, webhookEndpoints, and(...where));
  return toPage(rowsOut, input, plan, sortColumns, idColumn, toWebhookDto, total);
}

/** GET /webhooks/{id} */
export async function getWebhook(ctx: Ctx, webhookId: string) {
  const { webhook } = await requireWebhookAccess(ctx, webhookId, { write: false });
  return toWebhookDto(webhook);
}
