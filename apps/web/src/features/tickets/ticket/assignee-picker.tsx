'use client';
// The ticket's assignee: a name for those who may only look, a picker (active agents and members) for those who
// may assign.
import { useEffect, useState } from 'react';
import { agentOptionLabel } from '@/src/ui/agents';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert, SelectField } from '@/src/ui/components';
import type { People } from '../people';
import type { Ticket } from '../types';
import { None } from './detail-row';

/** `agent:<id>`, `user:<id>` or '' (nobody): the picker's value for an assignee. */
export type AssigneeChoice = string;

export function AssigneePicker({ ticket: t, people, canAssign, onAssign }: { ticket: Ticket; people: People; canAssign: boolean; onAssign(choice: AssigneeChoice): Promise<unknown> }) {
  const current = t.assignee ? `${t.assignee.kind}:${t.assignee.id}` : '';
  const [value, setValue] = useState(current);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setValue(current), [current]);
  const name = people.assigneeName(t.assignee);
  // Only active agents can be given a ticket; one assigned before it was deactivated is still shown as the assignee.
  const retiredAssignee = t.assignee?.kind === 'agent' ? people.agents.find((a) => a.id === t.assignee!.id && a.status !== 'active') : undefined;
  if (!canAssign) return name ? <span data-testid="assignee">{name}</span> : <None />;

  async function save() {
    setPending(true);
    setError(null);
    try {
      await onAssign(value);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex items-end gap-2">
        <SelectField id="assignee" label="Assignee" hideLabel value={value} onChange={(e) => setValue(e.target.value)} className="min-w-0 flex-1">
          <option value="">Nobody</option>
          {(people.activeAgents.length > 0 || retiredAssignee) && (
            <optgroup label="Agents">
              {people.activeAgents.map((a) => (
                <option key={a.id} value={`agent:${a.id}`}>
                  {a.name}
                </option>
              ))}
              {retiredAssignee && (
                <option value={`agent:${retiredAssignee.id}`} disabled>
                  {agentOptionLabel(retiredAssignee)}
                </option>
              )}
            </optgroup>
          )}
          <optgroup label="Members">
            {people.members.map((m) => (
              <option key={m.userId} value={`user:${m.userId}`}>
                {m.name}
              </option>
            ))}
          </optgroup>
        </SelectField>
        <Button size="sm" variant="secondary" onClick={() => void save()} loading={pending} disabled={value === current}>
          {value ? 'Assign' : 'Unassign'}
        </Button>
      </div>
      <ErrorAlert error={error} />
    </div>
  );
}

/** The API body for a picker value. */
export function assigneeBody(choice: AssigneeChoice): { agentId: string } | { userId: string } | null {
  const [kind, who] = choice.split(':');
  if (!who) return null;
  return kind === 'agent' ? { agentId: who } : { userId: who };
}
