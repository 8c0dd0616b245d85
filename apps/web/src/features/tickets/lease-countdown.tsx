'use client';
// Time left on a claim's lease, ticking; "lease expired" once it has run out (the sweeper puts it back soon).
import { cx } from '@/src/ui/components';
import { useNow } from '@/src/ui/live';
import type { Ticket } from './types';

/** "9:41" left until `iso`, or null when it has passed. */
export function countdown(iso: string | null | undefined, now: number): string | null {
  if (!iso) return null;
  const left = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (left <= 0) return null;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** Whether an agent holds the ticket now: its claim has a running lease (the server ends the lease when the claim stops counting). */
export function isHeld(t: Pick<Ticket, 'claimedBy' | 'leaseExpiresAt'>): boolean {
  return !!t.claimedBy && !!t.leaseExpiresAt;
}

export function LeaseCountdown({ ticket, className }: { ticket: Pick<Ticket, 'leaseExpiresAt' | 'status' | 'claimedBy'>; className?: string }) {
  const now = useNow(1000);
  if (!isHeld(ticket) || !ticket.leaseExpiresAt) return null;
  const left = countdown(ticket.leaseExpiresAt, now);
  return (
    <span
      data-testid="lease"
      title={`Lease until ${new Date(ticket.leaseExpiresAt).toLocaleString()}; renewed by the holder's writes and heartbeats`}
      className={cx('inline-flex items-center gap-1 font-mono text-[11px] tabular-nums', left ? 'text-slate-500' : 'text-amber-700', className)}
    >
      <span aria-hidden="true">⏱</span>
      {left ? <span>{left}</span> : <span>lease expired</span>}
    </span>
  );
}
