'use client';
// A save refused because someone else saved first (a stale `version`), and the way out: reload.
import { useState } from 'react';
import { type ApiError } from '@/src/data/client';
import { Button } from '@/src/ui/components';

/** A 409 caused by a stale `version` (someone else saved first), as opposed to e.g. a taken slug. */
export function isStale(err: ApiError | null): boolean {
  return !!err && err.status === 409 && err.details !== undefined && 'currentVersion' in err.details;
}

export function StaleNotice({ onReload }: { onReload: () => Promise<void> }) {
  const [pending, setPending] = useState(false);
  return (
    <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900">
      <p className="font-medium">Someone else changed this workspace after you opened it.</p>
      <p className="mt-0.5">Reload to get the latest version, then make your change again.</p>
      <Button
        size="sm"
        variant="secondary"
        className="mt-2"
        loading={pending}
        onClick={async () => {
          setPending(true);
          await onReload();
          setPending(false);
        }}
      >
        Reload
      </Button>
    </div>
  );
}
