'use client';
// One agent: its profile, status and liveness (polled while visible), the story of its keys and everything else
// that happened to it (from the activity log), and — for managers — editing its profile with optimistic
// concurrency, rotating its key, deactivating, activating and deleting it.
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ActivityItem } from '@/src/ui/activity-item';
import { AgentActions, AgentStatusBadge, Capabilities, KEY_DELIVERY_TEXT, Liveness, RejectDialog, RelativeTime, approveAgent, type Agent } from '@/src/ui/agents';
import { ApiError, api, apiList, qs, toApiError } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, Notice, TextArea, TextField, formatDateTime, useTitle } from '@/src/ui/components';
import { useNow, useVisibleInterval, useWorkspaceEvents } from '@/src/ui/live';
import type { Activity } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;
const KEY_ACTIONS = new Set(['agent.approved', 'agent.key_issued', 'agent.key_callback_failed', 'agent.key_rotated', 'agent.deactivated', 'agent.activated', 'agent.deleted']);

export default function AgentDetailPage() {
  const { workspace: w } = useWorkspace();
  const { agentId: rawId } = useParams<{ agentId: string }>();
  const agentId = decodeURIComponent(rawId);
  const router = useRouter();
  const base = `/w/${encodeURIComponent(w.slug)}/agents`;
  const manager = !!w.permissions['agents.manage'];
  const now = useNow(5000);

  const [agent, setAgent] = useState<Agent | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [history, setHistory] = useState<Activity[] | null>(null);
  const [historyError, setHistoryError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Agent | null>(null);
  const generation = useRef(0);
  useTitle(agent ? `${agent.name} · Agents · ${w.name}` : `Agents · ${w.name}`);

  const loadAgent = useCallback(async () => {
    const started = generation.current;
    try {
      const a = await api<Agent>('GET', `/agents/${encodeURIComponent(agentId)}`);
      if (started !== generation.current) return;
      // An agent of another workspace is not shown under this one's URL.
      if (a.workspaceId !== w.id) {
        setError(new ApiError(404, 'NOT_FOUND', 'agent not found'));
        setAgent(null);
        return;
      }
      setAgent(a);
      setError(null);
    } catch (err) {
      if (started !== generation.current) return;
      setError(toApiError(err));
    }
  }, [agentId, w.id]);

  const loadHistory = useCallback(async () => {
    try {
      const { items } = await apiList<Activity>(`/activity${qs({ workspaceId: w.id, targetId: agentId, limit: 100 })}`);
      setHistory(items);
      setHistoryError(null);
    } catch (err) {
      setHistoryError(toApiError(err));
      setHistory((h) => h ?? []);
    }
  }, [agentId, w.id]);

  const loadAll = useCallback(() => Promise.all([loadAgent(), loadHistory()]), [loadAgent, loadHistory]);

  useEffect(() => {
    void loadAll();
  }, [loadAll]);
  useVisibleInterval(loadAgent, POLL_MS);
  useWorkspaceEvents(w.id, ['agent.'], (e) => {
    if (!e.agentId || e.agentId === agentId) void loadAll();
  });

  const changed = (a: Agent) => {
    generation.current++;
    setAgent(a);
    void loadHistory();
  };

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
          <AgentActions agent={agent} size="md" onChanged={changed} onRotated={() => void loadHistory()} onDeleted={() => router.push(base)} />
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
          <Profile key={`${agent.id}`} agent={agent} now={now} editable={manager && agent.status !== 'deleted'} onSaved={changed} onReload={async () => void (await loadAll())} />
        </div>
        <div className="space-y-6 lg:col-span-2">
          <KeyStory agent={agent} history={history} now={now} />
        </div>
      </div>
      <Card title="History" description="Everything recorded about this agent, newest first.">
        <ErrorAlert error={historyError} className="mb-3" />
        {history === null ? (
          <Loading />
        ) : history.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing recorded yet.</p>
        ) : (
          <ul className="-my-3 divide-y divide-slate-100" data-testid="agent-history">
            {history.map((a) => (
              <ActivityItem key={a.id} entry={a} workspaceSlug={w.slug} here={`/w/${encodeURIComponent(w.slug)}/agents/${encodeURIComponent(agent.id)}`} />
            ))}
          </ul>
        )}
      </Card>
      <RejectDialog agent={rejecting} onClose={() => setRejecting(null)} onRejected={(a) => (changed(a), setNotice(`${a.name} was rejected.`))} />
    </div>
  );
}

