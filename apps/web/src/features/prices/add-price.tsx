'use client';
import { useState, type FormEvent } from 'react';
import type { BodyOf } from '@/src/data/client';
import { Card, TextField } from '@/src/ui/components';
import { FormFooter, SubmitButton } from '@/src/ui/form-footer';
import { useAddPrice, type ModelPrice } from './queries';

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

/** "Add a price version" (instance admins). */
export function AddPrice({ models, onAdded }: { models: string[]; onAdded: (p: ModelPrice) => void }) {
  const [form, setForm] = useState<PriceForm>(EMPTY);
  const add = useAddPrice();
  const error = add.error;
  const pending = add.isPending;

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {
      model: form.model.trim(),
      inputUsdPerMTok: num(form.input),
      outputUsdPerMTok: num(form.output),
    };
    // datetime-local is the browser's local time; the API takes an instant with its offset.
    if (form.effectiveFrom) body.effectiveFrom = new Date(form.effectiveFrom).toISOString();
    if (form.note.trim()) body.note = form.note.trim();
    // Sent as typed, missing numbers included: the API's field messages say what is wrong.
    add.mutate(body as BodyOf<'/model-prices', 'post'>, {
      onSuccess: (created) => {
        setForm(EMPTY);
        onAdded(created);
      },
    });
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
        <FormFooter error={error} fields={['model', 'inputUsdPerMTok', 'outputUsdPerMTok', 'effectiveFrom', 'note']} submit={<SubmitButton label="Add price" pending={pending} />} />
      </form>
    </Card>
  );
}
