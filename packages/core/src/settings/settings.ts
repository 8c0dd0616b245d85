import { settings, workspaces } from '@mc/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { Ctx } from '../context';
import { recordActivity } from '../activity/record-activity';
import { requireInstanceAdmin } from '../shared/guards';
import { inTransaction } from '../context';
import { notFound } from '../errors';

export const SETTING = {
  defaultWorkspaceId: 'default_workspace_id',
  setupCompletedAt: 'setup_completed_at',
} as const;

export async function getSetting<T>(ctx: Pick<Ctx, 'db'>, key: string): Promise<T | null> {
  const [row] = await ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
  return row ? (row.value as T) : null;
}

export async function getDefaultWorkspaceId(ctx: Pick<Ctx, 'db'>): Promise<string | null> {
  return getSetting<string>(ctx, SETTING.defaultWorkspaceId);
}

/** PUT /settings/default-workspace — where new users land (instance admin). `null` clears it. */
export async function setDefaultWorkspace(ctx: Ctx, input: { workspaceId: string | null }) {
  requireInstanceAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    if (input.workspaceId === null) {
      await tx.db.delete(settings).where(eq(settings.key, SETTING.defaultWorkspaceId));
    } else {
      const [ws] = await tx.db
        .select({ id: workspaces.id })
        .from(workspaces)
        .where(and(eq(workspaces.id, input.workspaceId), isNull(workspaces.archivedAt)))
        .limit(1);
      if (!ws) throw notFound('workspace');
      await tx.db
        .insert(settings)
        .values({ key: SETTING.defaultWorkspaceId, value: ws.id, updatedAt: tx.clock.now() })
        .onConflictDoUpdate({ target: settings.key, set: { value: ws.id, updatedAt: tx.clock.now() } });
    }
    await recordActivity(tx, {
      workspaceId: input.workspaceId,
      action: 'settings.default_workspace_set',
      target: { kind: 'workspace', id: input.workspaceId },
      summary: input.workspaceId ? 'set the default workspace' : 'cleared the default workspace',
    });
    return { workspaceId: input.workspaceId };
  });
}
