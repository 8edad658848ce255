/**
 * The status page's controller: reads `/api/status`, `/api/runs` and `/api/runs/:id`, renders each
 * section, and refreshes every few seconds. The reader's place (selected run, trigger filter) lives
 * in the URL fragment, so a refresh, a reload or a shared link keeps it; sections whose data did
 * not change keep their DOM, so scroll and focus stay where they were.
 */
import { ApiError, getJson, hasCookieSession } from './api.js';
import { clock, h, renderInto, tickTimes, timeEl } from './dom.js';
import { TRIGGER_KINDS } from './format.js';
import { renderPeerings } from './render-peerings.js';
import { renderRunDetail, renderRunPlaceholder } from './render-run-detail.js';
import { renderHistory, renderNow } from './render-runs.js';
import { renderReconcile, renderTracked } from './render-summary.js';
import { renderTopology } from './render-topology.js';

const REFRESH_MS = 5000;
const PAGE_SIZE = 30;

const byId = (id) => document.getElementById(id);
const view = { trigger: '', run: '', limit: PAGE_SIZE };
/** Run records by id: `{ record }` or `{ message }` when it could not be read. */
const details = new Map();
let snapshot;
let runs = [];
let lastOkAt;
let busy = false;
let again = false;
let signedOut = false;

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const trigger = params.get('trigger') ?? '';
  view.trigger = TRIGGER_KINDS.includes(trigger) ? trigger : '';
  view.run = params.get('run') ?? '';
  byId('trigger-filter').value = view.trigger;
}

function writeFragment() {
  const params = new URLSearchParams();
  if (view.trigger) params.set('trigger', view.trigger);
  if (view.run) params.set('run', view.run);
  const fragment = params.toString();
  history.replaceState(null, '', fragment ? `#${fragment}` : `${location.pathname}${location.search}`);
}

function closeRun() {
  const id = view.run;
  view.run = '';
  writeFragment();
  renderRuns();
  document.querySelector(`button[data-key="history:${CSS.escape(id)}"]`)?.focus();
}

function selectRun(id) {
  if (view.run === id) return closeRun();
  view.run = id;
  writeFragment();
  renderRuns();
  byId('run-detail-h')?.focus();
  void loadDetail();
}

function renderDetail() {
  const panel = byId('run-detail');
  panel.hidden = view.run === '';
  if (view.run === '') return renderInto(panel, null, () => []);
  const d = details.get(view.run);
  return renderInto(panel, [view.run, d], () =>
    d?.record !== undefined
      ? renderRunDetail(d.record, closeRun)
      : renderRunPlaceholder(view.run, d?.message ?? 'Loading…', closeRun),
  );
}

function renderRuns() {
  if (snapshot !== undefined) {
    const running = snapshot.runs.filter((r) => r.status === 'running');
    renderInto(byId('now'), [running, snapshot.runs[0], view.run], () =>
      renderNow(snapshot, view.run, selectRun),
    );
  }
  renderInto(byId('history'), [runs, view.run], () => renderHistory(runs, view.run, selectRun));
  byId('more').hidden = runs.length < view.limit;
  renderDetail();
}

function renderAll() {
  renderInto(byId('tracked'), snapshot.tracked, () => renderTracked(snapshot));
  renderInto(byId('reconcile'), snapshot.reconcile, () => renderReconcile(snapshot));
  renderInto(byId('topology'), [snapshot.topology, snapshot.peerings], () => renderTopology(snapshot));
  renderInto(byId('peerings'), [snapshot.topology?.peerings, snapshot.peerings], () =>
    renderPeerings(snapshot),
  );
  renderRuns();
  const bad = snapshot.peerings.filter((p) => p.state !== 'healthy').length;
  const running = snapshot.runs.some((r) => r.status === 'running');
  document.title = `${bad > 0 ? `${bad} not healthy · ` : ''}${running ? 'running · ' : ''}meshpeer status`;
}

function showConnection(error) {
  const conn = byId('conn');
  conn.classList.toggle('error', error !== undefined);
  if (error === undefined)
    return conn.replaceChildren('live · ', timeEl(new Date(lastOkAt).toISOString(), 'updated '));
  const since =
    lastOkAt === undefined ? '' : ['; showing data ', timeEl(new Date(lastOkAt).toISOString(), 'from ')];
  conn.replaceChildren(
    `cannot read the status (${error.message})`,
    since,
    `; retrying every ${REFRESH_MS / 1000} s`,
  );
}

/** On a 401 the page stops polling and offers the sign-in page instead of stale or broken content. */
function handleAuth(err) {
  if (!(err instanceof ApiError) || err.status !== 401) return false;
  signedOut = true;
  byId('content').hidden = true;
  const next = `${location.pathname}${location.search}${location.hash}`;
  byId('signin').replaceChildren(
    h('h2', {}, 'Sign in to see the status'),
    h('p', {}, 'The status API answered 401: this browser is not signed in, or its session ended.'),
    h('p', {}, h('a', { href: `/login?next=${encodeURIComponent(next)}`, class: 'button' }, 'Sign in')),
  );
  byId('signin').hidden = false;
  byId('conn').replaceChildren('signed out');
  byId('signout').hidden = true;
  return true;
}

async function loadDetail() {
  const id = view.run;
  const known = details.get(id);
  if (id === '' || (known?.record !== undefined && known.record.status !== 'running')) return renderDetail();
  try {
    const record = await getJson(`api/runs/${encodeURIComponent(id)}`, { missingOk: true });
    details.set(
      id,
      record === undefined ? { message: `Run ${id} is no longer in the history.` } : { record },
    );
  } catch (err) {
    if (handleAuth(err)) return;
    if (known?.record === undefined) details.set(id, { message: `Could not read run ${id}: ${err.message}` });
  }
  if (view.run === id) renderDetail();
}

async function refresh() {
  if (signedOut) return;
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  const asked = { ...view };
  try {
    const query = new URLSearchParams({ limit: String(asked.limit) });
    if (asked.trigger) query.set('trigger', asked.trigger);
    const [status, list] = await Promise.all([getJson('api/status'), getJson(`api/runs?${query}`)]);
    const serverNow = Date.parse(status.generatedAt);
    if (!Number.isNaN(serverNow)) clock.offsetMs = serverNow - Date.now();
    snapshot = status;
    if (asked.trigger === view.trigger && asked.limit === view.limit) runs = list;
    lastOkAt = clock.now();
    renderAll();
    showConnection();
    byId('signout').hidden = !hasCookieSession();
    await loadDetail();
  } catch (err) {
    if (!handleAuth(err)) showConnection(err);
  } finally {
    busy = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function wire() {
  readFragment();
  byId('trigger-filter').addEventListener('change', (event) => {
    view.trigger = event.target.value;
    view.limit = PAGE_SIZE;
    writeFragment();
    void refresh();
  });
  byId('more').addEventListener('click', () => {
    view.limit += PAGE_SIZE;
    void refresh();
  });
  byId('run-detail').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && view.run !== '') closeRun();
  });
  window.addEventListener('hashchange', () => {
    readFragment();
    void refresh();
  });
  setInterval(() => void refresh(), REFRESH_MS);
  setInterval(() => tickTimes(), 1000);
  void refresh();
}

wire();
