/**
 * The status page's controller: reads `/api/status`, `/api/runs` and `/api/runs/:id` of the shown
 * target, renders each section, and refreshes every few seconds. The shown target is in the query
 * string (`?target=NAME`, a new history entry per switch); the reader's place in it (selected run,
 * trigger filter) lives in the URL fragment, so a refresh, a reload or a shared link keeps both;
 * sections whose data did not change keep their DOM, so scroll and focus stay where they were.
 */
import { ApiError, getJson, hasCookieSession } from './api.js';
import { clock, h, renderInto, tickTimes, timeEl } from './dom.js';
import { PAGE_SIZE, pushTarget, readPlace, view, writeFragment } from './page-place.js';
import { renderPeerings } from './render-peerings.js';
import { renderRunDetail, renderRunPlaceholder } from './render-run-detail.js';
import { renderHistory, renderNow } from './render-runs.js';
import { renderReconcile, renderTracked } from './render-summary.js';
import { renderMissingTarget, targetOptions } from './render-targets.js';
import { renderTopology } from './render-topology.js';
import { readTarget, readTargets, targetOf, withTarget } from './status-reader.js';

const REFRESH_MS = 5000;

const byId = (id) => document.getElementById(id);
/** Run records by id (ids are unique across targets): `{ record }` or `{ message }` when it could not be read. */
const details = new Map();
let snapshot;
let runs = [];
/** Every target the server follows, from its last answer: what an unknown `?target=` is offered instead. */
let knownTargets = [];
let lastOkAt;
let busy = false;
let again = false;
let signedOut = false;

function readAddress() {
  readPlace();
  byId('trigger-filter').value = view.trigger;
}

/** Shows `target` (from the switcher, a summary link or the unknown-target message). */
function switchTarget(target) {
  if (target === '' || target === targetOf(view)) return;
  pushTarget(target);
  byId('content').setAttribute('aria-busy', 'true');
  void refresh();
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
  renderInto(byId('history'), [runs, view.run, view.trigger], () =>
    renderHistory(runs, view.run, selectRun, view.trigger),
  );
  byId('more').hidden = runs.length < view.limit;
  renderDetail();
}

/** The switcher (only with several targets) and the summary of every target, `selected` marked. */
function renderTargets(tracked, selected) {
  const several = tracked.length > 1;
  const known = tracked.some((t) => t.target === selected);
  byId('target-switch').hidden = !several;
  const select = byId('target-select');
  if (several)
    renderInto(select, [tracked.map((t) => t.target), selected], () => targetOptions(tracked, selected));
  if (known) select.value = selected;
  byId('tracked-h').textContent = several ? 'Targets' : 'Tracked branch';
  byId('reconcile-target').textContent = several && known ? ` · ${selected}` : '';
  renderInto(byId('tracked'), [tracked, selected], () => renderTracked(tracked, selected, switchTarget));
}

function renderAll() {
  renderTargets(snapshot.tracked, snapshot.target);
  renderInto(byId('reconcile'), snapshot.reconcile, () => renderReconcile(snapshot));
  renderInto(byId('topology'), [snapshot.topology, snapshot.peerings], () => renderTopology(snapshot));
  renderInto(byId('peerings'), [snapshot.topology?.peerings, snapshot.peerings], () =>
    renderPeerings(snapshot),
  );
  renderRuns();
  const bad = snapshot.peerings.filter((p) => p.state !== 'healthy').length;
  const running = snapshot.runs.some((r) => r.status === 'running');
  const target = snapshot.tracked.length > 1 ? `${snapshot.target} · ` : '';
  document.title = `${bad > 0 ? `${bad} not healthy · ` : ''}${running ? 'running · ' : ''}${target}meshpeer status`;
}

/** Shows the status again after a target the server does not follow. */
function showStatus() {
  byId('missing-target').hidden = true;
  byId('content').hidden = false;
  byId('content').removeAttribute('aria-busy');
}

/**
 * On a 404 for a named target the page says so and offers the targets the server follows (read
 * without `?target=` when no earlier answer listed them) instead of a blank page; it keeps
 * refreshing, so a switch from the message or the switcher shows the status again.
 */
async function handleMissingTarget(err, asked) {
  if (!(err instanceof ApiError) || err.status !== 404 || asked.target === '') return false;
  if (asked.target !== view.target) return true;
  if (knownTargets.length === 0) {
    const listed = await readTargets().catch((e) => {
      if (!handleAuth(e)) showConnection(e);
    });
    if (listed === undefined) return true;
    knownTargets = listed;
  }
  byId('content').hidden = true;
  byId('content').removeAttribute('aria-busy');
  const box = byId('missing-target');
  renderInto(box, [asked.target, knownTargets], () =>
    renderMissingTarget(asked.target, knownTargets, switchTarget),
  );
  box.hidden = false;
  renderTargets(knownTargets, asked.target);
  renderInto(byId('reconcile'), null, () => h('p', { class: 'muted' }, 'No target shown.'));
  byId('conn').classList.remove('error');
  byId('conn').replaceChildren(`no target "${asked.target}"`);
  document.title = `no target "${asked.target}" · meshpeer status`;
  return true;
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
    const path = withTarget(`api/runs/${encodeURIComponent(id)}`, targetOf(view));
    const record = await getJson(path, { missingOk: true });
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
    const { status, list } = await readTarget(asked);
    // Switched meanwhile: this answer is another target's, and the switch asked for a refresh.
    if (asked.target !== view.target) return;
    const serverNow = Date.parse(status.generatedAt);
    if (!Number.isNaN(serverNow)) clock.offsetMs = serverNow - Date.now();
    snapshot = status;
    knownTargets = status.tracked;
    if (asked.trigger === view.trigger && asked.limit === view.limit) runs = list;
    lastOkAt = clock.now();
    showStatus();
    renderAll();
    showConnection();
    byId('signout').hidden = !hasCookieSession();
    await loadDetail();
  } catch (err) {
    if (!handleAuth(err) && !(await handleMissingTarget(err, asked))) showConnection(err);
  } finally {
    busy = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function wire() {
  readAddress();
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
  byId('target-select').addEventListener('change', (event) => switchTarget(event.target.value));
  // Back and Forward between targets, and an edited fragment.
  for (const kind of ['popstate', 'hashchange'])
    window.addEventListener(kind, () => {
      readAddress();
      void refresh();
    });
  setInterval(() => void refresh(), REFRESH_MS);
  setInterval(() => tickTimes(), 1000);
  void refresh();
}

wire();
