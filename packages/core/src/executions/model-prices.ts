import { modelPrices } from '@mc/db';
import { desc, eq, lte, or, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireInstanceAdmin, requirePrincipal } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation } from '../errors';
import { newId } from '../shared/ids';
import { normalizeModel, pickPrice } from './pricing.rules';
import { microsToNumber, usdToMicros } from '../shared/money';

export const MODEL_PRICE_ID_PREFIX = 'prc';

export type ModelPriceRow = typeof modelPrices.$inferSelect;

export function toModelPriceDto(p: ModelPriceRow) {
  return {
    id: p.id,
    model: p.model,
    inputUsdPerMTok: microsToNumber(usdToMicros(p.inputUsdPerMTok)),
    outputUsdPerMTok: microsToNumber(usdToMicros(p.outputUsdPerMTok)),
    effectiveFrom: p.effectiveFrom.toISOString(),
    note: p.note,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * The price version for a run of `model` started at `startedAt`, or null (unpriced). The query only narrows to
 * the versions of names that could match (the same name, or a name followed by a dash that the model starts with);
 * pickPrice (pricing.rules.ts) decides, so the matching rule lives in one place.
 */
export async function findPriceFor(ctx: Ctx, model: string, startedAt: Date): Promise<ModelPriceRow | null> {
  const m = normalizeModel(model);
  const candidates = await ctx.db
    .select()
    .from(modelPrices)
    .where(or(eq(modelPrices.model, m), sql`left(${m}, length(${modelPrices.model}) + 1) = ${modelPrices.model} || '-'`));
  return pickPrice(candidates, m, startedAt);
}

/**
 * GET /model-prices — every signed-in person and agent may read prices. Without `model`: the price in force now
 * for each model. With `model`: that model's whole history (scheduled versions included), newest first.
 */
export async function findModelPrices(ctx: Ctx, input: { model?: string; limit: number }) {
  requirePrincipal(ctx);
  const now = ctx.clock.now();
  if (input.model) {
    const rows = await ctx.db
      .select()
      .from(modelPrices)
      .where(eq(modelPrices.model, normalizeModel(input.model)))
      .orderBy(desc(modelPrices.effectiveFrom))
      .limit(input.limit);
    return rows.map(toModelPriceDto);
  }
  const rows = await ctx.db
    .selectDistinctOn([modelPrices.model])
    .from(modelPrices)
    .where(lte(modelPrices.effectiveFrom, now))
    .orderBy(modelPrices.model, desc(modelPrices.effectiveFrom))
    .limit(input.limit);
  return rows.map(toModelPriceDto);
}

export interface CreateModelPriceInput {
  model: string;
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
  effectiveFrom?: Date | string;
  note?: string;
}

/**
 * POST /model-prices — a new price version (instance admin). Prices are never edited: an execution keeps the
 * version it was first costed with, so a new version changes only executions started from its `effectiveFrom` on
 * (and not yet costed). Audited in the instance's activity log.
 */
export async function createModelPrice(ctx: Ctx, input: CreateModelPriceInput) {
  const me = requireInstanceAdmin(ctx);
  const now = ctx.clock.now();
  const model = normalizeModel(input.model);
  const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
  // The request schema allows 6 decimals at most; String(n) is the decimal the client wrote.
  const inputUsd = String(input.inputUsdPerMTok);
  const outputUsd = String(input.outputUsdPerMTok);
  try {
    return await inTransaction(ctx, async (tx) => {
      const [row] = await tx.db
        .insert(modelPrices)
        .values({
          id: newId(MODEL_PRICE_ID_PREFIX, now.getTime()),
          model,
          inputUsdPerMTok: inputUsd,
          outputUsdPerMTok: outputUsd,
          effectiveFrom,
          note: input.note ?? '',
          createdBy: me.userId,
          createdAt: now,
        })
        .returning();
      await recordActivity(tx, {
        workspaceId: null,
        action: 'model_price.created',
        target: { kind: 'model_price', id: row.id },
        summary: `priced ${model} at $${inputUsd} in / $${outputUsd} out per million tokens from ${effectiveFrom.toISOString()}`,
        metadata: { model, inputUsdPerMTok: input.inputUsdPerMTok, outputUsdPerMTok: input.outputUsdPerMTok, effectiveFrom: effectiveFrom.toISOString() },
      });
      return toModelPriceDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'model_prices_model_from_key')) {
      throw conflict(`${model} already has a price from ${effectiveFrom.toISOString()}; prices are never edited — add one with another effectiveFrom`, {
        model,
        effectiveFrom: effectiveFrom.toISOString(),
      });
    }
    throw err;
  }
}
