'use client';
// The admin's dialogs for webhooks: create or edit an endpoint, rotate its signing secret. Secrets live only in a
// dialog's state: closing it forgets them for good. The API decides who may do what; its refusals are shown.
import { useEffect, useState, type ReactNode } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, CopyBox, ErrorAlert, Notice, TextField, formatDateTime, relativeTime } from '@/src/ui/components';
import { Modal } from '@/src/ui/modal';
import { GraceRotationDialog } from '@/src/ui/rotation-dialog';
import { EventsPicker } from './events-picker';
import { WEBHOOK_EVENT_TYPES, type Webhook, type WebhookCreated, type WebhookSecretRotated } from './webhook-parts';

// ---------------------------------------------------------------------------------------------------- secrets

function VerifyHint() {
  return (
    <p className="text-xs text-slate-600">
      Verify every delivery before trusting it: the <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code> and{' '}
      <code className="font-mono">webhook-signature</code> headers follow{' '}
      <a className="font-medium text-indigo-600 underline" href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
        Standard Webhooks
      </a>
      , so a library does it, e.g. with the <code className="font-mono">standardwebhooks</code> npm package:{' '}
      <code className="font-mono">new Webhook(secret).verify(rawBody, headers)</code>. Dedupe on <code className="font-mono">webhook-id</code>: a redelivery repeats it.
    </p>
  );
}

function SecretShown({ secret, testId, label, children }: { secret: string | null; testId: string; label: string; children?: ReactNode }) {
  return (
    <div className="space-y-3">
      {secret ? (
        <>
          <Notice tone="warning">
            <strong>Copy this signing secret now. You won’t see it again.</strong> Store it with the receiver; Mission Control never shows it a second time.
          </Notice>
          <CopyBox value={secret} testId={testId} label={label} />
        </>
      ) : (
        <Notice tone="warning">The secret was already shown by an earlier answer to this request; rotate it if it was lost.</Notice>
      )}
      {children}
      <VerifyHint />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- create / edit

/**
 * Register an endpoint (`webhook` null) or change one. After a create the dialog shows the signing secret, once.
 */
export function WebhookFormDialog({
  open,
  workspaceId,
  webhook,
  onClose,
  onSaved,
}: {
  open: boolean;
  workspaceId: string;
  webhook: Webhook | null;
  onClose: () => void;
  onSaved: (h: Webhook) => void;
}) {
  const editing = webhook !== null;
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<{ all: boolean; selected: string[] }>({ all: true, selected: [] });
  const [eventsError, setEventsError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<WebhookCreated | null>(null);

  useEffect(() => {
    if (!open) return;
    setUrl(webhook?.url ?? '');
    setDescription(webhook?.description ?? '');
    setEvents({ all: !webhook || webhook.events.length === 0, selected: webhook?.events ?? [] });
    setEventsError(undefined);
    setError(null);
    setCreated(null);
  }, [open, webhook]);

  function close() {
    if (pending) return;
    setCreated(null);
    onClose();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!events.all && events.selected.length === 0) {
      setEventsError('Pick at least one event, or choose All events.');
      return;
    }
    setEventsError(undefined);
    setPending(true);
    setError(null);
    // Keep the catalog's order, whatever order the boxes were ticked in.
    const chosen = events.all ? [] : WEBHOOK_EVENT_TYPES.filter((t) => events.selected.includes(t));
    try {
      if (editing) {
        const saved = (await api.patch('/webhooks/{id}', {
          params: { path: { id: webhook.id } },
          body: {
          url: url.trim(),
          description: description.trim(),
          events: chosen,
          version: webhook.version,
          },
        })) as Webhook;
        onSaved(saved);
        onClose();
      } else {
        const made = (await api.post('/webhooks', { body: { workspaceId, url: url.trim(), description: description.trim() || undefined, events: chosen } })) as WebhookCreated;
        const { secret: _secret, ...hook } = made;
        onSaved(hook);
        setCreated(made);
      }
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Modal open={open} title={created ? 'Webhook created' : editing ? 'Edit webhook' : 'New webhook'} onClose={close} busy={pending} size="lg">
      {created ? (
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            Deliveries to <span className="font-mono break-all">{created.url}</span> start with the next matching event.
          </p>
          <SecretShown secret={created.secret} testId="webhook-secret" label="Signing secret" />
          <div className="flex justify-end">
            <Button onClick={close}>I’ve saved it — done</Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField
            id="webhook-url"
            label="Endpoint URL"
            type="url"
            required
            autoFocus
            maxLength={2000}
            placeholder="https://example.com/hooks/mission-control"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={error?.fieldError('url')}
            hint="Deliveries are POSTed here as JSON. Private and loopback addresses are refused unless the instance allows them."
          />
          <TextField
            id="webhook-description"
            label="Description"
            maxLength={500}
            placeholder="e.g. Slack bridge, CI trigger"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={error?.fieldError('description')}
          />
          <EventsPicker all={events.all} selected={events.selected} onChange={(v) => (setEvents(v), setEventsError(undefined))} error={eventsError ?? error?.fieldError('events')} />
          {editing && webhook.status === 'disabled' && (
            <Notice tone="info">This endpoint is disabled; saving does not enable it. Use Enable in the list for that.</Notice>
          )}
          <ErrorAlert error={error} fields={['url', 'description', 'events']} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={url.trim() === ''}>
              {editing ? 'Save changes' : 'Create webhook'}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------------- rotate

export function RotateSecretDialog({ webhook, onClose, onRotated }: { webhook: Webhook | null; onClose: () => void; onRotated: (r: WebhookSecretRotated) => void }) {
  return (
    <GraceRotationDialog<WebhookSecretRotated>
      open={webhook !== null}
      title="Rotate the signing secret"
      doneTitle="New signing secret"
      what="secret"
      selectId="rotate-webhook-grace"
      submitLabel="Rotate secret"
      intro={
        <>
          Issues a new signing secret for <span className="font-mono break-all">{webhook?.url}</span>. During the grace period deliveries are signed with both secrets; after it only
          the new one signs.
        </>
      }
      rotate={(graceSeconds) => api.post('/webhooks/{id}/rotate-secret', { params: { path: { id: webhook!.id } }, body: { graceSeconds } }) as Promise<WebhookSecretRotated>}
      onClose={onClose}
      onRotated={onRotated}
      renderResult={(result) => (
        <SecretShown secret={result.secret} testId="rotated-webhook-secret" label="New signing secret">
          <p className="text-sm text-slate-700" data-testid="previous-secret-expires">
            {result.graceSeconds === 0 ? (
              <>The previous secret stopped signing at once.</>
            ) : (
              <>
                Until{' '}
                <time dateTime={result.previousSecretExpiresAt} className="font-medium" data-testid="previous-secret-expires-at">
                  {formatDateTime(result.previousSecretExpiresAt)}
                </time>{' '}
                ({relativeTime(result.previousSecretExpiresAt)}) every delivery carries two signatures, with the new and with the previous secret, so the receiver can switch at its
                own pace.
              </>
            )}
          </p>
        </SecretShown>
      )}
    />
  );
}
