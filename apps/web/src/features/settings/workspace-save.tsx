'use client';
// How a workspace settings form saves: one request with the workspace's version, the answer taken by the shell,
// "saved" until the next edit, and a stale version (someone else saved first) answered by a reload notice.
import { useState } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';
import { StaleNotice, isStale } from './stale-notice';

export function useWorkspaceSave() {
  const { workspace, setWorkspace, reload } = useWorkspace();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const stale = isStale(error);

  return {
    workspace,
    error,
    pending,
    saved,
    /** The refusal as the fields see it: none while it is a stale version (the notice says it all). */
    fieldsError: stale ? null : error,
    /** A field's message (none for a stale version). */
    fieldError: (field: string) => (stale ? undefined : error?.fieldError(field)),
    /** The user changed the form: "saved" no longer holds. */
    edited: () => setSaved(false),
    clearError: () => setError(null),
    /** Send the change; `reset` refills the form from the saved workspace. */
    async save(request: () => Promise<unknown>, reset: (updated: Workspace) => void) {
      setPending(true);
      setError(null);
      setSaved(false);
      try {
        const updated = (await request()) as Workspace;
        reset(updated);
        setSaved(true);
        setWorkspace(updated);
      } catch (err) {
        setError(toApiError(err));
      } finally {
        setPending(false);
      }
    },
    /** For FormFooter's `alert`: the reload notice when the save was refused for a stale version. */
    staleAlert: (reset: (fresh: Workspace) => void) =>
      stale ? (
        <StaleNotice
          onReload={async () => {
            const fresh = await reload();
            if (fresh) reset(fresh);
            setError(null);
          }}
        />
      ) : undefined,
  };
}
