'use client';
// The facts of one execution: agent, ticket, status, model, start, end, duration, API calls, tokens, cost (with
// where it came from) and the price a computed cost used.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card, Time } from '@/src/ui/components';
import { COST_SOURCE_TEXT, CostValue, ExecutionStatusBadge, type TicketRef } from '@/src/ui/executions';
import { formatDuration, formatInt, formatUsd } from '@/src/ui/format';
import type { Schemas } from '@/src/data/client';
import type { Execution } from './queries';

type ModelPrice = Schemas['ModelPrice'];

export function ExecutionFacts({ execution: e, agentName, ticket, price, base }: { execution: Execution; agentName: string; ticket: TicketRef | undefined; price: ModelPrice | null; base: string }) {
  const source = e.costSource ? COST_SOURCE_TEXT[e.costSource] : null;
  return (
    <Card title="Facts">
      <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-4" data-testid="execution-facts">
        <Fact label="Agent">
          <Link href={`${base}/agents/${encodeURIComponent(e.agentId)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
            🤖 {agentName}
          </Link>
        </Fact>
        <Fact label="Ticket">
          {e.ticketId ? (
            <Link href={`${base}/tickets/${encodeURIComponent(e.ticketId)}`} className="font-medium text-indigo-600 hover:text-indigo-500" data-testid="execution-ticket">
              {ticket ? `#${ticket.number} ${ticket.title}` : e.ticketId}
            </Link>
          ) : (
            <span className="text-slate-500">None</span>
          )}
        </Fact>
        <Fact label="Status">
          <ExecutionStatusBadge status={e.status} />
        </Fact>
        <Fact label="Model">{e.model ? <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{e.model}</code> : <span className="text-slate-500">Not reported</span>}</Fact>
        <Fact label="Started">
          <Time iso={e.startTime} />
        </Fact>
        <Fact label="Ended">{e.endTime ? <Time iso={e.endTime} /> : <span className="text-sky-700">Still running</span>}</Fact>
        <Fact label="Duration">
          <span className="tabular-nums">{e.status === 'running' ? '…' : formatDuration(e.durationMs)}</span>
        </Fact>
        <Fact label="API calls">
          <span className="tabular-nums" data-testid="execution-api-calls">
            {formatInt(e.apiCalls)}
          </span>
        </Fact>
        <Fact label="Tokens in">
          <span className="tabular-nums" data-testid="execution-tokens-in">
            {formatInt(e.tokensIn)}
          </span>
        </Fact>
        <Fact label="Tokens out">
          <span className="tabular-nums" data-testid="execution-tokens-out">
            {formatInt(e.tokensOut)}
          </span>
        </Fact>
        <Fact label="Cost">
          <CostValue execution={e} className="text-base font-semibold text-slate-900" />
          {source && <p className="mt-0.5 text-xs text-slate-500">{source.title}.</p>}
        </Fact>
        <Fact label="Price">
          {e.costSource === 'computed' && price ? (
            <span data-testid="execution-price">
              {formatUsd(price.inputUsdPerMTok)} in / {formatUsd(price.outputUsdPerMTok)} out per million tokens
              <span className="block text-xs text-slate-500">
                {price.model}, effective <Time iso={price.effectiveFrom} />
              </span>
            </span>
          ) : e.costSource === 'computed' && e.priceId ? (
            <span className="font-mono text-xs">{e.priceId}</span>
          ) : e.costSource === 'reported' ? (
            <span className="text-slate-500">Not used: the agent reported its cost</span>
          ) : e.costSource === 'unpriced' ? (
            <span className="text-amber-800">No price for {e.model ?? 'this model'}</span>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Fact>
      </dl>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-800">{children}</dd>
    </div>
  );
}
