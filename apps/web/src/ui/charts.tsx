'use client';
// The dashboard's charts, all drawn by recharts: bars over time, lines over time and bars by category. Each chart
// is wrapped in a figure with a caption, a text summary for screen readers and a "Table" switch that shows the
// same numbers as a table — a chart alone says nothing to someone who cannot see it.
import { useId, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { cx } from './components';
import { Table, type Column } from './table';

export interface Series<T> {
  key: keyof T & string;
  label: string;
  color: string;
  /** How a value of this series reads (axis ticks, tooltip, table). */
  format?: (v: number) => string;
  /** Plot on the right-hand axis (a second unit on one chart). */
  right?: boolean;
}

export const CHART_COLORS = {
  indigo: '#6366f1',
  sky: '#0ea5e9',
  emerald: '#10b981',
  amber: '#f59e0b',
  rose: '#f43f5e',
  slate: '#94a3b8',
  violet: '#8b5cf6',
} as const;

const plain = (v: number) => String(v);
type Row = Record<string, unknown>;

interface ChartFrameProps<T> {
  title: ReactNode;
  description?: ReactNode;
  data: T[];
  /** The category or time key of a row. */
  xKey: keyof T & string;
  xLabel: string;
  xFormat?: (v: string) => string;
  series: Series<T>[];
  /** Shown instead of an empty chart. */
  empty?: ReactNode;
  height?: number;
  testId?: string;
  className?: string;
}

function ChartFrame<T>({ title, description, data, xKey, xLabel, xFormat, series, empty, testId, className, children }: ChartFrameProps<T> & { children: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const captionId = useId();
  const isEmpty = data.length === 0 || data.every((row) => series.every((s) => !Number(row[s.key])));
  const summary = `${typeof title === 'string' ? title : 'Chart'}: ${data.length} ${data.length === 1 ? 'row' : 'rows'} of ${series.map((s) => s.label).join(', ')}.`;
  return (
    <figure className={cx('rounded-lg bg-white shadow-sm ring-1 ring-slate-200', className)} aria-labelledby={captionId} data-testid={testId}>
      <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 px-5 py-3.5">
        <figcaption id={captionId} className="min-w-0">
          <span className="block text-base font-semibold text-slate-900">{title}</span>
          {description && <span className="mt-0.5 block text-sm text-slate-500">{description}</span>}
        </figcaption>
        {!isEmpty && (
          <div className="flex rounded-md ring-1 ring-slate-200 ring-inset" role="group" aria-label="Show as">
            {(['Chart', 'Table'] as const).map((label) => {
              const on = (label === 'Table') === asTable;
              return (
                <button
                  key={label}
                  type="button"
                  aria-pressed={on}
                  onClick={() => setAsTable(label === 'Table')}
                  className={cx(
                    'px-2.5 py-1 text-xs font-medium first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-indigo-600',
                    on ? 'bg-slate-100 text-slate-900' : 'text-slate-500 hover:text-slate-800',
                  )}
                >
                  {label}
                </button>
              );
            })}
          </div>
        )}
      </div>
      <div className="px-3 py-4 sm:px-5">
        {isEmpty ? (
          <p className="py-10 text-center text-sm text-slate-500">{empty ?? 'Nothing to show for this range.'}</p>
        ) : asTable ? (
          <DataTable data={data} xKey={xKey} xLabel={xLabel} xFormat={xFormat} series={series} />
        ) : (
          <div role="img" aria-label={summary}>
            {children}
          </div>
        )}
      </div>
    </figure>
  );
}

function DataTable<T>({ data, xKey, xLabel, xFormat, series }: Pick<ChartFrameProps<T>, 'data' | 'xKey' | 'xLabel' | 'xFormat' | 'series'>) {
  const rows = data.map((row, i) => ({ row, i }));
  const columns: Column<(typeof rows)[number]>[] = [
    { id: '__x', header: xLabel, rowHeader: true, className: 'text-slate-700', cell: ({ row }) => (xFormat ?? String)(String(row[xKey])) },
    ...series.map(
      (s): Column<(typeof rows)[number]> => ({
        id: s.key,
        header: s.label,
        align: 'right',
        className: 'text-slate-800',
        cell: ({ row }) => {
          const v = row[s.key];
          return v === null || v === undefined ? '—' : (s.format ?? plain)(Number(v));
        },
      }),
    ),
  ];
  return <Table label={`${xLabel} table`} density="grid" stickyHeader className="max-h-80 overflow-y-auto" columns={columns} rows={rows} rowKey={({ i }) => String(i)} />;
}

const AXIS = { fontSize: 11, fill: '#64748b' };

function tooltipFormatter<T>(series: Series<T>[]) {
  return (value: unknown, name: unknown) => {
    const s = series.find((x) => x.label === name || x.key === name);
    const n = Number(value);
    return [value === null || value === undefined ? '—' : (s?.format ?? plain)(n), s?.label ?? String(name)] as [string, string];
  };
}

/** Bars over time (or any ordered x): one bar per series per row, or stacked. */
export function TimeBarChart<T>(props: ChartFrameProps<T> & { stacked?: boolean; integer?: boolean }) {
  const { data, xKey, xFormat, series, height = 240, stacked, integer } = props;
  const left = series.filter((s) => !s.right);
  const right = series.filter((s) => s.right);
  return (
    <ChartFrame {...props}>
      <BarChart responsive data={data as Row[]} style={{ width: '100%', height }} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey={xKey as string} tick={AXIS} tickFormatter={xFormat} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} minTickGap={12} />
        <YAxis yAxisId="left" tick={AXIS} tickFormatter={left[0]?.format} tickLine={false} axisLine={false} width={64} allowDecimals={!integer} />
        {right.length > 0 && <YAxis yAxisId="right" orientation="right" tick={AXIS} tickFormatter={right[0]?.format} tickLine={false} axisLine={false} width={64} />}
        <Tooltip formatter={tooltipFormatter(series)} labelFormatter={(l) => (xFormat ? xFormat(String(l)) : String(l))} cursor={{ fill: '#f1f5f9' }} />
        {series.length > 1 && <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />}
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key as string} name={s.label} fill={s.color} yAxisId={s.right ? 'right' : 'left'} stackId={stacked ? 'stack' : undefined} radius={stacked ? 0 : [3, 3, 0, 0]} maxBarSize={36} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFrame>
  );
}

