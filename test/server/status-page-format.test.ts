import { describe, expect, it } from 'vitest';
import {
  durationText,
  elapsedText,
  exactTime,
  knownState,
  relativeTime,
  shortSha,
  stepCountsText,
  TRIGGER_KINDS,
  triggerText,
} from '../../src/server/page/format.js';
import { RUN_TRIGGER_KINDS } from '../../src/server/status-page-api.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('relative times on the status page', () => {
  it.each([
    [0, 'just now'],
    [4, 'just now'],
    [-3, 'in a moment'],
    [42, '42 s ago'],
    [180, '3 min ago'],
    [3599, '59 min ago'],
    [7200 + 1800, '2 h ago'],
    [86_400 * 3 + 5, '3 d ago'],
    [-40, 'in 40 s'],
    [-185, 'in 3 min'],
  ])('%i seconds before now reads "%s"', (seconds, text) => {
    expect(relativeTime(at(seconds), NOW)).toBe(text);
  });

  it('says "–" for a missing or unreadable time instead of "NaN ago"', () => {
    expect(relativeTime(undefined, NOW)).toBe('–');
    expect(relativeTime('yesterday-ish', NOW)).toBe('–');
  });

  it('gives the exact time in UTC to the second for titles', () => {
    expect(exactTime('2026-03-01T11:57:03.456Z')).toBe('2026-03-01 11:57:03 UTC');
    expect(exactTime('not a time')).toBe('not a time');
  });
});

describe('durations', () => {
  it.each([
    [40, '40 ms'],
    [1234, '1.2 s'],
    [65_000, '1 min 5 s'],
    [300_000, '5 min'],
    [3_600_000 * 2 + 60_000 * 5, '2 h 5 min'],
    [3_600_000, '1 h'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('measures a run from start to end, or to now while it runs', () => {
    expect(elapsedText(at(65), at(0), NOW)).toBe('1 min 5 s');
    expect(elapsedText(at(90), undefined, NOW)).toBe('1 min 30 s');
    expect(durationText(Number.NaN)).toBe('–');
  });
});

describe('run wording', () => {
  it('offers the same trigger kinds as the API accepts', () => {
    expect([...TRIGGER_KINDS]).toEqual([...RUN_TRIGGER_KINDS]);
  });

  it('names every trigger with what an operator needs to recognize it', () => {
    expect(triggerText({ kind: 'cli', user: 'alice' })).toBe('cli by alice');
    expect(triggerText({ kind: 'cli' })).toBe('cli');
    expect(triggerText({ kind: 'poll' })).toBe('poll');
    expect(triggerText({ kind: 'webhook', provider: 'github', deliveryId: '0123456789abcdef' })).toBe(
      'webhook github 0123456789ab',
    );
    expect(triggerText({ kind: 'pull-request', provider: 'gitlab', number: 7 })).toBe('pull request #7');
    expect(triggerText({ kind: 'sync', via: 'api' })).toBe('sync via api');
    expect(triggerText({ kind: 'drift', reasons: ['a', 'b'] })).toBe('drift (2 reasons)');
    expect(triggerText({ kind: 'retry', of: 'run-5', attempt: 2 })).toBe('retry of run-5 (attempt 2)');
  });

  it('counts steps failures first', () => {
    expect(stepCountsText({ done: 3, unchanged: 2, failed: 1 })).toBe('1 failed · 3 done · 2 unchanged');
    expect(stepCountsText({})).toBe('no steps');
  });

  it('shortens commits and maps unknown peering states to unknown', () => {
    expect(shortSha('a'.repeat(40))).toBe('a'.repeat(12));
    expect(shortSha(undefined)).toBe('–');
    expect(knownState('stale')).toBe('stale');
    expect(knownState('ACTIVE')).toBe('unknown');
  });
});
