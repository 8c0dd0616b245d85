'use client';
import { Badge, Button, ScrollRegion, Time } from '@/src/ui/components';
import type { ApiKey } from './queries';

export function status(k: ApiKey): { label: string; tone: 'emerald' | 'rose' | 'amber' } {
  if (k.revokedAt) return { label: 'Revoked', tone: 'rose' };
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return { label: 'Expired', tone: 'amber' };
  return { label: 'Active', tone: 'emerald' };
}

export function summarize(keys: ApiKey[]): string {
  const counts = { Active: 0, Expired: 0, Revoked: 0 };
  for (const k of keys) counts[status(k).label as keyof typeof counts]++;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label.toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'None yet';
}

/** The keys with their state; Revoke on the live ones. */
export function ApiKeysTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (k: ApiKey) => void }) {
  return (
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
          {keys.map((k) => {
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
                    <Button size="sm" variant="secondary" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
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
  );
}
