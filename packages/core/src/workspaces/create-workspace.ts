import { memberships, workspaces } from '@mc/db';
import { recordActivity } from '../activity/record-activity';
import { requireUser } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation } from '../errors';
import { ID_PREFIX, newId } from '../shared/ids';
import { getDefaultWorkspaceId } from '../settings/settings';
import { toWorkspaceDto } from './workspace-dto';

export interface CreateWorkspaceInput {
  name: string;
  slug: string;
  mission?: string;
  emoji?: string;
  color?: string;
}

/** POST /workspaces — any signed-in user may create one and becomes its owner. */
export async function createWorkspace(ctx: Ctx, input: CreateWorkspaceInput) {
  const me = requireUser(ctx);
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const [ws] = await tx.db
        .insert(workspaces)
        .values({
          id: newId(ID_PREFIX.workspace, now.getTime()),
          slug: input.slug,
          name: input.name,
          mission: input.mission ?? '',
          emoji: input.emoji ?? '🚀',
          color: input.color ?? '#6366f1',
          createdBy: me.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await tx.db.insert(memberships).values({ workspaceId: ws.id, userId: me.userId, role: 'owner', createdAt: now, updatedAt: now });
      await recordActivity(tx, {
        workspaceId: ws.id,
        action: 'workspace.created',
        target: { kind: 'workspace', id: ws.id },
        summary: `created workspace ${ws.emoji} ${ws.name}`,
        metadata: { slug: ws.slug },
      });
      return toWorkspaceDto(ws, 'owner', await getDefaultWorkspaceId(tx), tx.principal);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'workspaces_slug_key')) {
      throw conflict(`the slug "${input.slug}" is taken`, { issues: [{ field: 'slug', in: 'body', message: 'already taken' }] });
    }
    throw err;
  }
}
