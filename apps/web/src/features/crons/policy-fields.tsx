'use client';
// How a cron behaves when things go wrong or overlap: retries (attempts, backoff with jitter), what a slot does
// while the previous run still goes, what happens to slots missed while no scheduler ran, and on/off.
import { CRON_RETRY_DEFAULTS } from '@mc/contracts/constants';
import { Checkbox, SelectField, TextField } from '@/src/ui/components';
import { CATCH_UP_LABEL, CONCURRENCY_LABEL } from './cron-status';
import type { CronDraft } from './form-state';

/** A wait in seconds as a person says it: 60 s, 1 hour, 90 min. */
export function formatWait(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds >= 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

type Props = { draft: CronDraft; set: (patch: Partial<CronDraft>) => void; errorOf: (field: string) => string | undefined };

export function PolicyFields({ draft, set, errorOf }: Props) {
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      <TextField id="cron-retry-max" label="Attempts" type="number" inputMode="numeric" min={1} value={draft.maxAttempts} onChange={(e) => set({ maxAttempts: e.target.value })} error={errorOf('retry.maxAttempts')} hint="1 = no retry" />
      <SelectField id="cron-retry-backoff" label="Backoff" value={draft.backoff} onChange={(e) => set({ backoff: e.target.value as CronDraft['backoff'] })} error={errorOf('retry.backoff')}>
        <option value="exponential">Exponential</option>
        <option value="fixed">Fixed</option>
      </SelectField>
      <TextField id="cron-retry-base" label="First wait (s)" type="number" inputMode="numeric" min={1} value={draft.baseSeconds} onChange={(e) => set({ baseSeconds: e.target.value })} error={errorOf('retry.baseSeconds')} hint={`Empty: ${formatWait(CRON_RETRY_DEFAULTS.baseSeconds)}`} />
      <TextField id="cron-retry-max-wait" label="Longest wait (s)" type="number" inputMode="numeric" min={1} value={draft.maxSeconds} onChange={(e) => set({ maxSeconds: e.target.value })} error={errorOf('retry.maxSeconds')} hint={`Empty: ${formatWait(CRON_RETRY_DEFAULTS.maxSeconds)}`} />
      <SelectField id="cron-concurrency" className="col-span-2" label="If the previous run still goes" value={draft.concurrency} onChange={(e) => set({ concurrency: e.target.value as CronDraft['concurrency'] })} error={errorOf('concurrency')}>
        {(Object.keys(CONCURRENCY_LABEL) as CronDraft['concurrency'][]).map((c) => (
          <option key={c} value={c}>
            {CONCURRENCY_LABEL[c]}
          </option>
        ))}
      </SelectField>
      <SelectField id="cron-catch-up" className="col-span-2" label="After downtime" value={draft.catchUp} onChange={(e) => set({ catchUp: e.target.value as CronDraft['catchUp'] })} error={errorOf('catchUp')}>
        {(Object.keys(CATCH_UP_LABEL) as CronDraft['catchUp'][]).map((c) => (
          <option key={c} value={c}>
            {CATCH_UP_LABEL[c]}
          </option>
        ))}
      </SelectField>
      <div className="col-span-2 lg:col-span-4">
        <Checkbox id="cron-enabled" label="Enabled" hint="A paused cron keeps its history and runs again once resumed." checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
      </div>
    </div>
  );
}
