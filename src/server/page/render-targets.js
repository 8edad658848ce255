/**
 * What the page draws of the targets when serve follows several: the switcher's options, links that
 * switch in place, and the message for a `?target=` the server does not follow.
 */
import { h } from './dom.js';

/** The href of a link to `target`: relative, so it keeps the page's path behind any proxy prefix. */
export function targetHref(target) {
  return `?${new URLSearchParams({ target })}`;
}

/**
 * A link to `target` that switches in place on a plain click; a click with a modifier (new tab,
 * new window) is left to the browser, which opens the same target from the href.
 */
export function targetLink(target, current, onPick) {
  return h(
    'a',
    {
      href: targetHref(target),
      class: 'target-link',
      'data-target': target,
      'aria-current': current ? 'true' : undefined,
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        onPick(target);
      },
    },
    target,
  );
}

/** The switcher's options: every target, `selected` chosen; a placeholder first when it names none of them. */
export function targetOptions(tracked, selected) {
  const known = tracked.some((t) => t.target === selected);
  return [
    known ? '' : h('option', { value: '', disabled: true, selected: true }, 'choose a target'),
    tracked.map((t) => h('option', { value: t.target, selected: t.target === selected }, t.target)),
  ];
}

/** What the page says instead of the status when `?target=` names a target the server does not follow. */
export function renderMissingTarget(name, tracked, onPick) {
  const one = tracked.length === 1;
  return [
    h('h2', { id: 'missing-target-h' }, `No target "${name}" here`),
    h(
      'p',
      {},
      `This meshpeer does not follow a target named "${name}". `,
      tracked.length === 0
        ? 'It follows no target.'
        : one
          ? 'It follows one target:'
          : `Pick one of the ${tracked.length} targets it follows:`,
    ),
    tracked.length === 0
      ? ''
      : h(
          'ul',
          { class: 'target-choices', 'aria-label': 'targets' },
          tracked.map((t) =>
            h(
              'li',
              {},
              targetLink(t.target, false, onPick),
              h('span', { class: 'muted' }, ` ${t.repo} ${t.branch}:${t.path}`),
            ),
          ),
        ),
  ];
}
