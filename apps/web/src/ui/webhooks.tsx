'use client';
// Webhooks in the dashboard: their shapes (types only from the contracts), the event catalog as a list of names,
// status badges, and the admin's dialogs (create/edit an endpoint, rotate its secret). Secrets live only in a
// dialog's state: closing it forgets them for good. The API decides who may do what; its refusals are shown.
import type { ZWebhook, ZWebhookAttempt, ZWebhookCreated, ZWebhookDelivery, ZWebhookSecretRotated } from '@mc/contracts';
import { EVENT_TYPE_NAMES } from '@mc/contracts/constants';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { api, toApiError, type ApiError } from './api';
import { Badge, Button, Checkbox, CopyBox, ErrorAlert, Notice, TextField, cx, formatDateTime, relativeTime } from './components';
import { Modal } from './modal';
import { GraceRotationDialog } from './rotation-dialog';

export type Webhook = z.infer<typeof ZWebhook>;
export type WebhookCreated = z.infer<typeof ZWebhookCreated>;
export type WebhookDelivery = z.infer<typeof ZWebhookDelivery>;
export type WebhookAttempt = z.infer<typeof ZWebhookAttempt>;
export type WebhookSecretRotated = z.infer<typeof ZWebhookSecretRotated>;
export type DeliveryStatus = WebhookDelivery['status'];

// ---------------------------------------------------------------------------------------------------- events

/** The event types an endpoint can filter on: the catalog's names (a zod-free import). */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPE_NAMES;

const EVENT_GROUPS: { label: string; prefix: string }[] = [
  { label: 'Tickets', prefix: 'ticket.' },
  { label: 'Comments', prefix: 'comment.' },
  { label: 'Agents', prefix: 'agent.' },
  { label: 'Executions', prefix: 'execution.' },
  { label: 'Ratings', prefix: 'rating.' },
  { label: 'Budget', prefix: 'budget.' },
  { label: 'Members', prefix: 'member.' },
  { label: 'Webhooks', prefix: 'webhook.' },
];

/** The endpoint's event filter: a row of chips, or "All events" for an empty filter. */
export function EventChips({ events }: { events: string[] }) {
  if (events.length === 0) {
    return (
      <span data-testid="webhook-events" data-all="true">
        <Badge tone="indigo">All events</Badge>
      </span>
    );
  }
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Events" data-testid="webhook-events" data-all="false">
      {events.map((e) => (
        <li key={e} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200 ring-inset">
          {e}
        </li>
      ))}
    </ul>
  );
}

