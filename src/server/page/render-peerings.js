/** The peerings table: each peering of the topology with its live state, detail, fix and age. */

import { badge, h, table, timeEl } from './dom.js';
import { PEERING_STATES } from './format.js';
import { peeringEdges } from './layout.js';

function observed(health) {
  if (health === undefined) return h('span', { class: 'muted' }, 'never');
  const by =
    health.source === 'check' ? 'by the periodic check' : health.run ? `by run ${health.run}` : 'by a run';
  return [timeEl(health.observedAt, 'observed '), h('br'), h('span', { class: 'muted' }, by)];
}

/** Highlights the drawn arc of the peering whose row has the pointer or focus. */
function highlight(id, on) {
  for (const edge of document.querySelectorAll('g.edge')) {
    if (edge.dataset.peering === id) edge.classList.toggle('highlight', on);
  }
}

/** Rows worst state first, then by id. */
export function renderPeerings(snapshot) {
  if (snapshot.topology === undefined) return h('p', { class: 'muted' }, 'No revision applied yet.');
  const edges = peeringEdges(snapshot.topology, snapshot.peerings).sort(
    (a, b) => PEERING_STATES.indexOf(a.state) - PEERING_STATES.indexOf(b.state) || a.id.localeCompare(b.id),
  );
  if (edges.length === 0) return h('p', { class: 'muted' }, 'The topology has no peerings.');
  const rows = edges.map((e) =>
    h(
      'tr',
      {
        class: `peering ${e.state}`,
        'data-peering': e.id,
        onmouseenter: () => highlight(e.id, true),
        onmouseleave: () => highlight(e.id, false),
      },
      h('th', { scope: 'row' }, e.acceptor, h('span', { 'aria-label': 'accepts' }, ' → '), e.dialer),
      h('td', {}, badge(e.state)),
      h('td', {}, e.health?.detail ?? ''),
      h('td', { class: 'fix' }, e.health?.fix ?? ''),
      h('td', { class: 'when' }, observed(e.health)),
    ),
  );
  return table(
    'Peerings and their live state',
    ['peering (acceptor → dialer)', 'state', 'detail', 'fix', 'observed'],
    rows,
    { class: 'peerings' },
  );
}
