/**
 * The status page in headless Chromium against a real `meshpeer serve` on the runbook sandbox:
 * sign in through the login form, watch the first apply run and finish with the peering healthy,
 * then delete the dialer's peering behind meshpeer's back and watch the page report it, a drift
 * run repair it, and the peering turn healthy again. Screenshots of each stage are kept.
 * The sandbox answers in milliseconds and the page refreshes every 5 s, so the tests hold the
 * acceptor's write open (a 'hang' fault) until the page has shown the in-flight state: nothing
 * here depends on timing, every wait is for a state the page must reach.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RUNBOOK } from '../e2e/e2e-fixture.ts';
import { launchBrowser, type OpenedPage, openPage, screenshot } from './browser.ts';
import { edgeStates, hasText, textsOf } from './in-page.js';
import { type LiveServe, requestSync, startLiveServe } from './live-serve.ts';

const UI_TOKEN = 'ui-token-for-the-live-browser-test-0123456789';
const PEERING = 'cluster-01/default>cluster-02/default';
const ACCEPTOR_STEP = 'acceptor/cluster-01/consul/cluster-02';
const GREEN = 'rgb(26, 127, 55)';
/** Generous: a hung write ends at the kube client's 10 s deadline, then the page needs a refresh. */
const WAIT = { timeout: 60_000 };

