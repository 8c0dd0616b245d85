import { describe, expect, it } from 'vitest';
import { microsToNumber, microsToUsd, usdNumberToMicros, usdToMicros } from './money';

describe('money as micro-dollars', () => {
  it('reads decimal strings exactly, rounding beyond six decimals half away from zero', () => {
    expect(usdToMicros('2.5')).toBe(2_500_000n);
    expect(usdToMicros('0.150000')).toBe(150_000n);
    expect(usdToMicros('12')).toBe(12_000_000n);
    expect(usdToMicros('0.0000004')).toBe(0n);
    expect(usdToMicros('0.0000005')).toBe(1n);
    expect(usdToMicros('-1.2500005')).toBe(-1_250_001n);
    expect(() => usdToMicros('1e-7')).toThrow();
    expect(() => usdToMicros('abc')).toThrow();
  });

  it('reads client numbers by their decimal value, not their binary approximation', () => {
    expect(usdNumberToMicros(0.1)).toBe(100_000n);
    expect(usdNumberToMicros(0.3)).toBe(300_000n);
    expect(usdNumberToMicros(1.0000005)).toBe(1_000_001n);
    expect(usdNumberToMicros(123456.123456)).toBe(123_456_123_456n);
    expect(usdNumberToMicros(1e-7)).toBe(0n);
  });

  it('writes micro-dollars as the numeric(18,6) string and as a number', () => {
    expect(microsToUsd(2_500_000n)).toBe('2.500000');
    expect(microsToUsd(1n)).toBe('0.000001');
    expect(microsToUsd(-1_250_001n)).toBe('-1.250001');
    expect(microsToNumber(123_456_123_456n)).toBe(123456.123456);
  });

  it('adds up without drift where floats do', () => {
    let micros = 0n;
    let float = 0;
    for (let i = 0; i < 1000; i++) {
      micros += usdNumberToMicros(0.1);
      float += 0.1;
    }
    expect(microsToUsd(micros)).toBe('100.000000');
    expect(float).not.toBe(100);
  });
});
