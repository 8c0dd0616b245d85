'use client';
// The epic of a new ticket: a select of the workspace's epics with "+ New epic…", which opens a field to create
// one on the spot.
import { useState } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, SelectField, TextField } from '@/src/ui/components';
import { EpicOptions } from './filter-fields';
import type { Epic } from './types';

export function EpicSelect({ epics, value, onChange, error, onCreate }: { epics: Epic[]; value: string; onChange(id: string): void; error?: string; onCreate(title: string): Promise<Epic> }) {
  const [newEpic, setNewEpic] = useState<string | null>(null);
  const [epicError, setEpicError] = useState<ApiError | null>(null);

  async function create() {
    if (!newEpic?.trim()) return;
    setEpicError(null);
    try {
      const e = await onCreate(newEpic.trim());
      onChange(e.id);
      setNewEpic(null);
    } catch (err) {
      setEpicError(toApiError(err));
    }
  }

  return (
    <div>
      <SelectField id="ticket-epic" label="Epic" value={value} onChange={(e) => (e.target.value === '__new' ? setNewEpic('') : onChange(e.target.value))} error={error}>
        <option value="">None</option>
        <EpicOptions epics={epics} />
        <option value="__new">+ New epic…</option>
      </SelectField>
      {newEpic !== null && (
        <div className="mt-2 flex items-end gap-2">
          <TextField
            id="new-epic-title"
            label="New epic"
            hideLabel
            placeholder="Epic title"
            value={newEpic}
            onChange={(e) => setNewEpic(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void create();
              }
            }}
            error={epicError?.fieldError('title') ?? epicError?.message}
            className="flex-1"
            autoFocus
          />
          <Button size="sm" variant="secondary" onClick={() => void create()} disabled={!newEpic.trim()}>
            Add
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setNewEpic(null)}>
            Cancel
          </Button>
        </div>
      )}
    </div>
  );
}
