'use client';
// Edit a cron (only offered when the server says the caller may; a refusal is shown if that changed).
import { useParams } from 'next/navigation';
import { useMemo } from 'react';
import { CronForm } from '@/src/features/crons/cron-form';
import { CronNotFound } from '@/src/features/crons/cron-not-found';
import { draftOf } from '@/src/features/crons/form-state';
import { useCron } from '@/src/features/crons/queries';
import { withoutZone } from '@/src/features/crons/zoned';
import { EmptyState, ErrorAlert, Loading, PageHeader, useTitle } from '@/src/ui/components';

export default function EditCronPage() {
  const { cronId } = useParams<{ cronId: string }>();
  const id = decodeURIComponent(cronId);
  const query = useCron(id);
  const cron = query.data ?? null;
  // The form starts from the cron as first read; a refresh underneath does not overwrite what is being typed.
  const initial = useMemo(() => (cron ? draftOf(cron) : null), [cron?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useTitle(cron ? `Edit ${cron.name}` : 'Edit cron');

  if (query.error && !cron) return query.error.status === 404 ? <CronNotFound id={id} /> : <ErrorAlert error={query.error} />;
  if (!cron || !initial) return <Loading />;
  if (!cron.can.edit) {
    return (
      <EmptyState icon="🔒" title="You cannot edit this cron">
        Editing a cron takes admin rights in every workspace it targets.
      </EmptyState>
    );
  }
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title={`Edit ${cron.name}`} description={`${withoutZone(cron.description, cron.timezone)} · ${cron.timezone}`} />
      <CronForm initial={initial} cron={cron} />
    </div>
  );
}
