'use client';
// What the ticket pages read and write, through the typed client and TanStack Query. Keys follow src/data/keys.ts:
// everything here sits under the workspace's `tickets` (or `epics`, `activity`, `agents`, `members`) resource, so
// the live event stream refreshes it without this module saying so.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type BodyOf, type QueryOf, type Schemas } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';
import { usePagedList } from '@/src/data/paging';
import type { Activity } from '@/src/ui/types';
import type { AgentInfo, Comment, Epic, Member, Ticket, TicketStatus } from './types';

export type TicketListQuery = QueryOf<'/tickets'>;

export const ticketKeys = {
  all: (ws: string) => wsKey(ws, 'tickets'),
  list: (ws: string, query: TicketListQuery) => wsKey(ws, 'tickets', 'list', query),
  one: (ws: string, id: string) => wsKey(ws, 'tickets', 'one', id),
  comments: (ws: string, id: string) => wsKey(ws, 'tickets', 'one', id, 'comments'),
  links: (ws: string, id: string) => wsKey(ws, 'tickets', 'one', id, 'links'),
  activity: (ws: string, id: string) => wsKey(ws, 'activity', 'list', { targetId: id }),
  epics: (ws: string) => wsKey(ws, 'epics', 'list'),
};

const COMMENTS_PAGE = 200;
const ACTIVITY_LIMIT = 200;

// ------------------------------------------------------------------------------------------------ reads

export function useTicket(ws: string, id: string) {
  return useQuery({ queryKey: ticketKeys.one(ws, id), queryFn: ({ signal }) => api.get('/tickets/{id}', { params: { path: { id } }, signal }) });
}

export function useComments(ws: string, id: string) {
  return usePagedList<Comment>(ticketKeys.comments(ws, id), (page, signal) =>
    api.list('/tickets/{id}/comments', { params: { path: { id }, query: { limit: COMMENTS_PAGE, cursor: page.cursor } }, signal }),
  );
}

export function useTicketLinks(ws: string, id: string) {
  return useQuery({ queryKey: ticketKeys.links(ws, id), queryFn: async ({ signal }) => (await api.list('/tickets/{id}/links', { params: { path: { id } }, signal })).items });
}

export function useTicketActivity(ws: string, id: string) {
  return useQuery({
    queryKey: ticketKeys.activity(ws, id),
    queryFn: async ({ signal }) => (await api.list('/activity', { params: { query: { workspaceId: ws, targetId: id, limit: ACTIVITY_LIMIT } }, signal })).items as Activity[],
  });
}

export function useEpics(ws: string) {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ticketKeys.epics(ws), queryFn: async ({ signal }) => (await api.list('/epics', { params: { query: { workspaceId: ws } }, signal })).items });
  const create = useApiMutation<Epic, string>({
    mutationFn: (title) => api.post('/epics', { body: { workspaceId: ws, title } }),
    // The new epic is picked at once in the form that made it: it must be among the options before the refetch.
    onSuccess: (e) => void queryClient.setQueryData<Epic[]>(ticketKeys.epics(ws), (old) => [...(old ?? []), e]),
    invalidate: [ticketKeys.epics(ws)],
  });
  return { epics: q.data ?? [], create: create.mutateAsync };
}

/** Active and deactivated agents (names of holders and assignees, filters, @mentions); none for who may not list them. */
export function useWorkspaceAgents(ws: string) {
  return useQuery({
    queryKey: wsKey(ws, 'agents', 'list', { status: 'working' }),
    queryFn: async ({ signal }) => {
      try {
        const pages = await Promise.all((['active', 'deactivated'] as const).map((status) => api.list('/agents', { params: { query: { workspaceId: ws, status, limit: 200, sort: 'name' } }, signal })));
        return pages.flatMap((p) => p.items as AgentInfo[]).sort((a, b) => a.name.localeCompare(b.name));
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) return [] as AgentInfo[];
        throw err;
      }
    },
  });
}

export function useWorkspaceMembers(ws: string) {
  return useQuery({ queryKey: wsKey(ws, 'members', 'list'), queryFn: async ({ signal }) => (await api.list('/workspaces/{id}/members', { params: { path: { id: ws } }, signal })).items as Member[] });
}

// ------------------------------------------------------------------------------------------------ writes

type TicketEdit = Omit<NonNullable<BodyOf<'/tickets/{id}', 'patch'>>, 'status' | 'closedReason'>;

/** The writes of one ticket's page. A move shows at once and rolls back when the server refuses it. */
export function useTicketWrites(ws: string, id: string) {
  const queryClient = useQueryClient();
  const one = ticketKeys.one(ws, id);
  const answered = (t: Ticket) => void queryClient.setQueryData(one, t);
  const invalidate = [one, ticketKeys.activity(ws, id)];

  const move = useApiMutation<Ticket, { ticket: Ticket; to: TicketStatus; closedReason?: string }>({
    mutationFn: ({ ticket, to, closedReason }) => api.patch('/tickets/{id}', { params: { path: { id } }, body: { status: to, version: ticket.version, ...(closedReason ? { closedReason } : {}) } }),
    // Where it may go from the new status is the server's to say: no moves until its answer.
    optimistic: { queryKey: one, update: (old: Ticket, { to }) => ({ ...old, status: to, allowedMoves: [] }) },
    onSuccess: answered,
    invalidate: [ticketKeys.activity(ws, id)],
  });
  const edit = useApiMutation<Ticket, TicketEdit>({
    mutationFn: (body) => api.patch('/tickets/{id}', { params: { path: { id } }, body }),
    onSuccess: answered,
    invalidate: [...invalidate, ticketKeys.links(ws, id)],
  });
  const assign = useApiMutation<Ticket, BodyOf<'/tickets/{id}/assignee', 'put'>>({
    mutationFn: (body) => api.put('/tickets/{id}/assignee', { params: { path: { id } }, body }),
    onSuccess: answered,
    invalidate,
  });
  const forceRelease = useApiMutation<Ticket, void>({
    mutationFn: () => api.post('/tickets/{id}/release', { params: { path: { id } }, body: { reason: 'force-released from the dashboard' } }),
    onSuccess: answered,
    invalidate,
  });
  const comment = useApiMutation<Comment, string>({
    mutationFn: (body) => api.post('/tickets/{id}/comments', { params: { path: { id } }, body: { body } }),
    invalidate: [ticketKeys.comments(ws, id), ticketKeys.links(ws, id), ticketKeys.activity(ws, id)],
  });
  return { move, edit, assign, forceRelease, comment };
}

/** Hand the ticket to an agent (POST /tickets/{id}/dispatch): 202 with the execution it started. */
export function useDispatchTicket(ws: string, id: string) {
  return useApiMutation<Schemas['DispatchTicketAnswer'], NonNullable<BodyOf<'/tickets/{id}/dispatch', 'post'>>>({
    mutationFn: (body) => api.post('/tickets/{id}/dispatch', { params: { path: { id } }, body }),
    invalidate: [wsKey(ws, 'executions'), ticketKeys.activity(ws, id)],
  });
}

export function useCreateTicket(ws: string) {
  return useApiMutation<Ticket, Omit<BodyOf<'/tickets', 'post'>, 'workspaceId'>>({
    mutationFn: (body) => api.post('/tickets', { body: { ...body, workspaceId: ws } }),
    invalidate: [ticketKeys.all(ws)],
  });
}
