import { describe, expect, it } from 'vitest';
import { runTokenAllows } from './run-tokens.rules';

describe('run token scope (ADR 0023)', () => {
  const run = { executionId: 'exe_1', ticketId: 'tkt_1' };

  it('its own execution and ticket, through the listed routes', () => {
    expect(runTokenAllows(run, 'GET', '/api/v1/executions/{id}', 'exe_1')).toBe('ok');
    expect(runTokenAllows(run, 'PATCH', '/api/v1/executions/{id}', 'exe_1')).toBe('ok');
    expect(runTokenAllows(run, 'PATCH', '/api/v1/tickets/{id}', 'tkt_1')).toBe('ok');
    expect(runTokenAllows(run, 'POST', '/api/v1/tickets/{id}/comments', 'tkt_1')).toBe('ok');
    expect(runTokenAllows(run, 'GET', '/api/v1/me', undefined)).toBe('ok');
  });

  it('another execution or ticket on those routes is not found; the id kinds are not interchangeable', () => {
    expect(runTokenAllows(run, 'GET', '/api/v1/executions/{id}', 'exe_2')).toBe('not_found');
    expect(runTokenAllows(run, 'POST', '/api/v1/tickets/{id}/comments', 'tkt_2')).toBe('not_found');
    expect(runTokenAllows(run, 'GET', '/api/v1/tickets/{id}', 'exe_1')).toBe('not_found');
    expect(runTokenAllows({ executionId: 'exe_1', ticketId: null }, 'GET', '/api/v1/tickets/{id}', 'tkt_1')).toBe('not_found');
  });

  it('any other route is forbidden, whatever the id', () => {
    expect(runTokenAllows(run, 'GET', '/api/v1/tickets', undefined)).toBe('forbidden');
    expect(runTokenAllows(run, 'POST', '/api/v1/tickets/{id}/dispatch', 'tkt_1')).toBe('forbidden');
    expect(runTokenAllows(run, 'PATCH', '/api/v1/tickets/{id}/claim', 'tkt_1')).toBe('forbidden');
    expect(runTokenAllows(run, 'DELETE', '/api/v1/tickets/{id}', 'tkt_1')).toBe('forbidden');
    expect(runTokenAllows(run, 'POST', '/api/v1/executions', undefined)).toBe('forbidden');
  });
});
