'use client';
// The workspace's identity (name, slug, mission, emoji, color), saved with its version (optimistic concurrency).
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert, Notice } from '@/src/ui/components';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';
import { WORKSPACE_FIELD_NAMES, WorkspaceFieldset, type WorkspaceFields } from '@/src/ui/workspace-form';
import { StaleNotice, isStale } from './stale-notice';

function fieldsOf(w: Workspace): WorkspaceFields {
  return { name: w.name, slug: w.slug, mission: w.mission, emoji: w.emoji, color: w.color };
}

export function GeneralSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const [form, setForm] = useState<WorkspaceFields>(() => fieldsOf(w));
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  const original = fieldsOf(w);
  const changes = Object.fromEntries(Object.entries(form).filter(([k, v]) => v !== original[k as keyof WorkspaceFields]));
  const dirty = Object.keys(changes).length > 0;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = (await api.patch('/workspaces/{id}', { params: { path: { id: w.id } }, body: { ...changes, version: w.version } })) as Workspace;
      setForm(fieldsOf(updated));
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="General" description="How this workspace is named and shown.">
      <form onSubmit={submit} className="space-y-4">
        <WorkspaceFieldset
          idPrefix="ws-settings"
          value={form}
          onChange={(v) => {
            setForm(v);
            setSaved(false);
          }}
          error={isStale(error) ? null : error}
          disabled={!editable}
        />
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setForm(fieldsOf(fresh));
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={WORKSPACE_FIELD_NAMES} />
        )}
        {saved && !dirty && <Notice tone="success">Saved.</Notice>}
        {editable && (
          <div className="flex justify-end gap-2">
            {dirty && (
              <Button variant="ghost" onClick={() => (setForm(original), setError(null))}>
                Discard changes
              </Button>
            )}
            <Button type="submit" loading={pending} disabled={!dirty}>
              Save changes
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

/**
 * The repository a bare `PR#12` in a ticket or comment refers to (`owner/repo`, on GitHub). Without it, only
 * `owner/repo#12` and PR/MR URLs become links. A pasted repository URL is taken for its `owner/repo`; the API
 * checks the form and its message is shown under the field.
 */
