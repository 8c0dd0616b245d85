'use client';
// The agents of a workspace: the registrations waiting for approval (managers), every agent with its status and
// liveness — kept current by a 5 s poll while the page is visible plus the workspace's live event stream — and
// how an agent joins.
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Liveness, AgentActions, AgentStatusBadge, Capabilities, Endpoint, KEY_DELIVERY_TEXT, RejectDialog, RelativeTime, approveAgent, type Agent, type AgentStatus, type ApprovedAgent } from '@/src/ui/agents';
import { apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Button, Card, CopyBox, EmptyState, ErrorAlert, Loading, Notice, ScrollRegion, SelectField, TextField, useTitle } from '@/src/ui/components';
import { useNow, useVisibleInterval, useWorkspaceEvents } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;
const PAGE = 200;
/** Enough for any workspace a person manages by eye; the list says so if there are more. */
const MAX_PAGES = 5;

type StatusFilter = '' | Exclude<AgentStatus, 'deleted'>;

export default function AgentsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Agents · ${w.name}`);
  const manager = !!w.permissions['agents.manage'];
  const now = useNow(5000);

  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [decisions, setDecisions] = useState<{ id: string; text: string; tone: 'success' | 'warning' }[]>([]);
  // Bumped by every change made here, so that a poll which started before it cannot put back the old state.
  const generation = useRef(0);

  const load = useCallback(async () => {
    const started = generation.current;
    try {
      const all: Agent[] = [];
      let total = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { items, meta } = await apiList<Agent>(`/agents${qs({ workspaceId: w.id, limit: PAGE, offset: page * PAGE, sort: 'name' })}`);
        all.push(...items);
        total = meta.total ?? all.length;
        if (items.length < PAGE || all.length >= total) break;
      }
      if (started !== generation.current) return;
      setAgents(all);
      setTruncated(all.length < total);
      setError(null);
    } catch (err) {
      if (started !== generation.current) return;
      setError(toApiError(err));
      setAgents((a) => a ?? []);
    }
  }, [w.id]);

  useEffect(() => {
    setAgents(null);
    void load();
  }, [load]);
  useVisibleInterval(load, POLL_MS);
  useWorkspaceEvents(w.id, ['agent.', 'ticket.'], () => void load());

  const replace = (a: Agent) => {
    generation.current++;
    setAgents((list) => list?.map((x) => (x.id === a.id ? a : x)) ?? null);
  };
  const remove = (a: Agent) => {
    generation.current++;
    setAgents((list) => list?.filter((x) => x.id !== a.id) ?? null);
  };
  const note = (id: string, text: string, tone: 'success' | 'warning' = 'success') =>
    setDecisions((d) => [{ id: `${id}-${Date.now()}`, text, tone }, ...d].slice(0, 5));

  const pending = (agents ?? []).filter((a) => a.status === 'pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  return (
    <div className="space-y-6">
      {decisions.length > 0 && (
        <div className="space-y-2" data-testid="agent-decisions">
          {decisions.map((d) => (
            <Notice key={d.id} tone={d.tone}>
              <div className="flex items-start justify-between gap-3">
                <span>{d.text}</span>
                <button type="button" className="text-xs font-medium underline" onClick={() => setDecisions((list) => list.filter((x) => x.id !== d.id))}>
                  Dismiss
                </button>
              </div>
            </Notice>
          ))}
        </div>
      )}
      {manager && agents !== null && (
        <PendingQueue
          pending={pending}
          now={now}
          onApproved={(a) => {
            const { keyDelivery, ...agent } = a;
            replace(agent);
            note(a.id, `${a.name} was approved. ${KEY_DELIVERY_TEXT[keyDelivery] ?? ''}`);
          }}
          onRejected={(a) => {
            replace(a);
            note(a.id, `${a.name} was rejected.`);
          }}
          onGone={(a, message) => {
            note(a.id, `${a.name}: ${message}`, 'warning');
            void load();
          }}
        />
      )}
      <AgentList agents={agents} truncated={truncated} error={error} now={now} manager={manager} onChanged={replace} onDeleted={(a) => (remove(a), note(a.id, `${a.name} was deleted.`))} />
      <HowAgentsJoin slug={w.slug} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- queue

function PendingQueue({
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

// ---------------------------------------------------------------------------------------------------- list

function AgentList({
  agents,
  truncated,
  error,
  now,
  manager,
  onChanged,
  onDeleted,
}: {
  agents: Agent[] | null;
  truncated: boolean;
  error: ApiError | null;
  now: number;
  manager: boolean;
  onChanged: (a: Agent) => void;
  onDeleted: (a: Agent) => void;
}) {
  const { workspace: w } = useWorkspace();
  const base = `/w/${encodeURIComponent(w.slug)}/agents`;
  const [status, setStatus] = useState<StatusFilter>('');
  const [capability, setCapability] = useState('');
  const [q, setQ] = useState('');

  // Managers see pending registrations in their queue above; everyone else sees them here, marked pending.
  const listed = useMemo(() => (agents ?? []).filter((a) => !(manager && a.status === 'pending')), [agents, manager]);
  const capabilities = useMemo(() => [...new Set(listed.flatMap((a) => a.capabilities))].sort(), [listed]);
  const needle = q.trim().toLowerCase();
  const shown = listed.filter(
    (a) =>
      (!status || a.status === status) &&
      (!capability || a.capabilities.includes(capability)) &&
      (!needle || a.name.toLowerCase().includes(needle) || a.description.toLowerCase().includes(needle) || (a.endpoint ?? '').toLowerCase().includes(needle)),
  );
  const filtered = !!(status || capability || needle);
  const online = listed.filter((a) => a.liveness === 'online').length;

  return (
    <Card
      title="Agents"
      description={
        agents === null ? undefined : (
          <span data-testid="agents-summary">
            {listed.length} {listed.length === 1 ? 'agent' : 'agents'} · {online} online · updates live
          </span>
        )
      }
    >
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <TextField id="agents-q" label="Search" type="search" placeholder="Name, description or endpoint" value={q} onChange={(e) => setQ(e.target.value)} className="min-w-[14rem] flex-1" />
        <SelectField id="agents-status" label="Status" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} className="w-40">
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="deactivated">Deactivated</option>
          <option value="rejected">Rejected</option>
          {!manager && <option value="pending">Pending</option>}
        </SelectField>
        <SelectField id="agents-capability" label="Capability" value={capability} onChange={(e) => setCapability(e.target.value)} className="w-44">
          <option value="">Any</option>
          {capability && !capabilities.includes(capability) && <option value={capability}>{capability}</option>}
          {capabilities.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
        {filtered && (
          <Button variant="ghost" onClick={() => (setStatus(''), setCapability(''), setQ(''))}>
            Clear
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mb-4" />
      {agents === null ? (
        <Loading />
      ) : shown.length === 0 ? (
        <EmptyState icon="🤖" title={filtered ? 'No agent matches these filters' : 'No agents yet'}>
          {filtered ? 'Clear the filters to see every agent.' : 'Agents register themselves over the API; see “How agents join” below.'}
        </EmptyState>
      ) : (
        <ScrollRegion label="Agents" className="-mx-5 -mb-4">
          <table className="min-w-full text-sm" data-testid="agents-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="px-5 py-2.5">Agent</th>
                <th scope="col" className="px-3 py-2.5">Status</th>
                <th scope="col" className="px-3 py-2.5">Liveness</th>
                <th scope="col" className="px-3 py-2.5">Capabilities</th>
                <th scope="col" className="px-3 py-2.5">Endpoint</th>
                {manager && (
                  <th scope="col" className="px-5 py-2.5 text-right">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((a) => (
                <tr key={a.id} data-testid={`agent-row-${a.name}`} className="align-top">
                  <td className="px-5 py-3">
                    <Link href={`${base}/${encodeURIComponent(a.id)}`} className="font-medium whitespace-nowrap text-slate-900 hover:text-indigo-600">
                      {a.name}
                    </Link>
                    {a.description && <p className="mt-0.5 line-clamp-2 max-w-xs text-xs text-slate-500">{a.description}</p>}
                    {a.status === 'rejected' && a.rejectionReason && <p className="mt-0.5 max-w-xs text-xs text-rose-600">Rejected: {a.rejectionReason}</p>}
                  </td>
                  <td className="px-3 py-3">
                    <AgentStatusBadge status={a.status} />
                  </td>
                  <td className="px-3 py-3 whitespace-nowrap">
                    <Liveness agent={a} now={now} compact />
                  </td>
                  <td className="px-3 py-3">
                    <Capabilities list={a.capabilities} />
                  </td>
                  <td className="px-3 py-3">
                    <Endpoint url={a.endpoint} />
                  </td>
                  {manager && (
                    <td className="px-5 py-3">
                      <AgentActions agent={a} onChanged={onChanged} onDeleted={onDeleted} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {truncated && <p className="mt-6 text-xs text-slate-500">Showing the first {PAGE * MAX_PAGES} agents by name.</p>}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------- help

function HowAgentsJoin({ slug }: { slug: string }) {
  const [origin, setOrigin] = useState('https://mission-control.example');
  useEffect(() => setOrigin(window.location.origin), []);
  const register = `curl -sS -X POST ${origin}/api/v1/agents \\
  -H 'Content-Type: application/json' \\
  -d '{"workspace": "${slug}", "name": "my-agent", "capabilities": ["code"], "description": "What I do"}'
