'use client';
// One dialog for every "replace a secret, keep the old one working for a grace period" action (agent keys,
// webhook signing secrets): pick the grace, call the API, show the new secret once, forget it on close.
import { useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from './api';
import { Button, ErrorAlert, SelectField } from './components';
import { Modal } from './modal';

/** The grace choices offered; `what` names the thing ("key", "secret") in the first option. */
export function graceOptions(what: string): { seconds: number; label: string }[] {
  return [
    { seconds: 0, label: `None: the current ${what} stops now` },
    { seconds: 3600, label: '1 hour' },
    { seconds: 86400, label: '24 hours (default)' },
    { seconds: 7 * 86400, label: '7 days' },
  ];
}

export const DEFAULT_GRACE_SECONDS = 86400;

export interface GraceRotationDialogProps<R> {
  open: boolean;
  /** Titles before and after the rotation. */
  title: string;
  doneTitle: string;
  /** Explains what rotating does, above the form. */
  intro: ReactNode;
  /** "key", "secret": used in labels. */
  what: string;
  selectId: string;
  submitLabel: string;
  rotate: (graceSeconds: number) => Promise<R>;
  /** The new secret, shown once, and what happens to the old one. */
  renderResult: (result: R) => ReactNode;
  onClose: () => void;
  onRotated?: (result: R) => void;
}

export function GraceRotationDialog<R>({ open, title, doneTitle, intro, what, selectId, submitLabel, rotate, renderResult, onClose, onRotated }: GraceRotationDialogProps<R>) {
  const [grace, setGrace] = useState(DEFAULT_GRACE_SECONDS);
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  function close() {
    if (pending) return;
    // The secret lives only in this dialog's state: closing forgets it for good.
    setResult(null);
    setError(null);
    setGrace(DEFAULT_GRACE_SECONDS);
    onClose();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const r = await rotate(grace);
      setResult(r);
      onRotated?.(r);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Modal open={open} title={result ? doneTitle : title} onClose={close} busy={pending} size="lg">
      {result ? (
        <div className="space-y-4">
          {renderResult(result)}
          <div className="flex justify-end">
            <Button onClick={close}>I’ve saved it — done</Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <p className="text-sm text-slate-600">{intro}</p>
          <SelectField id={selectId} label={`Grace period for the current ${what}`} value={grace} onChange={(e) => setGrace(Number(e.target.value))} error={error?.fieldError('graceSeconds')}>
            {graceOptions(what).map((o) => (
              <option key={o.seconds} value={o.seconds}>
                {o.label}
              </option>
            ))}
          </SelectField>
          <ErrorAlert error={error} fields={['graceSeconds']} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              {submitLabel}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
