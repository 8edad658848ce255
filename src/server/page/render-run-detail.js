/** The drill-down into one run: what triggered it, how it ended and why, its errors and every step. */

import { badge, clock, h, table, timeEl } from './dom.js';
import { durationText, elapsedText, shortSha, triggerText } from './format.js';
import { activeStep } from './render-runs.js';

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function triggerFacts(trigger) {
  const facts = fact('trigger', triggerText(trigger));
  if (trigger.kind !== 'drift' || (trigger.reasons ?? []).length === 0) return facts;
  return [
    ...facts,
    ...fact(
      'what drifted',
      h(
        'ul',
        { class: 'reasons' },
        trigger.reasons.map((r) => h('li', {}, r)),
      ),
    ),
  ];
}

function stepsTable(steps) {
  if (steps.length === 0) return h('p', { class: 'muted' }, 'No step finished yet.');
  const rows = steps.map((st) =>
    h(
      'tr',
      { class: `step ${st.status}`, 'data-step': st.id },
      h('td', {}, badge(st.status)),
      h('th', { scope: 'row' }, h('code', {}, st.id)),
      h('td', {}, st.kind, h('span', { class: 'muted' }, ` ${st.action}`)),
      h('td', {}, st.lane),
      h('td', { class: 'detail' }, st.detail),
      h('td', { class: 'num' }, String(st.attempts)),
      h('td', { class: 'num' }, durationText(st.durationMs)),
    ),
  );
  return table('Steps of this run', ['status', 'step', 'kind', 'lane', 'detail', 'attempts', 'took'], rows, {
    class: 'steps',
  });
}

function errorsList(errors) {
  return h(
    'ul',
    { class: 'errors' },
    errors.map((e) =>
      h(
        'li',
        { 'data-error': e.id },
        h('p', {}, e.cluster ? h('strong', {}, `${e.cluster}: `) : '', e.message),
        h('p', { class: 'fix' }, 'fix: ', e.fix),
      ),
    ),
  );
}

/** The details of `record`; `onClose` hides them. */
export function renderRunDetail(record, onClose) {
  const steps = record.steps ?? [];
  const errors = record.errors ?? [];
  const active = record.active ?? [];
  const failed = steps.filter((st) => st.status === 'failed').length;
  return [
    h(
      'div',
      { class: 'detail-head' },
      h('h3', { id: 'run-detail-h', tabindex: '-1', 'data-key': 'detail-heading' }, `Run ${record.id}`),
      h(
        'button',
        {
          type: 'button',
          class: 'close',
          'data-key': 'close',
          onclick: onClose,
          'aria-label': `close the details of run ${record.id}`,
        },
        'close',
      ),
    ),
    h(
      'dl',
      { class: 'facts-grid' },
      fact(
        'result',
        badge(record.status),
        failed > 0 ? ` ${failed} failed ${failed === 1 ? 'step' : 'steps'}` : '',
      ),
      triggerFacts(record.trigger),
      fact('revision', h('code', { title: record.revision }, shortSha(record.revision))),
      fact('started', timeEl(record.startedAt)),
      record.finishedAt ? fact('finished', timeEl(record.finishedAt)) : '',
      fact(
        'took',
        record.status === 'running'
          ? 'still running'
          : elapsedText(record.startedAt, record.finishedAt, clock.now()),
      ),
      fact('passes', String(record.passes ?? 1), record.resumes ? `, resumed ${record.resumes}×` : ''),
      record.planHash ? fact('plan', h('code', { title: record.planHash }, shortSha(record.planHash))) : '',
    ),
    record.failure ? [h('h4', {}, 'Why it failed'), h('pre', { class: 'failure' }, record.failure)] : '',
    errors.length > 0 ? [h('h4', {}, `Errors (${errors.length})`), errorsList(errors)] : '',
    active.length > 0
      ? [h('h4', {}, 'In flight'), h('ul', { class: 'active-steps' }, active.map(activeStep))]
      : '',
    h('h4', {}, `Steps (${steps.length})`),
    stepsTable(steps),
  ];
}

/** What the panel says while a run's record loads, or when it could not be read. */
export function renderRunPlaceholder(id, message, onClose) {
  return [
    h(
      'div',
      { class: 'detail-head' },
      h('h3', { id: 'run-detail-h', tabindex: '-1', 'data-key': 'detail-heading' }, `Run ${id}`),
      h(
        'button',
        {
          type: 'button',
          class: 'close',
          'data-key': 'close',
          onclick: onClose,
          'aria-label': `close the details of run ${id}`,
        },
        'close',
      ),
    ),
    h('p', { class: 'muted' }, message),
  ];
}