/**
 * A dot on each point that has a value (a lone value between empty buckets is then still seen), none on empty
 * ones — fewer SVG nodes than a dot everywhere.
 */
function pointDot(color: string) {
  return function Dot(props: { cx?: number; cy?: number; value?: unknown; index?: number }) {
    const { cx, cy, value, index } = props;
    if (value === null || value === undefined || cx === undefined || cy === undefined) return <g key={index} />;
    return <circle key={index} cx={cx} cy={cy} r={2.5} fill={color} stroke="white" strokeWidth={1} />;
  };
}

/** Lines over time; `domain` fixes the y range (e.g. [0, 1] for rates). */
export function TimeLineChart<T>(props: ChartFrameProps<T> & { domain?: [number, number] }) {
  const { data, xKey, xFormat, series, height = 240, domain } = props;
  const left = series.filter((s) => !s.right);
  const right = series.filter((s) => s.right);
  return (
    <ChartFrame {...props}>
      <LineChart responsive data={data as Row[]} style={{ width: '100%', height }} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey={xKey as string} tick={AXIS} tickFormatter={xFormat} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} minTickGap={12} />
        <YAxis yAxisId="left" tick={AXIS} tickFormatter={left[0]?.format} tickLine={false} axisLine={false} width={64} domain={domain} />
        {right.length > 0 && <YAxis yAxisId="right" orientation="right" tick={AXIS} tickFormatter={right[0]?.format} tickLine={false} axisLine={false} width={64} />}
        <Tooltip formatter={tooltipFormatter(series)} labelFormatter={(l) => (xFormat ? xFormat(String(l)) : String(l))} />
        {series.length > 1 && <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />}
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key as string}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            dot={pointDot(s.color)}
            activeDot={{ r: 4 }}
            yAxisId={s.right ? 'right' : 'left'}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

/** Horizontal bars by category (agents, models), largest first as given. */
export function CategoryBarChart<T>(props: ChartFrameProps<T>) {
  const { data, xKey, xFormat, series, height } = props;
  const h = height ?? Math.max(120, data.length * 34 + 40);
  return (
    <ChartFrame {...props}>
      <BarChart responsive layout="vertical" data={data as Row[]} style={{ width: '100%', height: h }} margin={{ top: 4, right: 16, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" tick={AXIS} tickFormatter={series[0]?.format} tickLine={false} axisLine={false} />
        <YAxis type="category" dataKey={xKey as string} tick={AXIS} tickFormatter={xFormat} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} width={120} />
        <Tooltip formatter={tooltipFormatter(series)} labelFormatter={(l) => (xFormat ? xFormat(String(l)) : String(l))} cursor={{ fill: '#f1f5f9' }} />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key as string} name={s.label} fill={s.color} radius={[0, 3, 3, 0]} maxBarSize={22} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFrame>
  );
}

/** A headline number. */
export function StatCard({ label, value, hint, tone, testId }: { label: ReactNode; value: ReactNode; hint?: ReactNode; tone?: 'rose' | 'amber' | 'emerald'; testId?: string }) {
  const tones = { rose: 'text-rose-700', amber: 'text-amber-700', emerald: 'text-emerald-700' };
  return (
    <div className="rounded-lg bg-white px-4 py-3.5 shadow-sm ring-1 ring-slate-200" data-testid={testId}>
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className={cx('mt-1 text-2xl font-semibold tracking-tight tabular-nums', tone ? tones[tone] : 'text-slate-900')} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </dd>
      {hint && <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}
