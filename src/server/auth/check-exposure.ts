/**
 * The startup check that keeps an unauthenticated status page and API off the network: listening
 * beyond loopback without authentication is refused unless the operator chose `--ui-auth none`.
 */
import { isIP } from 'node:net';
import type { UiAuth } from './ui-auth.ts';

/** The verdict: refuse with `error`, or go ahead (with a `warning` to log when running open on purpose). */
export type Exposure =
  | { readonly ok: true; readonly warning?: string }
  | { readonly ok: false; readonly error: string };

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost and their mapped forms. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  if (isIP(h) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || h === '::1';
  return false;
}

/** Decides whether serve may listen on `host` with `auth`; a pure function for the startup path. */
export function checkExposure(host: string, auth: UiAuth): Exposure {
  if (auth.mode !== 'none' || isLoopbackHost(host)) return { ok: true };
  if (auth.explicit)
    return {
      ok: true,
      warning: `the status page, API and metrics on ${host} need no credentials (--ui-auth none); anyone who can reach the port can read them and request syncs`,
    };
  return {
    ok: false,
    error: `refusing to serve the status page and API on ${host} without authentication; set MESHPEER_UI_TOKEN (or MESHPEER_UI_PASSWORD), listen on 127.0.0.1 with --host, or pass --ui-auth none to run it open on purpose`,
  };
}
