// Whether the live event stream is connected.
import type { LiveState } from '@/src/data/live';
import { cx } from '@/src/ui/components';

export type { LiveState };

const LIVE_TEXT: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span
      data-testid="live-indicator"
      data-state={state}
      role="status"
      title={state === 'live' ? 'Changes made by agents and people appear here as they happen' : 'Live updates are not connected; changes appear after they reconnect'}
      className={cx(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset',
        state === 'live' ? 'bg-emerald-50 text-emerald-700 ring-emerald-200' : 'bg-amber-50 text-amber-800 ring-amber-200',
      )}
    >
      <span className={cx('h-2 w-2 rounded-full', state === 'live' ? 'animate-pulse bg-emerald-500' : 'bg-amber-500')} aria-hidden="true" />
      {LIVE_TEXT[state]}
    </span>
  );
}
