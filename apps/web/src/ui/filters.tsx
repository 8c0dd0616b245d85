'use client';
// Pieces shared by the filter forms of list pages (activity, executions): the agent picker and the
// Apply / Clear buttons.
import type { ReactNode } from 'react';
import { agentOptionLabel } from './agents';
import { Button, SelectField } from './components';

/** A select of the agents that have history here (deactivated ones marked), with "Any agent" as the empty choice. */
export function AgentSelect({
  id,
  agents,
  value,
  onChange,
  error,
}: {
  id: string;
  agents: { id: string; name: string; status: string }[];
  value: string;
  onChange: (agentId: string) => void;
  error?: string;
}) {
  return (
    <SelectField id={id} label="Agent" value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">Any agent</option>
      {agents.map((a) => (
        <option key={a.id} value={a.id}>
          {agentOptionLabel(a)}
        </option>
      ))}
    </SelectField>
  );
}

/** "Apply filters", and "Clear" while anything is typed or applied. */
export function FilterActions({ dirty, onClear, className, children }: { dirty: boolean; onClear: () => void; className?: string; children?: ReactNode }) {
  return (
    <div className={`flex items-end gap-2 ${className ?? ''}`}>
      <Button type="submit">Apply filters</Button>
      {dirty && (
        <Button variant="ghost" onClick={onClear}>
          Clear
        </Button>
      )}
      {children}
    </div>
  );
}
