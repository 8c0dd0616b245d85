'use client';
// One execution: who ran it for which ticket, when and how long, the tokens, API calls, model and cost (with where
// the cost came from and the price it was computed with), the agent's decisions step by step, and good/bad
// ratings. A run still going is refreshed while the page is visible.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { Button, Card, EmptyState, ErrorAlert, Loading, Time, useTitle } from '@/src/ui/components';
import { ExecutionFacts } from '@/src/features/executions/execution-facts';
import { useExecution, usePriceVersion } from '@/src/features/executions/queries';
import { RatingButtons } from '@/src/features/ratings/rating-buttons';
import { DecisionTimeline, ExecutionStatusBadge, useAgentNames, useTicketRefs } from '@/src/ui/executions';
import { Markdown } from '@/src/ui/markdown';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function ExecutionPage() {
  const { workspace: w } = useWorkspace();
  const { executionId: rawId } = useParams<{ executionId: string }>();
  const id = decodeURIComponent(rawId);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const { nameOf } = useAgentNames(w.id);
  const query = useExecution(w.id, id);
  const execution = query.data ?? null;
  const error = query.error;
  const price = usePriceVersion(execution?.model ?? null, execution?.priceId ?? null).data ?? null;
  const tickets = useTicketRefs(w.id, [execution?.ticketId]);
  const ticket = execution?.ticketId ? tickets.get(execution.ticketId) : undefined;
  const agentName = execution ? (execution.agentName ?? nameOf(execution.agentId) ?? execution.agentId) : null;
  useTitle(execution ? `Execution by ${agentName} · ${w.name}` : `Execution · ${w.name}`);

  if (error && !execution) {
    return error.status === 404 ? (
      <EmptyState
        icon="⚙️"
        title="Execution not found"
        action={
          <Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={`${base}/executions`}>
            All executions of {w.name}
          </Link>
        }
      >
        There is no execution <span className="font-mono">{id}</span> in this workspace.
      </EmptyState>
    ) : (
      <div className="space-y-3">
        <ErrorAlert error={error} />
        <Button variant="secondary" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!execution) return <Loading />;
  const e = execution;

  return (
    <div className="space-y-6" data-testid="execution-page">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`${base}/executions`} className="font-medium text-indigo-600 hover:text-indigo-500">
          ← Executions
        </Link>
      </nav>

      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="execution-heading">
              Run by {agentName}
            </h2>
            <ExecutionStatusBadge status={e.status} />
          </div>
          <p className="mt-1 text-sm text-slate-500">
            Started <Time iso={e.startTime} />
            {ticket && (
              <>
                {' '}
                for{' '}
                <Link href={`${base}/tickets/${encodeURIComponent(ticket.id)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                  #{ticket.number} {ticket.title}
                </Link>
              </>
            )}
          </p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <span className="text-xs font-medium text-slate-500">Was this run good work?</span>
          <RatingButtons workspaceId={w.id} target={{ kind: 'executions', id: e.id }} canRate={!!w.permissions['ratings.write'] && !w.archived} label="Rate this execution" />
        </div>
      </div>

      <ExecutionFacts execution={e} agentName={agentName ?? e.agentId} ticket={ticket} price={price} base={base} />

      {e.summary && e.summary.trim() && (
        <Card title="Summary">
          <Markdown text={e.summary} />
        </Card>
      )}

      <Card title="Decisions" description={`What the agent took in, how it reasoned and what it did — ${e.decisions.length} ${e.decisions.length === 1 ? 'step' : 'steps'}.`}>
        <DecisionTimeline decisions={e.decisions} />
      </Card>

      <p className="text-xs text-slate-500">
        Execution id <span className="font-mono">{e.id}</span>
      </p>
    </div>
  );
}
