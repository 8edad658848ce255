/**
 * DOM helpers of the status page. Data only ever reaches the document as text nodes and attribute
 * values (never as markup), so nothing the API returns can inject elements or scripts.
 */
import { exactTime, relativeTime } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false || value === null) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
  return node;
}

/** An HTML element with attributes (`on*` functions become listeners) and children (strings become text). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, as `h` makes HTML ones. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** The page's clock: the server's time (from the snapshot) so relative times ignore local clock skew. */
export const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };

/** A <time> showing `iso` relative to now, the exact time in its title; `tickTimes` keeps it current. */
export function timeEl(iso, prefix = '') {
  return h(
    'time',
    { datetime: iso, title: exactTime(iso), 'data-rel': prefix },
    `${prefix}${relativeTime(iso, clock.now())}`,
  );
}

/** Updates the text of every relative time on the page. */
export function tickTimes(root = document) {
  for (const el of root.querySelectorAll('time[data-rel]')) {
    const text = `${el.dataset.rel}${relativeTime(el.getAttribute('datetime') ?? '', clock.now())}`;
    if (el.textContent !== text) el.textContent = text;
  }
}

const lastRendered = new WeakMap();

/**
 * Replaces `container`'s children with `render()` unless `data` is what it last showed, so an
 * unchanged section keeps its DOM (scroll, selection, hover). Focus moves to the new element with
 * the same `data-key` as the focused one.
 */
export function renderInto(container, data, render) {
  const key = JSON.stringify(data);
  if (lastRendered.get(container) === key) return false;
  lastRendered.set(container, key);
  const active = document.activeElement;
  const focusKey =
    active instanceof HTMLElement && container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...[render()].flat(Number.POSITIVE_INFINITY).filter(Boolean));
  if (focusKey !== undefined) {
    const again = [...container.querySelectorAll('[data-key]')].find((el) => el.dataset.key === focusKey);
    again?.focus({ preventScroll: true });
  }
  return true;
}

/** A table with a caption (for screen readers), column headers, and one row per item. */
export function table(caption, headers, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((text) => h('th', { scope: 'col' }, text)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/** A state badge: text and a class the stylesheet colors, never color alone. */
export function badge(state, text = state) {
  return h('span', { class: `badge ${state}` }, text);
}
