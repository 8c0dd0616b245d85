'use client';
// A gateway-fired cron (issue 15, ADR 0020): which side owns it, how its two-way sync stands (a conflict waits for
// someone to pick a side), why it is read-only, and what Mission Control does with the slots the gateway misses.
// Only what the server allows (`can`) is offered.
import { Badge, Button, Card, ErrorAlert, SelectField, Time } from '@/src/ui/components';
import { DetailRow } from '../tickets/ticket/detail-row';
import { OWNER_LABEL } from './cron-status';
import { useUpdateCron } from './queries';
import type { Cron } from './types';

const SYNC_LABEL: Record<NonNullable<Cron['sync']>['state'], { text: string; tone: 'emerald' | 'amber' | 'rose' | 'slate' }> = {
  ok: { text: 'In sync', tone: 'emerald' },
  pending: { text: 'Waiting for the next sync', tone: 'slate' },
  conflict: { text: 'Conflict', tone: 'amber' },
  error: { text: 'Sync failed', tone: 'rose' },
};

const READ_ONLY_LABEL: Record<string, string> = {
  builtin: "one of the gateway's built-in jobs",
  unsupported_schedule: 'its schedule cannot be expressed here',
  unsupported_payload: 'it runs something other than an agent turn',
};

export const MISSED_POLICY_LABEL: Record<Cron['missedRunPolicy'], string> = {
  record: 'Record missed slots',
  force_run: 'Record them and run the latest at once',
};

export function CronSync({ cron: c }: { cron: Cron }) {
  const update = useUpdateCron(c);
  if (!c.sync && !c.gatewayId) return null;
  const state = c.sync ? SYNC_LABEL[c.sync.state] : null;
  return (
    <Card title="Gateway" description="The gateway fires this cron; Mission Control keeps both sides in step and records the runs.">
      <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2" data-testid="cron-sync">
        <DetailRow label="Defined in">{OWNER_LABEL[c.owner] ?? c.owner}</DetailRow>
        <DetailRow label="Sync">
          {state ? <Badge tone={state.tone}>{state.text}</Badge> : '—'}
          {c.sync?.lastSyncedAt ? (
            <span className="ml-2 text-xs text-slate-500">
              last <Time iso={c.sync.lastSyncedAt} relative />
            </span>
          ) : null}
          {c.sync?.error ? <span className="mt-1 block text-xs text-rose-700">{c.sync.error}</span> : null}
        </DetailRow>
        {c.readOnly && <DetailRow label="Read-only">Change it on the gateway: {READ_ONLY_LABEL[c.readOnlyReason ?? ''] ?? c.readOnlyReason ?? 'not editable here'}.</DetailRow>}
        <DetailRow label="Missed slots">
          {c.missedStreak > 0 ? <Badge tone="amber">{`${c.missedStreak} in a row`}</Badge> : 'None lately'}
        </DetailRow>
      </dl>
      {c.sync?.state === 'conflict' && (
        <div className="mt-4 space-y-2 rounded-md bg-amber-50 p-3 text-sm" data-testid="cron-conflict">
          <p className="text-amber-900">{c.sync.conflict}</p>
          {c.sync.conflictResolution ? (
            <p className="text-amber-900">Resolving: {OWNER_LABEL[c.sync.conflictResolution]} wins on the next sync.</p>
          ) : c.can.edit ? (
            <div className="flex flex-wrap gap-2">
              <Button size="sm" variant="secondary" loading={update.isPending} onClick={() => update.mutate({ resolveConflict: 'mission_control' })}>
                Keep Mission Control&apos;s version
              </Button>
              <Button size="sm" variant="secondary" loading={update.isPending} onClick={() => update.mutate({ resolveConflict: 'gateway' })}>
                Keep the gateway&apos;s version
              </Button>
            </div>
          ) : null}
        </div>
      )}
      {c.can.setMissedRunPolicy ? (
        <div className="mt-4 max-w-sm">
          <SelectField
            label="When the gateway misses a slot"
            value={c.missedRunPolicy}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ missedRunPolicy: e.target.value as Cron['missedRunPolicy'] })}
          >
            {Object.entries(MISSED_POLICY_LABEL).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
      ) : (
        <p className="mt-4 text-sm text-slate-600">When the gateway misses a slot: {MISSED_POLICY_LABEL[c.missedRunPolicy]}</p>
      )}
      {update.error ? <ErrorAlert error={update.error} className="mt-3" /> : null}
    </Card>
  );
}
