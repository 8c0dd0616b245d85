// ?q= → tsquery text: words become ANDed prefixes; the tsquery syntax in the input only separates words.
import { describe, expect, it } from 'vitest';
import { ACTIVITY_SEARCH_MAX_WORDS, toPrefixTsQuery } from './find-activity';

describe('toPrefixTsQuery', () => {
  it('makes every word a prefix, all of them required', () => {
    expect(toPrefixTsQuery('deplo')).toBe('deplo:*');
    expect(toPrefixTsQuery('  Flaky   login ')).toBe('Flaky:* & login:*');
  });

  it('keeps the characters the text parser splits itself (the indexed text was split the same way)', () => {
    expect(toPrefixTsQuery('role_changed bob@example.com #4711 zürich')).toBe('role_changed:* & bob@example.com:* & #4711:* & zürich:*');
  });

  it('never lets an operator, quote, weight or escape through', () => {
    for (const q of ["a & b | !c", "(a) <-> b", "a:* b:AB", "'a' \"b\"", 'a\\b', 'a<2>b']) {
      const out = toPrefixTsQuery(q)!;
      const words = out.split(' & ').map((w) => w.replace(/:\*$/, ''));
      for (const w of words) expect(w, q).toMatch(/^[^\s&|!()<>:*'"\\]+$/);
    }
  });

  it('is null when nothing searchable is left', () => {
    for (const q of ['', '   ', '!', "'", '&|!', '<->', '***', ':*', '%', '_-.']) expect(toPrefixTsQuery(q), q).toBeNull();
  });

  it('reads at most a fixed number of words', () => {
    const q = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    expect(toPrefixTsQuery(q)!.split(' & ')).toHaveLength(ACTIVITY_SEARCH_MAX_WORDS);
  });
});
