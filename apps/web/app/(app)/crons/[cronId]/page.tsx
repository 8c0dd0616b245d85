'use client';
// One cron: what it does and when (next three runs in its time zone), its targets, and its run history, updated
// live; "Run now", "Pause"/"Resume", "Edit" and "Delete" as far as the server says the caller may.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { CronFacts } from '@/src/features/crons/cron-facts';
import { CronSync } from '@/src/features/crons/cron-sync';
import { CronHeader } from '@/src/features/crons/cron-header';
import { CronLive, heardWorkspaces } from '@/src/features/crons/cron-live';
import { TargetList } from '@/src/features/crons/cron-targets';
import { CronNotFound } from '@/src/features/crons/cron-not-found';
import { NextRunsList } from '@/src/features/crons/next-runs';
import { useCronWithRuns } from '@/src/features/crons/queries';
import { RunHistory } from '@/src/features/crons/run-history';
import { Button, Card, ErrorAlert, Loading, useTitle } from '@/src/ui/components';

export default function CronPage() {
  const { cronId } = useParams<{ cronId: string }>();
  const id = decodeURIComponent(cronId);
  const { cron: query, runs } = useCronWithRuns(id, (c) => heardWorkspaces(c).all);
  const cron = query.data ?? null;
  useTitle(cron ? `${cron.name} · Crons` : 'Cron');

  if (query.error && !cron) {
    return query.error.status === 404 ? (
      <CronNotFound id={id} />
    ) : (
      <div className="space-y-3">
        <ErrorAlert error={query.error} />
        <Button variant="secondary" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!cron) return <Loading />;

  return (
    <div className="space-y-6" data-testid="cron-page">
      <CronLive cron={cron} />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/crons" className="font-medium text-indigo-600 hover:text-indigo-500">
          ← Crons
        </Link>
      </nav>
      <CronHeader cron={cron} />
      {/* When and for whom first (on a phone they come before the details); side by side on a wide screen. */}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6 lg:col-start-2 lg:row-start-1">
          <Card title="Next runs" description={`In ${cron.timezone}; hover a time for UTC.`}>
            <NextRunsList runs={cron.nextRuns} timeZone={cron.timezone} />
          </Card>
          <Card title="Targets">
            <TargetList cron={cron} />
          </Card>
        </div>
        <div className="lg:col-start-1 lg:row-start-1">
          <CronFacts cron={cron} />
          <div className="mt-6">
            <CronSync cron={cron} />
          </div>
        </div>
      </div>
      <Card title="Run history" description="One run per slot and target; retries are attempts inside a run.">
        <RunHistory cron={cron} runs={runs.items} error={runs.error} hasMore={runs.hasMore} loadingMore={runs.loadingMore} onMore={() => void runs.loadMore()} />
      </Card>
    </div>
  );
}
