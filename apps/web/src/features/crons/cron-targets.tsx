'use client';
// A cron's targets as the caller may see them: agent and workspace, and "+N hidden" for targets in workspaces the
// caller cannot see (the server leaves them out and counts them).
import Link from 'next/link';
import { useSession } from '@/src/ui/session';
import type { Cron, CronTarget } from './types';

/** The workspace a target sits in, by the caller's own list of workspaces (an archived one shows as its id). */
export function useWorkspaceNames() {
  const { workspaces } = useSession();
  return (t: Pick<CronTarget, 'workspaceId'>) => {
    const w = workspaces?.find((x) => x.id === t.workspaceId);
    return { name: w ? `${w.emoji} ${w.name}` : t.workspaceId, slug: w?.slug ?? null };
  };
}

export function HiddenTargets({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="text-xs whitespace-nowrap text-slate-500" title="Targets in workspaces you cannot see" data-testid="hidden-targets">
      +{count} hidden
    </span>
  );
}

/** Short form for a table cell: the first targets, "and N more", "+N hidden". */
export function TargetSummary({ cron, max = 2 }: { cron: Pick<Cron, 'targets' | 'hiddenTargets'>; max?: number }) {
  const ws = useWorkspaceNames();
  const shown = cron.targets.slice(0, max);
  const more = cron.targets.length - shown.length;
  return (
    <ul className="space-y-0.5 text-xs">
      {shown.map((t) => (
        <li key={t.agentId} className="whitespace-nowrap">
          <span className="text-slate-800">🤖 {t.agentName ?? t.agentId}</span> <span className="text-slate-500">in {ws(t).name}</span>
        </li>
      ))}
      {(more > 0 || cron.hiddenTargets > 0) && (
        <li className="space-x-2">
          {more > 0 && <span className="text-slate-500">and {more} more</span>}
          <HiddenTargets count={cron.hiddenTargets} />
        </li>
      )}
    </ul>
  );
}

/** Every visible target, each linked to its agent's page in its workspace. */
export function TargetList({ cron }: { cron: Pick<Cron, 'targets' | 'hiddenTargets'> }) {
  const ws = useWorkspaceNames();
  return (
    <div className="space-y-2">
      <ul className="divide-y divide-slate-100 text-sm" data-testid="cron-targets">
        {cron.targets.map((t) => {
          const w = ws(t);
          return (
            <li key={t.agentId} className="flex flex-wrap items-baseline justify-between gap-x-3 py-1.5">
              {w.slug ? (
                <Link href={`/w/${encodeURIComponent(w.slug)}/agents/${encodeURIComponent(t.agentId)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                  🤖 {t.agentName ?? t.agentId}
                </Link>
              ) : (
                <span className="font-medium text-slate-800">🤖 {t.agentName ?? t.agentId}</span>
              )}
              <span className="text-xs text-slate-500">{w.name}</span>
            </li>
          );
        })}
      </ul>
      {cron.hiddenTargets > 0 && (
        <p className="text-xs text-slate-500" data-testid="hidden-targets">
          {cron.hiddenTargets === 1 ? 'One more target is' : `${cron.hiddenTargets} more targets are`} in workspaces you cannot see.
        </p>
      )}
    </div>
  );
}
