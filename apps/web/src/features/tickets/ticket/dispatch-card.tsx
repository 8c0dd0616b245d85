'use client';
// "Dispatch to…": hand the ticket to an agent. The server starts an execution for it and sends the task on the
// agent's channel, which the agent list says (`dispatchChannel`): a signed POST to its endpoint, or — for an agent
// linked to an OpenClaw gateway — queued for Mission Control's connection to that gateway (ADR 0023). Offered only
// when the server says the caller may (`permissions["tickets.dispatch"]` of the workspace) and the ticket is
// unfinished (the contract's DISPATCHABLE_TICKET_STATUSES); the execution it started is shown, live, under the form:
// for a gateway run its hand-over (queued → sent → running → finished) and the reply.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { DISPATCHABLE_TICKET_STATUSES } from '@mc/contracts/constants';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert, Loading, SelectField, TextArea } from '@/src/ui/components';
import { ExecutionStatusBadge } from '@/src/ui/executions';
import { useExecution } from '@/src/features/executions/queries';
import type { People } from '../people';
import { useDispatchTicket } from '../queries';
import type { Ticket } from '../types';

export const isDispatchable = (t: Pick<Ticket, 'status'>) => (DISPATCHABLE_TICKET_STATUSES as readonly string[]).includes(t.status);

/** The agent the server would pick without one named: the assigned agent, else the holder (if it can take work). */
function defaultAgent(t: Ticket, people: People): string {
  const candidates = [t.assignee?.kind === 'agent' ? t.assignee.id : null, t.claimedBy];
  return candidates.find((id) => id && people.activeAgents.some((a) => a.id === id && a.dispatchChannel)) ?? '';
}

export function DispatchCard({ workspace, ticket: t, people }: { workspace: { id: string; slug: string }; ticket: Ticket; people: People }) {
  const dispatch = useDispatchTicket(workspace.id, t.id);
  const [agentId, setAgentId] = useState(() => defaultAgent(t, people));
  const [instructions, setInstructions] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [executionId, setExecutionId] = useState<string | null>(null);
  // The agents load after the page: pick the default once they are known.
  useEffect(() => setAgentId((cur) => cur || defaultAgent(t, people)), [t, people]);

  async function submit() {
    setError(null);
    try {
      const answer = await dispatch.mutateAsync({ agentId, ...(instructions.trim() ? { instructions: instructions.trim() } : {}) });
      setExecutionId(answer.executionId);
      setInstructions('');
    } catch (err) {
      setError(toApiError(err));
    }
  }

  const reachable = people.activeAgents.filter((a) => a.dispatchChannel);
  const unreachable = people.activeAgents.filter((a) => !a.dispatchChannel);
  return (
    <Card title="Dispatch to…" description="Send this ticket to an agent (its endpoint, or its OpenClaw gateway). An execution starts now; the agent reports on it.">
      <form
        className="space-y-3"
        data-testid="dispatch-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <SelectField id="dispatch-agent" label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
          <option value="">Choose an agent…</option>
          {reachable.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
              {a.dispatchChannel === 'gateway' ? ' (gateway)' : ''}
            </option>
          ))}
          {unreachable.map((a) => (
            <option key={a.id} value={a.id} disabled>
              {a.name} (no endpoint or gateway)
            </option>
          ))}
        </SelectField>
        <TextArea id="dispatch-instructions" label="Instructions (optional)" rows={3} maxLength={20_000} value={instructions} onChange={(e) => setInstructions(e.target.value)} />
        <ErrorAlert error={error} fields={['agentId', 'instructions']} />
        <Button type="submit" size="sm" loading={dispatch.isPending} disabled={!agentId} data-testid="dispatch-submit">
          Dispatch
        </Button>
      </form>
      {executionId && <DispatchedExecution workspace={workspace} id={executionId} agentName={people.agentName} />}
    </Card>
  );
}

function DispatchedExecution({ workspace, id, agentName }: { workspace: { id: string; slug: string }; id: string; agentName: People['agentName'] }) {
  const q = useExecution(workspace.id, id);
  return (
    <div className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="dispatched-execution" role="status">
      {q.data ? (
        <div className="flex flex-wrap items-center gap-2">
          <ExecutionStatusBadge status={q.data.status} />
          <span className="text-slate-700">Dispatched to 🤖 {q.data.agentName ?? agentName(q.data.agentId) ?? q.data.agentId}</span>
          <Link href={`/w/${encodeURIComponent(workspace.slug)}/executions/${encodeURIComponent(id)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
            View execution
          </Link>
          {q.data.gateway && <GatewaySteps state={q.data.gateway.state} failed={q.data.status === 'failed'} />}
          {q.data.status === 'failed' && q.data.summary && <p className="w-full text-xs break-words text-rose-700">{q.data.summary}</p>}
          {q.data.gateway && q.data.status === 'success' && q.data.summary && (
            <p className="w-full text-xs break-words whitespace-pre-wrap text-slate-700" data-testid="dispatched-reply">
              {q.data.summary.length > 600 ? `${q.data.summary.slice(0, 600)}…` : q.data.summary}
            </p>
          )}
        </div>
      ) : q.error ? (
        <ErrorAlert error={q.error} />
      ) : (
        <Loading />
      )}
    </div>
  );
}

const GATEWAY_STEPS = ['queued', 'sent', 'running', 'finished'] as const;
const STEP_LABEL: Record<(typeof GATEWAY_STEPS)[number], string> = { queued: 'Queued', sent: 'Sent to the gateway', running: 'Running', finished: 'Finished' };

/** A gateway run's hand-over, step by step (kept current by the live stream: `execution.progress`, `execution.finished`). */
function GatewaySteps({ state, failed }: { state: (typeof GATEWAY_STEPS)[number]; failed: boolean }) {
  const at = GATEWAY_STEPS.indexOf(state);
  return (
    <ol className="flex w-full flex-wrap items-center gap-1 text-xs" aria-label="Gateway run progress" data-testid="gateway-steps">
      {GATEWAY_STEPS.map((step, i) => (
        <li
          key={step}
          aria-current={i === at ? 'step' : undefined}
          className={
            i < at || (i === at && step === 'finished')
              ? failed && step === 'finished'
                ? 'rounded bg-rose-100 px-1.5 py-0.5 text-rose-800'
                : 'rounded bg-emerald-100 px-1.5 py-0.5 text-emerald-800'
              : i === at
                ? 'rounded bg-indigo-100 px-1.5 py-0.5 font-medium text-indigo-800'
                : 'rounded bg-slate-100 px-1.5 py-0.5 text-slate-500'
          }
        >
          {STEP_LABEL[step]}
        </li>
      ))}
    </ol>
  );
}
