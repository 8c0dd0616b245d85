'use client';
// Filter selects shared by the board's filter bar and the tickets list: the assignee (agents and members) and the
// epic, each with "any" as the empty choice.
import { agentOptionLabel } from '@/src/ui/agents';
import { SelectField } from '@/src/ui/components';
import type { People } from './people';
import type { Epic } from './types';

/** The epics as options (after the caller's own empty choice). */
export function EpicOptions({ epics }: { epics: Epic[] }) {
  return (
    <>
      {epics.map((ep) => (
        <option key={ep.id} value={ep.id}>
          {ep.title}
        </option>
      ))}
    </>
  );
}

export function EpicFilter({ id, epics, value, onChange }: { id: string; epics: Epic[]; value: string; onChange: (epicId: string) => void }) {
  return (
    <SelectField id={id} label="Epic" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Any</option>
      <EpicOptions epics={epics} />
    </SelectField>
  );
}

/** Anyone, or one agent or member (grouped). */
export function AssigneeFilter({ id, people, value, onChange }: { id: string; people: People; value: string; onChange: (assigneeId: string) => void }) {
  return (
    <SelectField id={id} label="Assignee" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Anyone</option>
      {people.agents.length > 0 && (
        <optgroup label="Agents">
          {people.agents.map((a) => (
            <option key={a.id} value={a.id}>
              {agentOptionLabel(a)}
            </option>
          ))}
        </optgroup>
      )}
      <optgroup label="Members">
        {people.members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name}
          </option>
        ))}
      </optgroup>
    </SelectField>
  );
}
