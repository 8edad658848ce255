/**
 * The Slack incoming-webhook message for an event: `text` (the notification and fallback line)
 * and mrkdwn `blocks` with the target, the run or peering, the detail, the fix and a link.
 * Limits from Slack's Block Kit reference: a section's text holds at most 3000 characters.
 */
import { type DeliveredEvent, eventSummary, shortRevision } from './notify-event.ts';

/** The JSON body Slack's incoming webhooks accept. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** The two block types meshpeer sends. */
export type SlackBlock =
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | {
      readonly type: 'context';
      readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[];
    };

const DETAIL_CHARS = 1800;
const FIX_CHARS = 500;
const REASON_CHARS = 180;
const MAX_REASONS = 10;

/** Builds the message; `publicUrl` adds a link to the status page. */
export function slackMessage(event: DeliveredEvent, publicUrl?: string): SlackMessage {
  const blocks: SlackBlock[] = [section(headline(event)), section(body(event))];
  const context = [`target ${code(event.target)}`];
  if (publicUrl !== undefined && publicUrl !== '') {
    context.push(`<${linkUrl(publicUrl)}|open the meshpeer status page>`);
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: `meshpeer: ${escapeMrkdwn(eventSummary(event))}`, blocks };
}

function headline(event: DeliveredEvent): string {
  switch (event.kind) {
    case 'run-failed':
      return `:x: *Run failed* for ${code(event.target)}`;
    case 'drift-detected':
      return `:warning: *Drift detected* in ${code(event.target)}`;
    case 'peering-unhealthy':
      return `:red_circle: *Peering ${code(event.peering)} is ${event.state}*`;
    case 'peering-recovered':
      return `:large_green_circle: *Peering ${code(event.peering)} is healthy again*`;
  }
}

function body(event: DeliveredEvent): string {
  switch (event.kind) {
    case 'run-failed':
      return [
        `Run ${code(event.runId)} at ${code(shortRevision(event.revision))} (trigger: ${escapeMrkdwn(event.trigger)})`,
        preformatted(event.failure),
      ].join('\n');
    case 'drift-detected':
      return [
        `At ${code(shortRevision(event.revision))} the clusters differ from the desired state:`,
        ...reasonLines(event.reasons),
        event.selfHeal
          ? 'Self-heal is on: meshpeer repairs it with a run (trigger `drift`).'
          : 'Self-heal is off: run `meshpeer sync` (or `POST /api/sync`) to repair it.',
      ].join('\n');
    case 'peering-unhealthy':
      return [
        peeringLine(event.acceptor, event.dialer, event.target),
        preformatted(event.detail),
        ...(event.fix !== undefined && event.fix !== ''
          ? [`*Fix:* ${escapeClipped(event.fix, FIX_CHARS)}`]
          : []),
      ].join('\n');
    case 'peering-recovered':
      return peeringLine(event.acceptor, event.dialer, event.target);
  }
}

function peeringLine(acceptor: string, dialer: string, target: string): string {
  return `Acceptor ${code(acceptor)}, dialer ${code(dialer)}, target ${code(target)}`;
}

function reasonLines(reasons: readonly string[]): string[] {
  const lines = reasons.slice(0, MAX_REASONS).map((r) => `• ${escapeClipped(r, REASON_CHARS)}`);
  if (reasons.length > MAX_REASONS) lines.push(`• and ${reasons.length - MAX_REASONS} more`);
  return lines;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Slack mrkdwn treats &, < and > as control characters (peering ids contain `>`). */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function code(text: string): string {
  return `\`${escapeMrkdwn(text.replaceAll('`', "'"))}\``;
}

function preformatted(text: string): string {
  const inner = escapeClipped(
    (text.trim() === '' ? '(no detail)' : text).replaceAll('```', "'''"),
    DETAIL_CHARS,
  );
  return `\`\`\`${inner}\`\`\``;
}

/** Escapes, then clips to `max` characters without cutting an entity such as `&gt;` in half. */
function escapeClipped(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

/** A URL inside `<url|label>` must not contain `|` or `>`. */
function linkUrl(url: string): string {
  return url.replaceAll('|', '%7C').replaceAll('>', '%3E').replaceAll('<', '%3C');
}
