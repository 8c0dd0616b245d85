'use client';
// The crons list on a phone: one card per cron with the same facts as the table's row, stacked.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorAlert, Loading } from '@/src/ui/components';
import { CronStatusBadge, OWNER_LABEL, SuccessRate } from './cron-status';
import { TargetSummary } from './cron-targets';
import { LastResult, NextRun, ScheduleText, cronHref } from './cron-cells';
import type { Cron } from './types';

function Fact({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

export function CronCards({ items, error, empty, footer }: { items: Cron[] | null; error: unknown; empty: ReactNode; footer: ReactNode }) {
  if (items == null) return error ? <ErrorAlert error={error} /> : <Loading />;
  return (
    <>
      {error ? <ErrorAlert error={error} className="mb-4" /> : null}
      {items.length === 0 ? (
        empty
      ) : (
        <ul className="-mx-5 divide-y divide-slate-100" aria-label="Crons">
          {items.map((c) => (
            <li key={c.id} className="space-y-3 px-5 py-4" data-testid="cron-row" data-cron-id={c.id}>
              <div className="flex items-start justify-between gap-3">
                <Link href={cronHref(c)} className="font-medium text-indigo-600 hover:text-indigo-500" data-testid="cron-name">
                  {c.name}
                </Link>
                <CronStatusBadge status={c.status} />
              </div>
              <dl className="grid grid-cols-2 gap-x-4 gap-y-3">
                <div className="col-span-2 text-sm text-slate-700">
                  <dt className="sr-only">Schedule</dt>
                  <dd>
                    <ScheduleText cron={c} />
                  </dd>
                </div>
                <Fact label="Next run" className="col-span-2">
                  <NextRun cron={c} />
                </Fact>
                <Fact label="Last result">
                  <LastResult cron={c} />
                </Fact>
                <Fact label="Success">
                  <SuccessRate rate={c.successRate} />
                </Fact>
                <Fact label="Owner">{OWNER_LABEL[c.owner] ?? c.owner}</Fact>
                <Fact label="Targets" className="col-span-2">
                  <TargetSummary cron={c} />
                </Fact>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {footer}
    </>
  );
}
