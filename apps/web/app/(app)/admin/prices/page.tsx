'use client';
// Instance admin: the model price table (USD per million input and output tokens) that costs executions which do
// not report their own cost. Prices are versioned, never edited: a new version applies from its effective time,
// and executions already costed keep the price they were costed with.
import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, Notice, PageHeader, ScrollRegion, TextField, Time, useTitle } from '@/src/ui/components';
import { formatUsd } from '@/src/ui/format';
import { useSession } from '@/src/ui/session';
import type { ModelPrice } from '@/src/ui/types';

const usdRate = (v: number) => formatUsd(v, true);

export default function PricesPage() {
  useTitle('Model prices');
  const { me } = useSession();
  const [prices, setPrices] = useState<ModelPrice[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [historyTick, setHistoryTick] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const { items } = await apiList<ModelPrice>('/model-prices');
      setPrices([...items].sort((a, b) => a.model.localeCompare(b.model)));
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setPrices((p) => p ?? []);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const admin = me.user.isInstanceAdmin;

  return (
    <>
      <PageHeader
        title="Model prices"
        description="USD per million tokens, per model. Executions whose agent does not report a cost are costed with the price in force when they started; a model name also prices its dated variants (gpt-4o prices gpt-4o-2024-08-06)."
      />
      <div className="space-y-6">
        {notice && <Notice tone="success">{notice}</Notice>}
        {admin ? (
          <AddPrice
            models={prices?.map((p) => p.model) ?? []}
            onAdded={(p) => {
              setNotice(`New price for ${p.model} from ${new Date(p.effectiveFrom).toLocaleString()}: ${usdRate(p.inputUsdPerMTok)} in, ${usdRate(p.outputUsdPerMTok)} out per million tokens.`);
              setOpen(p.model);
              setHistoryTick((t) => t + 1);
              void load();
            }}
          />
        ) : (
          <Notice>Only instance admins add prices. You can read the table.</Notice>
        )}
        <Card title="Prices in force" description={prices ? `${prices.length} ${prices.length === 1 ? 'model' : 'models'}. Open a model for its history.` : undefined}>
          <ErrorAlert error={error} className="mb-4" />
          {prices === null ? (
            <Loading />
          ) : prices.length === 0 ? (
            <EmptyState icon="💲" title="No prices yet">
              Executions of unpriced models count as $0 until a price is added.
            </EmptyState>
          ) : (
            <ScrollRegion label="Prices" className="-mx-5 -mb-4">
              <table className="min-w-full text-sm" data-testid="prices-table">
                <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-5 py-2.5">Model</th>
                    <th scope="col" className="px-3 py-2.5 text-right">Input / M tokens</th>
                    <th scope="col" className="px-3 py-2.5 text-right">Output / M tokens</th>
                    <th scope="col" className="px-3 py-2.5">Since</th>
                    <th scope="col" className="px-3 py-2.5">Note</th>
                    <th scope="col" className="px-5 py-2.5 text-right">
                      <span className="sr-only">History</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {prices.map((p) => {
                    const expanded = open === p.model;
                    const historyId = `history-${p.id}`;
                    return (
                      <Fragment key={p.id}>
                        <tr data-testid="price-row" data-model={p.model}>
                          <th scope="row" className="px-5 py-2.5 text-left">
                            <code className="font-medium text-slate-900">{p.model}</code>
                          </th>
                          <td className="px-3 py-2.5 text-right tabular-nums" data-testid="price-input">
                            {usdRate(p.inputUsdPerMTok)}
                          </td>
                          <td className="px-3 py-2.5 text-right tabular-nums" data-testid="price-output">
                            {usdRate(p.outputUsdPerMTok)}
                          </td>
                          <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">
                            <Time iso={p.effectiveFrom} />
                          </td>
                          <td className="max-w-xs px-3 py-2.5 text-slate-600">{p.note || <span className="text-slate-500">—</span>}</td>
                          <td className="px-5 py-2.5 text-right">
                            <Button size="sm" variant="ghost" aria-expanded={expanded} aria-controls={historyId} onClick={() => setOpen(expanded ? null : p.model)}>
                              {expanded ? 'Hide history' : 'History'}
                            </Button>
                          </td>
                        </tr>
                        {expanded && (
                          <tr id={historyId}>
                            <td colSpan={6} className="bg-slate-50/70 px-5 py-3">
                              <PriceHistory model={p.model} tick={historyTick} />
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </Card>
      </div>
    </>
  );
}

function PriceHistory({ model, tick }: { model: string; tick: number }) {
  const [items, setItems] = useState<ModelPrice[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    apiList<ModelPrice>(`/model-prices${qs({ model })}`)
      .then(({ items }) => live && (setItems(items), setError(null)))
      .catch((err) => live && (setError(toApiError(err)), setItems([])));
    return () => {
      live = false;
    };
  }, [model, tick]);
  if (items === null) return <Loading label="Loading history…" />;
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

interface PriceForm {
  model: string;
  input: string;
  output: string;
  effectiveFrom: string;
  note: string;
}
const EMPTY: PriceForm = { model: '', input: '', output: '', effectiveFrom: '', note: '' };

/** A number field's text as the body sends it: empty stays missing (the API says "Required"), anything else a number. */
function num(s: string): number | undefined {
  const t = s.trim();
  return t === '' ? undefined : Number(t);
}

function AddPrice({ models, onAdded }: { models: string[]; onAdded: (p: ModelPrice) => void }) {
  const [form, setForm] = useState<PriceForm>(EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const body: Record<string, unknown> = {
        model: form.model.trim(),
        inputUsdPerMTok: num(form.input),
        outputUsdPerMTok: num(form.output),
      };
      // datetime-local is the browser's local time; the API takes an instant with its offset.
      if (form.effectiveFrom) body.effectiveFrom = new Date(form.effectiveFrom).toISOString();
      if (form.note.trim()) body.note = form.note.trim();
      const created = await api<ModelPrice>('POST', '/model-prices', body);
      setForm(EMPTY);
      onAdded(created);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const set = (k: keyof PriceForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <Card title="Add a price version" description="A new version for a model applies to executions that start after its effective time; earlier ones keep their price.">
      <form onSubmit={submit} className="space-y-4" data-testid="add-price-form" noValidate>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <TextField id="price-model" label="Model" placeholder="gpt-4o" list="price-models" spellCheck={false} autoComplete="off" value={form.model} onChange={set('model')} error={error?.fieldError('model')} />
          <datalist id="price-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          <TextField id="price-input" label="Input USD / million tokens" type="number" inputMode="decimal" min={0} step="any" placeholder="2.50" value={form.input} onChange={set('input')} error={error?.fieldError('inputUsdPerMTok')} />
          <TextField id="price-output" label="Output USD / million tokens" type="number" inputMode="decimal" min={0} step="any" placeholder="10.00" value={form.output} onChange={set('output')} error={error?.fieldError('outputUsdPerMTok')} />
          <TextField
            id="price-effective"
            label="Effective from"
            type="datetime-local"
            hint="Your local time. Empty: now."
            value={form.effectiveFrom}
            onChange={set('effectiveFrom')}
            error={error?.fieldError('effectiveFrom')}
          />
        </div>
        <TextField id="price-note" label="Note" placeholder="e.g. provider price change of 1 March" maxLength={500} value={form.note} onChange={set('note')} error={error?.fieldError('note')} />
        <ErrorAlert error={error} fields={['model', 'inputUsdPerMTok', 'outputUsdPerMTok', 'effectiveFrom', 'note']} />
        <div className="flex justify-end">
          <Button type="submit" loading={pending}>
            Add price
          </Button>
        </div>
      </form>
    </Card>
  );
}
