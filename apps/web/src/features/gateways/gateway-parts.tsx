'use client';
// Gateways in the dashboard: their shape (types only from the contracts) and how a state is shown.
import type { ZGateway } from '@mc/contracts';
import type { z } from 'zod';
import { Badge } from '@/src/ui/components';

export type Gateway = z.infer<typeof ZGateway>;
export type GatewayState = Gateway['state'];

const STATE: Record<GatewayState, { label: string; tone: 'emerald' | 'sky' | 'amber' | 'rose'; title: string }> = {
  connected: { label: 'Connected', tone: 'emerald', title: 'The connection is up (v4 handshake done)' },
  connecting: { label: 'Connecting', tone: 'sky', title: 'New or changed, or reconnecting: waiting for the connection' },
  unreachable: { label: 'Unreachable', tone: 'amber', title: 'No connection: refused, timed out, or the address is not allowed' },
  unauthorized: { label: 'Unauthorized', tone: 'rose', title: 'The gateway refused the token, or the device is not approved yet' },
};

export function GatewayStateBadge({ state }: { state: GatewayState }) {
  const s = STATE[state];
  return (
    <span data-testid="gateway-state" data-state={state}>
      <Badge tone={s.tone} title={s.title}>
        {s.label}
      </Badge>
    </span>
  );
}
