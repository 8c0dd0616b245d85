// Money as integer micro-dollars (BigInt): the database stores USD as numeric(18,6), and summing JavaScript floats
// would drift away from what the database sums. Pure functions, shared by executions (costs) and budgets (limits).

/** 1 USD in micro-dollars. */
export const MICROS_PER_USD = 1_000_000n;

/**
 * A decimal string (`"2.5"`, `"0.150000"`, `"-1.25"`, as PostgreSQL prints numeric) to micro-dollars. More than six
 * decimals are rounded half away from zero. Anything else is a programming error and throws.
 */
export function usdToMicros(value: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, minus, whole, frac = ''] = m;
  const padded = (frac + '0000000').slice(0, 7);
  let micros = BigInt(whole) * MICROS_PER_USD + BigInt(padded.slice(0, 6));
  if (Number(padded[6]) >= 5) micros += 1n;
  return minus ? -micros : micros;
}

/**
 * A JSON number of dollars (what a client sends) to micro-dollars. The number is first written with 9 decimals,
 * which is exact for every amount a client means (≤ 1e9 USD), then rounded to 6 like any decimal string.
 */
export function usdNumberToMicros(value: number): bigint {
  if (!Number.isFinite(value)) throw new Error(`not a finite amount: ${value}`);
  return usdToMicros(value.toFixed(9));
}

/** Micro-dollars as the decimal string the database takes (`"12.345678"`). */
export function microsToUsd(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const whole = abs / MICROS_PER_USD;
  const frac = (abs % MICROS_PER_USD).toString().padStart(6, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Micro-dollars as a JSON number (6 decimals at most; exact to the micro-dollar below 2^53 micros ≈ 9e9 USD). */
export function microsToNumber(micros: bigint): number {
  return Number(microsToUsd(micros));
}