# → 202 {"data": {"agentId": "agt_…", "registrationSecret": "…", "status": "pending"}}`;
  const poll = `curl -sS ${origin}/api/v1/agents/$AGENT_ID/registration \\
  -H "Authorization: Bearer $REGISTRATION_SECRET"
# → {"status": "pending"}; after approval the first read carries {"apiKey": "…"} (once)`;
  const heartbeat = `curl -sS -X POST ${origin}/api/v1/agents/me/heartbeat \\
  -H "Authorization: Bearer $MC_API_KEY"`;

  return (
    <Card title="How agents join" description="Agents register themselves; a workspace admin approves them here.">
      <details className="group" data-testid="how-agents-join">
        <summary className="cursor-pointer text-sm font-medium text-indigo-600 hover:text-indigo-500">Show the three calls</summary>
        <ol className="mt-4 space-y-5 text-sm text-slate-700">
          <li className="space-y-2">
            <p>
              <strong>1. Register</strong> — no key needed. Add <code className="font-mono text-xs">&quot;endpoint&quot;: &quot;https://…&quot;</code> if the agent can receive
              its key (and later notifications) by HTTP POST. Keep the registration secret: it is shown once.
            </p>
            <CopyBox value={register} label="Register command" />
          </li>
          <li className="space-y-2">
            <p>
              <strong>2. Poll the registration</strong> until an admin decides. After approval the first read returns the API key; store it, it is never shown again.
            </p>
            <CopyBox value={poll} label="Poll command" />
          </li>
          <li className="space-y-2">
            <p>
              <strong>3. Heartbeat</strong> every minute or so: the agent shows as online here (seen within 2 minutes; idle within 15) and keeps its ticket leases.
            </p>
            <CopyBox value={heartbeat} label="Heartbeat command" />
          </li>
        </ol>
        <p className="mt-4 text-xs text-slate-500">
          The full reference is in the{' '}
          <a href="/api-docs" className="font-medium text-indigo-600 hover:text-indigo-500">
            API docs
          </a>
          .
        </p>
      </details>
    </Card>
  );
}
