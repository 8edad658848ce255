/** The page header: what is tracked (target, branch, revisions) and the state of the periodic check. */

import { badge, h, timeEl } from './dom.js';
import { durationText, shortSha } from './format.js';
import { targetLink } from './render-targets.js';

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

/** One target's branch and revisions; `pick` (with several targets) makes its name a link that shows it. */
function trackedItem(t, selected, pick) {
  const { seen, seenAt, applied, appliedAt } = t.revisions ?? {};
  const behind = seen !== undefined && seen !== applied;
  const current = pick !== undefined && t.target === selected;
  return h(
    'div',
    { class: `tracked-item${current ? ' selected' : ''}`, 'data-target': t.target },
    h(
      'p',
      { class: 'target' },
      h('strong', {}, pick === undefined ? t.target : targetLink(t.target, current, pick)),
      current ? h('span', { class: 'shown' }, ' shown below') : '',
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

/**
 * The tracked branches, or a note that nothing is tracked. With several targets each one's name
 * links to it (`onPick` switches in place) and the `selected` one, shown below, is marked.
 */
export function renderTracked(tracked, selected, onPick) {
  if (tracked.length === 0) return h('p', { class: 'muted' }, 'No branch tracked.');
  if (tracked.length === 1) return tracked.map((t) => trackedItem(t));
  return h(
    'div',
    { class: 'tracked-list' },
    tracked.map((t) => trackedItem(t, selected, onPick)),
  );
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
