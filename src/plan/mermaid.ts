/** The peering topology as a mermaid graph, with added, changed, removed and blocked edges marked. */
import type { Plan, PlanEdge } from './plan.ts';

const styles: Record<PlanEdge['status'], { arrow: string; label: string; color?: string }> = {
  added: { arrow: '==>', label: 'added', color: '#2da44e' },
  changed: { arrow: '-->', label: 'changed', color: '#bf8700' },
  removed: { arrow: '-.->', label: 'removed', color: '#cf222e' },
  blocked: { arrow: '-.->', label: 'blocked', color: '#6e7781' },
  unchanged: { arrow: '---', label: '' },
};

const nodeId = (name: string) => `n_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** A `graph LR` where each peering points from acceptor to dialer. */
export function renderMermaid(plan: Plan): string {
  const nodes = new Set<string>(plan.clusters);
  for (const e of plan.edges) nodes.add(e.acceptor).add(e.dialer);
  const lines = ['graph LR'];
  for (const n of [...nodes].sort()) lines.push(`  ${nodeId(n)}["${n}"]`);
  const linkStyles: string[] = [];
  plan.edges.forEach((e, i) => {
    const s = styles[e.status];
    lines.push(`  ${nodeId(e.acceptor)} ${s.arrow}${s.label ? `|${s.label}|` : ''} ${nodeId(e.dialer)}`);
    if (s.color) linkStyles.push(`  linkStyle ${i} stroke:${s.color},stroke-width:2px`);
  });
  return [...lines, ...linkStyles].join('\n');
}
