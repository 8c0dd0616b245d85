'use client';
// The manager's actions on agents (approve/reject a registration, rotate a key, deactivate/activate, delete) with
// their dialogs. Who may do what comes from the workspace's `permissions`; the API decides, and its refusals are shown.
import { useState } from 'react';
import type { Agent, ApprovedAgent, RotatedKey } from '@/src/ui/agents';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, ConfirmDialog, CopyBox, ErrorAlert, Notice, TextArea, formatDateTime, relativeTime } from '@/src/ui/components';
import { Modal } from '@/src/ui/modal';
import { GraceRotationDialog } from '@/src/ui/rotation-dialog';

// ---------------------------------------------------------------------------------------------------- approve / reject

/** Approve a pending agent; the answer says how its key reaches it. */
export async function approveAgent(agent: Agent): Promise<ApprovedAgent> {
  return api.post('/agents/{id}/approve', { params: { path: { id: agent.id } } }) as Promise<ApprovedAgent>;
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
      const rejected = (await api.post('/agents/{id}/reject', { params: { path: { id: agent.id } }, body: { reason: reason.trim() } })) as Agent;
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
      rotate={(graceSeconds) => api.post('/agents/{id}/rotate-key', { params: { path: { id: agent!.id } }, body: { graceSeconds } }) as Promise<RotatedKey>}
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
      onChanged((await api.post('/agents/{id}/activate', { params: { path: { id: agent.id } } })) as Agent);
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
        onConfirm={async () => onChanged((await api.post('/agents/{id}/deactivate', { params: { path: { id: agent.id } } })) as Agent)}
      >
        Its keys stop working at once and it cannot claim work. You can activate it again later; its keys then work again.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${agent.name}?`}
        confirmLabel="Delete agent"
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.delete('/agents/{id}', { params: { path: { id: agent.id } } });
          onDeleted(agent);
        }}
      >
        Its keys are revoked at once and it disappears from the lists. Its history stays in the activity log. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
