'use client';
// One agent: its profile, status and liveness (polled while visible), the story of its keys and everything else
// that happened to it (from the activity log), and — for managers — editing its profile with optimistic
// concurrency, rotating its key, deactivating, activating and deleting it.
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTargetHistory } from '@/src/features/activity/queries';
import { AgentHistory } from '@/src/features/agents/agent-history';
import { useAgent, useAgentChanged } from '@/src/features/agents/queries';
import { AgentProfile } from '@/src/features/agents/agent-profile';
import { KeyStory } from '@/src/features/agents/key-story';
import { PendingDecision } from '@/src/features/agents/pending-decision';
import { AgentActions, RejectDialog } from '@/src/features/agents/agent-actions';
import { AgentStatusBadge, Liveness, RelativeTime, type Agent } from '@/src/ui/agents';
import { Button, EmptyState, ErrorAlert, Loading, Notice, useTitle } from '@/src/ui/components';
import { useNow } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function AgentDetailPage() {
  const { workspace: w } = useWorkspace();
  const { agentId: rawId } = useParams<{ agentId: string }>();
  const agentId = decodeURIComponent(rawId);
  const router = useRouter();
  const base = `/w/${encodeURIComponent(w.slug)}/agents`;
  const manager = !!w.permissions['agents.manage'];
  const now = useNow(5000);

  const agentQuery = useAgent(w.id, agentId);
  const agent = agentQuery.data ?? null;
  const error = agentQuery.error;
  const historyList = useTargetHistory(w.id, agentId);
  const history = historyList.items;
  const [notice, setNotice] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Agent | null>(null);
  const agentChanged = useAgentChanged(w.id);
  useTitle(agent ? `${agent.name} · Agents · ${w.name}` : `Agents · ${w.name}`);

  const loadAll = () => Promise.all([agentQuery.refetch(), historyList.reload()]);
  const changed = (a: Agent) => agentChanged(a);

  if (error && !agent) {
    return error.status === 404 ? (
      <EmptyState
        icon="🤖"
        title="Agent not found"
        action={
          <Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={base}>
            All agents of {w.name}
          </Link>
        }
      >
        There is no agent <span className="font-mono">{agentId}</span> in this workspace, or it was deleted.
      </EmptyState>
    ) : (
      <div className="space-y-3">
        <ErrorAlert error={error} />
        <Button variant="secondary" onClick={() => void loadAll()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!agent) return <Loading />;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={base} className="font-medium text-indigo-600 hover:text-indigo-500">
          ← Agents
        </Link>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="agent-name">
              {agent.name}
            </h2>
            <AgentStatusBadge status={agent.status} />
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <Liveness agent={agent} now={now} />
            <Link href={`${base}/${encodeURIComponent(agent.id)}/scorecard`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500" data-testid="agent-scorecard-link">
              📊 Scorecard
            </Link>
          </div>
        </div>
        {manager && agent.status === 'pending' && (
          <PendingDecision agent={agent} onApproved={(a, text) => (changed(a), setNotice(text))} onReject={() => setRejecting(agent)} />
        )}
        {manager && agent.status !== 'pending' && (
          <AgentActions agent={agent} size="md" onChanged={changed} onRotated={() => void historyList.reload()} onDeleted={() => router.push(base)} />
        )}
      </div>
      {notice && <Notice tone="success">{notice}</Notice>}
      {error && <ErrorAlert error={error} />}
      {agent.status === 'rejected' && agent.rejectionReason && (
        <Notice tone="warning">
          Rejected{agent.decidedAt ? <> <RelativeTime iso={agent.decidedAt} now={now} /></> : null}: {agent.rejectionReason}
        </Notice>
      )}
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          <AgentProfile key={`${agent.id}`} agent={agent} now={now} editable={manager && agent.status !== 'deleted'} onSaved={changed} onReload={async () => void (await loadAll())} />
        </div>
        <div className="space-y-6 lg:col-span-2">
          <KeyStory agent={agent} history={history} now={now} />
        </div>
      </div>
      <AgentHistory history={history} error={historyList.error} workspaceSlug={w.slug} agentId={agent.id} />
      <RejectDialog agent={rejecting} onClose={() => setRejecting(null)} onRejected={(a) => (changed(a), setNotice(`${a.name} was rejected.`))} />
    </div>
  );
}
