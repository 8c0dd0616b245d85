'use client';
// The workspace's monthly token and cost limits and whether reaching them stops new work (hard stop).
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, Checkbox, ErrorAlert, Notice, TextField } from '@/src/ui/components';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';
import { StaleNotice, isStale } from './stale-notice';

function numberOrNull(s: string): number | null {
  const t = s.trim();
  return t === '' ? null : Number(t);
}

export function BudgetSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const init = (ws: Workspace) => ({
    tokens: ws.budget.monthlyTokenLimit === null ? '' : String(ws.budget.monthlyTokenLimit),
    cost: ws.budget.monthlyCostLimitUsd === null ? '' : String(ws.budget.monthlyCostLimitUsd),
    hardStop: ws.budget.hardStop,
  });
  const [form, setForm] = useState(() => init(w));
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = (await api.put('/workspaces/{id}/budget', {
        params: { path: { id: w.id } },
        body: {
        monthlyTokenLimit: numberOrNull(form.tokens),
        monthlyCostLimitUsd: numberOrNull(form.cost),
        hardStop: form.hardStop,
        version: w.version,
        },
      })) as Workspace;
      setForm(init(updated));
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
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
            onChange={(e) => (setForm({ ...form, tokens: e.target.value }), setSaved(false))}
            error={isStale(error) ? undefined : error?.fieldError('monthlyTokenLimit')}
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
            onChange={(e) => (setForm({ ...form, cost: e.target.value }), setSaved(false))}
            error={isStale(error) ? undefined : error?.fieldError('monthlyCostLimitUsd')}
          />
          <div className="sm:col-span-2">
            <Checkbox
              id="budget-hard-stop"
              label="Hard stop at 100%"
              hint="Refuse claims, dispatches, cron runs and workflow steps once a limit is reached, until the month rolls over or a limit is raised."
              checked={form.hardStop}
              onChange={(e) => (setForm({ ...form, hardStop: e.target.checked }), setSaved(false))}
            />
          </div>
        </fieldset>
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setForm(init(fresh));
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={['monthlyTokenLimit', 'monthlyCostLimitUsd']} />
        )}
        {saved && <Notice tone="success">Budget saved.</Notice>}
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" loading={pending}>
              Save budget
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
