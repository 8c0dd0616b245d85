'use client';
// Owners: archive the workspace (read-only for everyone, ADR 0003) or restore it.
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ConfirmDialog, ErrorAlert } from '@/src/ui/components';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

export function ArchiveWorkspace() {
  const { workspace: w, setWorkspace } = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function restore() {
    setPending(true);
    setError(null);
    try {
      setWorkspace((await api.patch('/workspaces/{id}', { params: { path: { id: w.id } }, body: { archived: false, version: w.version } })) as Workspace);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card tone="danger" title={w.archived ? 'Restore' : 'Archive'} description="Owners only.">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-xl text-sm text-slate-700">
          {w.archived
            ? 'This workspace is archived. Restoring it makes it active again for its members.'
            : 'Archiving keeps the history but makes the workspace read-only and hides it from the workspace list. You can restore it later.'}
        </p>
        {w.archived ? (
          <Button loading={pending} onClick={() => void restore()}>
            Restore workspace
          </Button>
        ) : (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Archive workspace
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mt-3" />
      <ConfirmDialog
        open={confirming}
        title={`Archive ${w.name}?`}
        confirmLabel="Archive workspace"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          setWorkspace((await api.delete('/workspaces/{id}', { params: { path: { id: w.id } } })) as Workspace);
        }}
      >
        Members keep read access to its history; nothing in it can change until an owner restores it.
      </ConfirmDialog>
    </Card>
  );
}
