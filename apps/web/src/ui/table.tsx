'use client';
// The dashboard's one table. A page declares its columns as data (header, cell renderer, alignment, width, and the
// API's sort field where the list can be sorted by the server); the table draws the loading, error and empty states,
// the header (with aria-sort and a keyboard-operable sort button on sortable columns) and the rows. On a narrow
// screen the table keeps its columns and scrolls sideways inside a focusable, named region (ScrollRegion), so a
// keyboard user can scroll it too and axe's scrollable-region-focusable holds.
import { useRouter } from 'next/navigation';
import { Fragment, type HTMLAttributes, type ReactNode } from 'react';
import { Button, ErrorAlert, Loading, ScrollRegion, cx } from './components';

export interface Column<T> {
  /** Stable key of the column (React key; also the default test id suffix of its cells). */
  id: string;
  header: ReactNode;
  /** Show the header to screen readers only (e.g. a column of row actions). */
  srOnlyHeader?: boolean;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
  /** Extra classes for the column's cells (not its header): a width (`w-32`), `whitespace-nowrap`, a text colour… */
  className?: string;
  /** The cell names its row (`<th scope="row">`), for tables read row by row. */
  rowHeader?: boolean;
  /** The API's sort field for this column; the header becomes a sort button when the table has `sort`. */
  sortField?: string;
  /** Leave the column out (e.g. actions the caller may not take). */
  hidden?: boolean;
}

/** The server's sort as `?sort=` says it: a field, `-` in front for descending. */
export interface TableSort {
  value: string;
  onChange: (value: string) => void;
}

type Density = 'card' | 'compact' | 'grid';

export interface TableProps<T> {
  /** The table's accessible name (its caption for screen readers, and the name of the scroll region). */
  label: string;
  columns: Column<T>[];
  /** null or undefined while the first load runs. */
  rows: T[] | null | undefined;
  rowKey: (row: T) => string;
  /** A failed load: shown above the table (or in its place when nothing was ever loaded). */
  error?: unknown;
  /** Field names whose errors the page shows beside its own fields (not repeated in the alert). */
  errorFields?: string[];
  /** What an empty list says: usually an <EmptyState>. */
  empty?: ReactNode;
  testId?: string;
  /** Per-row attributes (test ids, data-*). */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;
  /** The whole row opens this page on click; links and text selections inside it keep their own behaviour. */
  rowHref?: (row: T) => string;
  /** A row's details, drawn as a full-width row under it while it returns content (e.g. an expanded history). */
  rowDetail?: (row: T) => { id: string; content: ReactNode } | null | undefined;
  sort?: TableSort;
  /**
   * `card`: the table spans its Card edge to edge (pass the bleed in `className`, e.g. `-mx-5`), with a shaded
   * header. `compact`: a dense table inside a card's padding, e.g. a breakdown. `grid`: dense, evenly padded cells
   * under a shaded header, e.g. a chart's numbers.
   */
  density?: Density;
  /** Top-align the cells (rows of several lines). */
  alignTop?: boolean;
  /** Keep the header in view while the rows scroll (with a height limit in `className`, e.g. `max-h-80 overflow-y-auto`). */
  stickyHeader?: boolean;
  /** Classes of the scroll region around the table (its bleed into the card: `-mx-5 -mb-4`). */
  className?: string;
  /** Under the table: "Load more", a count… */
  footer?: ReactNode;
}

const PAD: Record<Density, { first: string; middle: string; last: string; head: string; cell: string }> = {
  card: { first: 'pl-5 pr-3', middle: 'px-3', last: 'pl-3 pr-5', head: 'py-2.5', cell: 'py-3' },
  compact: { first: 'pr-3', middle: 'px-3', last: 'pl-3', head: 'py-1.5', cell: 'py-1.5' },
  grid: { first: 'px-3', middle: 'px-3', last: 'px-3', head: 'py-2', cell: 'py-1.5' },
};

function padOf(density: Density, index: number, count: number) {
  const p = PAD[density];
  if (count === 1) return density === 'card' ? 'px-5' : density === 'grid' ? 'px-3' : '';
  return index === 0 ? p.first : index === count - 1 ? p.last : p.middle;
}

function parseSort(value: string): { field: string; desc: boolean } {
  return value.startsWith('-') ? { field: value.slice(1), desc: true } : { field: value, desc: false };
}

