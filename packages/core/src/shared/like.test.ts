import { describe, expect, it } from 'vitest';
import { escapeLike } from './like';

describe('escapeLike', () => {
  it('makes %, _ and the backslash match only themselves', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
  });
  it('leaves other text alone', () => {
    expect(escapeLike('plain text, *stars* and [brackets]')).toBe('plain text, *stars* and [brackets]');
  });
});
