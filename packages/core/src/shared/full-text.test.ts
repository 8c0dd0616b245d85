// ?q= → tsquery text: words ANDed, the last a prefix; the tsquery syntax in the input only separates words.
import { describe, expect, it } from 'vitest';
import { SEARCH_MAX_WORDS, toSearchTsQuery } from './full-text';

describe('toSearchTsQuery', () => {
  it('requires every word; the last one (still being typed) is a prefix', () => {
    expect(toSearchTsQuery('deplo')).toBe('deplo:*');
    expect(toSearchTsQuery('  Flaky   login ')).toBe('Flaky & login:*');
    expect(toSearchTsQuery('4711 claim')).toBe('4711 & claim:*');
  });

  it('keeps the characters the text parser splits itself (the indexed text was split the same way)', () => {
    expect(toSearchTsQuery('role_changed bob@example.com #4711 zürich')).toBe('role_changed & bob@example.com & #4711 & zürich:*');
    expect(toSearchTsQuery('gpt-4o')).toBe('gpt-4o:*');
  });

  it('never lets an operator, quote, weight or escape through', () => {
    for (const q of ['a & b | !c', '(a) <-> b', 'a:* b:AB', `'a' "b"`, 'a\\b', 'a<2>b', "a' | !b & (c) <-> d:* \\"]) {
      const out = toSearchTsQuery(q)!;
      const words = out.split(' & ').map((w) => w.replace(/:\*$/, ''));
      for (const w of words) expect(w, q).toMatch(/^[^\s&|!()<>:*'"\\]+$/);
    }
    expect(toSearchTsQuery("a' | !b & (c) <-> d:* \\")).toBe('a & b & c & d:*');
  });

  it('is null when nothing searchable is left', () => {
    for (const q of ['', '   ', '!', "'", '&|!', '<->', '***', ':*', '%', '_-.', '!!! ()']) expect(toSearchTsQuery(q), q).toBeNull();
  });

  it('reads at most a fixed number of words', () => {
    const q = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    expect(toSearchTsQuery(q)!.split(' & ')).toHaveLength(SEARCH_MAX_WORDS);
  });
});
