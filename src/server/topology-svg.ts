/**
 * Draws the topology as a self-contained SVG: clusters on a circle, one arrow per peering from
 * acceptor to dialer, colored by the peering's latest verification. No external renderer, so the
 * status page works offline and behind strict content policies.
 */
import type { PeeringHealth } from '../gitops/peering-health.ts';
import type { TopologyGraph } from './status-snapshot.ts';

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLORS = { healthy: '#1a7f37', failing: '#cf222e', unknown: '#8c959f' } as const;

function edgeState(health: readonly PeeringHealth[], acceptor: string, dialer: string): keyof typeof COLORS {
  const found = health.find((h) => h.acceptor === acceptor && h.dialer === dialer);
  if (found === undefined) return 'unknown';
  return found.state === 'healthy' ? 'healthy' : found.state === 'unknown' ? 'unknown' : 'failing';
}

/** The SVG markup of `graph` with edges colored from `health`. */
export function topologySvg(graph: TopologyGraph, health: readonly PeeringHealth[]): string {
  const n = graph.clusters.length;
  const radius = Math.max(90, n * 22);
  const size = radius * 2 + 160;
  const center = size / 2;
  const at = new Map(
    graph.clusters.map((name, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
      return [name, { x: center + radius * Math.cos(angle), y: center + radius * Math.sin(angle) }];
    }),
  );
  const edges = graph.peerings.flatMap((p) => {
    const a = at.get(p.acceptor.split('/')[0] ?? '');
    const d = at.get(p.dialer.split('/')[0] ?? '');
    if (a === undefined || d === undefined) return [];
    const state = edgeState(health, p.acceptor, p.dialer);
    const title = `${p.acceptor} accepts ${p.dialer}: ${state}`;
    return [
      `<line class="edge ${state}" x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${d.x.toFixed(1)}" y2="${d.y.toFixed(1)}" stroke="${COLORS[state]}" stroke-width="3" marker-end="url(#arrow-${state})"><title>${escapeHtml(title)}</title></line>`,
    ];
  });
  const nodes = [...at].map(
    ([name, { x, y }]) =>
      `<g class="cluster"><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="26" fill="#ddf4ff" stroke="#0969da" stroke-width="2"/><text x="${x.toFixed(1)}" y="${(y + 44).toFixed(1)}" text-anchor="middle">${escapeHtml(name)}</text></g>`,
  );
  const markers = Object.entries(COLORS).map(
    ([state, color]) =>
      `<marker id="arrow-${state}" viewBox="0 0 10 10" refX="38" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="topology ${escapeHtml(graph.name)}" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}">`,
    `<defs>${markers.join('')}</defs>`,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}
