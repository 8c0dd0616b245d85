'use client';
// The agents of a workspace: the registrations waiting for approval (managers), every agent with its status and
// liveness — kept current by a 5 s poll while the page is visible plus the workspace's live event stream — and
// how an agent joins.
import { useState } from 'react';
import { AgentList } from '@/src/features/agents/agent-list';
import { HowAgentsJoin } from '@/src/features/agents/how-agents-join';
import { PendingQueue } from '@/src/features/agents/pending-queue';
import { AGENT_MAX_PAGES, AGENT_PAGE, useAgentChanged, useAgentList } from '@/src/features/agents/queries';
import { KEY_DELIVERY_TEXT, type Agent } from '@/src/ui/agents';
import { Notice, useTitle } from '@/src/ui/components';
import { useNow } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function AgentsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Agents · ${w.name}`);
  const manager = !!w.permissions['agents.manage'];
  const now = useNow(5000);

  const list = useAgentList(w.id);
  const agents = list.data?.agents ?? (list.isError ? [] : null);
  const [decisions, setDecisions] = useState<{ id: string; text: string; tone: 'success' | 'warning' }[]>([]);
  const changed = useAgentChanged(w.id);
  const replace = (a: Agent) => changed(a);
  const remove = (a: Agent) => changed(a, true);
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
            void list.refetch();
          }}
        />
      )}
      <AgentList agents={agents} truncated={!!list.data?.truncated} limit={AGENT_PAGE * AGENT_MAX_PAGES} error={list.error} now={now} manager={manager} onChanged={replace} onDeleted={(a) => (remove(a), note(a.id, `${a.name} was deleted.`))} />
      <HowAgentsJoin slug={w.slug} />
    </div>
  );
}
