'use client';
// The end of a dashboard form, drawn one way everywhere: the refusal (less the field messages shown beside their
// inputs), the note that the save worked, and the submit button (with any secondary action before it).
import type { ReactNode } from 'react';
import { Button, ErrorAlert, Notice } from './components';

/** The submit button of a form. `inline`: beside the fields of a one-row form, level with their inputs. */
export function SubmitButton({ label, pending, disabled, inline = false, children }: { label: string; pending: boolean; disabled?: boolean; inline?: boolean; children?: ReactNode }) {
  return (
    <div className={inline ? 'pt-6' : 'flex justify-end gap-2'}>
      {children}
      <Button type="submit" loading={pending} disabled={disabled}>
        {label}
      </Button>
    </div>
  );
}

/**
 * Under a form: its refusal (the `fields` whose messages sit beside their inputs are left out) or, after a save,
 * `saved`; then, when the form can be sent, its submit row.
 */
export function FormFooter({
  error,
  fields,
  alert,
  saved,
  submit,
}: {
  error: unknown;
  fields?: string[];
  /** Drawn instead of the plain refusal (e.g. a stale-version notice with its own way out). */
  alert?: ReactNode;
  /** The success note, while it holds (null/false: none). */
  saved?: ReactNode;
  /** The submit row; leave it out when the caller may not send the form. */
  submit?: ReactNode;
}) {
  return (
    <>
      {alert ?? <ErrorAlert error={error} fields={fields} />}
      {saved && <Notice tone="success">{saved}</Notice>}
      {submit}
    </>
  );
}
