'use client';
// The workspace's agents with their status and liveness, searchable and filtered by status and capability (in the
// page: a workspace has at most a few hundred agents, all loaded). Managers see pending registrations in their queue
// instead, and the actions on each agent.
import { useMemo, useState } from 'react';
import type { Agent, AgentStatus } from '@/src/ui/agents';
import type { ApiError } from '@/src/data/client';
import { Button, Card, EmptyState, ErrorAlert, SelectField, TextField } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';
import { AgentsTable } from './agents-table';

type StatusFilter = '' | Exclude<AgentStatus, 'deleted'>;

export function AgentList({
  agents,
  truncated,
  limit,
  error,
  now,
  manager,
  onChanged,
  onDeleted,
}: {
  agents: Agent[] | null;
  truncated: boolean;
  /** How many agents the page reads at most. */
  limit: number;
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
      <AgentsTable
        agents={agents === null ? null : shown}
        now={now}
        manager={manager}
        base={base}
        onChanged={onChanged}
        onDeleted={onDeleted}
        empty={
          <EmptyState icon="🤖" title={filtered ? 'No agent matches these filters' : 'No agents yet'}>
            {filtered ? 'Clear the filters to see every agent.' : 'Agents register themselves over the API; see “How agents join” below.'}
          </EmptyState>
        }
      />
      {truncated && <p className="mt-6 text-xs text-slate-500">Showing the first {limit} agents by name.</p>}
    </Card>
  );
}
