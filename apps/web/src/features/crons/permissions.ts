// Whether the caller may create crons targeting a workspace, as the workspace says (the server's role table:
// `crons.manage`; a cron needs it in every workspace it targets, which the server checks on save).
import type { Workspace } from '@/src/ui/types';

export function canManageCrons(w: Pick<Workspace, 'permissions' | 'archived'>): boolean {
  return !w.archived && !!w.permissions['crons.manage'];
}
