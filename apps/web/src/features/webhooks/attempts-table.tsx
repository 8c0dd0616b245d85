'use client';
// Every attempt of one delivery, newest first: when, the answer (status code or none), latency, and the response
// excerpt or the error.
import { StatusCode, When, type Webhook, type WebhookAttempt, type WebhookDelivery } from './webhook-parts';
import { Table, type Column } from '@/src/ui/table';

export function AttemptsTable({ delivery: d, endpoint, now }: { delivery: WebhookDelivery; endpoint: Webhook | null; now: number }) {
  const attempts = [...d.attempts].sort((a, b) => b.attempt - a.attempt || b.startedAt.localeCompare(a.startedAt));
  const columns: Column<WebhookAttempt>[] = [
    {
      id: 'attempt',
      header: '#',
      className: 'whitespace-nowrap text-slate-700',
      cell: (a) => (
        <>
          {a.attempt}
          {a.trigger === 'manual' && <span className="ml-1.5 rounded bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-700 ring-1 ring-sky-200 ring-inset">manual</span>}
        </>
      ),
    },
    {
      id: 'time',
      header: 'Time',
      className: 'text-xs whitespace-nowrap text-slate-600',
      cell: (a) => (
        <time dateTime={a.startedAt} title={a.startedAt}>
          {new Date(a.startedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}
        </time>
      ),
    },
    {
      id: 'answer',
      header: 'Answer',
      className: 'whitespace-nowrap',
      cell: (a) => (
        <>
          <span className={a.ok ? 'text-emerald-700' : 'text-rose-700'} aria-hidden="true">
            {a.ok ? '✓ ' : '✗ '}
          </span>
          <span className="sr-only">{a.ok ? 'Succeeded: ' : 'Failed: '}</span>
          <StatusCode code={a.statusCode} testId="attempt-status-code" />
          {a.statusCode === null && <span className="text-xs text-rose-700">no answer</span>}
        </>
      ),
    },
    {
      id: 'latency',
      header: 'Latency',
      className: 'text-xs whitespace-nowrap text-slate-600',
      cell: (a) => <span data-testid="attempt-latency">{a.latencyMs} ms</span>,
    },
    {
      id: 'response',
      header: 'Response / error',
      cell: (a) => (
        <>
          {a.error && a.statusCode === null && <p className="text-xs text-rose-700">{a.error}</p>}
          {a.responseExcerpt ? (
            <pre tabIndex={0} className="max-h-32 max-w-xl overflow-auto rounded bg-slate-50 px-2 py-1 font-mono text-[11px] whitespace-pre-wrap text-slate-700" data-testid="attempt-excerpt">
              {a.responseExcerpt}
            </pre>
          ) : (
            !a.error && <span className="text-xs text-slate-500">empty answer</span>
          )}
          {a.url && endpoint && a.url !== endpoint.url && <p className="mt-1 font-mono text-[11px] text-slate-500">sent to {a.url}</p>}
        </>
      ),
    },
  ];
  return (
    <Table
      label="Attempts"
      testId="attempts-table"
      columns={columns}
      rows={attempts}
      rowKey={(a) => `${a.attempt}-${a.startedAt}`}
      rowProps={(a) => ({ 'data-testid': 'attempt-row', 'data-attempt': a.attempt, 'data-ok': a.ok ? 'true' : 'false', 'data-status-code': a.statusCode ?? '', 'data-trigger': a.trigger })}
      alignTop
      className="-mx-5 -mb-4"
      empty={
        <p className="text-sm text-slate-500" data-testid="attempts-empty">
          No attempt yet{d.status === 'pending' && d.nextAttemptAt ? '; the first one is due ' : '.'}
          {d.status === 'pending' && d.nextAttemptAt && <When iso={d.nextAttemptAt} now={now} />}
        </p>
      }
    />
  );
}
