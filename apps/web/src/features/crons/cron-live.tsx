'use client';
// Keep a cron's page live: its runs' events (cron_run.*) and its changes (cron.*) go to its targets' workspaces,
// so the page listens to those streams (the live layer turns them into refreshes of the 'crons' queries). A
// browser holds few connections per server, so at most MAX_STREAMS workspaces are heard; past that, the page polls.
import { useLiveEvents } from '@/src/data/live';
import type { Cron } from './types';

const MAX_STREAMS = 2;

function Stream({ workspaceId }: { workspaceId: string }) {
  useLiveEvents(workspaceId);
  return null;
}

/** The workspaces whose streams the page hears, and whether that covers every target the caller can see. */
export function heardWorkspaces(cron: Pick<Cron, 'targets'>): { ids: string[]; all: boolean } {
  const ids = [...new Set(cron.targets.map((t) => t.workspaceId))];
  return { ids: ids.slice(0, MAX_STREAMS), all: ids.length <= MAX_STREAMS };
}

export function CronLive({ cron }: { cron: Pick<Cron, 'targets'> }) {
  return (
    <>
      {heardWorkspaces(cron).ids.map((id) => (
        <Stream key={id} workspaceId={id} />
      ))}
    </>
  );
}
