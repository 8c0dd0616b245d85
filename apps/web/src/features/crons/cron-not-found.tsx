// A cron that does not exist, or targets no workspace the caller can see (the server answers 404 for both).
import Link from 'next/link';
import { EmptyState } from '@/src/ui/components';

export function CronNotFound({ id }: { id: string }) {
  return (
    <EmptyState
      icon="⏰"
      title="Cron not found"
      action={
        <Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href="/crons">
          See every cron you can
        </Link>
      }
    >
      There is no cron <span className="font-mono break-all">{id}</span>, or none of its targets is in a workspace you can see.
    </EmptyState>
  );
}
