// The heading row shared by the board and the list: title, live indicator, the other view, "New ticket".
import Link from 'next/link';
import { Button } from '@/src/ui/components';
import { LiveIndicator, type LiveState } from './live-indicator';

export function TicketsHeader({ title, live, other, onNew }: { title: string; live: LiveState; other: { href: string; label: string }; onNew?: () => void }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <div className="flex items-center gap-3">
        <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
        <LiveIndicator state={live} />
        <Link href={other.href} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
          {other.label}
        </Link>
      </div>
      {onNew && <Button onClick={onNew}>New ticket</Button>}
    </div>
  );
}
