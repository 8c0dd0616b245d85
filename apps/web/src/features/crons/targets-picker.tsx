'use client';
// The agents a cron runs for: one row per target, a workspace then one of its active agents; several rows, in
// one or several workspaces (CRON-03). The workspaces offered are those where the caller may manage crons.
import { Button, SelectField } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import type { TargetDraft } from './form-state';
import { canManageCrons } from './permissions';
import { useWorkspaceAgents } from './queries';

const ACTIVE = ['active'] as const;

function TargetRow({
  index,
  value,
  workspaces,
  taken,
  onChange,
  onRemove,
  error,
}: {
  index: number;
  value: TargetDraft;
  workspaces: { id: string; name: string; emoji: string }[];
  taken: Set<string>;
  onChange: (t: TargetDraft) => void;
  onRemove?: () => void;
  error?: string;
}) {
  const { agents, error: agentsError } = useWorkspaceAgents(value.workspaceId, ACTIVE);
  const n = index + 1;
  return (
    <li className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]" data-testid="target-row">
      <SelectField id={`cron-target-${n}-workspace`} label={`Target ${n}: workspace`} value={value.workspaceId} onChange={(e) => onChange({ workspaceId: e.target.value, agentId: '' })}>
        <option value="">Choose a workspace…</option>
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.emoji} {w.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        id={`cron-target-${n}-agent`}
        label={`Target ${n}: agent`}
        value={value.agentId}
        disabled={!value.workspaceId || agents === null}
        onChange={(e) => onChange({ ...value, agentId: e.target.value })}
        error={error ?? agentsError?.message}
        hint={value.workspaceId && agents?.length === 0 ? 'This workspace has no active agent.' : undefined}
      >
        <option value="">{value.workspaceId ? (agents === null ? 'Loading agents…' : 'Choose an agent…') : 'Choose a workspace first'}</option>
        {(agents ?? []).map((a) => (
          <option key={a.id} value={a.id} disabled={taken.has(a.id) && a.id !== value.agentId}>
            {a.name}
          </option>
        ))}
      </SelectField>
      <div className="sm:pt-6">{onRemove && <Button variant="ghost" onClick={onRemove} aria-label={`Remove target ${n}`}>Remove</Button>}</div>
    </li>
  );
}

export function TargetsPicker({
  value,
  onChange,
  listError,
  rowErrors,
}: {
  value: TargetDraft[];
  onChange: (targets: TargetDraft[]) => void;
  listError?: string;
  rowErrors: Map<number, string>;
}) {
  const { workspaces } = useSession();
  const offered = (workspaces ?? []).filter((w) => canManageCrons(w) || value.some((t) => t.workspaceId === w.id));
  const taken = new Set(value.map((t) => t.agentId).filter(Boolean));
  const rows = value.length ? value : [{ workspaceId: '', agentId: '' }];
  const set = (i: number, t: TargetDraft) => onChange(rows.map((r, j) => (j === i ? t : r)));
  return (
    <fieldset className="space-y-3" aria-describedby={listError ? 'cron-targets-error' : undefined}>
      <legend className="sr-only">Targets</legend>
      <p className="text-xs text-slate-500">Each run gives the task to every target. You need admin rights in each workspace a cron targets.</p>
      <ul className="space-y-3">
        {rows.map((t, i) => (
          <TargetRow
            key={i}
            index={i}
            value={t}
            workspaces={offered}
            taken={taken}
            onChange={(next) => set(i, next)}
            onRemove={rows.length > 1 ? () => onChange(rows.filter((_, j) => j !== i)) : undefined}
            error={rowErrors.get(i)}
          />
        ))}
      </ul>
      {listError && (
        <p id="cron-targets-error" className="text-xs font-medium text-rose-600">
          {listError}
        </p>
      )}
      <Button variant="secondary" size="sm" onClick={() => onChange([...rows, { workspaceId: rows[rows.length - 1]?.workspaceId ?? '', agentId: '' }])}>
        + Add target
      </Button>
    </fieldset>
  );
}
