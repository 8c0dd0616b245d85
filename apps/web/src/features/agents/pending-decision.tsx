'use client';
// Approve or reject a pending registration from the agent's own page.
import { useState } from 'react';
import { approveAgent } from './agent-actions';
import { KEY_DELIVERY_TEXT, type Agent } from '@/src/ui/agents';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert } from '@/src/ui/components';

export function PendingDecision({ agent, onApproved, onReject }: { agent: Agent; onApproved: (a: Agent, notice: string) => void; onReject: () => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button variant="secondary" onClick={onReject} disabled={pending}>
          Reject
        </Button>
        <Button
          loading={pending}
          onClick={async () => {
            setPending(true);
            setError(null);
            try {
              const { keyDelivery, ...a } = await approveAgent(agent);
              onApproved(a, `${a.name} was approved. ${KEY_DELIVERY_TEXT[keyDelivery] ?? ''}`);
            } catch (err) {
              setError(toApiError(err));
            } finally {
              setPending(false);
            }
          }}
        >
          Approve
        </Button>
      </div>
      <ErrorAlert error={error} />
    </div>
  );
}
