'use client';
// Small, accessible building blocks shared by the dashboard pages (labels tied to inputs, errors announced and
// linked with aria-describedby, native <dialog> for confirmations).
import Link from 'next/link';
import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError, prettyIssue, toApiError } from './api';
import { formatDateTime } from './format';
import type { WorkspaceRole } from './types';
import { ROLE_LABEL } from './types';

export function cx(...parts: (string | false | null | undefined)[]) {
  return parts.filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------------------------------- buttons

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';
const VARIANT: Record<Variant, string> = {
  primary: 'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-indigo-600 disabled:bg-indigo-300',
  secondary: 'bg-white text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-indigo-600 disabled:text-slate-400',
  danger: 'bg-rose-600 text-white shadow-sm hover:bg-rose-500 focus-visible:outline-rose-600 disabled:bg-rose-300',
  ghost: 'text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-indigo-600 disabled:text-slate-300',
};
const SIZE = { sm: 'px-2.5 py-1.5 text-xs', md: 'px-3.5 py-2 text-sm' } as const;

export function buttonClass(variant: Variant = 'primary', size: keyof typeof SIZE = 'md', extra?: string) {
  return cx(
    'inline-flex items-center justify-center gap-1.5 rounded-md font-semibold whitespace-nowrap transition-colors',
    'focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed',
    VARIANT[variant],
    SIZE[size],
    extra,
  );
}

export function Button({
  variant = 'primary',
  size = 'md',
  loading = false,
  className,
  children,
  disabled,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: keyof typeof SIZE; loading?: boolean }) {
  return (
    <button type={type} className={buttonClass(variant, size, className)} disabled={disabled || loading} aria-busy={loading || undefined} {...rest}>
      {loading && <Spinner className="h-3.5 w-3.5" />}
      {children}
    </button>
  );
}

export function LinkButton({ href, variant = 'secondary', size = 'md', className, children }: { href: string; variant?: Variant; size?: keyof typeof SIZE; className?: string; children: ReactNode }) {
  return (
    <Link href={href} className={buttonClass(variant, size, className)}>
      {children}
    </Link>
  );
}

export function Spinner({ className }: { className?: string }) {
  return (
    <svg className={cx('animate-spin', className ?? 'h-4 w-4')} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle className="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" />
      <path className="opacity-75" fill="currentColor" d="M4 12a8 8 0 018-8v4a4 4 0 00-4 4H4z" />
    </svg>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="flex items-center gap-2 py-10 text-sm text-slate-500" role="status">
      <Spinner /> {label}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- fields

const inputBase =
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-inset disabled:bg-slate-50 disabled:text-slate-500';
function inputClass(error?: string) {
  return cx(inputBase, error ? 'ring-rose-400 focus:ring-rose-500' : 'ring-slate-300 focus:ring-indigo-600');
}

interface FieldChrome {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  /** Render the label for screen readers only. */
  hideLabel?: boolean;
}

function FieldFrame({ id, label, error, hint, hideLabel, children, className }: FieldChrome & { id: string; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'mb-1 block text-sm font-medium text-slate-700'}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs font-medium text-rose-600">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function TextField({ label, error, hint, hideLabel, className, id: idProp, ...rest }: FieldChrome & InputHTMLAttributes<HTMLInputElement> & { id?: string }) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} hideLabel={hideLabel} className={className}>
      <input id={id} className={inputClass(error)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest} />
    </FieldFrame>
  );
}

export function TextArea({ label, error, hint, hideLabel, className, id: idProp, ...rest }: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement> & { id?: string }) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} hideLabel={hideLabel} className={className}>
      <textarea id={id} className={inputClass(error)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest} />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  error,
  hint,
  hideLabel,
  className,
  id: idProp,
  children,
  ...rest
}: FieldChrome & SelectHTMLAttributes<HTMLSelectElement> & { id?: string }) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} hideLabel={hideLabel} className={className}>
      <select id={id} className={cx(inputClass(error), 'pr-8')} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest}>
        {children}
      </select>
    </FieldFrame>
  );
}

