'use client';
// One webhook endpoint in the list: its URL, description, event filter and health, and the admin's buttons.
import { useState } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button } from '@/src/ui/components';
import { EventChips, WebhookStatus, When, type Webhook } from './webhook-parts';

export function EndpointRow({
  webhook: h,
  now,
  canWrite,
  onShowDeliveries,
  onEdit,
  onRotate,
  onDisable,
  onEnable,
  onDelete,
}: {
  webhook: Webhook;
  now: number;
  canWrite: boolean;
  onShowDeliveries: (id: string) => void;
  onEdit: (h: Webhook) => void;
  onRotate: (h: Webhook) => void;
  onDisable: (h: Webhook) => void;
  onEnable: (h: Webhook) => Promise<void>;
  onDelete: (h: Webhook) => void;
}) {
  return (
    <li className="flex flex-wrap items-start gap-4 px-5 py-4" data-testid="webhook-row" data-webhook-id={h.id}>
      <div className="min-w-[14rem] flex-1 space-y-1.5">
        <p className="font-mono text-sm font-medium break-all text-slate-900" data-testid="webhook-url">
          {h.url}
        </p>
        {h.description && <p className="text-sm text-slate-600">{h.description}</p>}
        <EventChips events={h.events} />
        <p className="text-xs text-slate-500">
          created <When iso={h.createdAt} now={now} /> · <span className="font-mono">{h.id}</span>
          {h.previousSecretExpiresAt && new Date(h.previousSecretExpiresAt).getTime() > now && (
            <>
              {' '}
              · the previous secret also signs until <When iso={h.previousSecretExpiresAt} now={now} />
            </>
          )}
        </p>
      </div>
      <div className="w-56 shrink-0">
        <WebhookStatus webhook={h} now={now} />
      </div>
      <div className="flex flex-wrap justify-end gap-1.5">
        <Button size="sm" variant="secondary" onClick={() => onShowDeliveries(h.id)} aria-label={`Deliveries to ${h.url}`}>
          Deliveries
        </Button>
        {canWrite && (
          <>
            <Button size="sm" variant="secondary" onClick={() => onEdit(h)} aria-label={`Edit ${h.url}`}>
              Edit
            </Button>
            <Button size="sm" variant="secondary" onClick={() => onRotate(h)} aria-label={`Rotate secret of ${h.url}`}>
              Rotate secret
            </Button>
            {h.status === 'enabled' ? (
              <Button size="sm" variant="secondary" onClick={() => onDisable(h)} aria-label={`Disable ${h.url}`}>
                Disable
              </Button>
            ) : (
              <EnableButton onEnable={() => onEnable(h)} label={`Enable ${h.url}`} />
            )}
            <Button
              size="sm"
              variant="ghost"
              className="text-rose-600 hover:bg-rose-50 hover:text-rose-700"
              onClick={() => onDelete(h)}
              aria-label={`Delete ${h.url}`}
            >
              Delete
            </Button>
          </>
        )}
      </div>
    </li>
  );
}

function EnableButton({ onEnable, label }: { onEnable: () => Promise<void>; label: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        size="sm"
        loading={pending}
        aria-label={label}
        onClick={async () => {
          setPending(true);
          setError(null);
          try {
            await onEnable();
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setPending(false);
          }
        }}
      >
        Enable
      </Button>
      {error && (
        <span role="alert" className="max-w-xs text-right text-xs text-rose-600">
          {error.message}
        </span>
      )}
    </span>
  );
}

