'use client';
// Registrations waiting for a manager's decision: who registered, when, from where, with which endpoint and
// capabilities, and Approve / Reject. A registration decided elsewhere meanwhile (409) or gone (404) is reported.
import { useState } from 'react';
import { RejectDialog, approveAgent } from './agent-actions';
import { Capabilities, Endpoint, RelativeTime, type Agent, type ApprovedAgent } from '@/src/ui/agents';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert } from '@/src/ui/components';

export function PendingQueue({
  pending,
  now,
  onApproved,
  onRejected,
  onGone,
}: {
  pending: Agent[];
  now: number;
  onApproved: (a: ApprovedAgent) => void;
  onRejected: (a: Agent) => void;
  /** A registration was decided elsewhere meanwhile (409) or is gone (404). */
  onGone: (a: Agent, message: string) => void;
}) {
  const [rejecting, setRejecting] = useState<Agent | null>(null);
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Waiting for approval
          {pending.length > 0 && (
            <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800" data-testid="pending-count">
              {pending.length}
            </span>
          )}
        </span>
      }
      description="Agents that registered themselves. Approving one issues its API key; check that you recognise it first."
    >
      {pending.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="pending-empty">
          No registrations are waiting. New ones appear here as soon as an agent registers.
        </p>
      ) : (
        <ul className="-my-4 divide-y divide-slate-100" data-testid="pending-agents">
          {pending.map((a) => (
            <PendingRow key={a.id} agent={a} now={now} onApproved={onApproved} onReject={() => setRejecting(a)} onGone={onGone} />
          ))}
        </ul>
      )}
      <RejectDialog agent={rejecting} onClose={() => setRejecting(null)} onRejected={onRejected} />
    </Card>
  );
}

function PendingRow({
  agent: a,
  now,
  onApproved,
  onReject,
  onGone,
}: {
  agent: Agent;
  now: number;
  onApproved: (a: ApprovedAgent) => void;
  onReject: () => void;
  onGone: (a: Agent, message: string) => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function approve() {
    setPending(true);
    setError(null);
    try {
      onApproved(await approveAgent(a));
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 || e.status === 404) onGone(a, e.message);
      else setError(e);
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="flex flex-wrap items-start gap-4 py-4" data-testid={`pending-agent-${a.name}`}>
      <div className="min-w-0 flex-1 space-y-1.5">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <span className="font-semibold text-slate-900">{a.name}</span>
          <span className="text-xs text-slate-500">
            registered <RelativeTime iso={a.createdAt} now={now} />
            {a.registrationIp && (
              <>
                {' '}
                from <span className="font-mono" data-testid="registration-ip">{a.registrationIp}</span>
              </>
            )}
          </span>
        </div>
        {a.description && <p className="text-sm text-slate-600">{a.description}</p>}
        <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-500">Endpoint</dt>
          <dd className="min-w-0">
            <Endpoint url={a.endpoint} />
          </dd>
          <dt className="text-slate-500">Capabilities</dt>
          <dd>
            <Capabilities list={a.capabilities} empty="none declared" />
          </dd>
        </dl>
        {error && <ErrorAlert error={error} className="mt-2" />}
      </div>
      <div className="flex gap-2">
        <Button size="sm" variant="secondary" onClick={onReject} disabled={pending} aria-label={`Reject ${a.name}`}>
          Reject
        </Button>
        <Button size="sm" onClick={() => void approve()} loading={pending} aria-label={`Approve ${a.name}`}>
          Approve
        </Button>
      </div>
    </li>
  );
}
