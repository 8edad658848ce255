/**
 * The topology drawing (datacenters holding their installs, one arc per peering colored by its
 * live state) with its legend, and the exports listed per install.
 */

import { h, s } from './dom.js';
import { PEERING_STATES, shortSha } from './format.js';
import { layoutTopology } from './layout.js';

const LEGEND = {
  healthy: 'healthy: ACTIVE and heartbeating',
  stale: 'stale: no heartbeat or imports behind',
  failing: 'failing',
  missing: 'missing on a side',
  unknown: 'not observed yet',
};

function label(l) {
  return s(
    'text',
    { x: l.x.toFixed(1), y: l.y.toFixed(1), class: `label ${l.cls}` },
    l.full && l.full !== l.text ? s('title', {}, l.full) : '',
    l.text,
  );
}

function edgeTitle(e) {
  const detail = e.health?.detail ? ` (${e.health.detail})` : '';
  return `${e.acceptor} accepts ${e.dialer}: ${e.state}${detail}`;
}

function markers() {
  return s(
    'defs',
    {},
    PEERING_STATES.map((state) =>
      s(
        'marker',
        {
          id: `arrow-${state}`,
          class: `arrow ${state}`,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 10,
          markerHeight: 10,
          markerUnits: 'userSpaceOnUse',
          orient: 'auto',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z' }),
      ),
    ),
  );
}

function summary(graph, layout) {
  const counts = PEERING_STATES.map((st) => [st, layout.edges.filter((e) => e.state === st).length]).filter(
    ([, n]) => n > 0,
  );
  const states = counts.map(([st, n]) => `${n} ${st}`).join(', ');
  return `Topology ${graph.name}: ${layout.groups.length} datacenters, ${layout.nodes.length} installs, ${layout.edges.length} peerings${states ? ` (${states})` : ''}`;
}

/** The SVG of `graph` with each peering colored from `health`. */
export function topologySvg(graph, health) {
  const layout = layoutTopology(graph, health);
  return s(
    'svg',
    {
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      width: layout.width,
      height: layout.height,
      role: 'img',
      'aria-label': summary(graph, layout),
      class: 'topology',
    },
    markers(),
    layout.groups.map((g) =>
      s(
        'g',
        { class: 'datacenter', 'data-cluster': g.cluster },
        s('rect', { x: g.x, y: g.y, width: g.w, height: g.h, rx: 8 }),
        label(g.label),
      ),
    ),
    layout.nodes.map((n) =>
      s(
        'g',
        { class: 'install', 'data-install': n.name },
        s('title', {}, `${n.name}: partition ${n.partition}, kube context ${n.context}`),
        s('rect', { x: n.x, y: n.y, width: n.w, height: n.h, rx: 12 }),
        n.labels.map(label),
      ),
    ),
    layout.edges.map((e) =>
      s(
        'g',
        { class: `edge ${e.state}`, 'data-peering': e.id },
        s('title', {}, edgeTitle(e)),
        s('path', { d: e.path, class: 'hit' }),
        s('path', { d: e.path, class: 'line', 'marker-end': `url(#arrow-${e.state})` }),
      ),
    ),
  );
}

function legend() {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'edge colors' },
    PEERING_STATES.map((st) =>
      h('li', {}, h('span', { class: `swatch ${st}`, 'aria-hidden': 'true' }), LEGEND[st]),
    ),
    h('li', { class: 'muted' }, 'arrows point from acceptor to dialer'),
  );
}

function exportsTable(graph) {
  if (graph.exports.length === 0) return h('p', { class: 'muted' }, 'Nothing exported.');
  const installs = [...new Set(graph.exports.map((e) => e.install))];
  const bodies = installs.map((install) => {
    const rows = graph.exports.filter((e) => e.install === install);
    return h(
      'tbody',
      { 'data-install': install },
      rows.map((e, i) =>
        h(
          'tr',
          {},
          i === 0 ? h('th', { scope: 'rowgroup', rowspan: rows.length }, install) : '',
          h(
            'td',
            {},
            h('code', {}, e.service),
            e.namespace ? h('span', { class: 'muted' }, ` in ${e.namespace}`) : '',
          ),
          h(
            'td',
            {},
            e.consumers.length === 0 ? h('span', { class: 'muted' }, 'nobody') : e.consumers.join(', '),
          ),
        ),
      ),
    );
  });
  return h(
    'table',
    { class: 'exports' },
    h('caption', {}, 'Exported services'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'install'),
        h('th', { scope: 'col' }, 'service'),
        h('th', { scope: 'col' }, 'consumers'),
      ),
    ),
    bodies,
  );
}

/** The topology section's content: heading details, drawing, legend and exports. */
export function renderTopology(snapshot) {
  const graph = snapshot.topology;
  if (graph === undefined) return h('p', { class: 'muted' }, 'No revision applied yet: nothing to draw.');
  return [
    h(
      'p',
      { class: 'muted' },
      `${graph.name} at `,
      h('code', { title: graph.revision }, shortSha(graph.revision)),
    ),
    h(
      'div',
      { class: 'topology-grid' },
      h('figure', { class: 'graph' }, topologySvg(graph, snapshot.peerings), legend()),
      h('div', { class: 'exports-wrap' }, exportsTable(graph)),
    ),
  ];
}
