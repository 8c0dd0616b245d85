'use client';
// Instance admins: make this workspace the default (where new people and agents without a workspace land).
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import { useWorkspace } from '@/src/ui/workspace-context';

export function DefaultWorkspace() {
  const { workspace: w, reload } = useWorkspace();
  const { refreshMe, refreshWorkspaces } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function set(workspaceId: string | null) {
    setPending(true);
    setError(null);
    try {
      await api.put('/settings/default-workspace', { body: { workspaceId } });
      await Promise.all([reload(), refreshMe(), refreshWorkspaces()]);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Default workspace" description="Where people land after signing in when they can see it. Instance admins only.">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-700">
          {w.isDefault ? (
            <>
              <strong>{w.name}</strong> is the default workspace.
            </>
          ) : w.archived ? (
            'An archived workspace cannot be the default.'
          ) : (
            'This is not the default workspace.'
          )}
        </p>
        {w.isDefault ? (
          <Button variant="secondary" loading={pending} onClick={() => void set(null)}>
            Clear default
          </Button>
        ) : (
          <Button loading={pending} disabled={w.archived} onClick={() => void set(w.id)}>
            Make default workspace
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mt-3" />
    </Card>
  );
}
