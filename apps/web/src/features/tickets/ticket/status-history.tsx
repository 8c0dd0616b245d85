// The ticket's status changes as a timeline, oldest first.
import { useMemo } from 'react';
import { Time } from '@/src/ui/components';
import { STATUS_LABEL } from '@/src/ui/ticket-status';
import type { Activity } from '@/src/ui/types';
import type { TicketStatus } from '../types';
import { statusSteps } from './status-steps';

export function StatusHistory({ activity, current }: { activity: Activity[]; current: TicketStatus }) {
  const steps = useMemo(() => statusSteps(activity, current), [activity, current]);
  if (steps.length === 0) return null;
  return (
    <div>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Status</h3>
      <ol className="relative space-y-3 border-l border-slate-200 pl-4" data-testid="status-history">
        {steps.map((s) => (
          <li key={s.id} className="text-sm">
            <span className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full bg-white ring-2 ring-indigo-400" aria-hidden="true" />
            <span className="font-medium text-slate-900">{s.from ? `${STATUS_LABEL[s.from]} → ${STATUS_LABEL[s.to]}` : `Created in ${STATUS_LABEL[s.to]}`}</span>
            {s.note && <span className="text-slate-500"> ({s.note})</span>}
            <span className="block text-xs text-slate-500">
              {s.who} · <Time iso={s.at} />
            </span>
          </li>
        ))}
        {steps[steps.length - 1].to !== current && <li className="text-xs text-slate-500">Now {STATUS_LABEL[current]}</li>}
      </ol>
    </div>
  );
}
