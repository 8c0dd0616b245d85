import { describe, expect, it } from 'vitest';
import { costMicros, pickPrice, pricedModelFor, type PriceVersion } from './pricing.rules';

describe('costMicros', () => {
  const gpt4o = { inputUsdPerMTok: '2.500000', outputUsdPerMTok: '10.000000' };

  it('prices tokens per million, input and output separately', () => {
    expect(costMicros(1_000_000, 0, gpt4o)).toBe(2_500_000n);
    expect(costMicros(0, 1_000_000, gpt4o)).toBe(10_000_000n);
    expect(costMicros(1000, 500, gpt4o)).toBe(7_500n); // 0.0025 + 0.005
  });

  it('rounds once, half up, on the total', () => {
    // 1 input token of gpt-4o-mini: 0.15 micro-dollars; 3 of them 0.45 → 0; 4 → 0.6 → 1.
    const mini = { inputUsdPerMTok: '0.15', outputUsdPerMTok: '0.6' };
    expect(costMicros(1, 0, mini)).toBe(0n);
    expect(costMicros(3, 0, mini)).toBe(0n);
    expect(costMicros(4, 0, mini)).toBe(1n);
    expect(costMicros(5, 0, mini) ).toBe(1n); // 0.75
    expect(costMicros(10, 10, mini)).toBe(8n); // 1.5 + 6 = 7.5 → 8
  });

  it('stays exact far beyond float precision', () => {
    expect(costMicros(999_999_999_999, 999_999_999_999, { inputUsdPerMTok: '999999.999999', outputUsdPerMTok: '0.000001' })).toBe(
      (999_999_999_999n * 999_999_999_999n + 999_999_999_999n * 1n + 500_000n) / 1_000_000n,
    );
  });
});

describe('pricedModelFor', () => {
  const seeded = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o3', 'claude-sonnet-4', 'claude-3-5-haiku'];

  it('takes the exact name first, case-insensitively', () => {
    expect(pricedModelFor('gpt-4o', seeded)).toBe('gpt-4o');
    expect(pricedModelFor('GPT-4o-Mini', seeded)).toBe('gpt-4o-mini');
  });

  it('prices dated and suffixed variants by the longest name followed by a dash', () => {
    expect(pricedModelFor('gpt-4o-2024-08-06', seeded)).toBe('gpt-4o');
    expect(pricedModelFor('gpt-4o-mini-x', seeded)).toBe('gpt-4o-mini');
    expect(pricedModelFor('gpt-4o-mini-2024-07-18', seeded)).toBe('gpt-4o-mini');
    expect(pricedModelFor('claude-sonnet-4-20250514', seeded)).toBe('claude-sonnet-4');
    expect(pricedModelFor('o3-mini', seeded)).toBe('o3');
  });

  it('never matches across a name boundary', () => {
    expect(pricedModelFor('gpt-4omni', seeded)).toBeNull();
    expect(pricedModelFor('gpt-4', seeded)).toBeNull();
    expect(pricedModelFor('o30', seeded)).toBeNull();
    expect(pricedModelFor('llama-3', seeded)).toBeNull();
  });
});

describe('pickPrice', () => {
  const v = (id: string, model: string, from: string, input = '1', output = '2'): PriceVersion => ({
    id,
    model,
    effectiveFrom: new Date(from),
    inputUsdPerMTok: input,
    outputUsdPerMTok: output,
  });
  const versions = [
    v('a1', 'gpt-4o', '2025-01-01T00:00:00Z'),
    v('a2', 'gpt-4o', '2026-03-01T00:00:00Z'),
    v('b1', 'gpt-4o-mini', '2026-06-01T00:00:00Z'),
  ];

  it('takes the latest version in force when the run started', () => {
    expect(pickPrice(versions, 'gpt-4o', new Date('2026-02-28T23:59:59Z'))?.id).toBe('a1');
    expect(pickPrice(versions, 'gpt-4o', new Date('2026-03-01T00:00:00Z'))?.id).toBe('a2');
    expect(pickPrice(versions, 'gpt-4o-2024-08-06', new Date('2027-01-01T00:00:00Z'))?.id).toBe('a2');
  });

  it('is unpriced before the first version, and never falls back to a shorter name', () => {
    expect(pickPrice(versions, 'gpt-4o', new Date('2024-12-31T00:00:00Z'))).toBeNull();
    expect(pickPrice(versions, 'gpt-4o-mini', new Date('2026-05-01T00:00:00Z'))).toBeNull();
    expect(pickPrice(versions, 'gpt-4o-mini-x', new Date('2026-07-01T00:00:00Z'))?.id).toBe('b1');
    expect(pickPrice(versions, 'unknown-model', new Date('2026-07-01T00:00:00Z'))).toBeNull();
  });
});
