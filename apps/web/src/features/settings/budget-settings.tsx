'use client';
// The workspace's monthly token and cost limits and whether reaching them stops new work (hard stop).
import { useState } from 'react';
import { api } from '@/src/data/client';
import { Card, Checkbox, TextField } from '@/src/ui/components';
import { FormFooter, SubmitButton } from '@/src/ui/form-footer';
import type { Workspace } from '@/src/ui/types';
import { useWorkspaceSave } from './workspace-save';

function numberOrNull(s: string): number | null {
  const t = s.trim();
  return t === '' ? null : Number(t);
}

export function BudgetSettings({ editable }: { editable: boolean }) {
  const save = useWorkspaceSave();
  const w = save.workspace;
  const init = (ws: Workspace) => ({
    tokens: ws.budget.monthlyTokenLimit === null ? '' : String(ws.budget.monthlyTokenLimit),
    cost: ws.budget.monthlyCostLimitUsd === null ? '' : String(ws.budget.monthlyCostLimitUsd),
    hardStop: ws.budget.hardStop,
  });
  const [form, setForm] = useState(() => init(w));
  const edit = (change: Partial<ReturnType<typeof init>>) => (setForm({ ...form, ...change }), save.edited());

  function submit(e: React.FormEvent) {
    e.preventDefault();
    void save.save(
      () =>
        api.put('/workspaces/{id}/budget', {
          params: { path: { id: w.id } },
          body: { monthlyTokenLimit: numberOrNull(form.tokens), monthlyCostLimitUsd: numberOrNull(form.cost), hardStop: form.hardStop, version: w.version },
        }),
      (updated) => setForm(init(updated)),
    );
  }

  return (
    <Card title="Monthly budget" description="Limits per calendar month (UTC). Admins are notified at 80%. Leave a limit empty for none.">
      <form id="budget" onSubmit={submit} className="space-y-4">
        <fieldset disabled={!editable} className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="budget-tokens"
            label="Monthly token limit"
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            placeholder="No limit"
            value={form.tokens}
            onChange={(e) => edit({ tokens: e.target.value })}
            error={save.fieldError('monthlyTokenLimit')}
          />
          <TextField
            id="budget-cost"
            label="Monthly cost limit (USD)"
            type="number"
            min={0}
            step={0.01}
            inputMode="decimal"
            placeholder="No limit"
            value={form.cost}
            onChange={(e) => edit({ cost: e.target.value })}
            error={save.fieldError('monthlyCostLimitUsd')}
          />
          <div className="sm:col-span-2">
            <Checkbox
              id="budget-hard-stop"
              label="Hard stop at 100%"
              hint="Refuse claims, dispatches, cron runs and workflow steps once a limit is reached, until the month rolls over or a limit is raised."
              checked={form.hardStop}
              onChange={(e) => edit({ hardStop: e.target.checked })}
            />
          </div>
        </fieldset>
        <FormFooter
          error={save.error}
          fields={['monthlyTokenLimit', 'monthlyCostLimitUsd']}
          alert={save.staleAlert((fresh) => setForm(init(fresh)))}
          saved={save.saved && 'Budget saved.'}
          submit={editable && <SubmitButton label="Save budget" pending={save.pending} />}
        />
      </form>
    </Card>
  );
}
