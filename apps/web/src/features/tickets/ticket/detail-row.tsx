// One labelled fact of the ticket's "Details" card, and the dash for "none".
import type { ReactNode } from 'react';

export function DetailRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-800">{children}</dd>
    </div>
  );
}

export function None() {
  return <span className="text-slate-500">—</span>;
}

/** Short values (capabilities, wiki paths) as a list, or the dash. */
export function CodeList({ values, as = 'chips' }: { values: readonly string[]; as?: 'chips' | 'lines' }) {
  if (values.length === 0) return <None />;
  return as === 'chips' ? (
    <div className="flex flex-wrap gap-1">
      {values.map((c) => (
        <code key={c} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
          {c}
        </code>
      ))}
    </div>
  ) : (
    <ul className="space-y-0.5">
      {values.map((r) => (
        <li key={r} className="font-mono text-xs text-slate-700">
          {r}
        </li>
      ))}
    </ul>
  );
}
