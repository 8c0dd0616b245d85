'use client';
// Personal API keys: list (never the secrets), create (the secret is shown once, here, and kept only in memory),
// revoke.
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Card, ConfirmDialog, CopyBox, EmptyState, ErrorAlert, Loading, Notice, PageHeader, ScrollRegion, TextField, Time, useTitle } from '@/src/ui/components';
import type { ApiKey, CreatedApiKey } from '@/src/ui/types';

function status(k: ApiKey): { label: string; tone: 'emerald' | 'rose' | 'amber' } {
  if (k.revokedAt) return { label: 'Revoked', tone: 'rose' };
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return { label: 'Expired', tone: 'amber' };
  return { label: 'Active', tone: 'emerald' };
}

function summarize(keys: ApiKey[]): string {
  const counts = { Active: 0, Expired: 0, Revoked: 0 };
  for (const k of keys) counts[status(k).label as keyof typeof counts]++;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label.toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'None yet';
}

/** Tomorrow, as the earliest date a new key may expire (yyyy-mm-dd, local). */
function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export default function ApiKeysPage() {
  useTitle('API keys');
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  const load = useCallback(async () => {
    try {
      setKeys((await apiList<ApiKey>('/me/api-keys')).items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setKeys((k) => k ?? []);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const visible = (keys ?? []).filter((k) => showRevoked || !k.revokedAt);
  const revokedCount = (keys ?? []).filter((k) => k.revokedAt).length;

  return (
    <>
      <PageHeader title="API keys" description="Personal keys let your scripts call the API as you, with your permissions. Send one as Authorization: Bearer <key>." />
      <div className="space-y-6">
        {created ? (
          <NewKey created={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateKey
            onCreated={(k) => {
              setCreated(k);
              // The list only ever holds the public part of the key.
              const { key: _secret, ...pub } = k;
              setKeys((list) => [pub, ...(list ?? [])]);
            }}
          />
        )}
        <Card
          title="Your keys"
          description={keys ? summarize(keys) : undefined}
        >
          <ErrorAlert error={error} className="mb-4" />
          {revokedCount > 0 && (
            <label className="mb-3 flex items-center gap-2 text-sm text-slate-600">
              <input type="checkbox" className="h-4 w-4 accent-indigo-600" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
              Show revoked keys
            </label>
          )}
          {keys === null ? (
            <Loading />
          ) : visible.length === 0 ? (
            <EmptyState icon="🔑" title="No API keys">
              Create a key for each script or machine, so you can revoke one without breaking the others.
            </EmptyState>
          ) : (
            <ScrollRegion label="API keys" className="-mx-5 -mb-4">
              <table className="min-w-full text-sm" data-testid="api-keys-table">
                <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-5 py-2.5">Name</th>
                    <th scope="col" className="px-3 py-2.5">Key</th>
                    <th scope="col" className="px-3 py-2.5">Created</th>
                    <th scope="col" className="px-3 py-2.5">Last used</th>
                    <th scope="col" className="px-3 py-2.5">Expires</th>
                    <th scope="col" className="px-3 py-2.5">Status</th>
                    <th scope="col" className="px-5 py-2.5 text-right">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {visible.map((k) => {
                    const s = status(k);
                    return (
                      <tr key={k.id} data-testid={`api-key-${k.id}`} className={k.revokedAt ? 'text-slate-500' : undefined}>
                        <td className="px-5 py-3 font-medium text-slate-900">{k.name}</td>
                        <td className="px-3 py-3">
                          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{k.prefix}…</code>
                        </td>
                        <td className="px-3 py-3 whitespace-nowrap">
                          <Time iso={k.createdAt} />
                        </td>
                        <td className="px-3 py-3 whitespace-nowrap">{k.lastUsedAt ? <Time iso={k.lastUsedAt} relative /> : <span className="text-slate-500">Never</span>}</td>
                        <td className="px-3 py-3 whitespace-nowrap">{k.expiresAt ? <Time iso={k.expiresAt} /> : <span className="text-slate-500">Never</span>}</td>
                        <td className="px-3 py-3">
                          <Badge tone={s.tone}>{s.label}</Badge>
                          {k.revokedAt && (
                            <span className="ml-1 text-xs">
                              <Time iso={k.revokedAt} relative />
                            </span>
                          )}
                        </td>
                        <td className="px-5 py-3 text-right">
                          {!k.revokedAt && (
                            <Button size="sm" variant="secondary" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                              Revoke
                            </Button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          const revoked = await api<ApiKey>('DELETE', `/me/api-keys/${encodeURIComponent(revoking.id)}`);
          setKeys((list) => list?.map((k) => (k.id === revoked.id ? revoked : k)) ?? null);
        }}
      >
        Anything using this key stops working at once. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}

function CreateKey({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      let expiresAt: string | undefined;
      if (expires) {
        // The end of the chosen local day.
        const [y, m, d] = expires.split('-').map(Number);
        expiresAt = new Date(y, m - 1, d, 23, 59, 59).toISOString();
      }
      const k = await api<CreatedApiKey>('POST', '/me/api-keys', { name, expiresAt });
      setName('');
      setExpires('');
      onCreated(k);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Create a key">
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          id="api-key-name"
          label="Key name"
          required
          maxLength={100}
          placeholder="e.g. deploy script"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error?.fieldError('name')}
          className="min-w-[16rem] flex-1"
        />
        <TextField
          id="api-key-expires"
          label="Expires (optional)"
          type="date"
          min={tomorrow()}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          error={error?.fieldError('expiresAt')}
          hint="Empty: never expires."
          className="w-48"
        />
        <div className="pt-6">
          <Button type="submit" loading={pending}>
            Create key
          </Button>
        </div>
      </form>
      <ErrorAlert error={error} fields={['name', 'expiresAt']} className="mt-3" />
    </Card>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <section aria-labelledby="new-key-heading" className="rounded-lg border border-emerald-300 bg-emerald-50 p-5 shadow-sm">
      <h2 id="new-key-heading" className="text-base font-semibold text-emerald-900">
        Your new key “{created.name}”
      </h2>
      <Notice tone="warning" className="my-3">
        <strong>Copy this key now. You won’t see it again:</strong> Mission Control stores only a hash of it. If you lose it, revoke it and create a new one.
      </Notice>
      {created.key ? (
        <CopyBox value={created.key} testId="new-api-key" label="New API key" />
      ) : (
        // Only a replayed request (same Idempotency-Key) answers without the secret; the dashboard sends none.
        <p className="text-sm text-emerald-900">The key was created, but its secret was already shown to an earlier request. Revoke it and create a new one if nobody saved it.</p>
      )}
      <div className="mt-4 flex justify-end">
        <Button onClick={onDone}>I’ve saved it — done</Button>
      </div>
    </section>
  );
}
