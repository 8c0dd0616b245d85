'use client';
// The range's runs, tokens and cost by agent and by model, as two dense tables (most expensive first, as the API
// orders them), then by cron when cron runs executed here (charged to this workspace, issue 14).
import Link from 'next/link';
import { Card } from '@/src/ui/components';
import { formatInt, formatUsd } from '@/src/ui/format';
import { Table, type Column } from '@/src/ui/table';
import type { CostBreakdown } from '@/src/ui/types';

type AgentRow = CostBreakdown['byAgent'][number];
type ModelRow = CostBreakdown['byModel'][number];
type CronRow = CostBreakdown['byCron'][number];

/** Runs, tokens and cost: the columns both tables share after their first. */
function amounts<T extends { executions: number; tokens: number; costUsd: number }>(): Column<T>[] {
  return [
    { id: 'runs', header: 'Runs', align: 'right', cell: (r) => formatInt(r.executions) },
    { id: 'tokens', header: 'Tokens', align: 'right', cell: (r) => formatInt(r.tokens) },
    { id: 'cost', header: 'Cost', align: 'right', cell: (r) => formatUsd(r.costUsd) },
  ];
}

const AGENT_COLUMNS: Column<AgentRow>[] = [
  { id: 'agent', header: 'Agent', rowHeader: true, cell: (a) => a.agentName ?? <span className="text-slate-500">{a.agentId} (deleted)</span> },
  ...amounts<AgentRow>(),
];

const MODEL_COLUMNS: Column<ModelRow>[] = [
  { id: 'model', header: 'Model', rowHeader: true, cell: (m) => (m.model ? <code className="text-xs">{m.model}</code> : <span className="text-slate-500">no model reported</span>) },
  ...amounts<ModelRow>(),
];

const CRON_COLUMNS: Column<CronRow>[] = [
  {
    id: 'cron',
    header: 'Cron',
    rowHeader: true,
    cell: (c) =>
      c.cronName === null ? (
        <span className="text-slate-500">{c.cronId} (deleted)</span>
      ) : (
        <Link href={`/crons/${encodeURIComponent(c.cronId)}`} className="text-indigo-700 hover:underline">
          {c.cronName}
        </Link>
      ),
  },
  ...amounts<CronRow>(),
];

export function Breakdown({ costs }: { costs: CostBreakdown }) {
  if (costs.byAgent.length === 0 && costs.byModel.length === 0) return null;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="By agent">
        <Table label="Cost by agent" testId="costs-by-agent" density="compact" columns={AGENT_COLUMNS} rows={costs.byAgent} rowKey={(a) => a.agentId} />
      </Card>
      <Card title="By model">
        <Table label="Cost by model" testId="costs-by-model" density="compact" columns={MODEL_COLUMNS} rows={costs.byModel} rowKey={(m) => m.model ?? ''} />
      </Card>
      {costs.byCron.length > 0 && (
        <Card title="By cron">
          <Table label="Cost by cron" testId="costs-by-cron" density="compact" columns={CRON_COLUMNS} rows={costs.byCron} rowKey={(c) => c.cronId} />
        </Card>
      )}
    </div>
  );
}