export function Table<T>({
  label,
  columns: allColumns,
  rows,
  rowKey,
  error,
  errorFields,
  empty,
  testId,
  rowProps,
  rowHref,
  rowDetail,
  sort,
  density = 'card',
  alignTop = false,
  stickyHeader = false,
  className,
  footer,
}: TableProps<T>) {
  const router = useRouter();
  const columns = allColumns.filter((c) => !c.hidden);
  const current = sort ? parseSort(sort.value) : null;

  if (rows == null) {
    return error ? <ErrorAlert error={error} fields={errorFields} /> : <Loading />;
  }

  const alert = error ? <ErrorAlert error={error} fields={errorFields} className="mb-4" /> : null;
  if (rows.length === 0) {
    return (
      <>
        {alert}
        {empty ?? <p className="text-sm text-slate-500">Nothing to show.</p>}
      </>
    );
  }

  const table = (
    <table className="min-w-full text-sm" data-testid={testId}>
      <caption className="sr-only">{label}</caption>
      <thead className={cx('text-left text-xs font-semibold tracking-wide text-slate-500 uppercase', (density !== 'compact' || stickyHeader) && 'bg-slate-50', stickyHeader && 'sticky top-0')}>
        <tr>
          {columns.map((c, i) => {
            const sorted = current && c.sortField === current.field ? (current.desc ? 'descending' : 'ascending') : undefined;
            const sortable = !!(sort && c.sortField);
            return (
              <th
                key={c.id}
                scope="col"
                aria-sort={sortable ? (sorted ?? 'none') : undefined}
                className={cx(padOf(density, i, columns.length), PAD[density].head, c.align === 'right' && 'text-right')}
              >
                {c.srOnlyHeader ? (
                  <span className="sr-only">{c.header}</span>
                ) : sortable ? (
                  <button
                    type="button"
                    className={cx(
                      'inline-flex items-center gap-1 rounded text-xs font-semibold tracking-wide uppercase hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600',
                      sorted ? 'text-slate-800' : 'text-slate-500',
                      c.align === 'right' && 'flex-row-reverse',
                    )}
                    onClick={() => {
                      // First click: the natural order of the field (newest, longest, dearest first); then flip.
                      const next = sorted === 'descending' ? c.sortField! : `-${c.sortField!}`;
                      sort!.onChange(next);
                    }}
                  >
                    {c.header}
                    <span aria-hidden="true" className={cx('text-[10px]', !sorted && 'text-slate-300')}>
                      {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => {
          const href = rowHref?.(row);
          const extra = rowProps?.(row);
          const detail = rowDetail?.(row);
          return (
            <Fragment key={rowKey(row)}>
              <tr
                {...extra}
                className={cx(extra?.className, alignTop && 'align-top', href && 'cursor-pointer hover:bg-slate-50')}
                onClick={
                  href
                    ? (ev) => {
                        if ((ev.target as HTMLElement).closest('a,button,input,select,textarea') || window.getSelection()?.toString()) return;
                        router.push(href);
                      }
                    : undefined
                }
              >
                {columns.map((c, i) => {
                  const cls = cx(padOf(density, i, columns.length), PAD[density].cell, c.align === 'right' && 'text-right tabular-nums', c.className);
                  return c.rowHeader ? (
                    <th key={c.id} scope="row" className={cx(cls, 'text-left font-medium', !c.className?.includes('text-slate') && 'text-slate-800')}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.id} className={cls}>
                      {c.cell(row)}
                    </td>
                  );
                })}
              </tr>
              {detail && (
                <tr id={detail.id}>
                  <td colSpan={columns.length} className={cx('bg-slate-50/70', padOf(density, 0, 1) || 'px-3', PAD[density].cell)}>
                    {detail.content}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );

  return (
    <>
      {alert}
      <ScrollRegion label={label} className={className}>
        {table}
      </ScrollRegion>
      {footer}
    </>
  );
}

/** "Load more" under a cursor-paged table, or the note that the list is complete. */
export function LoadMore({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  return (
    <div className="mt-6 flex justify-center">
      {hasMore ? (
        <Button variant="secondary" onClick={onMore} loading={loading}>
          Load more
        </Button>
      ) : (
        <p className="text-xs text-slate-500">That is everything.</p>
      )}
    </div>
  );
}
