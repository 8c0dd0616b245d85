'use client';
// One gateway: its state, version and protocol, last error, and the agents it hosts with what each is linked to.
// Buttons appear as its `can` says (the server decides; a refusal is shown).
import { useState } from 'react';
import Link from 'next/link';
import { api, toApiError } from '@/src/data/client';
import { Button, ErrorAlert, relativeTime } from '@/src/ui/components';
import { GatewayCrons } from './gateway-crons';
import { GatewayStateBadge, type Gateway } from './gateway-parts';

export function GatewayCard({
  gateway: g,
  workspaceSlug,
  now,
  onEdit,
  onDelete,
  onLink,
  onChanged,
}: {
  gateway: Gateway;
  workspaceSlug: string;
  now: number;
  onEdit: (g: Gateway) => void;
  onDelete: (g: Gateway) => void;
  onLink: (g: Gateway, hostedAgentId: string) => void;
  onChanged: (notice: string) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (key: string, fn: () => Promise<string>) => {
    setBusy(key);
    setError(null);
    try {
      onChanged(await fn());
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };
  const agentHref = (id: string) => `/w/${encodeURIComponent(workspaceSlug)}/agents/${encodeURIComponent(id)}`;
  const listed = new Set(g.agents.map((a) => a.id));
  const unlisted = g.linkedAgents.filter((l) => !listed.has(l.gatewayAgentId));

  return (
    <li className="px-5 py-4" data-testid="gateway-row" data-gateway-id={g.id}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        {/* At least 16rem wide: on a phone the buttons go below instead of squeezing the URL. */}
        <div className="min-w-0 flex-1 basis-64">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-semibold text-slate-900" data-testid="gateway-name">
              {g.name}
            </h3>
            <GatewayStateBadge state={g.state} />
          </div>
          <p className="mt-0.5 font-mono text-xs break-all text-slate-600" data-testid="gateway-url">
            {g.url}
          </p>
          <dl className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
            <div>
              <dt className="inline text-slate-500">Version </dt>
              <dd className="inline font-medium" data-testid="gateway-version">
                {g.serverVersion ?? '—'}
              </dd>
            </div>
            <div>
              <dt className="inline text-slate-500">Protocol </dt>
              <dd className="inline font-medium">{g.protocol ?? '—'}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500">State since </dt>
              <dd className="inline">{relativeTime(g.stateChangedAt, now)}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500">Agents synced </dt>
              <dd className="inline">{g.lastSyncedAt ? relativeTime(g.lastSyncedAt, now) : 'not yet'}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500">Token set </dt>
              <dd className="inline">{relativeTime(g.tokenUpdatedAt, now)}</dd>
            </div>
          </dl>
          {g.lastError && (
            <p className="mt-2 rounded bg-amber-50 px-2 py-1 text-xs break-words text-amber-900 ring-1 ring-amber-200" data-testid="gateway-last-error">
              <span className="font-medium">Last error</span>
              {g.lastErrorAt ? ` (${relativeTime(g.lastErrorAt, now)})` : ''}: {g.lastError}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {g.can.sync && (
            <Button
              size="sm"
              variant="secondary"
              loading={busy === 'sync'}
              onClick={() =>
                act('sync', async () => {
                  await api.post('/gateways/{id}/sync', { params: { path: { id: g.id } } });
                  return `A sync of ${g.name} was asked for; its agents refresh when the connection has read them.`;
                })
              }
            >
              Sync
            </Button>
          )}
          {g.can.edit && (
            <Button size="sm" variant="secondary" onClick={() => onEdit(g)}>
              Edit
            </Button>
          )}
          {g.can.delete && (
            <Button size="sm" variant="danger" onClick={() => onDelete(g)}>
              Delete
            </Button>
          )}
        </div>
      </div>
      <ErrorAlert error={error} className="mt-3" />
      <div className="mt-3">
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Hosted agents</h4>
        {g.agents.length === 0 && unlisted.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500" data-testid="gateway-no-agents">
            {g.lastSyncedAt ? 'The gateway hosts no agents.' : 'Not read yet: they appear once the gateway is connected.'}
          </p>
        ) : (
          <ul className="mt-1 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200" data-testid="gateway-agents">
            {g.agents.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="gateway-agent" data-hosted-id={a.id}>
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">{a.name}</span> <span className="font-mono text-xs text-slate-500">{a.id}</span>
                </span>
                {a.agentId ? (
                  <span className="flex flex-wrap items-center gap-2">
                    <span className="text-xs text-slate-600">
                      linked to{' '}
                      <Link className="font-medium text-indigo-600 underline" href={agentHref(a.agentId)}>
                        {a.agentName}
                      </Link>
                    </span>
                    {g.can.link && (
                      <Button
                        size="sm"
                        variant="ghost"
                        loading={busy === `unlink:${a.id}`}
                        onClick={() =>
                          act(`unlink:${a.id}`, async () => {
                            await api.delete('/agents/{id}/gateway-link', { params: { path: { id: a.agentId! } } });
                            return `${a.agentName} is no longer linked to ${a.id}.`;
                          })
                        }
                      >
                        Unlink
                      </Button>
                    )}
                  </span>
                ) : (
                  <span className="flex flex-wrap gap-2">
                    {g.can.addAgent && (
                      <Button
                        size="sm"
                        variant="secondary"
                        loading={busy === `add:${a.id}`}
                        onClick={() =>
                          act(`add:${a.id}`, async () => {
                            const added = (await api.post('/gateways/{id}/agents', { params: { path: { id: g.id } }, body: { gatewayAgentId: a.id } })) as { name: string };
                            return `${added.name} was added as an agent of this workspace, linked to ${a.id}.`;
                          })
                        }
                      >
                        Add as agent
                      </Button>
                    )}
                    {g.can.link && (
                      <Button size="sm" variant="ghost" onClick={() => onLink(g, a.id)}>
                        Link…
                      </Button>
                    )}
                  </span>
                )}
              </li>
            ))}
            {unlisted.map((l) => (
              <li key={l.agentId} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm text-slate-600">
                <span>
                  <span className="font-mono text-xs">{l.gatewayAgentId}</span> (not listed by the gateway) ←{' '}
                  <Link className="font-medium text-indigo-600 underline" href={agentHref(l.agentId)}>
                    {l.agentName}
                  </Link>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <GatewayCrons gatewayId={g.id} workspaceId={g.workspaceId} now={now} />
    </li>
  );
}
