/**
 * The status page of a serve following several targets, in headless Chromium against the fixture
 * server: the switcher (only with several targets), the summary of every target, a switch in place
 * from the keyboard and from a summary link with Back returning, `?target=` links and reloads,
 * every API request naming the shown target, and the message for a target not followed.
 * Fails (never skips) without a browser: `bash scripts/setup.sh` installs one.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type OpenedPage, openPage, screenshot } from './browser.ts';
import {
  focusedId,
  goBack,
  hasText,
  historyIds,
  historyIs,
  isDisplayed,
  isMarked,
  markDocument,
  propertyOf,
  textContentOf,
  textsOf,
} from './in-page.js';
import { type FixtureState, sampleState, startStatusServer } from './status-fixtures.ts';
import { PRODUCTION, STAGING, twoTargetState } from './target-fixtures.ts';

const WAIT = { timeout: 15_000 };
const STAGING_RUNS = 'stg-3,stg-2,stg-1';
const PRODUCTION_RUNS = 'run-9,run-8,run-7,run-6,run-5,run-4,run-3,run-2,run-1';

const texts = (page: Page, selector: string) => page.evaluate(textsOf, selector);
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((el) => el.getAttribute(n) ?? ''), name);
const waitForText = (page: Page, selector: string, text: string) =>
  page.waitForFunction(hasText, WAIT, selector, text);
const selected = (page: Page) => page.evaluate(propertyOf, '#target-select', 'value');
const search = (page: Page) => new URL(page.url()).search;
/** The `target` each API request of the page named ('' for none), by path. */
const apiTargets = (requests: readonly string[], base: string) =>
  requests
    .filter((r) => r.startsWith(`${base}/api/`))
    .map((r) => new URL(r))
    .map((u) => ({ path: u.pathname, target: u.searchParams.get('target') ?? '' }));

