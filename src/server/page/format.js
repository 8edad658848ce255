/**
 * Pure text helpers of the status page, shared by the browser modules and the unit tests:
 * relative and exact times, durations, trigger and step-count wording.
 */

/** Every kind of run trigger, in the order the history filter offers them. */
export const TRIGGER_KINDS = ['cli', 'poll', 'webhook', 'pull-request', 'sync', 'drift', 'retry'];

/** Every peering state, worst first (the order tables sort by). */
export const PEERING_STATES = ['failing', 'missing', 'stale', 'unknown', 'healthy'];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parseTime(iso) {
  const at = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function span(ms) {
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} d`;
}

/** `iso` relative to `nowMs`: "just now", "3 min ago", "in 40 s"; "–" when it is no time. */
export function relativeTime(iso, nowMs) {
  const at = parseTime(iso);
  if (at === undefined) return '–';
  const diff = nowMs - at;
  if (Math.abs(diff) < 5 * SECOND) return diff >= 0 ? 'just now' : 'in a moment';
  return diff > 0 ? `${span(diff)} ago` : `in ${span(-diff)}`;
}

/** `iso` as an exact UTC time to the second, for title attributes: "2026-01-01 12:00:05 UTC". */
export function exactTime(iso) {
  const at = parseTime(iso);
  if (at === undefined) return String(iso ?? '');
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** A duration in milliseconds as "40 ms", "1.2 s", "3 min 4 s", "5 min" or "2 h 5 min". */
export function durationText(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(1)} s`;
  const pair = (big, bigUnit, small, smallUnit) =>
    small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
  if (ms < HOUR) return pair(Math.floor(ms / MINUTE), 'min', Math.floor((ms % MINUTE) / SECOND), 's');
  return pair(Math.floor(ms / HOUR), 'h', Math.floor((ms % HOUR) / MINUTE), 'min');
}

/** The time from `startIso` to `endIso` (or to `nowMs` while running), as durationText says it. */
export function elapsedText(startIso, endIso, nowMs) {
  const start = parseTime(startIso);
  if (start === undefined) return '–';
  return durationText((parseTime(endIso) ?? nowMs) - start);
}

/** What started a run, in a few words: "webhook github d-1", "retry of run-7 (attempt 2)". */
export function triggerText(trigger) {
  switch (trigger?.kind) {
    case 'cli':
      return trigger.user === undefined ? 'cli' : `cli by ${trigger.user}`;
    case 'webhook':
      return `webhook ${trigger.provider} ${String(trigger.deliveryId).slice(0, 12)}`;
    case 'pull-request':
      return `pull request #${trigger.number}`;
    case 'sync':
      return `sync via ${trigger.via}`;
    case 'drift': {
      const n = trigger.reasons?.length ?? 0;
      return `drift (${n} ${n === 1 ? 'reason' : 'reasons'})`;
    }
    case 'retry':
      return `retry of ${trigger.of} (attempt ${trigger.attempt})`;
    default:
      return String(trigger?.kind ?? 'unknown');
  }
}

const STEP_ORDER = ['failed', 'done', 'unchanged', 'skipped'];

/** Step counts by status as "1 failed · 3 done", failures first; "no steps" when empty. */
export function stepCountsText(counts) {
  const keys = Object.keys(counts ?? {}).sort((a, b) => {
    const ia = STEP_ORDER.indexOf(a);
    const ib = STEP_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const parts = keys.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length === 0 ? 'no steps' : parts.join(' · ');
}

/** The first 12 characters of a commit, or "–". */
export function shortSha(sha) {
  return typeof sha === 'string' && sha !== '' ? sha.slice(0, 12) : '–';
}

/** A peering state the page knows, or "unknown" for anything else. */
export function knownState(state) {
  return PEERING_STATES.includes(state) ? state : 'unknown';
}
