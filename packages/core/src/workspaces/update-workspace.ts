import { settings, workspaces } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { publishLive } from '../shared/live';
import { inTransaction, type Ctx } from '../context';
import { conflict, forbidden, isUniqueViolation, staleVersion } from '../errors';
import { getDefaultWorkspaceId, SETTING } from '../settings/settings';
import { requireWorkspaceAccess, workspaceArchived, type WorkspaceRow } from '../shared/workspace-access';
import { toWorkspaceDto } from './workspace-dto';
import { roleAllows } from '../shared/workspaces.rules';

export interface UpdateWorkspaceInput {
  name?: string;
  slug?: string;
  mission?: string;
  emoji?: string;
  color?: string;
  defaultRepository?: string | null;
  archived?: boolean;
  /** Expected current version (optimistic concurrency); omitted = last write wins. */
  version?: number;
}

/**
 * Write `changes` if the row is still at `expectedVersion`; bumps the version. A stale version is 409 with the
 * current one in `details`, so the client can reload and retry.
 */
export async function updateWorkspaceRow(ctx: Ctx, ws: WorkspaceRow, changes: Partial<WorkspaceRow>, expectedVersion?: number) {
  const [row] = await ctx.db
    .update(workspaces)
    .set({ ...changes, updatedAt: ctx.clock.now(), version: sql`${workspaces.version} + 1` })
    .where(and(eq(workspaces.id, ws.id), expectedVersion === undefined ? undefined : eq(workspaces.version, expectedVersion)))
    .returning();
  if (!row) {
    const [current] = await ctx.db.select({ version: workspaces.version }).from(workspaces).where(eq(workspaces.id, ws.id));
    throw staleVersion('workspace', current?.version ?? null, expectedVersion);
  }
  return row;
}

/** PATCH /workspaces/{id} — edit (admin); `archived` archives or restores (owner). */
export async function updateWorkspace(ctx: Ctx, idOrSlug: string, input: UpdateWorkspaceInput) {
  const { archived, version, ...fields } = input;
  const touchesArchive = archived !== undefined;
  const hasEdits = Object.values(fields).some((v) => v !== undefined);
  try {
    return await inTransaction(ctx, async (tx) => {
      // Read access first: restoring (with or without edits in the same PATCH) must pass the archived check,
      // which applies to write permissions; the role checks follow explicitly.
      const access = await requireWorkspaceAccess(tx, idOrSlug, 'workspace.read');
      // An empty PATCH is an edit too (it would bump the version): it needs the update permission.
      if ((hasEdits || !touchesArchive) && !roleAllows(access.effectiveRole, 'workspace.update')) {
        throw forbidden(`your role (${access.effectiveRole}) cannot do this here`);
      }
      if (touchesArchive && !roleAllows(access.effectiveRole, 'workspace.archive')) {
        throw forbidden('only an owner can archive or restore a workspace');
      }
      if (access.workspace.archivedAt && hasEdits && archived !== false) {
        throw workspaceArchived();
      }
      const changes: Partial<WorkspaceRow> = {};
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) (changes as Record<string, unknown>)[k] = v;
      if (touchesArchive) changes.archivedAt = archived ? (access.workspace.archivedAt ?? tx.clock.now()) : null;
      const row = await updateWorkspaceRow(tx, access.workspace, changes, version);
      const changed = Object.keys(changes).filter((k) => k !== 'archivedAt');
      if (changed.length) {
        await recordActivity(tx, {
          workspaceId: row.id,
          action: 'workspace.updated',
          target: { kind: 'workspace', id: row.id },
          summary: `updated ${changed.join(', ')}`,
          metadata: { changes: Object.fromEntries(changed.map((k) => [k, (changes as Record<string, unknown>)[k]])) },
        });
      }
      if (archived && !access.workspace.archivedAt && (await getDefaultWorkspaceId(tx)) === row.id) {
        // An archived workspace cannot be where new users land.
        await tx.db.delete(settings).where(eq(settings.key, SETTING.defaultWorkspaceId));
        await recordActivity(tx, {
          workspaceId: row.id,
          action: 'settings.default_workspace_set',
          target: { kind: 'workspace', id: null },
          summary: 'cleared the default workspace because it was archived',
        });
      }
      if (touchesArchive && !!access.workspace.archivedAt !== !!archived) {
        await recordActivity(tx, {
          workspaceId: row.id,
          action: archived ? 'workspace.archived' : 'workspace.restored',
          target: { kind: 'workspace', id: row.id },
          summary: `${archived ? 'archived' : 'restored'} workspace ${row.name}`,
        });
        // Agents long-polling for work wake: a restored workspace offers its tickets again.
        await publishLive(tx, { type: archived ? 'workspace.archived' : 'workspace.restored', workspaceId: row.id });
      }
      return toWorkspaceDto(row, access.role, await getDefaultWorkspaceId(tx), tx.principal);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'workspaces_slug_key')) {
      throw conflict(`the slug "${input.slug}" is taken`, { issues: [{ field: 'slug', in: 'body', message: 'already taken' }] });
    }
    throw err;
  }
}

/** DELETE /workspaces/{id} — archives (owner). History is kept; PATCH {archived:false} restores it. */
export async function archiveWorkspace(ctx: Ctx, idOrSlug: string) {
  return updateWorkspace(ctx, idOrSlug, { archived: true });
}
