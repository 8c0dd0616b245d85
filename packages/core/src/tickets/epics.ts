import { epics } from '@mc/db';
import { asc, eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { newId } from '../shared/ids';
import { requireWorkspaceAccess } from '../shared/workspace-access';

function toEpicDto(e: typeof epics.$inferSelect) {
  return { id: e.id, workspaceId: e.workspaceId, title: e.title, description: e.description, createdAt: e.createdAt.toISOString() };
}

/** POST /epics — a group of tickets. */
export async function createEpic(ctx: Ctx, input: { workspaceId: string; title: string; description?: string }) {
  return inTransaction(ctx, async (tx) => {
    const { workspace } = await requireWorkspaceAccess(tx, input.workspaceId, 'tickets.write');
    const now = tx.clock.now();
    const [epic] = await tx.db
      .insert(epics)
      .values({ id: newId('epc', now.getTime()), workspaceId: workspace.id, title: input.title, description: input.description ?? '', createdAt: now, updatedAt: now })
      .returning();
    await recordActivity(tx, { workspaceId: workspace.id, action: 'epic.created', target: { kind: 'epic', id: epic.id }, summary: `created epic ${epic.title}` });
    return toEpicDto(epic);
  });
}

/** GET /epics?workspaceId= */
export async function findEpics(ctx: Ctx, input: { workspaceId: string }) {
  const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'tickets.read');
  const rowsOut = await ctx.db.select().from(epics).where(eq(epics.workspaceId, workspace.id)).orderBy(asc(epics.createdAt)).limit(1000);
  return rowsOut.map(toEpicDto);
}
