// The pure rules of an agent's life: status moves, liveness thresholds, rotation bounds, name and capability shapes.
import { describe, expect, it } from 'vitest';
import {
  AGENT_IDLE_WITHIN_MS,
  AGENT_NAME_PATTERN,
  AGENT_ONLINE_WITHIN_MS,
  AGENT_STATUSES,
  AGENT_TRANSITIONS,
  CAPABILITY_PATTERN,
  canMoveAgent,
  livenessOf,
  MAX_CAPABILITIES,
  ROTATION_GRACE_DEFAULT_SECONDS,
  ROTATION_GRACE_MAX_SECONDS,
  type AgentStatus,
} from './agents.rules';

describe('status transitions', () => {
  const allowed: [AgentStatus, AgentStatus][] = [
    ['pending', 'active'],
    ['pending', 'rejected'],
    ['pending', 'deleted'],
    ['active', 'deactivated'],
    ['active', 'deleted'],
    ['deactivated', 'active'],
    ['deactivated', 'deleted'],
    ['rejected', 'deleted'],
  ];

  it('allows exactly the documented moves', () => {
    for (const from of AGENT_STATUSES) {
      for (const to of AGENT_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect(canMoveAgent(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('has an entry for every status; deleted is final; nothing moves to itself or back to pending', () => {
    expect(Object.keys(AGENT_TRANSITIONS).sort()).toEqual([...AGENT_STATUSES].sort());
    expect(AGENT_TRANSITIONS.deleted).toEqual([]);
    for (const s of AGENT_STATUSES) {
      expect(canMoveAgent(s, s)).toBe(false);
      expect(canMoveAgent(s, 'pending')).toBe(false);
    }
    // A rejected agent can never become active; only approval (from pending) activates for the first time.
    expect(canMoveAgent('rejected', 'active')).toBe(false);
  });
});

describe('liveness', () => {
  const now = new Date('2026-01-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('uses 2 and 15 minutes', () => {
    expect(AGENT_ONLINE_WITHIN_MS).toBe(2 * 60_000);
    expect(AGENT_IDLE_WITHIN_MS).toBe(15 * 60_000);
  });

  it('online up to 2 min (inclusive), idle up to 15 min (inclusive), offline after or never seen', () => {
    expect(livenessOf(null, now)).toBe('offline');
    expect(livenessOf(now, now)).toBe('online');
    expect(livenessOf(ago(2 * 60_000), now)).toBe('online');
    expect(livenessOf(ago(2 * 60_000 + 1), now)).toBe('idle');
    expect(livenessOf(ago(15 * 60_000), now)).toBe('idle');
    expect(livenessOf(ago(15 * 60_000 + 1), now)).toBe('offline');
    expect(livenessOf(ago(30 * 24 * 3600_000), now)).toBe('offline');
  });

  it('a last-seen slightly in the future (clock skew between servers) counts as online', () => {
    expect(livenessOf(new Date(now.getTime() + 5_000), now)).toBe('online');
  });
});

describe('rotation grace', () => {
  it('defaults to 24 h and is at most 7 days', () => {
    expect(ROTATION_GRACE_DEFAULT_SECONDS).toBe(86_400);
    expect(ROTATION_GRACE_MAX_SECONDS).toBe(7 * 86_400);
    expect(ROTATION_GRACE_DEFAULT_SECONDS).toBeLessThanOrEqual(ROTATION_GRACE_MAX_SECONDS);
  });
});

describe('names and capabilities', () => {
  it('names: letters, digits, ".", "_", "-", up to 64, starting with a letter or digit', () => {
    for (const ok of ['a', 'Coder', 'review-bot', 'bot_2', 'v1.2', '9lives', 'x'.repeat(64)]) expect(AGENT_NAME_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', 'my bot', '-lead', '.hidden', '_x', 'x'.repeat(65), 'bot@home', 'bøt', 'a/b', 'tab\there', 'new\nline']) {
      expect(AGENT_NAME_PATTERN.test(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('capabilities: lowercase, digits, ".", "_", ":", "-", up to 64; at most 32 of them', () => {
    for (const ok of ['code', 'deploy:prod', 'lang.python', 'k8s', 'a-b_c', 'x'.repeat(64)]) expect(CAPABILITY_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', 'Code', 'has space', ':lead', '-lead', 'x'.repeat(65), 'a/b', 'emoji🙂']) {
      expect(CAPABILITY_PATTERN.test(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(MAX_CAPABILITIES).toBe(32);
  });
});
