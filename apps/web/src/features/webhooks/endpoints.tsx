'use client';
// The workspace's webhook endpoints (admins): the list with each endpoint's health, kept current by a 5 s poll while
// the page is visible, and the admin's actions (create with the secret shown once, edit, rotate the secret,
// disable/enable, delete) with their dialogs. `render` draws what depends on the loaded endpoints (the deliveries).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { wsKey } from '@/src/data/keys';
import { api } from '@/src/data/client';
import { Button, Card, ConfirmDialog, EmptyState, ErrorAlert, Loading, Notice } from '@/src/ui/components';
import { useNow } from '@/src/ui/live';
import { RotateSecretDialog, WebhookFormDialog } from './webhook-dialogs';
import { type Webhook } from './webhook-parts';
import { useWorkspace } from '@/src/ui/workspace-context';
import { EndpointRow } from './endpoint-row';
import { useWebhooks, useWebhooksChanged } from './queries';

export function Endpoints({ canWrite, onShowDeliveries, render }: { canWrite: boolean; onShowDeliveries: (id: string) => void; render: (webhooks: Webhook[]) => React.ReactNode }) {
  const { workspace: w } = useWorkspace();
  const now = useNow(5000);
  const query = useWebhooks(w.id);
  const webhooks = query.data ?? (query.isError ? [] : null);
  const error = query.error;
  const changed = useWebhooksChanged(w.id);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'delete' | 'disable'; webhook: Webhook } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // The answer of a write goes into the cached list at once (a poll in flight is cancelled), then everything is re-read.
  const upsert = (h: Webhook) => {
    void queryClient.cancelQueries({ queryKey: wsKey(w.id, 'webhooks') });
    queryClient.setQueryData<Webhook[]>(wsKey(w.id, 'webhooks', 'list'), (list) => (list?.some((x) => x.id === h.id) ? list.map((x) => (x.id === h.id ? h : x)) : [h, ...(list ?? [])]));
    changed();
  };
  const remove = (id: string) => {
    void queryClient.cancelQueries({ queryKey: wsKey(w.id, 'webhooks') });
    queryClient.setQueryData<Webhook[]>(wsKey(w.id, 'webhooks', 'list'), (list) => list?.filter((x) => x.id !== id));
    changed();
  };

  async function setEnabled(h: Webhook, enabled: boolean) {
    upsert((await api.patch('/webhooks/{id}', { params: { path: { id: h.id } }, body: { enabled } })) as Webhook);
    setNotice(enabled ? `${h.url} is enabled again; waiting deliveries resume.` : `${h.url} is disabled; its deliveries wait until it is enabled again.`);
  }

  return (
    <>
      <Card
        title="Webhook endpoints"
        description="Mission Control POSTs the workspace's events to these URLs, signed the Standard Webhooks way, and retries failed deliveries for about a day."
      >
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-500" data-testid="webhooks-summary">
            {webhooks === null ? '' : `${webhooks.length} ${webhooks.length === 1 ? 'endpoint' : 'endpoints'}`}
          </p>
          {canWrite && <Button onClick={() => setCreating(true)}>New webhook</Button>}
        </div>
        {notice && (
          <Notice tone="success" className="mb-4">
            <div className="flex items-start justify-between gap-3">
              <span>{notice}</span>
              <button type="button" className="text-xs font-medium underline" onClick={() => setNotice(null)}>
                Dismiss
              </button>
            </div>
          </Notice>
        )}
        <ErrorAlert error={error} className="mb-4" />
        {webhooks === null ? (
          <Loading />
        ) : webhooks.length === 0 ? (
          <EmptyState icon="🪝" title="No webhooks yet">
            {canWrite ? 'Add an endpoint to receive ticket, comment and agent events as they happen.' : 'An admin can add endpoints here.'}
          </EmptyState>
        ) : (
          <ul className="-mx-5 -mb-4 divide-y divide-slate-100 border-t border-slate-100" data-testid="webhooks-list">
            {webhooks.map((h) => (
              <EndpointRow
                key={h.id}
                webhook={h}
                now={now}
                canWrite={canWrite}
                onShowDeliveries={onShowDeliveries}
                onEdit={setEditing}
                onRotate={setRotating}
                onDisable={(webhook) => setConfirm({ kind: 'disable', webhook })}
                onEnable={(webhook) => setEnabled(webhook, true)}
                onDelete={(webhook) => setConfirm({ kind: 'delete', webhook })}
              />
            ))}
          </ul>
        )}
        <WebhookFormDialog
          open={creating || editing !== null}
          workspaceId={w.id}
          webhook={editing}
          onClose={() => (setCreating(false), setEditing(null))}
          onSaved={(h) => {
            upsert(h);
            if (editing) setNotice(`${h.url} was saved.`);
          }}
        />
        <RotateSecretDialog
          webhook={rotating}
          onClose={() => setRotating(null)}
          onRotated={() => {
            changed();
          }}
        />
        <ConfirmDialog
          open={confirm?.kind === 'disable'}
          title="Disable this webhook?"
          confirmLabel="Disable webhook"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            if (confirm) await setEnabled(confirm.webhook, false);
          }}
        >
          Nothing is sent to <span className="font-mono break-all">{confirm?.webhook.url}</span> while it is disabled: pending deliveries wait, and no new ones are made for
          events meanwhile. You can enable it again at any time.
        </ConfirmDialog>
        <ConfirmDialog
          open={confirm?.kind === 'delete'}
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            if (!confirm) return;
            await api.delete('/webhooks/{id}', { params: { path: { id: confirm.webhook.id } } });
            remove(confirm.webhook.id);
            setNotice(`${confirm.webhook.url} was deleted.`);
          }}
        >
          <span className="font-mono break-all">{confirm?.webhook.url}</span> gets no more deliveries, and its delivery log is deleted with it. This cannot be undone.
        </ConfirmDialog>
      </Card>
      {webhooks !== null && render(webhooks)}
    </>
  );
}
