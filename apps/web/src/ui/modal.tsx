'use client';
// A native modal <dialog> (focus trapped, Escape closes) for forms and results that a ConfirmDialog cannot hold.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { cx } from './components';

export function Modal({
  open,
  title,
  onClose,
  busy = false,
  size = 'md',
  children,
}: {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  /** While true, Escape does not close the dialog (a request is in flight). */
  busy?: boolean;
  size?: 'md' | 'lg';
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        if (busy) e.preventDefault();
      }}
      className={cx('m-auto w-full rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40', size === 'lg' ? 'max-w-xl' : 'max-w-md')}
    >
      {open && (
        <div className="p-5">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div className="mt-2">{children}</div>
        </div>
      )}
    </dialog>
  );
}
