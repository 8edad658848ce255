/**
 * Prepares a plan comment for posting: redacted, marked, and cut below the provider's size limit
 * without leaving a code fence or `<details>` block open, which would swallow the rest of the page.
 */
import { redact } from '../secrets/redact.ts';
import { PLAN_MARKER } from './scm-publisher.ts';

// Room kept for closing tags and the truncation note.
const RESERVE = 600;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const DETAILS_OPEN = /<details(\s[^>]*)?>/gi;
const DETAILS_CLOSE = /<\/details\s*>/gi;

/** Puts the marker on the first line, where only meshpeer's own comment has it. */
export function withMarker(body: string, marker = PLAN_MARKER): string {
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}

/** True when a comment body is meshpeer's plan comment of this marker (marker on its first line). */
export function isPlanComment(body: string | null | undefined, marker = PLAN_MARKER): boolean {
  return typeof body === 'string' && body.trimStart().startsWith(marker);
}

/** Normalizes what providers may change on storage (CRLF, trailing whitespace) before comparing. */
export function sameBody(stored: string | null | undefined, rendered: string): boolean {
  const norm = (s: string): string => s.replace(/\r\n/g, '\n').trimEnd();
  return typeof stored === 'string' && norm(stored) === norm(rendered);
}

interface OpenBlocks {
  fence: string | undefined;
  details: number;
}

/** Which fence and how many `<details>` are still open at the end of `text`. */
function openBlocks(text: string): OpenBlocks {
  let fence: string | undefined;
  let details = 0;
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (m?.[1] !== undefined) {
      if (fence === undefined) fence = m[1];
      else if (m[1].startsWith(fence) && line.trim() === m[1]) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue; // tags inside code are text
    details += (line.match(DETAILS_OPEN) ?? []).length;
    details -= (line.match(DETAILS_CLOSE) ?? []).length;
    if (details < 0) details = 0;
  }
  return { fence, details };
}

function cutPoint(text: string, max: number): number {
  let cut = Math.max(0, max);
  // Never split a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const newline = text.lastIndexOf('\n', cut);
  return newline > cut - 2000 && newline > 0 ? newline : cut;
}

/** Redacts, marks and, if needed, truncates `body` to at most `limit` characters with a note. */
export function fitCommentBody(body: string, limit: number, marker = PLAN_MARKER): string {
  const full = withMarker(redact(body), marker);
  if (full.length <= limit) return full;
  // Deeply nested blocks may need more closing tags than the reserve allows; cut more then.
  for (let budget = limit - RESERVE; budget > 0; budget -= RESERVE) {
    const fitted = truncateAt(full, budget);
    if (fitted.length <= limit) return fitted;
  }
  return full.slice(0, Math.max(0, limit));
}

function truncateAt(full: string, budget: number): string {
  const kept = full.slice(0, cutPoint(full, budget));
  const open = openBlocks(kept);
  let closing = '';
  if (open.fence !== undefined) closing += `\n${open.fence}`;
  closing += '\n</details>'.repeat(open.details);
  const note =
    `\n\n> [!NOTE]\n> This plan was cut at ${kept.length} of ${full.length} characters to fit the comment size ` +
    'limit. Run `meshpeer plan` for the full output.\n';
  return `${kept}${closing}${note}`;
}
