'use client';
// Workspaces, the signed-in user's view: the list (paged, filtered), one workspace, and creating one.
import { api, type BodyOf, type QueryOf, type Schemas } from '@/src/data/client';
import { globalKey, keys } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';
import { usePagedList } from '@/src/data/paging';

export type Workspace = Schemas['Workspace'];
export type WorkspaceFilters = Pick<QueryOf<'/workspaces'>, 'archived' | 'q'>;

const PAGE = 60;

/** The workspaces page's list: by name, 60 a page. */
export function useWorkspaceList(filters: WorkspaceFilters) {
  return usePagedList(globalKey('workspaces', 'list', filters), (page, signal) =>
    api.list('/workspaces', { params: { query: { limit: PAGE, sort: 'name', ...filters, ...page } }, signal }),
  );
}

/** Create a workspace (the caller becomes its owner); every workspace list is re-read. */
export function useCreateWorkspace() {
  return useApiMutation({
    mutationFn: (body: BodyOf<'/workspaces', 'post'>) => api.post('/workspaces', { body }),
    invalidate: [keys.workspaces()],
  });
}
