'use client';
// The default repository that a bare `PR#123` in a ticket refers to.
import { useState } from 'react';
import { api } from '@/src/data/client';
import { Card, TextField } from '@/src/ui/components';
import { FormFooter, SubmitButton } from '@/src/ui/form-footer';
import type { Workspace } from '@/src/ui/types';
import { useWorkspaceSave } from './workspace-save';

export function PullRequestSettings({ editable }: { editable: boolean }) {
  const save = useWorkspaceSave();
  const w = save.workspace;
  const [value, setValue] = useState(w.defaultRepository ?? '');
  const next = repositoryOf(value);
  const dirty = next !== (w.defaultRepository ?? null);
  const reset = (ws: Workspace) => setValue(ws.defaultRepository ?? '');

  function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    void save.save(() => api.patch('/workspaces/{id}', { params: { path: { id: w.id } }, body: { defaultRepository: next, version: w.version } }), reset);
  }

  return (
    <Card
      title="Pull request links"
      description={
        <>
          PR references in tickets and comments become links: <code className="text-xs">owner/repo#12</code> and PR or MR URLs always, a bare{' '}
          <code className="text-xs">PR#12</code> only with a default repository.
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" data-testid="pr-settings">
        <TextField
          id="ws-default-repository"
          label="Default repository"
          placeholder="owner/repo"
          maxLength={200}
          spellCheck={false}
          autoCapitalize="none"
          disabled={!editable}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            save.edited();
            save.clearError();
          }}
          hint={
            next ? (
              <>
                PR#12 will link to <span className="font-mono">https://github.com/{next}/pull/12</span>.
              </>
            ) : (
              'A GitHub repository as owner/repo (e.g. acme/rocket), or its URL. Empty: a bare PR#12 stays plain text.'
            )
          }
          error={save.fieldError('defaultRepository')}
        />
        <FormFooter
          error={save.error}
          fields={['defaultRepository']}
          alert={save.staleAlert(reset)}
          saved={save.saved && !dirty && 'Saved. Links already made stay as they are; new mentions use this repository.'}
          submit={editable && <SubmitButton label="Save repository" pending={save.pending} disabled={!dirty} />}
        />
      </form>
    </Card>
  );
}

/** What the field sends: empty → null; a pasted https://github.com/owner/repo(.git) URL → owner/repo; else as typed. */
function repositoryOf(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s#?]+?)(?:\.git)?\/?(?:[#?].*)?$/i.exec(t);
  return url ? `${url[1]}/${url[2]}` : t;
}
