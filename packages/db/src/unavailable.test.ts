// Which failures answer 503 (the database is unreachable: retry) and which stay 500 (a bug, or a refused statement).
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutageLog } from './outage-log';
import { isConcurrencyConflict, isDatabaseUnavailable } from './unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  const unavailable: [string, unknown][] = [
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['socket timeout', withCode('connect ETIMEDOUT 10.0.0.5:5432', 'ETIMEDOUT')],
    ['broken pipe', withCode('write EPIPE', 'EPIPE')],
    ['host unreachable', withCode('connect EHOSTUNREACH', 'EHOSTUNREACH')],
    ['DNS failure', withCode('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND')],
    ['pg: terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: terminated by connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['SQLSTATE 08006 connection failure', withCode('connection failure', '08006')],
    ['SQLSTATE 08P01 protocol violation', withCode('protocol violation', '08P01')],
    ['SQLSTATE 57P01 admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['SQLSTATE 57P02 crash shutdown', withCode('terminating connection because of crash of another server process', '57P02')],
    ['SQLSTATE 57P03 cannot connect now', withCode('the database system is starting up', '57P03')],
    ['SQLSTATE 53300 too many connections', withCode('sorry, too many clients already', '53300')],
    ['wrapped by Drizzle', new DrizzleQueryError('select 1', [], withCode('read ECONNRESET', 'ECONNRESET'))],
    ['an AggregateError of addresses', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ];
  it.each(unavailable)('%s: unavailable (503)', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  const notUnavailable: [string, unknown][] = [
    ['unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['undefined table', withCode('relation "x" does not exist', '42P01')],
    ['statement timeout (57014: the statement, not the connection)', withCode('canceling statement due to statement timeout', '57014')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['wrapped bug', new DrizzleQueryError('select 1', [], withCode('syntax error', '42601'))],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ];
  it.each(notUnavailable)('%s: not unavailable (500)', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('isConcurrencyConflict', () => {
  it.each([
    ['deadlock detected (40P01)', withCode('deadlock detected', '40P01')],
    ['serialization failure (40001)', withCode('could not serialize access due to concurrent update', '40001')],
    ['wrapped by Drizzle', new DrizzleQueryError('update x', [], withCode('deadlock detected', '40P01'))],
  ])('%s: a conflict to retry (409), not a 500 nor a 503', (_name, err) => {
    expect(isConcurrencyConflict(err)).toBe(true);
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it.each([
    ['unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a bug', new TypeError('x is undefined')],
  ])('%s: not a concurrency conflict', (_name, err) => {
    expect(isConcurrencyConflict(err)).toBe(false);
  });
});

describe('OutageLog', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('logs the first failure, sums up repeats once a minute, and logs the recovery', () => {
    vi.useFakeTimers({ now: 0 });
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const log = new OutageLog('[x] flush');
    for (let i = 0; i < 100; i++) {
      log.failed(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'kept');
      vi.advanceTimersByTime(100);
    }
    expect(lines).toEqual(['[x] flush failed: connect ECONNREFUSED 127.0.0.1:5432; kept']);
    vi.advanceTimersByTime(60_000);
    log.failed(new DrizzleQueryError('insert …', [], new Error('Connection terminated unexpectedly')));
    expect(lines[1]).toBe('[x] flush still failing (100 more times in 70 s): Connection terminated unexpectedly');
    log.ok();
    log.ok();
    expect(lines.slice(2)).toEqual(['[x] flush recovered after 70 s']);
    expect(log.failing).toBe(false);
  });
});
