'use client';
// A cron's definition: schedule (in words, the expression and its zone), what each run does, and its policies.
import { Card } from '@/src/ui/components';
import { PRIORITY_LABEL } from '@/src/ui/ticket-status';
import { CodeList, DetailRow } from '../tickets/ticket/detail-row';
import { LastResult } from './cron-cells';
import { formatWait } from './policy-fields';
import { CATCH_UP_LABEL, CONCURRENCY_LABEL, OWNER_LABEL, SuccessRate } from './cron-status';
import type { Cron } from './types';
import { withoutZone } from './zoned';

function retryText(r: Cron['retry']): string {
  if (r.maxAttempts <= 1) return 'No retry (one attempt)';
  const base = r.baseSeconds ? `, from ${formatWait(r.baseSeconds)}` : '';
  const cap = r.maxSeconds ? `, at most ${formatWait(r.maxSeconds)} apart` : '';
  return `Up to ${r.maxAttempts} attempts, ${r.backoff} backoff with jitter${base}${cap}`;
}

export function CronFacts({ cron: c }: { cron: Cron }) {
  return (
    <Card title="Details">
      <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2" data-testid="cron-facts">
        <DetailRow label="Schedule">
          <span className="block">{withoutZone(c.description, c.timezone)}</span>
          <code className="text-xs text-slate-500">{c.schedule}</code>
        </DetailRow>
        <DetailRow label="Time zone">{c.timezone}</DetailRow>
        <DetailRow label="Task">
          <span className="block font-medium">{c.task.title}</span>
          {c.task.instructions ? <span className="line-clamp-3 block text-xs whitespace-pre-line text-slate-600">{c.task.instructions}</span> : null}
        </DetailRow>
        <DetailRow label="Each run">{c.task.createTicket ? `Creates a ${PRIORITY_LABEL[c.task.priority]?.toLowerCase() ?? c.task.priority}-priority ticket for the agent` : 'Dispatches the task without a ticket'}</DetailRow>
        <DetailRow label="Labels">
          <CodeList values={c.task.labels ?? []} />
        </DetailRow>
        <DetailRow label="Retries">{retryText(c.retry)}</DetailRow>
        <DetailRow label="While a run still goes">{CONCURRENCY_LABEL[c.concurrency] ?? c.concurrency}</DetailRow>
        <DetailRow label="After downtime">{CATCH_UP_LABEL[c.catchUp] ?? c.catchUp}</DetailRow>
        <DetailRow label="Last result">
          <LastResult cron={c} />
        </DetailRow>
        <DetailRow label="Success rate">
          <SuccessRate rate={c.successRate} />
        </DetailRow>
        <DetailRow label="Owner">{OWNER_LABEL[c.owner] ?? c.owner}</DetailRow>
        {c.pausedReason && <DetailRow label="Paused by Mission Control">{c.pausedReason}</DetailRow>}
      </dl>
    </Card>
  );
}
