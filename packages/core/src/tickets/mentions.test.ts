// @mentions in markdown comments: what counts as a mention and what does not.
import { describe, expect, it } from 'vitest';
import { parseMentions, stripCode } from './mentions';

const names = (text: string) => parseMentions(text).names;

describe('parseMentions', () => {
  it.each([
    ['@bob at the start', ['bob']],
    ['line one\n@bob at the start of a later line', ['bob']],
    ['hi @bob', ['bob']],
    ['hi,@bob', ['bob']],
    ['(@bob)', ['bob']],
    ['"@bob"', ['bob']],
    ['**@bob**', ['bob']],
    ['> @bob in a quote', ['bob']],
    ['[@bob](https://example.com)', ['bob']],
    ['ping @alice, @bob!', ['alice', 'bob']],
    ["@bob's review", ['bob']],
    ['@bob: please look', ['bob']],
  ])('finds the mention in %j', (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it.each([
    ['thanks @bob.', ['bob']],
    ['thanks @bob...', ['bob']],
    ['ask @bob-', ['bob']],
    ['ask @bob_', ['bob']],
    ['@bob.\nnext line', ['bob']],
  ])('a trailing %j ends the sentence, not the handle', (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it.each([
    ['@a.b-c_d', 'a.b-c_d'],
    ['@coder.v2', 'coder.v2'],
    ['@build-bot-1', 'build-bot-1'],
    ['@snake_case_bot', 'snake_case_bot'],
    ['@1st-agent', '1st-agent'],
  ])('keeps dots, dashes and underscores inside the handle: %j', (text, expected) => {
    expect(names(text)).toEqual([expected]);
  });

  it.each([
    'me@example.com',
    'write to first.last+tag@example.co.uk',
    'x@y',
    'user_name@host',
    'foo-@bar',
    'a/@b',
    'text@all',
    'hello@',
    'a lone @ sign',
    '@-dash',
    '@_under',
    '@.dot',
  ])('finds no mention in %j', (text) => {
    expect(parseMentions(text)).toEqual({ all: false, names: [] });
  });

  it('reads an e-mail address and a real mention side by side', () => {
    expect(names('cc ab@cd.com and @ef')).toEqual(['ef']);
  });

  it('"@@x" is not a mention of x', () => {
    expect(parseMentions('@@x')).toEqual({ all: false, names: [] });
    expect(parseMentions('hey @@bob and @carol')).toEqual({ all: false, names: ['carol'] });
  });

  it('ignores inline code spans', () => {
    expect(names('run `@bob` later, then ask @carol')).toEqual(['carol']);
    expect(names('a ``@dbl ` x`` b @z')).toEqual(['z']);
    expect(names('`a` @x `b`')).toEqual(['x']);
    expect(names('text ```@inline triple``` @z')).toEqual(['z']);
  });

  it('an unclosed backtick is a literal backtick, not code', () => {
    expect(names('`unclosed @u')).toEqual(['u']);
  });

  it('ignores fenced code blocks (backticks and tildes, with an info string, CRLF)', () => {
    expect(names('before @a\n```\n@fenced\n```\nafter @b')).toEqual(['a', 'b']);
    expect(names('```ts\nconst x = "@fenced";\n```\n@out')).toEqual(['out']);
    expect(names('~~~\n@tilde\n~~~\n@out')).toEqual(['out']);
    expect(names('```js\r\n@crlf\r\n```\r\n@out')).toEqual(['out']);
    expect(names('- item\n  ```\n  @inlist\n  ```\n- @next')).toEqual(['next']);
  });

  it('a fence closes only with at least as many backticks as it opened with', () => {
    expect(names('````\n@four\n```\n@stillin\n````\n@out')).toEqual(['out']);
  });

  it('an unclosed fence runs to the end of the text', () => {
    expect(names('@before\n```\n@unclosed fence\n@more')).toEqual(['before']);
  });

  it('@all mentions everyone, whatever its case and trailing punctuation; it is not a name', () => {
    expect(parseMentions('@all')).toEqual({ all: true, names: [] });
    expect(parseMentions('heads up @ALL.')).toEqual({ all: true, names: [] });
    expect(parseMentions('@all and @bob, @all again')).toEqual({ all: true, names: ['bob'] });
    // A handle that merely starts with "all" is a name.
    expect(parseMentions('@allison')).toEqual({ all: false, names: ['allison'] });
    // @all inside code is not a broadcast.
    expect(parseMentions('`@all` and\n```\n@all\n```')).toEqual({ all: false, names: [] });
  });

  it('folds case and keeps each handle once, in order of first appearance', () => {
    expect(names('@Bob @bob @BOB')).toEqual(['bob']);
    expect(names('@carol @Bob @alice @CAROL @bob')).toEqual(['carol', 'bob', 'alice']);
  });

  it('takes handles of up to 64 characters and no longer (a longer word is not a prefix mention)', () => {
    const h64 = `a${'b'.repeat(63)}`;
    expect(names(`@${h64}`)).toEqual([h64]);
    expect(names(`@${h64}.`)).toEqual([h64]);
    expect(names(`@${h64}c`)).toEqual([]);
  });

  it('handles empty text', () => {
    expect(parseMentions('')).toEqual({ all: false, names: [] });
  });
});

describe('stripCode', () => {
  it('blanks code but keeps the length and the line structure', () => {
    const text = 'a `b` c\n```\nx\ny\n```\nz';
    const out = stripCode(text);
    expect(out).toHaveLength(text.length);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out).not.toMatch(/[bxy`]/);
    expect(out.startsWith('a ')).toBe(true);
    expect(out.endsWith('z')).toBe(true);
  });

  it('leaves text without code unchanged', () => {
    expect(stripCode('plain @bob text\nsecond line')).toBe('plain @bob text\nsecond line');
  });
});
