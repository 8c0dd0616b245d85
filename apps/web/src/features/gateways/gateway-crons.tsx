'use client';
// A gateway's cron report (issue 15 point 7): the slots its crons did not run, latest first, and its jobs the cron
// sync could not bring here (with why: e.g. no agent is linked to the job's agent). Polled with the gateways list.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { api, type Schemas } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { relativeTime } from '@/src/ui/components';

type Report = Schemas['GatewayMissedRuns'];
const SHOWN = 10;

export function GatewayCrons({ gatewayId, workspaceId, now }: { gatewayId: string; workspaceId: string; now: number }) {
  const q = useQuery({
    queryKey: wsKey(workspaceId, 'gateways', 'missed-runs', gatewayId),
    queryFn: ({ signal }) => api.get('/gateways/{id}/missed-runs', { params: { path: { id: gatewayId } }, signal }) as Promise<Report>,
    refetchInterval: 30_000,
  });
  const r = q.data;
  if (!r || (r.runs.length === 0 && r.notSynced.length === 0)) return null;
  return (
    <div className="mt-3 space-y-3" data-testid="gateway-crons">
      {r.runs.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Missed cron runs</h4>
          <ul className="mt-1 divide-y divide-slate-100 text-sm">
            {r.runs.slice(0, SHOWN).map((m) => (
              <li key={m.runId} className="flex flex-wrap items-baseline justify-between gap-2 py-1">
                <Link href={`/crons/${m.cronId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                  {m.cronName}
                </Link>
                <span className="text-xs text-slate-500" title={m.slot}>
                  slot {relativeTime(m.slot, now)}
                  {m.missedRunPolicy === 'force_run' ? ' · forced a run' : ''}
                </span>
              </li>
            ))}
          </ul>
          {r.runs.length > SHOWN && <p className="text-xs text-slate-500">and {r.runs.length - SHOWN} more (see each cron&apos;s run history)</p>}
        </div>
      )}
      {r.notSynced.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Gateway jobs not shown here</h4>
          <ul className="mt-1 space-y-1 text-sm">
            {r.notSynced.map((n) => (
              <li key={`${n.jobId}:${n.name}`}>
                {n.name ? <span className="font-medium">{n.name}: </span> : null}
                <span className="text-slate-600">{n.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