const edge = (state: string) => `svg.topology g.edge.${state}[data-peering="${PEERING}"]`;
const row = (state: string) => `table.peerings tr.peering.${state}[data-peering="${PEERING}"]`;
const texts = (page: Page, selector: string) => page.evaluate(textsOf, selector);
/** The running runs the "Running now" card shows: id and heading. */
const runningCards = (page: Page) =>
  page.$$eval('#now article.running-run', (cards) =>
    cards.map((c) => ({
      id: c.querySelector('button[data-run]')?.getAttribute('data-run') ?? '',
      heading: (c.querySelector('h3')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })),
  );

describe('the status page in headless chromium against meshpeer serve on the sandbox', () => {
  let live: LiveServe;
  let browser: Browser;
  let opened: OpenedPage;
  let page: Page;
  /** Holds every PATCH of cluster-01's PeeringAcceptor open, so the run stays in flight. */
  const holdAcceptorWrites = () =>
    live.world.sandbox.cluster('cluster-01').faults.configure({
      rules: [{ verbs: ['patch'], resources: ['peeringacceptors'], rate: 1, fault: 'hang' }],
    });
  const releaseAcceptorWrites = () => live.world.sandbox.cluster('cluster-01').faults.configure({});
  /** Waits for `selector`, saying what serve logged last when the page never gets there. */
  const waitForSelector = async (selector: string, what: string) => {
    try {
      await page.waitForSelector(selector, WAIT);
    } catch (err) {
      const conn = (await texts(page, '#conn')).join();
      throw new Error(
        `the page never showed ${what} (${selector}); page: ${conn}; serve logged:\n${live.logs.slice(-15).join('\n')}`,
        { cause: err },
      );
    }
  };

  beforeAll(async () => {
    live = await startLiveServe(inject('redisUrl'), UI_TOKEN);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await live?.stop();
  }, 60_000);

  it('sends a browser to the login form and lets it in with the token', async () => {
    opened = await openPage(browser, `${live.serve.url}/`);
    page = opened.page;
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.type('#token', 'not-the-token-at-all-0000');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(await texts(page, 'p.notice')).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.type('#token', UI_TOKEN);
    await screenshot(page, 'live-login');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(page.url()).toBe(`${live.serve.url}/`);
    await waitForSelector('#now p', 'the first rendering');
    // serve's startup poll applied main, which has the clusters and no peering yet.
    expect(await texts(page, '#now')).toEqual([expect.stringMatching(/^Idle\. Last run \S+ succeeded/)]);
    await waitForSelector('#peerings p', 'the peerings section');
    expect(await texts(page, '#peerings')).toEqual(['The topology has no peerings.']);
    expect(await page.evaluate(hasText, '#tracked', 'acme/mesh@main')).toBe(true);
  }, 60_000);

  it('shows the first apply in flight, then succeeded with the peering healthy on the graph and in the table', async () => {
    live.world.repo.commit({ 'peerings.yaml': RUNBOOK }, 'peer cluster-01 with cluster-02');
    live.world.repo.push();
    holdAcceptorWrites();
    const runId = await requestSync(live.serve.url, UI_TOKEN);
    await waitForSelector(`#now li.active-step[data-step="${ACCEPTOR_STEP}"]`, 'the acceptor step in flight');
    expect(await runningCards(page)).toEqual([
      { id: runId, heading: expect.stringContaining('sync via api') },
    ]);
    await waitForSelector(`#history tr.run.running[data-run="${runId}"]`, 'the running run in the history');
    expect(await page.title()).toContain('running');
    await screenshot(page, 'live-apply-running');
    releaseAcceptorWrites();

    await waitForSelector(`#history tr.run.succeeded[data-run="${runId}"]`, 'the apply succeeded');
    await waitForSelector(edge('healthy'), 'the peering drawn healthy');
    await waitForSelector(row('healthy'), 'the peering healthy in the table');
    expect(await page.evaluate(edgeStates)).toEqual([{ id: PEERING, state: 'healthy', stroke: GREEN }]);
    expect(await texts(page, '#now')).toEqual([
      expect.stringMatching(new RegExp(`^Idle. Last run ${runId} succeeded`)),
    ]);
    expect(await page.title()).toBe('meshpeer status');
    await screenshot(page, 'live-applied');
  }, 120_000);

  it('reports a peering deleted behind its back, shows the drift run repairing it, and turns healthy again', async () => {
    holdAcceptorWrites();
    // The repair is held (the acceptor's writes hang), so the page has time to show the damage.
    await live.world.sandbox.stack('cluster-02').consul.faults.deletePeering('cluster-01');
    await waitForSelector(`${row('missing')}, ${row('failing')}`, 'the peering not healthy in the table');
    const [broken] = await texts(page, `table.peerings tr.peering[data-peering="${PEERING}"]`);
    expect(broken).toMatch(/^cluster-01 → cluster-02 (missing|failing) /);
    const fix = await texts(page, `table.peerings tr.peering[data-peering="${PEERING}"] td.fix`);
    expect(fix[0]?.length ?? 0).toBeGreaterThan(0);
    await waitForSelector(`${edge('missing')}, ${edge('failing')}`, 'the peering drawn not healthy');
    const [drawn] = await page.evaluate(edgeStates);
    expect(drawn?.stroke).not.toBe(GREEN);
    await waitForSelector(
      '#now li.active-step[data-step^="rotate/cluster-01/"]',
      'the drift run rotating the token',
    );
    const [drift] = await runningCards(page);
    expect(drift?.heading).toMatch(/drift \(\d+ reasons?\)/);
    expect(await page.title()).toMatch(/^1 not healthy · running · /);
    await screenshot(page, 'live-drift');
    releaseAcceptorWrites();

    await waitForSelector(`#history tr.run.succeeded[data-run="${drift?.id}"]`, 'the drift run succeeded');
    await waitForSelector(row('healthy'), 'the peering healthy again in the table');
    await waitForSelector(edge('healthy'), 'the peering drawn healthy again');
    expect(await page.evaluate(edgeStates)).toEqual([{ id: PEERING, state: 'healthy', stroke: GREEN }]);
    expect(await page.title()).toBe('meshpeer status');
    await screenshot(page, 'live-repaired');
  }, 120_000);

  it('logged no console error and requested nothing but serve', () => {
    // The wrong token's 401 answer is the one failure the page was expected to see.
    expect(opened.errors).toEqual([expect.stringMatching(/^console: .*status of 401/)]);
    expect(opened.requests.filter((r) => !r.startsWith(`${live.serve.url}/`))).toEqual([]);
  });

  it('offers Sign out to the signed-in browser, which ends its session', async () => {
    await waitForSelector('#signout:not([hidden]) button', 'the sign-out button');
    await Promise.all([page.waitForNavigation(), page.click('#signout button')]);
    expect(new URL(page.url()).pathname).toBe('/login');
    // The cookie is gone: the page itself sends the browser back to the form.
    await page.goto(`${live.serve.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
  }, 60_000);
});
