/**
 * The status page: one self-contained HTML document (inline CSS, inline JS, inline SVG, nothing
 * fetched from elsewhere) with the topology graph, each peering's state and the last runs. The
 * script swaps in a fresh rendering every few seconds.
 */
import { redact } from '../secrets/redact.ts';
import type { RunSummary, StatusSnapshot } from './status-snapshot.ts';
import { escapeHtml, topologySvg } from './topology-svg.ts';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 24px}main{padding:16px 24px;display:grid;gap:16px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
code{font:12px ui-monospace,monospace}.healthy,.succeeded{color:#1a7f37}.failing,.failed{color:#cf222e}
.running{color:#9a6700}.superseded,.unknown{color:#57606a}svg text{font:12px system-ui,sans-serif}`;

const SCRIPT = `setInterval(async()=>{try{const r=await fetch('?partial=1',{cache:'no-store'});
if(r.ok){document.querySelector('main').innerHTML=await r.text();}}catch{}},5000);`;

const e = (s: string) => escapeHtml(redact(s));
const short = (sha: string | undefined) => (sha === undefined ? '–' : `<code>${e(sha.slice(0, 12))}</code>`);

function triggerText(run: RunSummary): string {
  const t = run.trigger;
  if (t.kind === 'webhook') return `webhook (${t.provider} ${t.deliveryId.slice(0, 12)})`;
  if (t.kind === 'pull-request') return `pull request #${t.number}`;
  return t.kind;
}

function trackedSection(s: StatusSnapshot): string {
  const rows = s.tracked.map(
    (t) =>
      `<tr><td>${e(t.target)}</td><td>${e(t.provider)} ${e(t.repo)}</td><td>${e(t.branch)}:${e(t.path)}</td><td>${short(t.revisions.seen)}</td><td>${short(t.revisions.applied)}</td></tr>`,
  );
  return `<section><h2>Tracked</h2><table><tr><th>target</th><th>repository</th><th>branch:file</th><th>last seen</th><th>last applied</th></tr>${rows.join('')}</table></section>`;
}

function graphSection(s: StatusSnapshot): string {
  if (s.topology === undefined) return '<section><h2>Topology</h2><p>No revision read yet.</p></section>';
  return `<section><h2>Topology <small>${e(s.topology.name)} at ${short(s.topology.revision)}</small></h2><div id="graph">${topologySvg(s.topology, s.peerings)}</div></section>`;
}

function peeringsSection(s: StatusSnapshot): string {
  const rows = s.peerings.map(
    (p) =>
      `<tr class="peering"><td>${e(p.acceptor)} → ${e(p.dialer)}</td><td class="${p.state === 'healthy' ? 'healthy' : 'failing'}">${p.state}</td><td>${e(p.detail)}</td><td>${short(p.revision)}</td><td>${e(p.observedAt)}</td></tr>`,
  );
  const body =
    rows.length === 0
      ? '<p>No peering verified yet.</p>'
      : `<table><tr><th>peering</th><th>state</th><th>detail</th><th>revision</th><th>verified at</th></tr>${rows.join('')}</table>`;
  return `<section><h2>Peerings</h2>${body}</section>`;
}

function runsSection(s: StatusSnapshot): string {
  const rows = s.runs.map((r) => {
    const steps = Object.entries(r.steps)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const failure =
      r.failure === undefined ? '' : `<br><small>${e(r.failure.split('\n').slice(0, 3).join(' '))}</small>`;
    return `<tr class="run"><td><code>${e(r.id)}</code></td><td>${short(r.revision)}</td><td>${e(triggerText(r))}</td><td class="${r.status}">${r.status}${failure}</td><td>${e(steps)}</td><td>${e(r.startedAt)}</td></tr>`;
  });
  const body =
    rows.length === 0
      ? '<p>No runs yet.</p>'
      : `<table><tr><th>run</th><th>revision</th><th>trigger</th><th>status</th><th>steps</th><th>started</th></tr>${rows.join('')}</table>`;
  return `<section><h2>Last runs</h2>${body}</section>`;
}

/** The inner part that the page's script refreshes. */
export function statusPageBody(s: StatusSnapshot): string {
  return [graphSection(s), peeringsSection(s), runsSection(s), trackedSection(s)].join('\n');
}

/** The whole page. */
export function statusPage(s: StatusSnapshot): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>meshpeer status</title><style>${STYLE}</style></head>
<body><header><strong>meshpeer</strong> · status</header>
<main>${statusPageBody(s)}</main>
<script>${SCRIPT}</script></body></html>`;
}
