/**
 * The reader's place on the status page, kept in the address so a reload or a shared link opens
 * the same view: the shown target in the query string (`?target=NAME`, none for the server's
 * default, the first target), the trigger filter and the selected run in the fragment.
 */
import { TRIGGER_KINDS } from './format.js';

/** How many runs the history asks for at first, and how many more each "show older runs" adds. */
export const PAGE_SIZE = 30;

/** `target` '' is the server's default target; `run` '' is no run selected. */
export const view = { target: '', trigger: '', run: '', limit: PAGE_SIZE };

/** The target named in `search` (a query string), or '' for the server's default. */
export function targetFromAddress(search = location.search) {
  return new URLSearchParams(search).get('target') ?? '';
}

/** The page's own address showing `target` ('' for the default) with `hash`, other query parameters kept. */
export function addressOf(target, hash = '') {
  const params = new URLSearchParams(location.search);
  if (target) params.set('target', target);
  else params.delete('target');
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}${hash}`;
}

/** Sets `view` from the page's address (after a load, Back or Forward, or an edited fragment). */
export function readPlace() {
  view.target = targetFromAddress();
  const params = new URLSearchParams(location.hash.slice(1));
  const trigger = params.get('trigger') ?? '';
  view.trigger = TRIGGER_KINDS.includes(trigger) ? trigger : '';
  view.run = params.get('run') ?? '';
}

function fragmentText() {
  const params = new URLSearchParams();
  if (view.trigger) params.set('trigger', view.trigger);
  if (view.run) params.set('run', view.run);
  const fragment = params.toString();
  return fragment ? `#${fragment}` : '';
}

/** Writes the filter and the selected run into the address, in place (no history entry per click). */
export function writeFragment() {
  history.replaceState(null, '', addressOf(view.target, fragmentText()));
}

/** Shows `target` from the start of its history (filter kept): a new history entry, so Back returns. */
export function pushTarget(target) {
  view.target = target;
  view.run = '';
  view.limit = PAGE_SIZE;
  history.pushState(null, '', addressOf(target, fragmentText()));
}
