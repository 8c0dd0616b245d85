'use client';
// What each run asks of its targets: the task's title and instructions, labels and priority of the ticket, and
// whether a ticket is created at all (else the task is dispatched on its own).
import { TICKET_PRIORITY_VALUES } from '@mc/contracts/constants';
import { Checkbox, SelectField, TextArea, TextField } from '@/src/ui/components';
import { PRIORITY_LABEL } from '@/src/ui/ticket-status';
import type { CronDraft } from './form-state';

type Props = { draft: CronDraft; set: (patch: Partial<CronDraft>) => void; errorOf: (field: string) => string | undefined };

export function TaskFields({ draft, set, errorOf }: Props) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField id="cron-task-title" className="sm:col-span-2" label="Task title" required maxLength={200} value={draft.title} onChange={(e) => set({ title: e.target.value })} error={errorOf('task.title')} placeholder="e.g. Triage new issues" />
      <TextArea
        id="cron-task-instructions"
        className="sm:col-span-2"
        label="Instructions"
        rows={4}
        maxLength={20000}
        value={draft.instructions}
        onChange={(e) => set({ instructions: e.target.value })}
        error={errorOf('task.instructions')}
        hint="Markdown. The agent gets them with the workspace's context."
      />
      <TextField id="cron-task-labels" label="Labels" value={draft.labels} onChange={(e) => set({ labels: e.target.value })} error={errorOf('task.labels')} hint="Comma-separated" placeholder="e.g. triage, nightly" />
      <SelectField id="cron-task-priority" label="Priority" value={draft.priority} onChange={(e) => set({ priority: e.target.value as CronDraft['priority'] })} error={errorOf('task.priority')}>
        {TICKET_PRIORITY_VALUES.map((p) => (
          <option key={p} value={p}>
            {PRIORITY_LABEL[p]}
          </option>
        ))}
      </SelectField>
      <div className="sm:col-span-2">
        <Checkbox
          id="cron-task-create-ticket"
          label="Create a ticket for each target"
          hint="The run succeeds when the ticket reaches Done. Without a ticket, the task is dispatched to the agent's endpoint and the run follows its execution (an agent without an endpoint is skipped)."
          checked={draft.createTicket}
          onChange={(e) => set({ createTicket: e.target.checked })}
        />
      </div>
    </div>
  );
}