describe('the status page with several targets, in headless chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Starts a fixture server over `state`, opens the page at `path`, waits for `ready`, runs
   * `check`; returns the page's errors.
   */
  async function withPage(
    state: FixtureState,
    path: string,
    check: (opened: OpenedPage, url: string) => Promise<void>,
    ready = '#history table',
  ): Promise<string[]> {
    const server = await startStatusServer(state);
    try {
      const opened = await openPage(browser, `${server.url}/${path}`);
      try {
        await opened.page.waitForSelector(ready, WAIT);
        await check(opened, server.url);
        expect(opened.requests.filter((r) => !r.startsWith(`${server.url}/`))).toEqual([]);
        return opened.errors;
      } finally {
        await opened.page.close();
      }
    } finally {
      await server.app.close();
    }
  }

  it("opens on the first target with a labelled switcher and every target's branch and revisions", async () => {
    const state = twoTargetState();
    const errors = await withPage(state, '', async ({ page, requests }, url) => {
      await page.waitForFunction(historyIs, WAIT, STAGING_RUNS);
      expect(await page.evaluate(isDisplayed, '#target-switch')).toBe(true);
      expect(await texts(page, 'label[for="target-select"]')).toEqual(['Target']);
      expect(await attrs(page, '#target-select option', 'value')).toEqual([STAGING, PRODUCTION]);
      expect(await selected(page)).toBe(STAGING);
      expect(search(page)).toBe('');

      const [staging, production] = await texts(page, '#tracked .tracked-item');
      expect(staging).toMatch(/^staging shown below acme\/mesh staging:peerings\.yaml /);
      expect(staging).toContain('last seen c0ffee12c0ff 1 min ago applied c0ffee12c0ff 10 min ago');
      expect(staging).not.toContain('not applied yet');
      expect(production).toMatch(/^production acme\/mesh main:peerings\.yaml /);
      expect(production).toContain('last seen b1c2d3e4f5b1 1 min ago applied aaaaaaaaaaaa 25 min ago');
      expect(production).toContain('not applied yet');
      expect(await attrs(page, '#tracked a[aria-current="true"]', 'data-target')).toEqual([STAGING]);
      expect(await page.evaluate(textContentOf, '#tracked-h')).toBe('Targets');
      expect(await page.evaluate(textContentOf, '#reconcile-h')).toBe('Reconcile · staging');
      expect(await texts(page, '#reconcile .check')).toEqual([
        expect.stringMatching(/^in sync checked \d+ s ago next check in \d+ s every 1 min self-heal off/),
      ]);

      expect(await attrs(page, 'table.peerings tbody tr', 'data-peering')).toEqual([
        'stg-east/default>stg-west/default',
      ]);
      expect(await attrs(page, 'g.datacenter', 'data-cluster')).toEqual(['stg-east', 'stg-west']);
      expect(await texts(page, '#now')).toEqual([expect.stringMatching(/^Idle\. Last run stg-3 succeeded/)]);
      expect(await page.title()).toBe('staging · meshpeer status');

      // Only the very first status request leaves the target to the server; every later one names it.
      const calls = apiTargets(requests, url);
      expect(calls[0]).toEqual({ path: '/api/status', target: '' });
      expect(calls.slice(1).filter((c) => c.target !== STAGING)).toEqual([]);
      expect(calls.filter((c) => c.path === '/api/runs').length).toBeGreaterThan(0);
      expect(state.runQueries).toEqual(state.runQueries.map(() => ({ limit: 30, target: STAGING })));
      await screenshot(page, 'targets-staging');
      await page.setViewport({ width: 420, height: 900 });
      await screenshot(page, 'targets-narrow');
    });
    expect(errors).toEqual([]);
  });

  it("switches in place from the keyboard and from the summary: the other target's runs, peerings and check, in the address; Back returns", async () => {
    const state = twoTargetState();
    const errors = await withPage(state, '', async ({ page }) => {
      await page.waitForFunction(historyIs, WAIT, STAGING_RUNS);
      await page.evaluate(markDocument);
      await page.focus('#target-select');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(historyIs, WAIT, PRODUCTION_RUNS);
      expect(search(page)).toBe('?target=production');
      expect(await selected(page)).toBe(PRODUCTION);
      expect(await page.evaluate(focusedId)).toBe('target-select');
      await waitForText(page, '#now', 'run-9');
      expect(await attrs(page, 'table.peerings tbody tr', 'data-peering')).toEqual([
        'dc1/default>dc2/ap1',
        'dc3/default>dc2/ap1',
        'dc2/default>dc3/default',
        'dc1/default>dc3/default',
        'dc1/default>dc2/default',
      ]);
      expect(await attrs(page, 'g.datacenter', 'data-cluster')).toEqual(['dc1', 'dc2', 'dc3']);
      expect(await page.evaluate(textContentOf, '#reconcile-h')).toBe('Reconcile · production');
      expect(await page.evaluate(hasText, '#reconcile', 'drift detected')).toBe(true);
      expect(await attrs(page, '#tracked a[aria-current="true"]', 'data-target')).toEqual([PRODUCTION]);
      expect(await page.title()).toBe('3 not healthy · running · production · meshpeer status');
      expect(state.runQueries).toContainEqual({ limit: 30, target: PRODUCTION });
      expect(state.statusQueries).toContain(PRODUCTION);
      await screenshot(page, 'targets-production');

      await page.evaluate(goBack);
      await page.waitForFunction(historyIs, WAIT, STAGING_RUNS);
      expect(search(page)).toBe('');
      expect(await selected(page)).toBe(STAGING);

      await page.click(`#tracked a[data-target="${PRODUCTION}"]`);
      await page.waitForFunction(historyIs, WAIT, PRODUCTION_RUNS);
      expect(search(page)).toBe('?target=production');
      expect(await selected(page)).toBe(PRODUCTION);
      expect(await page.evaluate(isMarked)).toBe(true);
    });
    expect(errors).toEqual([]);
  });

  it('opens the target a ?target= link names, with its filter and selected run, keeps them on reload, and names it in every API request', async () => {
    const state = twoTargetState();
    const path = `?target=${PRODUCTION}#trigger=webhook&run=run-8`;
    const errors = await withPage(state, path, async ({ page, requests }, url) => {
      await page.waitForFunction(historyIs, WAIT, 'run-8,run-1');
      await waitForText(page, '#run-detail', 'Why it failed');
      expect(await selected(page)).toBe(PRODUCTION);
      await page.reload({ waitUntil: 'networkidle0' });
      await page.waitForFunction(historyIs, WAIT, 'run-8,run-1');
      await waitForText(page, '#run-detail', 'Why it failed');
      expect(await selected(page)).toBe(PRODUCTION);
      expect(await page.evaluate(propertyOf, '#trigger-filter', 'value')).toBe('webhook');

      await page.select('#trigger-filter', 'poll');
      await page.waitForFunction(historyIs, WAIT, 'run-7');
      expect(new URL(page.url()).search + new URL(page.url()).hash).toBe(
        `?target=${PRODUCTION}#trigger=poll&run=run-8`,
      );

      const calls = apiTargets(requests, url);
      expect(calls.filter((c) => c.target !== PRODUCTION)).toEqual([]);
      expect(calls.map((c) => c.path)).toEqual(
        expect.arrayContaining(['/api/status', '/api/runs', '/api/runs/run-8']),
      );
      expect(state.statusQueries.filter((t) => t !== PRODUCTION)).toEqual([]);
      expect(state.runQueries.filter((q) => q.target !== PRODUCTION)).toEqual([]);
      expect(state.runQueries).toContainEqual({ limit: 30, trigger: 'webhook', target: PRODUCTION });
      expect(state.runQueries).toContainEqual({ limit: 30, trigger: 'poll', target: PRODUCTION });
    });
    expect(errors).toEqual([]);
  });

  it('says a ?target= is not followed, names the targets to pick from, and shows the one picked', async () => {
    const state = twoTargetState();
    const errors = await withPage(
      state,
      '?target=qa',
      async ({ page }) => {
        expect(await texts(page, '#missing-target h2')).toEqual(['No target "qa" here']);
        expect(await texts(page, '#missing-target p')).toEqual([
          'This meshpeer does not follow a target named "qa". Pick one of the 2 targets it follows:',
        ]);
        expect(await texts(page, '#missing-target li')).toEqual([
          'staging acme/mesh staging:peerings.yaml',
          'production acme/mesh main:peerings.yaml',
        ]);
        expect(await page.evaluate(isDisplayed, '#content')).toBe(false);
        expect(await page.evaluate(isDisplayed, '#missing-target')).toBe(true);
        expect(await texts(page, '#target-select option')).toEqual(['choose a target', STAGING, PRODUCTION]);
        expect(await texts(page, '#conn')).toEqual(['no target "qa"']);
        expect(await page.title()).toBe('no target "qa" · meshpeer status');
        await screenshot(page, 'targets-unknown');

        await page.click(`#missing-target a[data-target="${PRODUCTION}"]`);
        await page.waitForFunction(historyIs, WAIT, PRODUCTION_RUNS);
        expect(await page.evaluate(isDisplayed, '#missing-target')).toBe(false);
        expect(await page.evaluate(isDisplayed, '#content')).toBe(true);
        expect(await selected(page)).toBe(PRODUCTION);
        expect(search(page)).toBe('?target=production');
      },
      '#missing-target h2',
    );
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('with one target shows no switcher and the summary as before, yet names the target in its requests', async () => {
    const state = sampleState();
    const errors = await withPage(state, '', async ({ page }) => {
      await page.waitForFunction(historyIs, WAIT, PRODUCTION_RUNS);
      expect(await page.evaluate(isDisplayed, '#target-switch')).toBe(false);
      expect(await page.$$('#tracked a, #tracked .tracked-list, #tracked .shown')).toEqual([]);
      expect(await page.evaluate(textContentOf, '#tracked-h')).toBe('Tracked branch');
      expect(await page.evaluate(textContentOf, '#reconcile-h')).toBe('Reconcile');
      expect(await page.title()).toBe('3 not healthy · running · meshpeer status');
      expect(await page.evaluate(historyIds)).toBe(PRODUCTION_RUNS);
      expect(state.runQueries).toEqual(state.runQueries.map(() => ({ limit: 30, target: 'acme/mesh@main' })));
      expect(state.statusQueries[0]).toBeUndefined();
      expect(state.statusQueries.slice(1).filter((t) => t !== 'acme/mesh@main')).toEqual([]);
    });
    expect(errors).toEqual([]);
  });

  it('with one target, an unknown ?target= links to the one it follows', async () => {
    const errors = await withPage(
      sampleState(),
      '?target=qa',
      async ({ page }) => {
        expect(await texts(page, '#missing-target p')).toEqual([
          'This meshpeer does not follow a target named "qa". It follows one target:',
        ]);
        expect(await attrs(page, '#missing-target a', 'href')).toEqual(['?target=acme%2Fmesh%40main']);
        expect(await page.evaluate(isDisplayed, '#target-switch')).toBe(false);
        await page.click('#missing-target a');
        await page.waitForFunction(historyIs, WAIT, PRODUCTION_RUNS);
        expect(search(page)).toBe('?target=acme%2Fmesh%40main');
      },
      '#missing-target h2',
    );
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
  });
});
