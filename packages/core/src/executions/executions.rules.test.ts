import { describe, expect, it } from 'vitest';
import { durationBetween, isFinalStatus, mergeDecisions, reportIssues, utcDay } from './executions.rules';

describe('lifecycle', () => {
  it('finishes with success, failed or blocked; running is a progress report', () => {
    expect(['success', 'failed', 'blocked'].every((s) => isFinalStatus(s))).toBe(true);
    expect(isFinalStatus('running')).toBe(false);
    expect(isFinalStatus(undefined)).toBe(false);
  });

  it('measures a run from start to end, never negatively, and rolls it up on its UTC end day', () => {
    expect(durationBetween(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:01.5Z'))).toBe(1500);
    expect(durationBetween(new Date('2026-03-01T00:00:01Z'), new Date('2026-03-01T00:00:00Z'))).toBe(0);
    expect(utcDay(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
    expect(utcDay(new Date('2026-03-02T00:30:00+01:00'))).toBe('2026-03-01');
  });
});

describe('reportIssues', () => {
  const stored = { tokensIn: 100, tokensOut: 50, apiCalls: 3, reportedCostMicros: null, decisions: 2, model: 'gpt-4o' };

  it('accepts equal or higher totals', () => {
    expect(reportIssues(stored, { tokensIn: 100, tokensOut: 51, apiCalls: 3, decisions: 2, model: 'gpt-4o' })).toEqual([]);
    expect(reportIssues(stored, {})).toEqual([]);
  });

  it('names each figure that went down', () => {
    const issues = reportIssues(stored, { tokensIn: 99, tokensOut: 10, apiCalls: 2, decisions: 1 });
    expect(issues.map((i) => i.field)).toEqual(['tokensIn', 'tokensOut', 'apiCalls', 'decisions']);
    expect(issues[0].message).toContain('100');
  });

  it('holds a reported cost to the same rule, but lets a reported cost replace a computed one', () => {
    expect(reportIssues({ ...stored, reportedCostMicros: 5000n }, { costMicros: 4999n }).map((i) => i.field)).toEqual(['costUsd']);
    expect(reportIssues(stored, { costMicros: 1n })).toEqual([]);
  });

  it('keeps the model once known', () => {
    expect(reportIssues(stored, { model: 'claude-sonnet-4' }).map((i) => i.field)).toEqual(['model']);
    expect(reportIssues({ ...stored, model: null }, { model: 'claude-sonnet-4' })).toEqual([]);
  });
});

describe('mergeDecisions', () => {
  it('keeps the time of entries already received, stamps new or changed ones', () => {
    const t0 = '2026-03-01T00:00:00.000Z';
    const now = new Date('2026-03-01T00:05:00.000Z');
    const a = { input: 'a', reasoning: 'r', output: 'o' };
    const merged = mergeDecisions([{ ...a, at: t0 }, { input: 'b', reasoning: '', output: '', at: t0 }], [a, { input: 'b2', reasoning: '', output: '' }, { input: 'c', reasoning: '', output: '' }], now);
    expect(merged.map((d) => d.at)).toEqual([t0, now.toISOString(), now.toISOString()]);
    expect(merged.map((d) => d.input)).toEqual(['a', 'b2', 'c']);
  });
});
