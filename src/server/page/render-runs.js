/** The running runs with their steps in flight, and the run history with its drill-down buttons. */

import { badge, clock, h, table, timeEl } from './dom.js';
import { elapsedText, shortSha, stepCountsText, triggerText } from './format.js';

/** The button that opens (or closes) a run's details; `data-key` keeps focus across refreshes. */
export function runButton(id, selected, onSelect, where) {
  return h(
    'button',
    {
      type: 'button',
      class: 'run-link',
      'data-key': `${where}:${id}`,
      'data-run': id,
      'aria-expanded': String(selected === id),
      'aria-controls': 'run-detail',
      title: selected === id ? `hide the details of run ${id}` : `show the steps of run ${id}`,
      onclick: () => onSelect(id),
    },
    id,
  );
}

/** One step in flight: its kind and id, lane, since when, and what it waits on. */
export function activeStep(step) {
  return h(
    'li',
    { class: 'active-step', 'data-step': step.id },
    h('span', { class: 'kind' }, step.kind),
    ' ',
    h('code', {}, step.id),
    h('span', { class: 'muted' }, ` in lane ${step.lane}, `),
    timeEl(step.since, 'started '),
    h(
      'p',
      { class: step.waiting ? 'waiting' : 'working' },
      step.waiting ? ['waiting on: ', step.waiting] : 'working (nothing to wait on reported)',
    ),
  );
}

function runningCard(run, selected, onSelect) {
  const active = run.active ?? [];
  return h(
    'article',
    { class: 'running-run', 'aria-label': `run ${run.id}` },
    h(
      'h3',
      {},
      badge('running'),
      ' ',
      runButton(run.id, selected, onSelect, 'now'),
      h('span', { class: 'muted' }, ` ${triggerText(run.trigger)} at `),
      h('code', { title: run.revision }, shortSha(run.revision)),
    ),
    h('p', {}, timeEl(run.startedAt, 'started '), ` · ${stepCountsText(run.steps)} so far`),
    active.length === 0
      ? h('p', { class: 'muted' }, 'No step in flight: planning or between passes.')
      : h('ul', { class: 'active-steps', 'aria-label': 'current steps' }, active.map(activeStep)),
  );
}

/** "Running now": each running run, or the last finished one when idle. */
export function renderNow(snapshot, selected, onSelect) {
  const running = snapshot.runs.filter((r) => r.status === 'running');
  if (running.length > 0) return running.map((r) => runningCard(r, selected, onSelect));
  const last = snapshot.runs[0];
  if (last === undefined) return h('p', { class: 'muted' }, 'Idle. No run yet.');
  return h(
    'p',
    {},
    'Idle. Last run ',
    runButton(last.id, selected, onSelect, 'now'),
    ' ',
    badge(last.status),
    ' ',
    timeEl(last.finishedAt ?? last.startedAt),
    '.',
  );
}

/** The history table (newest first), each run with a button that drills down into it; `trigger` is the filter. */
export function renderHistory(runs, selected, onSelect, trigger = '') {
  if (runs.length === 0)
    return h('p', { class: 'muted' }, trigger ? 'No run with this trigger.' : 'No run yet.');
  const rows = runs.map((r) =>
    h(
      'tr',
      { class: `run ${r.status}${r.id === selected ? ' selected' : ''}`, 'data-run': r.id },
      h(
        'th',
        { scope: 'row' },
        runButton(r.id, selected, onSelect, 'history'),
        h('span', { class: 'sub' }, triggerText(r.trigger)),
      ),
      h(
        'td',
        {},
        badge(r.status),
        h('span', { class: 'sub' }, stepCountsText(r.steps)),
        r.failure ? h('span', { class: 'sub failure-line', title: r.failure }, r.failure.split('\n')[0]) : '',
      ),
      h('td', {}, h('code', { title: r.revision }, shortSha(r.revision))),
      h(
        'td',
        { class: 'when' },
        timeEl(r.startedAt),
        h(
          'span',
          { class: 'sub' },
          r.status === 'running' ? 'running' : `took ${elapsedText(r.startedAt, r.finishedAt, clock.now())}`,
        ),
      ),
    ),
  );
  return table('Runs, newest first', ['run and trigger', 'result and steps', 'revision', 'started'], rows, {
    class: 'history',
  });
}
