'use client';
// Webhooks in the dashboard: their shapes (types only from the contracts), the event catalog as a list of names, and
// how an endpoint, a delivery and an answer are shown (event chips, status badges, status codes, relative times).
import type { ZWebhook, ZWebhookAttempt, ZWebhookCreated, ZWebhookDelivery, ZWebhookSecretRotated } from '@mc/contracts';
import { EVENT_TYPE_NAMES } from '@mc/contracts/constants';
import type { z } from 'zod';
import { Badge, cx, relativeTime } from '@/src/ui/components';

export type Webhook = z.infer<typeof ZWebhook>;
export type WebhookCreated = z.infer<typeof ZWebhookCreated>;
export type WebhookDelivery = z.infer<typeof ZWebhookDelivery>;
export type WebhookAttempt = z.infer<typeof ZWebhookAttempt>;
export type WebhookSecretRotated = z.infer<typeof ZWebhookSecretRotated>;
export type DeliveryStatus = WebhookDelivery['status'];

// ---------------------------------------------------------------------------------------------------- events

/** The event types an endpoint can filter on: the catalog's names (a zod-free import). */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPE_NAMES;

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
