// Model prices and execution costs, as pure functions, in integer micro-dollars (shared/money.ts).
import { EXECUTION_LIMITS } from '@mc/contracts';
import { MICROS_PER_USD, usdToMicros } from '../shared/money';

/** Prices are per million tokens. */
const TOKENS_PER_MTOK = 1_000_000n;

/**
 * The most one execution may cost, in micro-dollars (EXECUTION_LIMITS.costUsdMax: $1,000,000), reported or computed.
 * Prices go up to $1,000,000 per million tokens and tokens up to 1e12, so a computed cost could otherwise reach
 * $2e12 and overflow numeric(18,6) (< $1e12); a report whose computed cost is above it is refused (400).
 *
 * It also bounds the sums: `workspace_usage.cost_usd` (a workspace's month) and `execution_stats_daily.cost_usd`
 * (a workspace, agent, model and day) are numeric(18,6), at most ~$1e12, so overflowing one takes more than a
 * million executions at the maximum cost in one month (one day for the rollup) — far past any real use, and past
 * any cost limit (numeric(14,4), < $1e10), which under hard stop blocks new work long before. Tokens are bigint
 * sums of at most 2e12 per execution: 4.6 million maximal runs per row.
 */
export const EXECUTION_COST_MAX_MICROS = BigInt(EXECUTION_LIMITS.costUsdMax) * MICROS_PER_USD;

export interface PriceRates {
  /** USD per million input tokens, as a decimal string. */
  inputUsdPerMTok: string;
  /** USD per million output tokens, as a decimal string. */
  outputUsdPerMTok: string;
}

/**
 * The cost of `tokensIn` + `tokensOut` tokens at a price, in micro-dollars, rounded half up once on the total.
 * Computed from the cumulative totals on every report (never by adding up rounded increments), so a run's cost
 * does not depend on how often it reported.
 */
export function costMicros(tokensIn: number, tokensOut: number, price: PriceRates): bigint {
  const numerator = BigInt(tokensIn) * usdToMicros(price.inputUsdPerMTok) + BigInt(tokensOut) * usdToMicros(price.outputUsdPerMTok);
  return (numerator + TOKENS_PER_MTOK / 2n) / TOKENS_PER_MTOK;
}

/** Model names are compared trimmed and lower-cased. */
export function normalizeModel(model: string): string {
  return model.trim().toLowerCase();
}

/**
 * Which priced model name prices `model`: the same name, else the longest priced name that `model` starts with
 * followed by a dash — `gpt-4o-2024-08-06` is priced as `gpt-4o`, `gpt-4o-mini-2024-07-18` as `gpt-4o-mini`
 * (not `gpt-4o`), and `gpt-4omni` as nothing. Null when no name fits.
 */
export function pricedModelFor(model: string, pricedModels: Iterable<string>): string | null {
  const m = normalizeModel(model);
  let best: string | null = null;
  for (const raw of pricedModels) {
    const name = normalizeModel(raw);
    if (name === m) return name;
    if (m.startsWith(`${name}-`) && (best === null || name.length > best.length)) best = name;
  }
  return best;
}

export interface PriceVersion extends PriceRates {
  id: string;
  model: string;
  effectiveFrom: Date;
}

/**
 * The price version that applies to a run of `model` started at `at`: of the model name chosen by
 * pricedModelFor (among all versions given, whatever their dates), the version with the latest `effectiveFrom`
 * not after `at`. A name priced only from a later date leaves the run unpriced rather than falling back to a
 * shorter name: `gpt-4o-mini` is not `gpt-4o`. Null: unpriced.
 */
export function pickPrice<T extends PriceVersion>(versions: readonly T[], model: string, at: Date): T | null {
  const name = pricedModelFor(model, new Set(versions.map((v) => v.model)));
  if (name === null) return null;
  let best: T | null = null;
  for (const v of versions) {
    if (normalizeModel(v.model) !== name || v.effectiveFrom.getTime() > at.getTime()) continue;
    if (best === null || v.effectiveFrom.getTime() > best.effectiveFrom.getTime()) best = v;
  }
  return best;
}
