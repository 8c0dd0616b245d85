// ?q= → tsquery text: whole words ANDed, `word*` a prefix; the tsquery syntax in the input only separates words.
import { describe, expect, it } from 'vitest';
import { parseSearch, SEARCH_MAX_WORDS, SEARCH_MIN_PREFIX, toSearchTsQuery } from './full-text';

describe('toSearchTsQuery', () => {
  it('requires every word, as a whole word', () => {
    expect(toSearchTsQuery('deploy')).toBe('deploy');
    expect(toSearchTsQuery('  Flaky   login ')).toBe('Flaky & login');
    expect(toSearchTsQuery('4711 claim')).toBe('4711 & claim');
  });

  it('takes a word ending with * as a prefix, anywhere in the search, from SEARCH_MIN_PREFIX characters on', () => {
    expect(SEARCH_MIN_PREFIX).toBe(3);
    expect(toSearchTsQuery('deplo*')).toBe('deplo:*');
    expect(toSearchTsQuery('flaky* login')).toBe('flaky:* & login');
    expect(toSearchTsQuery('dep* 4711 zür*')).toBe('dep:* & 4711 & zür:*');
    // Too short to be worth expanding over the whole index: a whole word.
    expect(toSearchTsQuery('de* a*')).toBe('de & a');
    // Only a star right after the word: `word *` and `word:*` are the whole word.
    expect(toSearchTsQuery('deploy * x:*')).toBe('deploy & x');
  });

  it('keeps the characters the text parser splits itself (the indexed text was split the same way)', () => {
    expect(toSearchTsQuery('role_changed bob@example.com #4711 zürich')).toBe('role_changed & bob@example.com & #4711 & zürich');
    expect(toSearchTsQuery('gpt-4o')).toBe('gpt-4o');
    expect(toSearchTsQuery('gpt-4*')).toBe('gpt-4:*');
  });

  it('never lets an operator, quote, weight or escape through', () => {
    for (const q of ['a & b | !c', '(a) <-> b', 'a:* b:AB', `'a' "b"`, 'a\\b', 'a<2>b', "a' | !b & (c) <-> d:* \\"]) {
      const out = toSearchTsQuery(q)!;
      const words = out.split(' & ').map((w) => w.replace(/:\*$/, ''));
      for (const w of words) expect(w, q).toMatch(/^[^\s&|!()<>:*'"\\]+$/);
    }
    expect(toSearchTsQuery("a' | !b & (c) <-> d:* \\")).toBe('a & b & c & d');
    expect(toSearchTsQuery("abc'* (def)* ghi*")).toBe('abc & def & ghi:*');
  });

  it('is null when nothing searchable is left', () => {
    for (const q of ['', '   ', '!', "'", '&|!', '<->', '***', ':*', '%', '_-.', '!!! ()']) expect(toSearchTsQuery(q), q).toBeNull();
  });

  it('reads at most a fixed number of words', () => {
    const q = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    expect(toSearchTsQuery(q)!.split(' & ')).toHaveLength(SEARCH_MAX_WORDS);
  });
});

describe('parseSearch', () => {
  it('keeps the whole words apart, for searches that look them up first', () => {
    expect(parseSearch('flaky login')).toEqual({ all: 'flaky & login', wholeWords: 'flaky & login', hasPrefix: false });
    expect(parseSearch('flaky logi* 4711')).toEqual({ all: 'flaky & logi:* & 4711', wholeWords: 'flaky & 4711', hasPrefix: true });
    expect(parseSearch('logi*')).toEqual({ all: 'logi:*', wholeWords: null, hasPrefix: true });
    // A whole word PostgreSQL may parse to nothing: the whole query goes to the index (an empty one matches nothing).
    expect(parseSearch('² deploy*')).toEqual({ all: '² & deploy:*', wholeWords: null, hasPrefix: true });
    expect(parseSearch('zürich deploy*')?.wholeWords).toBe('zürich');
    expect(parseSearch('日本 deploy*')?.wholeWords).toBeNull();
    expect(parseSearch('gpt-4o deploy*')?.wholeWords).toBe('gpt-4o');
    expect(parseSearch('&&')).toBeNull();
    expect(parseSearch(undefined)).toBeNull();
  });
});