/** "All events" or a choice of event types, grouped by what they are about. */
export function EventsPicker({
  all,
  selected,
  onChange,
  error,
  disabled,
}: {
  all: boolean;
  selected: string[];
  onChange: (next: { all: boolean; selected: string[] }) => void;
  error?: string;
  disabled?: boolean;
}) {
  const errorId = useId();
  const toggle = (type: string, on: boolean) => onChange({ all, selected: on ? [...selected, type] : selected.filter((t) => t !== type) });
  return (
    <fieldset aria-describedby={error ? errorId : undefined} disabled={disabled}>
      <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
      <Checkbox
        id="webhook-events-all"
        label="All events"
        hint="Every event of this workspace, including types added later."
        checked={all}
        onChange={(e) => onChange({ all: e.target.checked, selected })}
      />
      {!all && (
        <div className="mt-3 grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-2" data-testid="webhook-event-choices">
          {EVENT_GROUPS.map((g) => (
            <div key={g.prefix}>
              <p className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{g.label}</p>
              <ul className="space-y-1">
                {WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(g.prefix)).map((t) => (
                  <li key={t} className="flex items-center gap-2">
                    <input
                      id={`webhook-event-${t}`}
                      type="checkbox"
                      className="h-4 w-4 rounded border-slate-300 accent-indigo-600"
                      checked={selected.includes(t)}
                      onChange={(e) => toggle(t, e.target.checked)}
                    />
                    <label htmlFor={`webhook-event-${t}`} className="font-mono text-xs text-slate-700">
                      {t}
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-xs font-medium text-rose-600">
          {error}
        </p>
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------------- display

/** A time relative to `now` ("in 8 s", "3 min ago"), the absolute time on hover. */
export function When({ iso, now, testId }: { iso: string | null | undefined; now: number; testId?: string }) {
  if (!iso) return <span className="text-slate-500">—</span>;
  const d = new Date(iso);
  const diff = d.getTime() - now;
  const text = diff > 0 && diff < 60_000 ? `in ${Math.ceil(diff / 1000)} s` : diff <= 0 && diff > -10_000 ? 'just now' : relativeTime(iso, now);
  return (
    <time dateTime={iso} title={`${d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' })} (${d.toISOString()})`} data-testid={testId}>
      {text}
    </time>
  );
}

/** Active or disabled, with why and since when. */
export function WebhookStatus({ webhook: h, now }: { webhook: Webhook; now: number }) {
  return (
    <div className="space-y-0.5" data-testid="webhook-status" data-status={h.status}>
      {h.status === 'enabled' ? <Badge tone="emerald">Active</Badge> : <Badge tone="rose">Disabled</Badge>}
      {h.status === 'disabled' && (
        <p className="max-w-xs text-xs text-rose-700" data-testid="webhook-disabled-reason">
          {h.disabledReason ?? 'Disabled'}
          {h.disabledAt && (
            <>
              {' '}
              · <When iso={h.disabledAt} now={now} />
            </>
          )}
        </p>
      )}
      {h.consecutiveFailures > 0 && (
        <p className="max-w-xs text-xs text-amber-800" data-testid="webhook-failures">
          {h.consecutiveFailures} failed {h.consecutiveFailures === 1 ? 'attempt' : 'attempts'} in a row
          {h.failingSince && (
            <>
              , failing since <When iso={h.failingSince} now={now} />
            </>
          )}
        </p>
      )}
      {h.lastSuccessAt && (
        <p className="text-xs text-slate-500">
          last success <When iso={h.lastSuccessAt} now={now} />
        </p>
      )}
    </div>
  );
}

const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: 'amber' | 'emerald' | 'rose' }> = {
  pending: { label: 'Pending', tone: 'amber' },
  succeeded: { label: 'Succeeded', tone: 'emerald' },
  failed: { label: 'Failed', tone: 'rose' },
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const s = DELIVERY_STATUS[status];
  return (
    <span data-testid="delivery-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

/** The answer of the last (or one) attempt: its HTTP status, or why there was none. */
export function StatusCode({ code, error, testId }: { code: number | null; error?: string | null; testId?: string }) {
  if (code !== null) {
    const ok = code >= 200 && code < 300;
    return (
      <span data-testid={testId} data-code={code} className={cx('font-mono text-xs font-semibold', ok ? 'text-emerald-700' : 'text-rose-700')}>
        HTTP {code}
      </span>
    );
  }
  if (error) {
    return (
      <span data-testid={testId} data-code="" className="block max-w-[16rem] truncate text-xs text-rose-700" title={error}>
        {error}
      </span>
    );
  }
  return <span className="text-slate-500">—</span>;
}

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
        const saved = await api<Webhook>('PATCH', `/webhooks/${encodeURIComponent(webhook.id)}`, {
          url: url.trim(),
          description: description.trim(),
          events: chosen,
          version: webhook.version,
        });
        onSaved(saved);
        onClose();
      } else {
        const made = await api<WebhookCreated>('POST', '/webhooks', { workspaceId, url: url.trim(), description: description.trim() || undefined, events: chosen });
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
      rotate={(graceSeconds) => api<WebhookSecretRotated>('POST', `/webhooks/${encodeURIComponent(webhook!.id)}/rotate-secret`, { graceSeconds })}
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
