import { webhookEndpoints } from '@mc/db';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { inWorkspaces, listStatement, perWorkspace } from '../shared/per-workspace';
import { administered, requireWebhookAccess, requireWebhookAdmin, type WebhookRow } from './webhook-access';
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
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

/**
 * The statement of GET /webhooks: each sort walks `webhook_endpoints_workspace_idx` (workspace, created_at, id),
 * `…_workspace_url_idx` or `…_workspace_status_idx` and stops after `limit + 1` rows; without `?workspaceId=`, one
 * walk per workspace the caller administers (every workspace for the instance admin), merged. Exported for EXPLAIN.
 */
export async function webhookListQuery(ctx: Ctx, input: FindWebhooksInput) {
  const where: (SQL | undefined)[] = [];
  if (input.status) where.push(eq(webhookEndpoints.status, input.status));
  const plan = planPage(input, sortColumns, idColumn);
  const select = (inWorkspace: SQL | undefined) =>
    ctx.db
      .select()
      .from(webhookEndpoints)
      .where(and(inWorkspace, ...where, plan.where))
      .orderBy(...plan.orderBy);
  if (input.workspaceId) {
    const workspace = await requireWebhookAdmin(ctx, input.workspaceId, { write: false });
    const scope = eq(webhookEndpoints.workspaceId, workspace.id);
    return { plan, filter: and(scope, ...where), statement: listStatement<WebhookRow>(select(scope).limit(plan.limit).offset(plan.offset)) };
  }
  const across = administered(ctx);
  return {
    plan,
    filter: and(inWorkspaces(ctx, across, webhookEndpoints.workspaceId), ...where),
    statement: perWorkspace<WebhookRow>(ctx, across, 'webhook_endpoints', plan, (ws) => select(sql`${webhookEndpoints.workspaceId} = ${ws}`)),
  };
}

/** GET /webhooks — endpoints of one workspace, or of every workspace the caller administers. */
export async function findWebhooks(ctx: Ctx, input: FindWebhooksInput) {
  const { plan, filter, statement } = await webhookListQuery(ctx, input);
  const rowsOut = await statement.run();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, webhookEndpoints, filter);
  return toPage(rowsOut, input, plan, sortColumns, idColumn, toWebhookDto, total);
}

/** GET /webhooks/{id} */
export async function getWebhook(ctx: Ctx, webhookId: string) {
  const { webhook } = await requireWebhookAccess(ctx, webhookId, { write: false });
  return toWebhookDto(webhook);
}
