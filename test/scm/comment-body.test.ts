import { describe, expect, it } from 'vitest';
import { fitCommentBody, isPlanComment, sameBody } from '../../src/scm/comment-body.ts';
import { PLAN_MARKER } from '../../src/scm/scm-publisher.ts';
import { registerSecret } from '../../src/secrets/redact.ts';

function balanced(text: string): { details: number; fences: number } {
  const opens = (text.match(/<details>/g) ?? []).length;
  const closes = (text.match(/<\/details>/g) ?? []).length;
  const fences = text.split('\n').filter((l) => l.startsWith('```')).length;
  return { details: opens - closes, fences: fences % 2 };
}

describe('plan comment body', () => {
  it('puts the marker on the first line once and keeps short bodies intact', () => {
    const body = fitCommentBody('## meshpeer plan\n3 steps', 1000);
    expect(body).toBe(`${PLAN_MARKER}\n## meshpeer plan\n3 steps`);
    expect(fitCommentBody(body, 1000)).toBe(body);
    expect(isPlanComment(body)).toBe(true);
    expect(isPlanComment(`> ${body}`)).toBe(false);
  });

  it('redacts registered secrets and credential shapes', () => {
    registerSecret('peering-token-value-0123456789');
    const body = fitCommentBody(
      'token peering-token-value-0123456789\nAuthorization: Bearer abcdefghijklmnop',
      1000,
    );
    expect(body).not.toContain('peering-token-value-0123456789');
    expect(body).not.toContain('abcdefghijklmnop');
  });

  it('cuts long plans below the limit without leaving details or code fences open', () => {
    const section = (i: number) =>
      `<details>\n<summary>cluster ${i}</summary>\n\n\`\`\`mermaid\n${'graph LR\n  a --> b\n'.repeat(40)}\`\`\`\n</details>\n`;
    const long = Array.from({ length: 200 }, (_, i) => section(i)).join('\n');
    const out = fitCommentBody(long, 65_000);
    expect(long.length).toBeGreaterThan(65_000);
    expect(out.length).toBeLessThanOrEqual(65_000);
    expect(balanced(out)).toEqual({ details: 0, fences: 0 });
    expect(out).toMatch(/This plan was cut at \d+ of \d+ characters/);
    expect(out.startsWith(PLAN_MARKER)).toBe(true);
  });

  it('closes nested details and a fence cut in the middle', () => {
    const body =
      `<details>\n<summary>a</summary>\n<details>\n<summary>b</summary>\n\n\`\`\`text\n${'x'.repeat(50)}\n`.repeat(
        1,
      ) + 'line\n'.repeat(2000);
    const out = fitCommentBody(body, 3000);
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(balanced(out)).toEqual({ details: 0, fences: 0 });
    expect(out.indexOf('```\n</details>\n</details>')).toBeGreaterThan(0);
  });

  it('compares bodies ignoring CRLF and trailing whitespace only', () => {
    expect(sameBody('a\r\nb\n', 'a\nb')).toBe(true);
    expect(sameBody('a\nb', 'a\nc')).toBe(false);
    expect(sameBody(undefined, 'a')).toBe(false);
  });
});
