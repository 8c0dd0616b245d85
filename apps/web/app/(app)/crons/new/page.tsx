'use client';
// A new cron; from a workspace's tab, its first target row starts in that workspace (?workspaceId=).
import { useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { CronForm } from '@/src/features/crons/cron-form';
import { emptyDraft } from '@/src/features/crons/form-state';
import { localTimeZone } from '@/src/features/crons/zoned';
import { Loading, PageHeader, useTitle } from '@/src/ui/components';

function NewCron() {
  const workspaceId = useSearchParams().get('workspaceId') ?? '';
  const [initial] = useState(() => emptyDraft(localTimeZone(), { workspaceId, agentId: '' }));
  return <CronForm initial={initial} />;
}

export default function NewCronPage() {
  useTitle('New cron');
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title="New cron" description="Give one or more agents a task on a schedule. You need admin rights in every workspace it targets." />
      <Suspense fallback={<Loading />}>
        <NewCron />
      </Suspense>
    </div>
  );
}
