'use client';
// The workspace's executions, newest first: filtered by agent, status, model, dates and text, paged with "Load more"
// (cursor), each row linking to its execution page. Runs still going are refreshed live.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { qs } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, ScrollRegion, SelectField, TextField, Time, useTitle } from '@/src/ui/components';
import { CostValue, EXECUTION_STATUSES, EXECUTION_STATUS_LABEL, ExecutionStatusBadge, Tokens, useAgentNames, useTicketRefs } from '@/src/ui/executions';
import { formatDuration, localDayToIso } from '@/src/ui/format';
import { useVisibleInterval, useWorkspaceEvents } from '@/src/ui/live';
import type { Execution } from '@/src/ui/types';
import { AgentSelect, FilterActions } from '@/src/ui/filters';
import { useCursorList } from '@/src/ui/use-cursor-list';
import { useWorkspace } from '@/src/ui/workspace-context';

const PAGE = 30;

interface Filters {
  agentId: string;
  status: string;
  model: string;
  q: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { agentId: '', status: '', model: '', q: '', from: '', to: '' };

export default function ExecutionsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Executions · ${w.name}`);
  const router = useRouter();
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const { agents, nameOf } = useAgentNames(w.id);
  const list = useCursorList<Execution>(
    `/executions${qs({
      workspaceId: w.id,
      limit: PAGE,
      agentId: applied.agentId,
      status: applied.status,
      model: applied.model.trim(),
      q: applied.q.trim(),
      from: localDayToIso(applied.from, false),
      to: localDayToIso(applied.to, true),
    })}`,
  );
  const { items, error, hasMore, loadMore, loadingMore, reload } = list;
  const tickets = useTicketRefs(items?.map((e) => e.ticketId) ?? []);
  const running = !!items?.some((e) => e.status === 'running');
  // Runs in flight report usage as they go: keep the first page current while any is shown.
  useVisibleInterval(reload, 5000, running);
  useWorkspaceEvents(w.id, ['execution.'], reload);

  const filtered = Object.values(applied).some(Boolean);
  const fieldErr = (name: string) => error?.fieldError(name);

  return (
    <div className="space-y-6">
      <Card>
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...draft });
          }}
          aria-label="Filter executions"
        >
          <TextField
            id="executions-q"
            className="lg:col-span-2"
            label="Search"
            type="search"
            placeholder="Whole words; deplo* for a word start"
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
            error={fieldErr('q')}
          />
          <AgentSelect id="executions-agent" agents={agents} value={draft.agentId} onChange={(agentId) => setDraft({ ...draft, agentId })} error={fieldErr('agentId')} />
          <SelectField id="executions-status" label="Status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} error={fieldErr('status')}>
            <option value="">Any status</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {EXECUTION_STATUS_LABEL[s]}
              </option>
            ))}
          </SelectField>
          <TextField
            id="executions-model"
            className="lg:col-span-2"
            label="Model"
            placeholder="e.g. gpt-4o"
            spellCheck={false}
            value={draft.model}
            onChange={(e) => setDraft({ ...draft, model: e.target.value })}
            error={fieldErr('model')}
          />
          <TextField id="executions-from" label="Started from" type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={fieldErr('from')} />
          <TextField id="executions-to" label="Started until" type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldErr('to')} />
          <FilterActions
            className="lg:col-span-4"
            dirty={filtered || Object.values(draft).some(Boolean)}
            onClear={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          />
        </form>
      </Card>

      <Card title="Executions" description="Every run an agent reported, newest first. Costs are reported by the agent or computed from the model's price.">
        <ErrorAlert error={error} fields={['q', 'agentId', 'status', 'model', 'from', 'to']} className="mb-4" />
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState icon="⚙️" title={filtered ? 'No executions match these filters' : 'No executions yet'}>
            {filtered ? 'Widen the dates or clear the filters.' : 'Agents report their runs with POST /api/v1/executions; each run appears here with its tokens, cost and decisions.'}
          </EmptyState>
        ) : (
          <>
            <ScrollRegion label="Executions" className="-mx-5">
              <table className="min-w-full text-sm" data-testid="executions-table">
                <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-5 py-2.5">Started</th>
                    <th scope="col" className="px-3 py-2.5">Agent</th>
                    <th scope="col" className="px-3 py-2.5">Ticket</th>
                    <th scope="col" className="px-3 py-2.5">Status</th>
                    <th scope="col" className="px-3 py-2.5 text-right">Duration</th>
                    <th scope="col" className="px-3 py-2.5 text-right">
                      Tokens <span className="font-normal normal-case">in / out</span>
                    </th>
                    <th scope="col" className="px-5 py-2.5 text-right">Cost</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {items.map((e) => {
                    const href = `${base}/executions/${encodeURIComponent(e.id)}`;
                    const t = e.ticketId ? tickets.get(e.ticketId) : undefined;
                    return (
                      <tr
                        key={e.id}
                        className="cursor-pointer hover:bg-slate-50"
                        data-testid="execution-row"
                        data-execution-id={e.id}
                        onClick={(ev) => {
                          // The whole row opens the run; links and selections inside it keep their own behaviour.
                          if ((ev.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                          router.push(href);
                        }}
                      >
                        <td className="px-5 py-2.5 whitespace-nowrap">
                          <Link href={href} className="font-medium text-indigo-600 hover:text-indigo-500">
                            <Time iso={e.startTime} />
                          </Link>
                        </td>
                        <td className="px-3 py-2.5 whitespace-nowrap text-slate-800">{e.agentName ?? nameOf(e.agentId) ?? <span className="font-mono text-xs">{e.agentId}</span>}</td>
                        <td className="max-w-[16rem] px-3 py-2.5">
                          {e.ticketId ? (
                            <Link href={`${base}/tickets/${encodeURIComponent(e.ticketId)}`} className="block truncate text-slate-700 hover:text-indigo-600" title={t?.title}>
                              {t ? (
                                <>
                                  <span className="font-mono text-slate-500">#{t.number}</span> {t.title}
                                </>
                              ) : (
                                <span className="font-mono text-xs">{e.ticketId}</span>
                              )}
                            </Link>
                          ) : (
                            <span className="text-slate-500">—</span>
                          )}
                        </td>
                        <td className="px-3 py-2.5">
                          <ExecutionStatusBadge status={e.status} />
                        </td>
                        <td className="px-3 py-2.5 text-right whitespace-nowrap text-slate-700 tabular-nums">{e.status === 'running' ? <span className="text-sky-700">running</span> : formatDuration(e.durationMs)}</td>
                        <td className="px-3 py-2.5 text-right text-slate-700">
                          <Tokens tokensIn={e.tokensIn} tokensOut={e.tokensOut} />
                        </td>
                        <td className="px-5 py-2.5 text-right text-slate-800">
                          <CostValue execution={e} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollRegion>
            <div className="mt-6 flex justify-center">
              {hasMore ? (
                <Button variant="secondary" onClick={loadMore} loading={loadingMore}>
                  Load more
                </Button>
              ) : (
                <p className="text-xs text-slate-500">That is everything.</p>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
