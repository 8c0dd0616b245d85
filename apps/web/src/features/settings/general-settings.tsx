'use client';
// The workspace's identity (name, slug, mission, emoji, color), saved with its version (optimistic concurrency).
import { useState } from 'react';
import { api } from '@/src/data/client';
import { Button, Card } from '@/src/ui/components';
import { FormFooter, SubmitButton } from '@/src/ui/form-footer';
import type { Workspace } from '@/src/ui/types';
import { WORKSPACE_FIELD_NAMES, WorkspaceFieldset, type WorkspaceFields } from '@/src/ui/workspace-form';
import { useWorkspaceSave } from './workspace-save';

function fieldsOf(w: Workspace): WorkspaceFields {
  return { name: w.name, slug: w.slug, mission: w.mission, emoji: w.emoji, color: w.color };
}

export function GeneralSettings({ editable }: { editable: boolean }) {
  const save = useWorkspaceSave();
  const w = save.workspace;
  const [form, setForm] = useState<WorkspaceFields>(() => fieldsOf(w));

  const original = fieldsOf(w);
  const changes = Object.fromEntries(Object.entries(form).filter(([k, v]) => v !== original[k as keyof WorkspaceFields]));
  const dirty = Object.keys(changes).length > 0;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    void save.save(() => api.patch('/workspaces/{id}', { params: { path: { id: w.id } }, body: { ...changes, version: w.version } }), (updated) => setForm(fieldsOf(updated)));
  }

  return (
    <Card title="General" description="How this workspace is named and shown.">
      <form onSubmit={submit} className="space-y-4">
        <WorkspaceFieldset
          idPrefix="ws-settings"
          value={form}
          onChange={(v) => {
            setForm(v);
            save.edited();
          }}
          error={save.fieldsError}
          disabled={!editable}
        />
        <FormFooter
          error={save.error}
          fields={WORKSPACE_FIELD_NAMES}
          alert={save.staleAlert((fresh) => setForm(fieldsOf(fresh)))}
          saved={save.saved && !dirty && 'Saved.'}
          submit={
            editable && (
              <SubmitButton label="Save changes" pending={save.pending} disabled={!dirty}>
                {dirty && (
                  <Button variant="ghost" onClick={() => (setForm(original), save.clearError())}>
                    Discard changes
                  </Button>
                )}
              </SubmitButton>
            )
          }
        />
      </form>
    </Card>
  );
}
