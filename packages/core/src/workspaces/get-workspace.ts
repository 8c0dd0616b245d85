import type { Ctx } from '../context';
import { getDefaultWorkspaceId } from '../settings/settings';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { toWorkspaceDto } from './workspace-dto';

/** GET /workspaces/{id} — by id or slug; 404 unless the caller is a member (or an instance admin). */
export async function getWorkspace(ctx: Ctx, idOrSlug: string) {
  const { workspace, role } = await requireWorkspaceAccess(ctx, idOrSlug, 'workspace.read');
  return toWorkspaceDto(workspace, role, await getDefaultWorkspaceId(ctx), ctx.principal);
}
