'use client';
// Crons (instance-level; the global page and a workspace's tab read the same list endpoint): the filtered list
// ("Load more"), one cron, its runs, the schedule preview of the form, and the writes. Live events of the targets'
// workspaces (cron.*, cron_run.*) refresh them through the 'crons' key; the global list, which no workspace stream
// covers, is also re-read every so often while visible.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '@/src/data/client';
import { globalKey, wsKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';
import { usePagedList } from '@/src/data/paging';
import { WORKING_AGENT_STATUSES, listAgentsByStatus } from '@/src/ui/agents';
import type { Cron, CronInput, CronOwner, CronPatch, CronRun, CronRunNow, CronStatus } from './types';

const PAGE = 25;
const RUNS_PAGE = 20;
/** The global list hears no workspace's stream: re-read it this often while the tab is visible. */
const LIST_POLL_MS = 15_000;
/** Wait this long after the last keystroke before asking for a schedule preview. */
export const PREVIEW_DEBOUNCE_MS = 400;
/** The preview shows as many next runs as a cron's page does. */
const PREVIEW_RUNS = 3;
/** How often a cron's page that cannot hear every target's workspace re-reads the runs while one is going. */
const UNHEARD_RUNS_POLL_MS = 5000;

export interface CronFilters {
  workspaceId: string;
  agentId: string;
  status: '' | CronStatus;
  owner: '' | CronOwner;
}
export const NO_CRON_FILTERS: CronFilters = { workspaceId: '', agentId: '', status: '', owner: '' };

export const cronKeys = {
  all: () => globalKey('crons'),
  list: (query: object) => globalKey('crons', 'list', query),
  one: (id: string) => globalKey('crons', 'one', id),
  runs: (id: string) => globalKey('crons', 'one', id, 'runs'),
};

/** The crons matching `filters` (empty filters are not sent). `live`: a workspace stream keeps it fresh, no poll. */
export function useCrons(filters: CronFilters, options: { live?: boolean } = {}) {
  const query = {
    limit: PAGE,
    workspaceId: filters.workspaceId || undefined,
    agentId: filters.agentId || undefined,
    status: filters.status || undefined,
    owner: filters.owner || undefined,
  };
  return usePagedList<Cron>(
    cronKeys.list(query),
    (page, signal) => api.list('/crons', { params: { query: { ...query, ...page } }, signal }),
    { refetchInterval: options.live ? false : LIST_POLL_MS },
  );
}

export function useCron(id: string) {
  return useQuery({
    queryKey: cronKeys.one(id),
    queryFn: ({ signal }) => api.get('/crons/{id}', { params: { path: { id } }, signal }),
  });
}

/** A cron's runs, newest slot first; `poll` while a run is going and no stream of its workspaces is heard. */
export function useCronRuns(id: string, poll: number | false) {
  return usePagedList<CronRun>(
    cronKeys.runs(id),
    (page, signal) => api.list('/crons/{id}/runs', { params: { path: { id }, query: { limit: RUNS_PAGE, ...page } }, signal }),
    { refetchInterval: poll },
  );
}

/** `value` once it has held still for `ms` (a string, so that equal values are equal). */
function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** What the server reads in `schedule` (plain words and the next runs), asked once typing pauses. */
export function useSchedulePreview(schedule: string, timezone: string) {
  const typed = { schedule: schedule.trim(), timezone, count: PREVIEW_RUNS };
  const input = JSON.parse(useDebounced(JSON.stringify(typed), PREVIEW_DEBOUNCE_MS)) as typeof typed;
  const q = useQuery({
    queryKey: globalKey('cron-preview', input),
    queryFn: ({ signal }) => api.post('/crons/preview', { body: input, signal }),
    enabled: input.schedule !== '' && input.timezone !== '',
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  // The typing is ahead of the answer on screen until the debounced input catches up.
  const settling = input.schedule !== schedule.trim() || input.timezone !== timezone;
  // What the refusal names: the zone, or else the schedule (any other refusal is about the schedule too).
  const e = q.error && !settling ? q.error : null;
  const issue = e ? (e.fieldError('timezone') ? { field: 'timezone' as const, message: e.fieldError('timezone')! } : { field: 'schedule' as const, message: e.fieldError('schedule') ?? e.message }) : null;
  return { data: q.data, isFetching: q.isFetching, settling, issue };
}
export type SchedulePreview = ReturnType<typeof useSchedulePreview>;

export function useCreateCron() {
  return useApiMutation<Cron, CronInput>({
    mutationFn: (body) => api.post('/crons', { body }),
    invalidate: [cronKeys.all()],
  });
}

export function useUpdateCron(cron: Pick<Cron, 'id' | 'version'>) {
  return useApiMutation<Cron, CronPatch>({
    mutationFn: (body) => api.patch('/crons/{id}', { params: { path: { id: cron.id } }, body: { ...body, version: cron.version } }),
    invalidate: [cronKeys.all()],
  });
}

export function useRunCron(id: string) {
  return useApiMutation<CronRunNow, void>({
    mutationFn: () => api.post('/crons/{id}/run', { params: { path: { id } } }),
    invalidate: [cronKeys.one(id)],
  });
}

export function useDeleteCron(id: string) {
  return useApiMutation<unknown, void>({
    mutationFn: () => api.delete('/crons/{id}', { params: { path: { id } } }),
    invalidate: [globalKey('crons', 'list')],
  });
}

/** The agents of one workspace a filter or the targets picker offers (none until a workspace is chosen). */
export function useWorkspaceAgents(workspaceId: string, statuses: readonly ('active' | 'deactivated')[] = WORKING_AGENT_STATUSES) {
  const q = useQuery({
    queryKey: wsKey(workspaceId, 'agents', 'list', { statuses }),
    queryFn: ({ signal }) => listAgentsByStatus(workspaceId, statuses, signal),
    enabled: workspaceId !== '',
  });
  return { agents: workspaceId ? (q.data ?? null) : [], error: q.error };
}

/**
 * A cron and its runs for the cron's page. The runs are polled only while one is pending or running and the page
 * cannot hear every target workspace's stream (`heardAll`); otherwise the live events refresh them.
 */
export function useCronWithRuns(id: string, heardAll: (cron: Cron) => boolean) {
  const cron = useCron(id);
  const [poll, setPoll] = useState(false);
  const runs = useCronRuns(id, poll ? UNHEARD_RUNS_POLL_MS : false);
  const going = !!runs.items?.some((r) => r.status === 'pending' || r.status === 'running');
  const unheard = !!cron.data && !heardAll(cron.data);
  useEffect(() => setPoll(going && unheard), [going, unheard]);
  return { cron, runs };
}
