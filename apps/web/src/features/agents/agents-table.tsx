'use client';
// Agents as a table: name (linking to the agent's page) with description or rejection reason, status, liveness,
// capabilities, endpoint, and the manager's actions.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AgentActions } from './agent-actions';
import { AgentStatusBadge, Capabilities, Endpoint, Liveness, type Agent } from '@/src/ui/agents';
import { Table, type Column } from '@/src/ui/table';

export function AgentsTable({
  agents,
  now,
  manager,
  base,
  onChanged,
  onDeleted,
  empty,
}: {
  agents: Agent[] | null;
  now: number;
  /** The caller may manage agents (`agents.manage`): the actions column. */
  manager: boolean;
  /** `/w/{slug}/agents` */
  base: string;
  onChanged: (a: Agent) => void;
  onDeleted: (a: Agent) => void;
  empty: ReactNode;
}) {
  const columns: Column<Agent>[] = [
    {
      id: 'agent',
      header: 'Agent',
      cell: (a) => (
        <>
          <Link href={`${base}/${encodeURIComponent(a.id)}`} className="font-medium whitespace-nowrap text-slate-900 hover:text-indigo-600">
            {a.name}
          </Link>
          {a.description && <p className="mt-0.5 line-clamp-2 max-w-xs text-xs text-slate-500">{a.description}</p>}
          {a.status === 'rejected' && a.rejectionReason && <p className="mt-0.5 max-w-xs text-xs text-rose-600">Rejected: {a.rejectionReason}</p>}
        </>
      ),
    },
    { id: 'status', header: 'Status', cell: (a) => <AgentStatusBadge status={a.status} /> },
    { id: 'liveness', header: 'Liveness', className: 'whitespace-nowrap', cell: (a) => <Liveness agent={a} now={now} compact /> },
    { id: 'capabilities', header: 'Capabilities', cell: (a) => <Capabilities list={a.capabilities} /> },
    { id: 'endpoint', header: 'Endpoint', cell: (a) => <Endpoint url={a.endpoint} /> },
    {
      id: 'actions',
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      hidden: !manager,
      cell: (a) => <AgentActions agent={a} onChanged={onChanged} onDeleted={onDeleted} />,
    },
  ];
  return (
    <Table
      label="Agents"
      testId="agents-table"
      columns={columns}
      rows={agents}
      rowKey={(a) => a.id}
      rowProps={(a) => ({ 'data-testid': `agent-row-${a.name}` })}
      alignTop
      className="-mx-5 -mb-4"
      empty={empty}
    />
  );
}
