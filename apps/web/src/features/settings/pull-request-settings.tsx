'use client';
// The default repository that a bare `PR#123` in a ticket refers to.
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert, Notice, TextField } from '@/src/ui/components';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';
import { StaleNotice, isStale } from './stale-notice';

export function PullRequestSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const [value, setValue] = useState(w.defaultRepository ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const next = repositoryOf(value);
  const dirty = next !== (w.defaultRepository ?? null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = (await api.patch('/workspaces/{id}', { params: { path: { id: w.id } }, body: { defaultRepository: next, version: w.version } })) as Workspace;
      setValue(updated.defaultRepository ?? '');
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
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
            setSaved(false);
            setError(null);
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
          error={isStale(error) ? undefined : error?.fieldError('defaultRepository')}
        />
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setValue(fresh.defaultRepository ?? '');
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={['defaultRepository']} />
        )}
        {saved && !dirty && <Notice tone="success">Saved. Links already made stay as they are; new mentions use this repository.</Notice>}
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" loading={pending} disabled={!dirty}>
              Save repository
            </Button>
          </div>
        )}
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
