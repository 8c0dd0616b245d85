'use client';
// Create or edit a cron: name, schedule (with the server's live preview) and zone, targets, task, policies. The
// server judges everything; its refusal is shown beside each field it names, until that field is edited again.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import { LinkButton, TextField } from '@/src/ui/components';
import { FormFooter, SubmitButton } from '@/src/ui/form-footer';
import { INPUT_OF, bodyOf, fieldsShownInline, targetErrors, type CronDraft } from './form-state';
import { PolicyFields } from './policy-fields';
import { useCreateCron, useSchedulePreview, useUpdateCron } from './queries';
import { ScheduleField } from './schedule-field';
import { TargetsPicker } from './targets-picker';
import { TaskFields } from './task-fields';
import { TimeZoneSelect } from './timezone-select';
import type { Cron } from './types';

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <section className="rounded-lg bg-white px-5 py-4 shadow-sm ring-1 ring-slate-200" aria-labelledby={`section-${title}`}>
      <h2 id={`section-${title}`} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function CronForm({ initial, cron }: { initial: CronDraft; cron?: Cron }) {
  const router = useRouter();
  const [draft, setDraft] = useState(initial);
  // Fields edited since the last refusal: their old messages no longer apply.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const create = useCreateCron();
  const update = useUpdateCron(cron ?? { id: '', version: 0 });
  const save = cron ? update : create;
  const preview = useSchedulePreview(draft.schedule, draft.timezone);

  const set = (patch: Partial<CronDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setEdited((e) => new Set([...e, ...Object.keys(patch)]));
  };
  const error = save.error;
  const errorOf = (field: string) => (edited.has(INPUT_OF[field] ?? field) ? undefined : error?.fieldError(field));
  const targets = targetErrors(edited.has('targets') ? [] : (error?.issues ?? []));

  function submit(e: FormEvent) {
    e.preventDefault();
    setEdited(new Set());
    save.mutate(bodyOf(draft), { onSuccess: (saved) => router.push(`/crons/${encodeURIComponent(saved.id)}`) });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-label={cron ? `Edit ${cron.name}` : 'New cron'}>
      <Section title="Schedule" description="When it runs.">
        <div className="grid gap-4 lg:grid-cols-2">
          <div className="space-y-4">
            <TextField id="cron-name" label="Name" required maxLength={200} value={draft.name} onChange={(e) => set({ name: e.target.value })} error={errorOf('name')} placeholder="e.g. Morning triage" />
            <TimeZoneSelect value={draft.timezone} onChange={(timezone) => set({ timezone })} error={preview.issue?.field === 'timezone' ? preview.issue.message : errorOf('timezone')} />
          </div>
          <ScheduleField value={draft.schedule} timezone={draft.timezone} preview={preview} onChange={(schedule) => set({ schedule })} error={errorOf('schedule')} />
        </div>
      </Section>
      <Section title="Targets" description="Who does the work.">
        <TargetsPicker value={draft.targets} onChange={(t) => set({ targets: t })} listError={targets.list} rowErrors={targets.rows} />
      </Section>
      <Section title="Task" description="What each run asks of every target.">
        <TaskFields draft={draft} set={set} errorOf={errorOf} />
      </Section>
      <Section title="Policy" description="Retries, overlaps and downtime.">
        <PolicyFields draft={draft} set={set} errorOf={errorOf} />
      </Section>
      <FormFooter
        error={error}
        fields={fieldsShownInline(error?.issues ?? [])}
        submit={
          <SubmitButton label={cron ? 'Save changes' : 'Create cron'} pending={save.isPending}>
            <LinkButton href={cron ? `/crons/${encodeURIComponent(cron.id)}` : '/crons'}>Cancel</LinkButton>
          </SubmitButton>
        }
      />
    </form>
  );
}
