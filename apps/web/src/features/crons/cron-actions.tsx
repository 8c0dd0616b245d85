'use client';
// What the caller may do to a cron, as the server says (`can`): run it now, pause or resume it, edit it, delete it.
// Nothing is offered that the server would refuse; a refusal that happens anyway (a stale view) is shown.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, ConfirmDialog, ErrorAlert, LinkButton } from '@/src/ui/components';
import { useDeleteCron, useRunCron, useUpdateCron } from './queries';
import { RunNowResult } from './run-now-result';
import type { Cron, CronRunNow } from './types';

export function CronActions({ cron }: { cron: Cron }) {
  const router = useRouter();
  const run = useRunCron(cron.id);
  const toggle = useUpdateCron(cron);
  const remove = useDeleteCron(cron.id);
  const [confirming, setConfirming] = useState(false);
  const [started, setStarted] = useState<CronRunNow | null>(null);
  const can = cron.can;
  if (!can.run && !can.edit && !can.delete) return null;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Cron actions">
        {can.run && (
          <Button
            loading={run.isPending}
            onClick={() => {
              setStarted(null);
              toggle.reset();
              run.mutate(undefined, { onSuccess: setStarted });
            }}
          >
            ▶ Run now
          </Button>
        )}
        {can.edit && (
          <Button
            variant="secondary"
            loading={toggle.isPending}
            onClick={() => {
              run.reset();
              setStarted(null);
              toggle.mutate({ enabled: !cron.enabled });
            }}
          >
            {cron.enabled ? 'Pause' : 'Resume'}
          </Button>
        )}
        {can.edit && (
          <LinkButton href={`/crons/${encodeURIComponent(cron.id)}/edit`} variant="secondary">
            Edit
          </LinkButton>
        )}
        {can.delete && (
          <Button variant="ghost" className="text-rose-700 hover:bg-rose-50 hover:text-rose-800" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        )}
      </div>
      {started && <RunNowResult result={started} cron={cron} />}
      <ErrorAlert error={run.error ?? toggle.error} />
      <ConfirmDialog
        open={confirming}
        title={`Delete “${cron.name}”?`}
        confirmLabel="Delete cron"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await remove.mutateAsync();
          router.push('/crons');
        }}
      >
        It stops running for all its targets, in every workspace. Runs already made stay in their workspaces’ costs and activity.
      </ConfirmDialog>
    </div>
  );
}
