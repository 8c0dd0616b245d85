'use client';
// Agents in the dashboard: their shapes (types only from the contracts), status and liveness badges, and the
// manager's actions (approve/reject a registration, rotate a key, deactivate/activate, delete) with their dialogs.
// Who may do what comes from the workspace's `permissions`; the API decides, and its refusals are shown.
import type { ZAgent, ZApprovedAgent, ZRotatedKey } from '@mc/contracts';
import { useState } from 'react';
import type { z } from 'zod';
import { api, apiList, qs, toApiError, type ApiError } from './api';
import { Badge, Button, ConfirmDialog, CopyBox, ErrorAlert, Notice, TextArea, cx, formatDateTime, relativeTime } from './components';
import { Modal } from './modal';
import { GraceRotationDialog } from './rotation-dialog';

export type Agent = z.infer<typeof ZAgent>;
export type ApprovedAgent = z.infer<typeof ZApprovedAgent>;
export type RotatedKey = z.infer<typeof ZRotatedKey>;
export type AgentStatus = Agent['status'];
export type AgentLiveness = Agent['liveness'];

// ---------------------------------------------------------------------------------------------------- lists

/** The agents who can appear in a workspace's work: active ones, and deactivated ones whose history stays. */
export const WORKING_AGENT_STATUSES = ['active', 'deactivated'] as const;

/**
 * A workspace's agents in the given statuses, by name, asked of the server with its `status` filter (one request
 * per status). Pending and rejected agents never worked in the workspace: pickers and filters do not offer them.
 */
export async function listAgentsByStatus(workspaceId: string, statuses: readonly AgentStatus[] = WORKING_AGENT_STATUSES): Promise<Agent[]> {
  const pages = await Promise.all(statuses.map((status) => apiList<Agent>(`/agents${qs({ workspaceId, status, limit: 200, sort: 'name' })}`)));
  return pages.flatMap((p) => p.items).sort((a, b) => a.name.localeCompare(b.name));
}

/** How an agent is named in a filter or picker: a deactivated one says so. */
export function agentOptionLabel(a: { name: string; status: string }): string {
  return a.status === 'active' ? a.name : `${a.name} (${a.status})`;
}

// ---------------------------------------------------------------------------------------------------- display

const STATUS: Record<AgentStatus, { label: string; tone: 'emerald' | 'slate' | 'rose' | 'amber' }> = {
  pending: { label: 'Pending', tone: 'amber' },
  active: { label: 'Active', tone: 'emerald' },
  deactivated: { label: 'Deactivated', tone: 'slate' },
  rejected: { label: 'Rejected', tone: 'rose' },
  deleted: { label: 'Deleted', tone: 'slate' },
};