function PendingDecision({ agent, onApproved, onReject }: { agent: Agent; onApproved: (a: Agent, notice: string) => void; onReject: () => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button variant="secondary" onClick={onReject} disabled={pending}>
          Reject
        </Button>
        <Button
          loading={pending}
          onClick={async () => {
            setPending(true);
            setError(null);
            try {
              const { keyDelivery, ...a } = await approveAgent(agent);
              onApproved(a, `${a.name} was approved. ${KEY_DELIVERY_TEXT[keyDelivery] ?? ''}`);
            } catch (err) {
              setError(toApiError(err));
            } finally {
              setPending(false);
            }
          }}
        >
          Approve
        </Button>
      </div>
      <ErrorAlert error={error} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- profile

interface ProfileForm {
  capabilities: string;
  description: string;
  endpoint: string;
}

function formOf(a: Agent): ProfileForm {
  return { capabilities: a.capabilities.join(', '), description: a.description, endpoint: a.endpoint ?? '' };
}

function parseCapabilities(s: string): string[] {
  return [...new Set(s.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean))];
}

function isStale(err: ApiError | null): boolean {
  return !!err && err.status === 409 && err.details?.reason === 'stale_version';
}

/** The first field issue under `prefix` (`capabilities` also covers `capabilities.3`). */
function issueFor(err: ApiError | null, prefix: string): string | undefined {
  if (!err || isStale(err)) return undefined;
  const direct = err.fieldError(prefix);
  if (direct) return direct;
  const i = err.issues.find((x) => x.field.startsWith(`${prefix}.`) || x.field.startsWith(`${prefix}[`));
  return i ? `${i.field}: ${i.message}` : undefined;
}

function Profile({ agent, now, editable, onSaved, onReload }: { agent: Agent; now: number; editable: boolean; onSaved: (a: Agent) => void; onReload: () => Promise<void> }) {
  // Editing starts from a snapshot: its version is what the save sends, so a change made meanwhile by someone else
  // (or by the agent) is a 409 instead of being silently overwritten by the live refresh.
  const [editing, setEditing] = useState<{ base: Agent; form: ProfileForm } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  function start(from: Agent) {
    setEditing({ base: from, form: formOf(from) });
    setError(null);
    setSaved(false);
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const { base, form } = editing;
    const caps = parseCapabilities(form.capabilities);
    const body: Record<string, unknown> = { version: base.version };
    if (caps.join('\n') !== base.capabilities.join('\n')) body.capabilities = caps;
    if (form.description !== base.description) body.description = form.description;
    const endpoint = form.endpoint.trim() === '' ? null : form.endpoint.trim();
    if (endpoint !== base.endpoint) body.endpoint = endpoint;
    if (Object.keys(body).length === 1) {
      setEditing(null);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const updated = await api<Agent>('PATCH', `/agents/${encodeURIComponent(base.id)}`, body);
      setEditing(null);
      setSaved(true);
      onSaved(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const rows: [string, React.ReactNode][] = [
    ['Description', agent.description ? <span className="whitespace-pre-wrap">{agent.description}</span> : <span className="text-slate-500">—</span>],
    ['Capabilities', <Capabilities key="c" list={agent.capabilities} empty="none declared" />],
    ['Endpoint', agent.endpoint ? <span className="font-mono text-xs break-all">{agent.endpoint}</span> : <span className="text-slate-500">None: it polls for work</span>],
    ['Registered', <span key="r"><RelativeTime iso={agent.createdAt} now={now} />{agent.registrationIp && <> from <span className="font-mono text-xs">{agent.registrationIp}</span></>}</span>],
    ['Decided', agent.decidedAt ? <RelativeTime key="d" iso={agent.decidedAt} now={now} /> : <span className="text-slate-500">Not yet</span>],
    ['Id', <span key="i" className="font-mono text-xs">{agent.id}</span>],
  ];

  return (
    <Card
      title="Profile"
      description={editing ? 'Change what the agent declares. The agent can change these too.' : undefined}
      footer={
        editable && !editing ? (
          <Button variant="secondary" onClick={() => start(agent)}>
            Edit profile
          </Button>
        ) : undefined
      }
    >
      {editing ? (
        <form onSubmit={submit} className="space-y-4" data-testid="agent-profile-form">
          <TextField
            id="agent-capabilities"
            label="Capabilities"
            hint="Separated by commas or spaces: lowercase letters, digits, “.”, “_”, “:” and “-”."
            spellCheck={false}
            value={editing.form.capabilities}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, capabilities: e.target.value } })}
            error={issueFor(error, 'capabilities')}
          />
          <TextArea
            id="agent-description"
            label="Description"
            rows={3}
            maxLength={2000}
            value={editing.form.description}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, description: e.target.value } })}
            error={issueFor(error, 'description')}
          />
          <TextField
            id="agent-endpoint"
            label="Endpoint"
            type="url"
            placeholder="https://agent.example.com/mission-control"
            hint="Where Mission Control POSTs notifications to the agent. Empty: none."
            value={editing.form.endpoint}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, endpoint: e.target.value } })}
            error={issueFor(error, 'endpoint')}
          />
          {isStale(error) ? (
            <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900" data-testid="stale-agent">
              <p className="font-medium">This agent was changed after you started editing.</p>
              <p className="mt-0.5">Reload to start again from the latest version (your edits here are discarded).</p>
              <Button
                size="sm"
                variant="secondary"
                className="mt-2"
                onClick={async () => {
                  await onReload();
                  setEditing(null);
                  setError(null);
                }}
              >
                Reload
              </Button>
            </div>
          ) : (
            <ErrorAlert error={error} fields={['capabilities', 'description', 'endpoint']} />
          )}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => (setEditing(null), setError(null))} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={isStale(error)}>
              Save profile
            </Button>
          </div>
        </form>
      ) : (
        <>
          {saved && (
            <Notice tone="success" className="mb-4">
              Profile saved.
            </Notice>
          )}
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[8rem_1fr]">
            {rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd className="min-w-0 text-slate-800">{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------- keys

function graceText(seconds: number): string {
  if (seconds === 0) return 'no grace: the previous key stopped at once';
  if (seconds % 86400 === 0) return `previous key kept ${seconds / 86400} ${seconds === 86400 ? 'day' : 'days'}`;
  if (seconds % 3600 === 0) return `previous key kept ${seconds / 3600} ${seconds === 3600 ? 'hour' : 'hours'}`;
  return `previous key kept ${seconds} s`;
}

/** One line of the key story, from an activity entry. */
function keyEvent(a: Activity): { icon: string; text: string } {
  const m = a.metadata as Record<string, unknown>;
  switch (a.action) {
    case 'agent.approved':
      return { icon: '✅', text: `Approved by ${a.actor.name}` };
    case 'agent.key_issued':
      return m.delivery === 'endpoint_callback'
        ? { icon: '🔑', text: "First key delivered to the agent's endpoint" }
        : { icon: '🔑', text: 'First key fetched by the agent with its registration secret' };
    case 'agent.key_callback_failed':
      return { icon: '⚠️', text: `Its endpoint did not take the key${m.status ? ` (HTTP ${String(m.status)})` : ''}; the agent fetches it with its registration secret` };
    case 'agent.key_rotated': {
      const grace = typeof m.graceSeconds === 'number' ? m.graceSeconds : null;
      const who = m.by === 'self' ? 'by the agent itself' : `by ${a.actor.name}`;
      return { icon: '🔄', text: `Key rotated ${who}${grace === null ? '' : ` — ${graceText(grace)}`}` };
    }
    case 'agent.deactivated':
      return { icon: '⏸️', text: `Deactivated by ${a.actor.name}: keys refused` };
    case 'agent.activated':
      return { icon: '▶️', text: `Activated by ${a.actor.name}: keys work again` };
    case 'agent.deleted':
      return { icon: '🗑️', text: `Deleted by ${a.actor.name}: keys revoked` };
    default:
      return { icon: '•', text: a.summary };
  }
}

function KeyStory({ agent, history, now }: { agent: Agent; history: Activity[] | null; now: number }) {
  const events = (history ?? []).filter((a) => KEY_ACTIONS.has(a.action));
  const rotations = events.filter((e) => e.action === 'agent.key_rotated');
  const lastRotation = rotations[0];
  const graceUntil =
    lastRotation && typeof lastRotation.metadata.graceSeconds === 'number'
      ? new Date(new Date(lastRotation.createdAt).getTime() + (lastRotation.metadata.graceSeconds as number) * 1000)
      : null;
  return (
    <Card title="Keys" description="How this agent got its keys. Keys themselves are never shown again.">
      <dl className="mb-4 grid grid-cols-[7rem_1fr] gap-y-2 text-sm">
        <dt className="text-slate-500">First key</dt>
        <dd className="text-slate-800">
          {agent.keyIssuedAt ? (
            <RelativeTime iso={agent.keyIssuedAt} now={now} />
          ) : agent.status === 'active' ? (
            <span className="text-amber-700">not fetched yet</span>
          ) : (
            <span className="text-slate-500">none</span>
          )}
        </dd>
        <dt className="text-slate-500">Rotations</dt>
        <dd className="text-slate-800">{history === null ? '…' : rotations.length}</dd>
        {graceUntil && graceUntil.getTime() > now && (
          <>
            <dt className="text-slate-500">Grace</dt>
            <dd className="text-slate-800">
              the previous key works until <time dateTime={graceUntil.toISOString()}>{formatDateTime(graceUntil.toISOString())}</time>
            </dd>
          </>
        )}
      </dl>
      {history === null ? (
        <Loading />
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-500">No key has been issued yet.</p>
      ) : (
        <ol className="space-y-3 border-l border-slate-200 pl-4" data-testid="key-story">
          {events.map((e) => {
            const k = keyEvent(e);
            return (
              <li key={e.id} className="relative text-sm">
                <span className="absolute top-0 -left-[1.6rem] flex h-5 w-5 items-center justify-center rounded-full bg-white text-xs" aria-hidden="true">
                  {k.icon}
                </span>
                <p className="text-slate-800">{k.text}</p>
                <p className="text-xs text-slate-500">
                  <RelativeTime iso={e.createdAt} now={now} />
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