export function Checkbox({ label, hint, id: idProp, ...rest }: { label: ReactNode; hint?: ReactNode; id?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <div className="flex items-start gap-2.5">
      <input id={id} type="checkbox" className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        {hint && (
          <p id={`${id}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/** Preset colors plus a free color picker; the value is always #rrggbb. */
export const COLOR_PRESETS = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#ec4899', '#8b5cf6', '#64748b'];

export function ColorField({ label = 'Color', value, onChange, error, disabled, id: idProp }: { label?: string; value: string; onChange: (v: string) => void; error?: string; disabled?: boolean; id?: string }) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error}>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          type="color"
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
          className="h-9 w-12 cursor-pointer rounded-md border border-slate-300 bg-white p-1 disabled:cursor-not-allowed"
          aria-describedby={describedBy(id, error)}
        />
        <div className="flex gap-1.5" role="group" aria-label="Presets">
          {COLOR_PRESETS.map((c) => (
            <button
              key={c}
              type="button"
              disabled={disabled}
              onClick={() => onChange(c)}
              title={c}
              aria-pressed={value.toLowerCase() === c}
              className={cx('h-6 w-6 rounded-full ring-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-600', value.toLowerCase() === c && 'ring-2 ring-slate-900')}
              style={{ backgroundColor: c }}
            >
              <span className="sr-only">{c}</span>
            </button>
          ))}
        </div>
        <code className="text-xs text-slate-500">{value}</code>
      </div>
    </FieldFrame>
  );
}

// ---------------------------------------------------------------------------------------------------- feedback

/**
 * The error of an API call. Field issues that the form shows beside its fields (`fields`) are not repeated; any
 * others are listed here. The request id is shown so a user can quote it.
 */
export function ErrorAlert({ error, fields = [], className }: { error: unknown; fields?: string[]; className?: string }) {
  if (!error) return null;
  const e = toApiError(error);
  const shown = new Set(fields);
  const rest = e.issues.filter((i) => !shown.has(i.field));
  const allOnFields = e.code === 'VALIDATION_ERROR' && e.issues.length > 0 && rest.length === 0;
  return (
    <div role="alert" className={cx('rounded-md border border-rose-200 bg-rose-50 px-3.5 py-2.5 text-sm text-rose-800', className)}>
      <p className="font-medium">{allOnFields ? 'Please correct the highlighted fields.' : humanMessage(e)}</p>
      {rest.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {rest.map((i, n) => (
            <li key={n}>
              <span className="font-mono">{i.field}</span>: {prettyIssue(i.message)}
            </li>
          ))}
        </ul>
      )}
      {e.requestId && e.status >= 500 && <p className="mt-1 text-xs text-rose-600">Request id: {e.requestId}</p>}
    </div>
  );
}

function humanMessage(e: ApiError): string {
  const m = e.message ? e.message.charAt(0).toUpperCase() + e.message.slice(1) : 'Something went wrong.';
  if (e.code === 'RATE_LIMITED') return 'Too many requests; wait a moment and try again.';
  return m;
}

export function Notice({ tone = 'info', children, className }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode; className?: string }) {
  const tones = {
    info: 'border-sky-200 bg-sky-50 text-sky-900',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    warning: 'border-amber-200 bg-amber-50 text-amber-900',
  };
  return (
    <div role={tone === 'success' ? 'status' : undefined} className={cx('rounded-md border px-3.5 py-2.5 text-sm', tones[tone], className)}>
      {children}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- layout

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

export function Card({ title, description, children, className, footer, tone }: { title?: ReactNode; description?: ReactNode; children: ReactNode; className?: string; footer?: ReactNode; tone?: 'danger' }) {
  return (
    <section className={cx('rounded-lg bg-white shadow-sm ring-1', tone === 'danger' ? 'ring-rose-200' : 'ring-slate-200', className)}>
      {(title || description) && (
        <header className="border-b border-slate-100 px-5 py-4">
          {title && <h2 className={cx('text-base font-semibold', tone === 'danger' ? 'text-rose-700' : 'text-slate-900')}>{title}</h2>}
          {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
        </header>
      )}
      <div className="px-5 py-4">{children}</div>
      {footer && <footer className="flex items-center justify-end gap-2 rounded-b-lg border-t border-slate-100 bg-slate-50 px-5 py-3">{footer}</footer>}
    </section>
  );
}

/**
 * The horizontal scroller around a wide table. It is a named region that takes focus, so keyboard users can
 * scroll a table that holds no link or button of its own (axe: scrollable-region-focusable).
 */
export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={cx('relative overflow-x-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600', className)}>
      {children}
    </div>
  );
}

export function EmptyState({ icon, title, children, action }: { icon?: ReactNode; title: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-lg border-2 border-dashed border-slate-200 px-6 py-12 text-center">
      {icon && <div className="mb-2 text-3xl" aria-hidden="true">{icon}</div>}
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {children && <div className="mx-auto mt-1 max-w-md text-sm text-slate-500">{children}</div>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}

export function Badge({ children, tone = 'slate', title }: { children: ReactNode; tone?: 'slate' | 'indigo' | 'emerald' | 'amber' | 'rose' | 'sky'; title?: string }) {
  const tones = {
    slate: 'bg-slate-100 text-slate-700 ring-slate-200',
    indigo: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
    emerald: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
    amber: 'bg-amber-50 text-amber-800 ring-amber-200',
    rose: 'bg-rose-50 text-rose-700 ring-rose-200',
    sky: 'bg-sky-50 text-sky-700 ring-sky-200',
  };
  return (
    <span title={title} className={cx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tones[tone])}>
      {children}
    </span>
  );
}

export function RoleBadge({ role }: { role: WorkspaceRole | null }) {
  if (!role) return <Badge tone="sky" title="You can see this workspace as an instance admin">Instance admin</Badge>;
  const tone = role === 'owner' ? 'indigo' : role === 'admin' ? 'emerald' : role === 'member' ? 'slate' : 'amber';
  return <Badge tone={tone}>{ROLE_LABEL[role]}</Badge>;
}

// ---------------------------------------------------------------------------------------------------- dialogs

/**
 * A confirmation in a native modal <dialog> (focus is trapped, Escape cancels). `onConfirm` may throw; the error
 * is shown inside the dialog and it stays open.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = 'danger',
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setError(null);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        if (pending) e.preventDefault();
      }}
      className="m-auto w-full max-w-md rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      {open && (
        <div className="p-5">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
          <ErrorAlert error={error} className="mt-3" />
          <div className="mt-5 flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={pending} autoFocus>
              Cancel
            </Button>
            <Button variant={tone === 'danger' ? 'danger' : 'primary'} onClick={confirm} loading={pending}>
              {confirmLabel}
            </Button>
          </div>
        </div>
      )}
    </dialog>
  );
}

// ---------------------------------------------------------------------------------------------------- copy

async function copyText(text: string, fallbackFrom: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not a secure context (plain http on a LAN address): select the text and use the legacy command.
    if (!fallbackFrom) return false;
    const range = document.createRange();
    range.selectNodeContents(fallbackFrom);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/** A secret or link in a monospace box with a Copy button. */
export function CopyBox({ value, testId, label }: { value: string; testId?: string; label: string }) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <div className="flex items-stretch gap-2">
      <code
        ref={ref}
        data-testid={testId}
        aria-label={label}
        className="block min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-sm break-all whitespace-pre-wrap text-emerald-300 select-all"
      >
        {value}
      </code>
      <Button
        variant="secondary"
        onClick={async () => {
          setCopied((await copyText(value, ref.current)) ? 'yes' : 'no');
          setTimeout(() => setCopied(null), 2500);
        }}
      >
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select & copy manually' : 'Copy'}
      </Button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- dates

export { formatDateTime } from './format';

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function relativeTime(iso: string, now = Date.now()): string {
  const diff = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return formatDate(iso);
}

export function Time({ iso, relative = false }: { iso: string | null | undefined; relative?: boolean }) {
  if (!iso) return <span className="text-slate-500">—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toISOString()}>
      {relative ? relativeTime(iso) : formatDateTime(iso)}
    </time>
  );
}

// ---------------------------------------------------------------------------------------------------- misc

/** Sets the document title of a client page. */
export function useTitle(title: string | null | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Mission Control`;
  }, [title]);
}

/** A workspace's emoji on its color. */
export function WorkspaceAvatar({ emoji, color, size = 'md' }: { emoji: string; color: string; size?: 'sm' | 'md' | 'lg' }) {
  const s = { sm: 'h-6 w-6 text-sm', md: 'h-10 w-10 text-xl', lg: 'h-14 w-14 text-3xl' }[size];
  return (
    <span aria-hidden="true" className={cx('inline-flex shrink-0 items-center justify-center rounded-lg', s)} style={{ backgroundColor: `${color}26`, boxShadow: `inset 0 0 0 1px ${color}55` }}>
      {emoji}
    </span>
  );
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}
