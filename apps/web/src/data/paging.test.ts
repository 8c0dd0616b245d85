import { describe, expect, it } from 'vitest';
import { nextPageParam } from './paging';

describe('nextPageParam', () => {
  it('follows a cursor, else the next offset while total says there are more', () => {
    expect(nextPageParam({ items: [1, 2], meta: { limit: 2, nextCursor: 'c2' } })).toEqual({ cursor: 'c2' });
    expect(nextPageParam({ items: [1, 2], meta: { limit: 2, nextCursor: null } })).toBeUndefined();
    expect(nextPageParam({ items: [1, 2], meta: { limit: 2, offset: 4, total: 10 } })).toEqual({ offset: 6 });
    expect(nextPageParam({ items: [1, 2], meta: { limit: 2, offset: 8, total: 10 } })).toBeUndefined();
    expect(nextPageParam({ items: [], meta: { limit: 2, offset: 8, total: 12 } })).toBeUndefined();
  });
});
