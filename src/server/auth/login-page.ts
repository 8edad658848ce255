/**
 * The login form of token mode: static HTML and a stylesheet served from `/login.css`, so the
 * page runs under a CSP without 'unsafe-inline' and carries no data beyond a fixed message.
 */

/** The Content-Security-Policy of the login page: nothing but its own stylesheet and form target. */
export const LOGIN_CSP =
  "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Messages the form can show; fixed strings, never echoing input. */
export const LOGIN_MESSAGES = {
  wrong: 'That token is not valid.',
  limited: 'Too many failed attempts from this address; wait a few minutes and try again.',
  expired: 'Your session has ended; sign in again.',
  missing: 'Enter the token.',
} as const;

/** One of the fixed messages. */
export type LoginMessage = keyof typeof LOGIN_MESSAGES;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The form; `next` is an already checked same-origin path, `message` one of the fixed messages. */
export function loginPage(next: string, message?: LoginMessage): string {
  const action = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
  const notice = message === undefined ? '' : `<p class="notice" role="alert">${LOGIN_MESSAGES[message]}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>meshpeer: sign in</title>
<link rel="stylesheet" href="/login.css">
</head>
<body>
<main>
<h1>meshpeer</h1>
<form method="post" action="${escapeHtml(action)}">
${notice}
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">The token is the value of <code>MESHPEER_UI_TOKEN</code> that <code>meshpeer serve</code> was started with.</p>
</main>
</body>
</html>
`;
}

/** The stylesheet of the login page. */
export const LOGIN_CSS = `body{margin:0;font:15px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2330}
main{max-width:22rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{margin:0 0 1.25rem;font-size:1.4rem}
form{display:flex;flex-direction:column;gap:.6rem}
input{font:inherit;padding:.5rem;border:1px solid #b8bfcc;border-radius:4px}
button{font:inherit;padding:.55rem;border:0;border-radius:4px;background:#2457c5;color:#fff;cursor:pointer}
button:hover{background:#1c469f}
.notice{margin:0;padding:.5rem;border-radius:4px;background:#fde8e8;color:#8a1c1c}
.hint{color:#5b6475;font-size:.85rem}
code{font-size:.85em}
@media (prefers-color-scheme:dark){body{background:#14171d;color:#e3e7ee}main{background:#1d222b}
input{background:#14171d;color:inherit;border-color:#3a4250}.hint{color:#9aa3b3}}
`;
