// Whether the caller may create crons in a workspace, as the workspace DTO says (the server's role table).
// PROVISIONAL: reads `crons.manage` once h/crons adds it; until then the admin rights a cron needs.
import type { Workspace } from '@/src/ui/types';

export function canManageCrons(w: Pick<Workspace, 'permissions' | 'archived'>): boolean {
  const p = w.permissions as Record<string, boolean | undefined>;
  return !w.archived && !!(p['crons.manage'] ?? p['agents.manage']);
}