export function AgentStatusBadge({ status }: { status: AgentStatus }) {
  const s = STATUS[status];
  return (
    <span data-testid="agent-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

const LIVENESS: Record<AgentLiveness, { label: string; dot: string; text: string; hint: string }> = {
  online: { label: 'Online', dot: 'bg-emerald-500', text: 'text-emerald-700', hint: 'Seen within the last 2 minutes' },
  idle: { label: 'Idle', dot: 'bg-amber-400', text: 'text-amber-700', hint: 'Seen within the last 15 minutes' },
  offline: { label: 'Offline', dot: 'bg-slate-300', text: 'text-slate-500', hint: 'Not seen for 15 minutes or more' },
};

/** A time relative to `now` (so that it ages on screen), with the absolute time on hover. */
export function RelativeTime({ iso, now, className }: { iso: string; now: number; className?: string }) {
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={`${d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' })} (${d.toISOString()})`} className={className}>
      {relativeTime(iso, now)}
    </time>
  );
}

/** Online/idle/offline with a colored dot and "last seen …". */
export function Liveness({ agent, now, compact = false }: { agent: Agent; now: number; compact?: boolean }) {
  const l = LIVENESS[agent.liveness];
  const neverActive = agent.status === 'pending' || agent.status === 'rejected';
  return (
    <span className="inline-flex flex-col gap-0.5" data-testid="agent-liveness" data-liveness={agent.liveness}>
      <span className={cx('inline-flex items-center gap-1.5 text-sm font-medium', l.text)} title={agent.status === 'active' ? l.hint : 'Only active agents can be online'}>
        <span className={cx('h-2.5 w-2.5 shrink-0 rounded-full', l.dot, agent.liveness === 'online' && 'ring-4 ring-emerald-100')} aria-hidden="true" />
        {l.label}
      </span>
      {!(compact && neverActive) && (
        <span className="text-xs text-slate-500" data-testid="agent-last-seen">
          {agent.lastSeenAt ? (
            <>
              last seen <RelativeTime iso={agent.lastSeenAt} now={now} />
            </>
          ) : neverActive ? (
            'not active yet'
          ) : (
            'never seen'
          )}
        </span>
      )}
    </span>
  );
}

export function Capabilities({ list, empty = '—' }: { list: string[]; empty?: string }) {
  if (list.length === 0) return <span className="text-xs text-slate-500">{empty}</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Capabilities">
      {list.map((c) => (
        <li key={c} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200 ring-inset">
          {c}
        </li>
      ))}
    </ul>
  );
}

export function Endpoint({ url }: { url: string | null }) {
  if (!url) return <span className="text-xs text-slate-500">No endpoint (polls)</span>;
  return (
    <span className="block max-w-[14rem] truncate font-mono text-xs text-slate-600" title={url}>
      {url}
    </span>
  );
}

export const KEY_DELIVERY_TEXT: Record<string, string> = {
  endpoint_callback: "Key delivered to the agent's endpoint.",
  registration_poll: 'The agent will fetch its key with its registration secret.',
};

// ---------------------------------------------------------------------------------------------------- approve / reject

/** Approve a pending agent; the answer says how its key reaches it. */
export async function approveAgent(agent: Agent): Promise<ApprovedAgent> {
  return api<ApprovedAgent>('POST', `/agents/${encodeURIComponent(agent.id)}/approve`);
}

