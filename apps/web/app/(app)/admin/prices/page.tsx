'use client';
// Instance admin: the model price table (USD per million input and output tokens) that costs executions which do
// not report their own cost. Prices are versioned, never edited: a new version applies from its effective time,
// and executions already costed keep the price they were costed with.
import { useState } from 'react';
import { AddPrice } from '@/src/features/prices/add-price';
import { usdRate } from '@/src/features/prices/format';
import { PriceHistory } from '@/src/features/prices/price-history';
import { usePrices, type ModelPrice } from '@/src/features/prices/queries';
import { Button, Card, EmptyState, Notice, PageHeader, Time, useTitle } from '@/src/ui/components';
import { Table, type Column } from '@/src/ui/table';
import { useSession } from '@/src/ui/session';

export default function PricesPage() {
  useTitle('Model prices');
  const { me } = useSession();
  const { data: prices, error } = usePrices();
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const admin = me.user.isInstanceAdmin;
  const columns: Column<ModelPrice>[] = [
    { id: 'model', header: 'Model', rowHeader: true, cell: (p) => <code className="font-medium text-slate-900">{p.model}</code> },
    { id: 'input', header: 'Input / M tokens', align: 'right', cell: (p) => <span data-testid="price-input">{usdRate(p.inputUsdPerMTok)}</span> },
    { id: 'output', header: 'Output / M tokens', align: 'right', cell: (p) => <span data-testid="price-output">{usdRate(p.outputUsdPerMTok)}</span> },
    { id: 'since', header: 'Since', className: 'whitespace-nowrap text-slate-600', cell: (p) => <Time iso={p.effectiveFrom} /> },
    { id: 'note', header: 'Note', className: 'max-w-xs text-slate-600', cell: (p) => p.note || <span className="text-slate-500">—</span> },
    {
      id: 'history',
      header: 'History',
      srOnlyHeader: true,
      align: 'right',
      cell: (p) => {
        const expanded = open === p.model;
        return (
          <Button size="sm" variant="ghost" aria-expanded={expanded} aria-controls={`history-${p.id}`} onClick={() => setOpen(expanded ? null : p.model)}>
            {expanded ? 'Hide history' : 'History'}
          </Button>
        );
      },
    },
  ];

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
          <Table
            label="Prices"
            testId="prices-table"
            columns={columns}
            rows={prices}
            rowKey={(p) => p.id}
            rowProps={(p) => ({ 'data-testid': 'price-row', 'data-model': p.model })}
            rowDetail={(p) => (open === p.model ? { id: `history-${p.id}`, content: <PriceHistory model={p.model} /> } : null)}
            error={error}
            className="-mx-5 -mb-4"
            empty={
              <EmptyState icon="💲" title="No prices yet">
                Executions of unpriced models count as $0 until a price is added.
              </EmptyState>
            }
          />
        </Card>
      </div>
    </>
  );
}

