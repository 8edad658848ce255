/**
 * Lays out the topology drawing: datacenters as boxes stacked in one column, each holding one row
 * per install (its partition, kube context and export count), and one arc per peering on the
 * right, from acceptor to dialer. Every label sits in its own row with a width computed from its
 * length in a monospace font, so no two labels can overlap whatever the names or their number;
 * arcs that share height get different radii. Pure and deterministic: the same graph always gives
 * the same drawing.
 */
import { knownState } from './format.js';

/** Font size of every label (px); the stylesheet sets the same monospace font. */
export const FONT_SIZE = 12;
/** Width reserved per character: monospace fonts advance 0.6 em (7.2 px); the rest is margin. */
export const CHAR_WIDTH = 7.6;
/** Longer labels are cut with an ellipsis (the full name is in the element's title). */
export const MAX_LABEL = 32;

const PAD = 16;
const HEADER = 30;
const ROW = 32;
const PILL_H = 24;
const INSET = 10;
const GROUP_GAP = 14;
const LABEL_GAP = 14;
const TEXT_PAD = 8;
const MIN_GROUP_W = 220;
const ARC_BASE = 36;
const ARC_STEP = 22;
const ARROW = 12;

/** `text` cut to `max` characters with an ellipsis. */
export function fitLabel(text, max = MAX_LABEL) {
  const chars = [...String(text)];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The width reserved for a label. */
export function labelWidth(text) {
  return [...text].length * CHAR_WIDTH;
}

/** The box a label occupies: from the top of its tallest glyph to the bottom of its descenders. */
export function labelBox(label) {
  return { x: label.x, y: label.y - FONT_SIZE, w: labelWidth(label.text), h: FONT_SIZE * 1.3 };
}

/**
 * The topology's peerings joined with live health (by id, else by acceptor and dialer). A peering
 * without an observation is `unknown`; health of peerings outside the topology is left out.
 */
export function peeringEdges(graph, health) {
  const byId = new Map(health.map((h) => [h.id, h]));
  const byEnds = new Map(health.map((h) => [`${h.acceptor}>${h.dialer}`, h]));
  return graph.peerings.map((p) => {
    const h = byId.get(p.id) ?? byEnds.get(`${p.acceptor}>${p.dialer}`);
    const edge = { id: p.id, acceptor: p.acceptor, dialer: p.dialer, state: knownState(h?.state) };
    return h === undefined ? edge : { ...edge, health: h };
  });
}

function clusterGroups(graph) {
  const order = [...graph.clusters];
  for (const i of graph.installs) if (!order.includes(i.cluster)) order.push(i.cluster);
  return order.map((cluster) => ({
    cluster,
    installs: graph.installs
      .filter((i) => i.cluster === cluster)
      .sort(
        (a, b) =>
          Number(b.partition === 'default') - Number(a.partition === 'default') ||
          a.name.localeCompare(b.name),
      ),
  }));
}

/** An install row's labels; `full` is the uncut text (shown as a tooltip when the label had to be cut). */
function rowLabels(install, exports) {
  const label = (full, cls) => ({ text: fitLabel(full), full, cls });
  const labels = [label(install.partition, 'partition')];
  if (install.context) labels.push(label(`ctx ${install.context}`, 'context'));
  if (exports > 0) labels.push(label(`${exports} ${exports === 1 ? 'export' : 'exports'}`, 'exports'));
  return labels;
}

const rowWidth = (labels) =>
  2 * TEXT_PAD + labels.reduce((sum, l) => sum + labelWidth(l.text), 0) + LABEL_GAP * (labels.length - 1);

function placeGroups(graph) {
  const exportCount = new Map();
  for (const e of graph.exports) exportCount.set(e.install, (exportCount.get(e.install) ?? 0) + 1);
  const groups = clusterGroups(graph).map((g) => ({
    ...g,
    header: fitLabel(g.cluster),
    rows: g.installs.map((install) => ({
      install,
      labels: rowLabels(install, exportCount.get(install.name) ?? 0),
    })),
  }));
  const width = Math.max(
    MIN_GROUP_W,
    ...groups.map((g) => labelWidth(g.header) + 2 * INSET),
    ...groups.flatMap((g) => g.rows.map((r) => rowWidth(r.labels) + 2 * INSET)),
  );
  let y = PAD;
  const boxes = [];
  const nodes = [];
  for (const g of groups) {
    const h = HEADER + g.rows.length * ROW + (g.rows.length > 0 ? 2 : 0);
    const label = { x: PAD + INSET, y: y + 20, text: g.header, full: g.cluster, cls: 'cluster-label' };
    boxes.push({ cluster: g.cluster, x: PAD, y, w: width, h, label });
    g.rows.forEach((r, i) => {
      const pill = { x: PAD + INSET, y: y + HEADER + i * ROW, w: width - 2 * INSET, h: PILL_H };
      let x = pill.x + TEXT_PAD;
      const labels = r.labels.map((l) => {
        const placed = { ...l, x, y: pill.y + 16 };
        x += labelWidth(l.text) + LABEL_GAP;
        return placed;
      });
      nodes.push({ ...r.install, ...pill, labels });
    });
    y += h + GROUP_GAP;
  }
  return { width, bottom: y - GROUP_GAP, boxes, nodes };
}

/** Spreads the ends of the arcs meeting at one install over its row, ordered by the other end's height. */
function endHeights(edges, nodeOf) {
  const ends = new Map();
  const add = (name, key, otherY) => {
    const list = ends.get(name) ?? [];
    list.push({ key, otherY });
    ends.set(name, list);
  };
  for (const e of edges) {
    add(e.acceptor, `${e.id}|a`, nodeOf.get(e.dialer).y);
    add(e.dialer, `${e.id}|d`, nodeOf.get(e.acceptor).y);
  }
  const at = new Map();
  for (const [name, list] of ends) {
    const node = nodeOf.get(name);
    list.sort((p, q) => p.otherY - q.otherY || p.key.localeCompare(q.key));
    list.forEach((end, k) => {
      at.set(end.key, node.y + ((k + 1) * node.h) / (list.length + 1));
    });
  }
  return at;
}

function placeArcs(edges, nodeOf) {
  const drawn = edges.filter(
    (e) => nodeOf.has(e.acceptor) && nodeOf.has(e.dialer) && e.acceptor !== e.dialer,
  );
  const ys = endHeights(drawn, nodeOf);
  const spans = drawn.map((e) => {
    const y1 = ys.get(`${e.id}|a`);
    const y2 = ys.get(`${e.id}|d`);
    return { e, y1, y2, lo: Math.min(y1, y2), hi: Math.max(y1, y2) };
  });
  spans.sort((a, b) => a.hi - a.lo - (b.hi - b.lo) || a.e.id.localeCompare(b.e.id));
  const placed = [];
  for (const s of spans) {
    const level = placed.reduce((l, p) => (p.lo < s.hi && s.lo < p.hi ? Math.max(l, p.level + 1) : l), 0);
    placed.push({ ...s, level });
  }
  return placed.map(({ e, y1, y2, level }) => {
    const x = nodeOf.get(e.acceptor).x + nodeOf.get(e.acceptor).w;
    const bulge = ARC_BASE + level * ARC_STEP;
    const c = (bulge * 4) / 3;
    const f = (n) => n.toFixed(1);
    return {
      ...e,
      bulge,
      path: `M${f(x)} ${f(y1)} C${f(x + c)} ${f(y1)} ${f(x + c)} ${f(y2)} ${f(x)} ${f(y2)}`,
    };
  });
}

/**
 * The drawing of `graph` with edges colored from `health`: `width`/`height` of the SVG, `groups`
 * (datacenter boxes with their label), `nodes` (install rows with their labels) and `edges`
 * (one arc per drawn peering, with its state).
 */
export function layoutTopology(graph, health) {
  const { width, bottom, boxes, nodes } = placeGroups(graph);
  const nodeOf = new Map(nodes.map((n) => [n.name, n]));
  const edges = placeArcs(peeringEdges(graph, health), nodeOf);
  const reach = Math.max(0, ...edges.map((e) => e.bulge));
  return {
    width: Math.ceil(PAD + width + reach + ARROW + PAD),
    height: Math.ceil(bottom + PAD),
    groups: boxes,
    nodes,
    edges,
  };
}

/** Every label of a layout: datacenter names first, then each install's labels. */
export function layoutLabels(layout) {
  return [...layout.groups.map((g) => g.label), ...layout.nodes.flatMap((n) => n.labels)];
}
