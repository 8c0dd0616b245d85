'use client';
import { Badge, ErrorAlert, Loading, Time } from '@/src/ui/components';
import { usdRate } from './format';
import { usePriceHistory } from './queries';

/** Every version of one model: the one in force and the scheduled ones marked. */
export function PriceHistory({ model }: { model: string }) {
  const { data, error } = usePriceHistory(model);
  if (data === undefined && !error) return <Loading label="Loading history…" />;
  const items = data ?? [];
  const now = Date.now();
  // The version in force: the newest one that has started.
  const current = items.filter((p) => new Date(p.effectiveFrom).getTime() <= now).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  return (
    <div>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        Price history of <code className="normal-case">{model}</code>
      </h3>
      <ErrorAlert error={error} className="mb-2" />
      <ol className="space-y-1.5 text-sm" data-testid="price-history">
        {items.map((p) => {
          const future = new Date(p.effectiveFrom).getTime() > now;
          return (
            <li key={p.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5" data-testid="price-version">
              <span className="w-44 shrink-0 text-slate-600">
                from <Time iso={p.effectiveFrom} />
              </span>
              <span className="tabular-nums text-slate-900">
                {usdRate(p.inputUsdPerMTok)} in · {usdRate(p.outputUsdPerMTok)} out
              </span>
              {p.id === current?.id && <Badge tone="emerald">In force</Badge>}
              {future && <Badge tone="sky">Scheduled</Badge>}
              {p.note && <span className="text-xs text-slate-500">{p.note}</span>}
              <span className="text-xs text-slate-500">
                added <Time iso={p.createdAt} relative />
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

