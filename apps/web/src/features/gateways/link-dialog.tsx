'use client';
// Link a hosted agent of a gateway to an agent of the workspace (PUT /agents/{id}/gateway-link). The server checks
// who may and which hosted agents exist; the dialog only offers the workspace's working agents.
import { useEffect, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert, SelectField } from '@/src/ui/components';
import { Modal } from '@/src/ui/modal';
import { agentOptionLabel, WORKING_AGENT_STATUSES } from '@/src/ui/agents';
import { useAgentList } from '../agents/queries';
import type { Gateway } from './gateway-parts';

export function LinkAgentDialog({
  workspaceId,
  gateway,
  hostedAgentId,
  onClose,
  onLinked,
}: {
  workspaceId: string;
  gateway: Gateway | null;
  hostedAgentId: string | null;
  onClose: () => void;
  onLinked: () => void;
}) {
  const open = gateway !== null && hostedAgentId !== null;
  const agents = useAgentList(workspaceId);
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (open) {
      setAgentId('');
      setError(null);
    }
  }, [open]);
  const linkedIds = new Set(gateway?.linkedAgents.map((l) => l.agentId) ?? []);
  const choices = (agents.data?.agents ?? []).filter((a) => (WORKING_AGENT_STATUSES as readonly string[]).includes(a.status) && !linkedIds.has(a.id));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await api.put('/agents/{id}/gateway-link', { params: { path: { id: agentId } }, body: { gatewayId: gateway!.id, gatewayAgentId: hostedAgentId! } });
      onLinked();
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Modal open={open} title={`Link “${hostedAgentId ?? ''}” to an agent`} onClose={() => !pending && onClose()} busy={pending}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <SelectField id="gateway-link-agent" label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)} error={error?.fieldError('gatewayAgentId')}>
          <option value="">Choose an agent…</option>
          {choices.map((a) => (
            <option key={a.id} value={a.id}>
              {agentOptionLabel(a)}
            </option>
          ))}
        </SelectField>
        <p className="text-xs text-slate-500">Work dispatched to the agent then goes to this gateway agent. An agent already linked elsewhere is moved.</p>
        <ErrorAlert error={error} fields={['gatewayAgentId']} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} disabled={agentId === ''}>
            Link agent
          </Button>
        </div>
      </form>
    </Modal>
  );
}
