'use client';
// Instance admin: the model price table (USD per million input and output tokens) that costs executions which do
// not report their own cost. Prices are versioned, never edited: a new version applies from its effective time,
// and executions already costed keep the price they were costed with.
import { Fragment, useState } from 'react';
import { AddPrice } from '@/src/features/prices/add-price';
import { usdRate } from '@/src/features/prices/format';
import { PriceHistory } from '@/src/features/prices/price-history';
import { usePrices } from '@/src/features/prices/queries';
import { Button, Card, EmptyState, ErrorAlert, Loading, Notice, PageHeader, ScrollRegion, Time, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';

export default function PricesPage() {
  useTitle('Model prices');
  const { me } = useSession();
  const { data: prices, error } = usePrices();
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

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
            }}
          />
        ) : (
          <Notice>Only instance admins add prices. You can read the table.</Notice>
        )}
        <Card title="Prices in force" description={prices ? `${prices.length} ${prices.length === 1 ? 'model' : 'models'}. Open a model for its history.` : undefined}>
          <ErrorAlert error={error} className="mb-4" />
          {prices === undefined ? (
            !error && <Loading />
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
                              <PriceHistory model={p.model} />
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

