'use client';
// The top of a cron's page: name, status, the schedule in words, and the caller's actions.
import { CronActions } from './cron-actions';
import { CronStatusBadge } from './cron-status';
import type { Cron } from './types';
import { withoutZone } from './zoned';

export function CronHeader({ cron }: { cron: Cron }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900" data-testid="cron-heading">
            {cron.name}
          </h1>
          <CronStatusBadge status={cron.status} />
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {withoutZone(cron.description, cron.timezone)} <span className="text-slate-500">· {cron.timezone}</span>
        </p>
      </div>
      <CronActions cron={cron} />
    </div>
  );
}