export function RejectDialog({ agent, onClose, onRejected }: { agent: Agent | null; onClose: () => void; onRejected: (a: Agent) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  function close() {
    if (pending) return;
    setReason('');
    setError(null);
    onClose();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!agent) return;
    setPending(true);
    setError(null);
    try {
      const rejected = await api<Agent>('POST', `/agents/${encodeURIComponent(agent.id)}/reject`, { reason: reason.trim() });
      setReason('');
      onRejected(rejected);
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Modal open={agent !== null} title={`Reject ${agent?.name ?? ''}?`} onClose={close} busy={pending}>
      <form onSubmit={submit} className="space-y-4">
        <p className="text-sm text-slate-600">The agent sees the reason when it polls its registration. It never gets a key; it can register again under another name.</p>
        <TextArea
          id="reject-reason"
          label="Reason"
          required
          rows={3}
          maxLength={1000}
          autoFocus
          placeholder="e.g. unknown operator, duplicate of an existing agent"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={error?.fieldError('reason')}
        />
        <ErrorAlert error={error} fields={['reason']} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" loading={pending} disabled={reason.trim() === ''}>
            Reject agent
          </Button>
        </div>
      </form>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------------- rotate

export function RotateKeyDialog({ agent, onClose, onRotated }: { agent: Agent | null; onClose: () => void; onRotated?: (r: RotatedKey) => void }) {
  return (
    <GraceRotationDialog<RotatedKey>
      open={agent !== null}
      title={`Rotate ${agent?.name ?? ''}'s key`}
      doneTitle={`New key for ${agent?.name ?? ''}`}
      what="key"
      selectId="rotate-grace"
      submitLabel="Rotate key"
      intro="Issues a new key. During the grace period both keys work, so the agent can switch without downtime; after it the old key is refused."
      rotate={(graceSeconds) => api<RotatedKey>('POST', `/agents/${encodeURIComponent(agent!.id)}/rotate-key`, { graceSeconds })}
      onClose={onClose}
      onRotated={onRotated}
      renderResult={(result) => (
        <>
          <Notice tone="warning">
            <strong>Copy this key now. You won’t see it again.</strong> Give it to the agent (for example as <code className="font-mono">MC_API_KEY</code>); Mission Control keeps only a hash.
          </Notice>
          <CopyBox value={result.apiKey} testId="rotated-agent-key" label="New agent key" />
          <p className="text-sm text-slate-700" data-testid="previous-key-expires">
            {result.graceSeconds === 0 ? (
              <>The previous key stopped working at once.</>
            ) : (
              <>
                The previous key keeps working until{' '}
                <time dateTime={result.previousKeyExpiresAt} className="font-medium" data-testid="previous-key-expires-at">
                  {formatDateTime(result.previousKeyExpiresAt)}
                </time>{' '}
                ({relativeTime(result.previousKeyExpiresAt)}).
              </>
            )}
          </p>
        </>
      )}
    />
  );
}

// ---------------------------------------------------------------------------------------------------- lifecycle

/**
 * The manager's buttons for one agent and their dialogs. `onChanged` gets the agent as the API returned it;
 * `onDeleted` runs after a delete.
 */
export function AgentActions({
  agent,
  onChanged,
  onDeleted,
  onRotated,
  size = 'sm',
}: {
  agent: Agent;
  onChanged: (a: Agent) => void;
  onDeleted: (a: Agent) => void;
  onRotated?: (r: RotatedKey) => void;
  size?: 'sm' | 'md';
}) {
  const [rotating, setRotating] = useState<Agent | null>(null);
  const [confirm, setConfirm] = useState<'deactivate' | 'delete' | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function activate() {
    setPending(true);
    setError(null);
    try {
      onChanged(await api<Agent>('POST', `/agents/${encodeURIComponent(agent.id)}/activate`));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-1.5">
        {agent.status === 'active' && (
          <Button size={size} variant="secondary" onClick={() => setRotating(agent)} aria-label={`Rotate key of ${agent.name}`}>
            Rotate key
          </Button>
        )}
        {agent.status === 'active' && (
          <Button size={size} variant="secondary" onClick={() => setConfirm('deactivate')} aria-label={`Deactivate ${agent.name}`}>
            Deactivate
          </Button>
        )}
        {agent.status === 'deactivated' && (
          <Button size={size} variant="secondary" loading={pending} onClick={() => void activate()} aria-label={`Activate ${agent.name}`}>
            Activate
          </Button>
        )}
        <Button size={size} variant="ghost" className="text-rose-600 hover:bg-rose-50 hover:text-rose-700" onClick={() => setConfirm('delete')} aria-label={`Delete ${agent.name}`}>
          Delete
        </Button>
      </div>
      {error && (
        <p role="alert" className="max-w-xs text-right text-xs text-rose-600">
          {error.message}
        </p>
      )}
      <RotateKeyDialog agent={rotating} onClose={() => setRotating(null)} onRotated={onRotated} />
      <ConfirmDialog
        open={confirm === 'deactivate'}
        title={`Deactivate ${agent.name}?`}
        confirmLabel="Deactivate agent"
        onClose={() => setConfirm(null)}
        onConfirm={async () => onChanged(await api<Agent>('POST', `/agents/${encodeURIComponent(agent.id)}/deactivate`))}
      >
        Its keys stop working at once and it cannot claim work. You can activate it again later; its keys then work again.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${agent.name}?`}
        confirmLabel="Delete agent"
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api<Agent>('DELETE', `/agents/${encodeURIComponent(agent.id)}`);
          onDeleted(agent);
        }}
      >
        Its keys are revoked at once and it disappears from the lists. Its history stays in the activity log. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
