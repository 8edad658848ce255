/**
 * Drives headless Chromium for the browser tests: find the browser (MESHPEER_CHROMIUM, else
 * chromium, chromium-browser, google-chrome or google-chrome-stable on PATH, as scripts/setup.sh
 * looks), launch it, open a page that records its errors, and keep screenshots under
 * test-artifacts/screenshots/.
 */
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where screenshots go (gitignored; kept by CI as test artifacts). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-artifacts/screenshots');

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium or Chrome binary to drive, or undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.MESHPEER_CHROMIUM?.trim();
  if (override) return executable(override) ? override : undefined;
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of NAMES) {
    const found = dirs.map((dir) => join(dir, name)).find(executable);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The browser binary, or an error that says how to get one (the browser tests fail, never skip). */
export function requireChromium(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (found !== undefined) return found;
  const where = env.MESHPEER_CHROMIUM?.trim()
    ? `MESHPEER_CHROMIUM=${env.MESHPEER_CHROMIUM} is not an executable`
    : `none of ${NAMES.join(', ')} is on PATH`;
  throw new Error(
    `no Chromium or Chrome found (${where}): run \`bash scripts/setup.sh\` or set MESHPEER_CHROMIUM`,
  );
}

/** Launches headless Chromium (no sandbox: tests run as root in containers). */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: requireChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--lang=en-US'],
  });
}

/** A page and what went wrong on it: script errors, console errors (CSP violations among them), failed requests. */
export interface OpenedPage {
  readonly page: Page;
  readonly errors: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
}

/** Opens `url` in a new tab of `browser` at a desktop size and waits until the network is idle. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = { width: 1440, height: 1000 },
): Promise<OpenedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (err) =>
    errors.push(`page error: ${err instanceof Error ? err.message : String(err)}`),
  );
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('requestfailed', (req) =>
    errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`),
  );
  page.on('request', (req) => requests.push(req.url()));
  await page.setViewport(viewport);
  await page.goto(url, { waitUntil: 'networkidle0' });
  return { page, errors, requests };
}

/** Saves a full-page screenshot as `<SCREENSHOT_DIR>/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Saves a screenshot of the first element matching `selector` as `<SCREENSHOT_DIR>/<name>.png`. */
export async function screenshotElement(page: Page, selector: string, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const element = await page.$(selector);
  if (element === null) throw new Error(`no element matches ${selector} for screenshot ${name}`);
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await element.screenshot({ path });
  return path;
}
