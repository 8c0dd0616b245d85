'use client';
// What "Run now" did: how many runs it started, and which targets it could not run and why (an inactive agent,
// an archived workspace, a hard budget stop).
import { Notice } from '@/src/ui/components';
import type { Cron, CronRunNow } from './types';

export function RunNowResult({ result, cron }: { result: CronRunNow; cron: Pick<Cron, 'targets'> }) {
  const name = (agentId: string) => cron.targets.find((t) => t.agentId === agentId)?.agentName ?? agentId;
  const n = result.runs.length;
  return (
    <Notice tone={n > 0 ? 'success' : 'warning'} className="py-1.5" >
      <span data-testid="run-now-result">{n === 0 ? 'No run started.' : n === 1 ? 'One run started; it shows in the history below.' : `${n} runs started; they show in the history below.`}</span>
      {result.skipped.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {result.skipped.map((s) => (
            <li key={s.agentId}>
              {name(s.agentId)}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}
