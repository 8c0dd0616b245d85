// Who holds the ticket and until when, or who worked on it once the claim ended.
import { Time } from '@/src/ui/components';
import { isHeld, LeaseCountdown } from '../lease-countdown';
import type { People } from '../people';
import type { Ticket } from '../types';
import { None } from './detail-row';

export function Holder({ ticket: t, people }: { ticket: Ticket; people: People }) {
  if (!t.claimedBy) return <None />;
  const name = people.agentName(t.claimedBy) ?? t.claimedBy;
  return (
    <div data-testid="holder">
      <span className="font-medium">🤖 {name}</span>
      {isHeld(t) ? (
        <p className="mt-0.5 text-xs text-slate-500">
          until <Time iso={t.leaseExpiresAt} /> · <LeaseCountdown ticket={t} />
        </p>
      ) : (
        <p className="mt-0.5 text-xs text-slate-500">worked on it (claim ended)</p>
      )}
    </div>
  );
}
