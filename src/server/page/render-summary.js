/** The page header: what is tracked (target, branch, revisions) and the state of the periodic check. */

import { badge, h, timeEl } from './dom.js';
import { durationText, shortSha } from './format.js';

function revision(label, sha, at) {
  return [
    h('dt', {}, label),
    h(
      'dd',
      {},
      sha === undefined ? '–' : h('code', { title: sha }, shortSha(sha)),
      at === undefined ? '' : [' ', timeEl(at)],
    ),
  ];
}

function trackedItem(t) {
  const { seen, seenAt, applied, appliedAt } = t.revisions ?? {};
  const behind = seen !== undefined && seen !== applied;
  return h(
    'div',
    { class: 'tracked-item' },
    h(
      'p',
      { class: 'target' },
      h('strong', {}, t.target),
      ' ',
      h('span', { class: 'muted' }, `${t.repo} ${t.branch}:${t.path}`),
    ),
    h(
      'dl',
      { class: 'revisions' },
      revision('last seen', seen, seenAt),
      revision('applied', applied, appliedAt),
    ),
    behind
      ? h(
          'p',
          { class: 'note' },
          badge('stale', 'not applied yet'),
          ' the last seen commit differs from the applied one',
        )
      : '',
  );
}

/** The tracked branches, or a note that nothing is tracked. */
export function renderTracked(snapshot) {
  if (snapshot.tracked.length === 0) return h('p', { class: 'muted' }, 'No branch tracked.');
  return snapshot.tracked.map(trackedItem);
}

function checkBadge(r) {
  if (r.intervalMs <= 0 && r.lastCheck === undefined) return badge('unknown', 'periodic check off');
  if (r.lastCheck === undefined) return badge('unknown', 'not checked yet');
  if (r.lastCheck.result === 'in-sync') return badge('healthy', 'in sync');
  if (r.lastCheck.result === 'drift') return badge('stale', 'drift detected');
  return badge('failing', 'check failed');
}

/** The periodic check: in sync or drift with its reasons, next check, self-heal, a pending retry. */
export function renderReconcile(snapshot) {
  const r = snapshot.reconcile;
  const facts = [];
  if (r.lastCheck !== undefined) facts.push(h('li', {}, timeEl(r.lastCheck.at, 'checked ')));
  if (r.nextCheckAt !== undefined) facts.push(h('li', {}, timeEl(r.nextCheckAt, 'next check ')));
  if (r.intervalMs > 0) facts.push(h('li', {}, `every ${durationText(r.intervalMs)}`));
  facts.push(h('li', {}, r.selfHeal ? 'self-heal on' : 'self-heal off: drift is only reported'));
  const retry =
    r.retry === undefined
      ? ''
      : h(
          'p',
          { class: 'retry' },
          badge('stale', 'retry pending'),
          ` run ${r.retry.of}, attempt ${r.retry.attempt}, `,
          timeEl(r.retry.at),
        );
  const reasons = r.lastCheck?.reasons ?? [];
  return [
    h(
      'div',
      { class: 'check' },
      checkBadge(r),
      ' ',
      h('ul', { class: 'facts', 'aria-label': 'periodic check' }, facts),
    ),
    reasons.length === 0
      ? ''
      : h(
          'ul',
          {
            class: 'reasons',
            'aria-label': r.lastCheck?.result === 'error' ? 'why the check failed' : 'what drifted',
          },
          reasons.map((x) => h('li', {}, x)),
        ),
    retry,
  ];
}
