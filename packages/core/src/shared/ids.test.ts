import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('is the prefix and 26 Crockford base32 characters', () => {
    expect(newId('wsp')).toMatch(/^wsp_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts by time (as strings), so lists have a stable, time-ordered tie-breaker', () => {
    const ids = [0, 1, 1000, 86_400_000, 2 ** 40].map((dt) => newId('act', 1_700_000_000_000 + dt));
    expect([...ids].sort()).toEqual(ids);
  });

  it('encodes the time in the first ten characters', () => {
    const a = newId('x', 1_700_000_000_000);
    const b = newId('x', 1_700_000_000_000);
    expect(a.slice(0, 12)).toBe(b.slice(0, 12));
    expect(a).not.toBe(b);
  });
});
