'use client';
// The agents of a workspace: the registrations waiting for approval (managers), every agent with its status and
// liveness — kept current by a 5 s poll while the page is visible plus the workspace's live event stream — and
// how an agent joins.
import { useCallback, useEffect, useRef, useState } from 'react';
import { AgentList } from '@/src/features/agents/agent-list';
import { HowAgentsJoin } from '@/src/features/agents/how-agents-join';
import { PendingQueue } from '@/src/features/agents/pending-queue';
import { KEY_DELIVERY_TEXT, type Agent } from '@/src/ui/agents';
import { apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Notice, useTitle } from '@/src/ui/components';
import { useNow, useVisibleInterval, useWorkspaceEvents } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;
const PAGE = 200;
/** Enough for any workspace a person manages by eye; the list says so if there are more. */
const MAX_PAGES = 5;

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
      <AgentList agents={agents} truncated={truncated} limit={PAGE * MAX_PAGES} error={error} now={now} manager={manager} onChanged={replace} onDeleted={(a) => (remove(a), note(a.id, `${a.name} was deleted.`))} />
      <HowAgentsJoin slug={w.slug} />
    </div>
  );
}
