/**
 * The status page in headless Chromium against a server with fixture data: topology with
 * partitions, exports and edge colors, relative times, the running run's steps, the history
 * filter, drill-down, refreshes that keep the reader's place, 401 handling and label overlaps.
 * Fails (never skips) without a browser: `bash scripts/setup.sh` installs one.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSummary } from '../../src/gitops/status-snapshot.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { exactTime } from '../../src/server/page/format.js';
import { launchBrowser, openPage, screenshot, screenshotElement } from './browser.ts';
import {
  documentMarkup,
  edgeStates,
  fitsWidth,
  focusedKey,
  hasText,
  historyIds,
  historyIs,
  isDisplayed,
  isInside,
  labelProblems,
  propertyOf,
  scrollPosition,
  scrollToId,
  textsOf,
} from './in-page.js';
import { ago, type FixtureState, LEAK, sampleState, startStatusServer } from './status-fixtures.ts';
import { manyDatacenters, smallTopology } from './topologies.ts';

const WAIT = { timeout: 15_000 };

const texts = (page: Page, selector: string) => page.evaluate(textsOf, selector);
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((el) => el.getAttribute(n) ?? ''), name);
const waitForText = (page: Page, selector: string, text: string) =>
  page.waitForFunction(hasText, WAIT, selector, text);
const fragment = (page: Page) => new URL(page.url()).hash;
const expanded = (page: Page, key: string) =>
  page.$eval(`button[data-key="${key}"]`, (b) => b.getAttribute('aria-expanded'));

/** Starts a fixture server of its own for a test that changes what the server answers. */
async function withServer(run: (state: FixtureState, url: string) => Promise<void>): Promise<void> {
  const state = sampleState();
  const server = await startStatusServer(state);
  try {
    await run(state, server.url);
  } finally {
    await server.app.close();
  }
}

describe('the status page in headless chromium', () => {
  let browser: Browser;
  let state: FixtureState;
  let baseUrl: string;
  let closeServer: () => Promise<void>;

  beforeAll(async () => {
    registerSecret(LEAK);
    browser = await launchBrowser();
    state = sampleState();
    const server = await startStatusServer(state);
    baseUrl = server.url;
    closeServer = () => server.app.close();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
  });

  /** Opens the page at `url` + `hash`, waits for the first rendering, runs `check`; returns the page's errors. */
  async function withPage(
    hash: string,
    check: (page: Page) => Promise<void>,
    url = baseUrl,
  ): Promise<string[]> {
    const { page, errors, requests } = await openPage(browser, `${url}/${hash}`);
    try {
      await page.waitForSelector('#history table, #signin a', WAIT);
      await check(page);
      expect(requests.filter((r) => !r.startsWith(`${url}/`))).toEqual([]);
      return errors;
    } finally {
      await page.close();
    }
  }

  it('draws datacenters holding their installs, one arc per peering colored by live state, and exports', async () => {
    const errors = await withPage('', async (page) => {
      await page.waitForSelector('svg.topology', WAIT);
      expect(await attrs(page, 'g.datacenter', 'data-cluster')).toEqual(['dc1', 'dc2', 'dc3']);
      expect(await attrs(page, 'g.install', 'data-install')).toEqual(['dc1', 'dc2', 'dc2/ap1', 'dc3']);
      expect(await texts(page, 'g.install[data-install="dc2/ap1"] text')).toEqual([
        'ap1',
        'ctx kind-dc2-ap1',
        '1 export',
      ]);
      expect(
        await page.evaluate(
          isInside,
          'g.install[data-install="dc2/ap1"] rect',
          'g.datacenter[data-cluster="dc2"] rect',
        ),
      ).toBe(true);
      const edges = await page.evaluate(edgeStates);
      expect(Object.fromEntries(edges.map((e) => [e.id, e.state]))).toEqual({
        'dc1/default>dc2/default': 'healthy',
        'dc1/default>dc2/ap1': 'failing',
        'dc2/default>dc3/default': 'stale',
        'dc3/default>dc2/ap1': 'missing',
        'dc1/default>dc3/default': 'unknown',
      });
      const green = edges.find((e) => e.state === 'healthy')?.stroke;
      expect(green).toBe('rgb(26, 127, 55)');
      expect(edges.filter((e) => e.state !== 'healthy' && e.stroke === green)).toEqual([]);
      expect(await texts(page, 'table.exports tbody tr')).toEqual([
        'dc1 api peer:dc2, peer:dc3',
        'web in frontend peer:dc2',
        'dc2/ap1 billing peer:dc3, samenessGroup:payments',
      ]);
      await screenshot(page, 'status-overview');
      await page.setViewport({ width: 420, height: 900 });
      expect(await page.evaluate(fitsWidth)).toBe(true);
      await screenshot(page, 'status-narrow');
    });
    expect(errors).toEqual([]);
  });

  it('says how old each observation is, with the exact time in a title, worst peering first', async () => {
    await withPage('', async (page) => {
      await page.waitForSelector('table.peerings', WAIT);
      const rows = await texts(page, 'table.peerings tbody tr');
      expect(rows.map((r) => r.split(' ')[3])).toEqual(['failing', 'missing', 'stale', 'unknown', 'healthy']);
      expect(rows[0]).toContain(
        'FAILING on dc2/ap1: gateway refused check the mesh gateway of dc1 observed 3 min ago by the periodic check',
      );
      expect(rows[3]).toContain('never');
      const failing = state.snapshot.peerings.find((p) => p.state === 'failing');
      expect(await attrs(page, 'table.peerings tbody tr:first-child time', 'title')).toEqual([
        exactTime(failing?.observedAt),
      ]);
      const header = (await texts(page, 'header.top'))[0] ?? '';
      expect(header).toContain('acme/mesh@main acme/mesh main:peerings.yaml');
      expect(header).toContain('last seen b1c2d3e4f5b1 1 min ago applied aaaaaaaaaaaa 25 min ago');
      expect(header).toContain('not applied yet');
      expect(header).toMatch(
        /drift detected checked 2 min ago next check in [23] min every 5 min self-heal on/,
      );
      expect(header).toContain('peering dc3>dc2/ap1 is missing on dc2/ap1');
      expect(header).toMatch(/retry pending run run-5, attempt 2, in \d+ s/);
    });
  });

  it("shows the running run's current steps and what they wait on", async () => {
    await withPage('', async (page) => {
      await waitForText(page, '#now', 'run-9');
      expect(await texts(page, '#now h3')).toEqual(['running run-9 drift (1 reason) at aaaaaaaaaaaa']);
      const steps = await texts(page, '#now li.active-step');
      expect(steps).toHaveLength(2);
      expect(steps[0]).toMatch(
        /^verify verify\/dc3\/default\/dc2\/ap1 in lane verify, started \d+ s ago waiting on: peering to turn ACTIVE on dc2\/ap1 \(attempt 3 of 10\)$/,
      );
      expect(steps[1]).toMatch(/^export export\/dc3\/api in lane dc3, started \d+ s ago working/);
    });
  });

  it('filters the history by trigger and keeps the filter in the address', async () => {
    await withPage('', async (page) => {
      expect(await page.evaluate(historyIds)).toBe('run-9,run-8,run-7,run-6,run-5,run-4,run-3,run-2,run-1');
      for (const [trigger, runs] of [
        ['drift', 'run-9,run-2'],
        ['retry', 'run-4'],
        ['pull-request', 'run-3'],
        ['webhook', 'run-8,run-1'],
      ] as const) {
        await page.select('#trigger-filter', trigger);
        await page.waitForFunction(historyIs, WAIT, runs);
        expect(fragment(page)).toBe(`#trigger=${trigger}`);
        expect(state.runQueries).toContainEqual({ limit: 30, trigger, target: 'acme/mesh@main' });
      }
      await page.reload({ waitUntil: 'networkidle0' });
      await page.waitForSelector('#history tbody tr', WAIT);
      expect(await page.evaluate(propertyOf, '#trigger-filter', 'value')).toBe('webhook');
      expect(await page.evaluate(historyIds)).toBe('run-8,run-1');
    });
  });

  it('drills down into a run from the keyboard: steps, attempts, durations, why it failed, errors with fixes', async () => {
    await withPage('', async (page) => {
      await page.focus('button[data-key="history:run-8"]');
      await page.keyboard.press('Enter');
      await waitForText(page, '#run-detail', 'Why it failed');
      expect(await expanded(page, 'history:run-8')).toBe('true');
      expect(fragment(page)).toBe('#run=run-8');
      expect(await texts(page, '#run-detail table.steps tbody tr')).toEqual([
        'done acl/dc1/mesh-gateway acl create dc1 policy written 1 310 ms',
        'failed verify/dc1/default/dc2/ap1 verify verify dc1 peering is FAILING on dc2/ap1 after 3 attempts 3 31.5 s',
        'skipped export/dc2/billing export create dc2 a dependency failed 0 0 ms',
      ]);
      expect(await texts(page, '#run-detail pre.failure')).toEqual([
        'step verify/dc1/default/dc2/ap1 failed: peering is FAILING (token [redacted] rejected)',
      ]);
      expect(await texts(page, '#run-detail ul.errors li')).toEqual([
        'dc2: the mesh gateway has no external address fix: set meshGateway.service.type=LoadBalancer in the consul values of dc2',
      ]);
      expect(await page.evaluate(documentMarkup)).not.toContain(LEAK);
      await screenshot(page, 'run-detail');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#run-detail', { hidden: true, ...WAIT });
      expect(await page.evaluate(focusedKey)).toBe('history:run-8');
      await page.click('button[data-key="now:run-9"]');
      await waitForText(page, '#run-detail', 'In flight');
      expect(await texts(page, '#run-detail dd ul.reasons li')).toEqual([
        'peering dc3>dc2/ap1 is missing on dc2/ap1',
      ]);
      expect(await texts(page, '#run-detail .active-step .waiting')).toEqual([
        'waiting on: peering to turn ACTIVE on dc2/ap1 (attempt 3 of 10)',
      ]);
    });
  });

  it('keeps the selected run, the filter and the scroll position across refreshes', async () => {
    await withServer(async (own, url) => {
      await withPage(
        '#trigger=webhook&run=run-8',
        async (page) => {
          await page.setViewport({ width: 1280, height: 600 });
          await waitForText(page, '#run-detail', 'Run run-8');
          const scrolled = await page.evaluate(scrollToId, 'history-h');
          expect(scrolled).toBeGreaterThan(0);
          const now = Date.now();
          const newer: RunRecord = {
            ...(own.records[1] as RunRecord),
            id: 'run-10',
            status: 'succeeded',
            startedAt: ago(now, 20),
            finishedAt: ago(now, 5),
            trigger: { kind: 'webhook', provider: 'github', deliveryId: 'd-new' },
          };
          own.records.unshift(newer);
          own.snapshot = {
            ...own.snapshot,
            runs: own.records.map(runSummary),
            peerings: own.snapshot.peerings.map((p) =>
              p.state === 'failing' ? { ...p, state: 'healthy' } : p,
            ),
          };
          await page.waitForSelector('#history tr[data-run="run-10"]', WAIT);
          await page.waitForSelector('g.edge.healthy[data-peering="dc1/default>dc2/ap1"]', WAIT);
          expect(await page.evaluate(historyIds)).toBe('run-10,run-8,run-1');
          expect(await texts(page, '#run-detail h3')).toEqual(['Run run-8']);
          expect(await expanded(page, 'history:run-8')).toBe('true');
          expect(await page.evaluate(propertyOf, '#trigger-filter', 'value')).toBe('webhook');
          expect(fragment(page)).toBe('#trigger=webhook&run=run-8');
          expect(Math.abs((await page.evaluate(scrollPosition)) - scrolled)).toBeLessThanOrEqual(2);
        },
        url,
      );
    });
  });

  it('offers the sign-in page when the API answers 401, at load and when a session ends', async () => {
    await withServer(async (own, url) => {
      const errors = await withPage(
        '#run=run-8',
        async (page) => {
          own.unauthorized = true;
          await page.waitForSelector('#signin a', WAIT);
          expect(await page.evaluate(propertyOf, '#content', 'hidden')).toBe(true);
          expect(await page.evaluate(isDisplayed, '#content')).toBe(false);
          expect(await page.evaluate(propertyOf, '#signin a', 'href')).toBe(
            `${url}/login?next=${encodeURIComponent('/#run=run-8')}`,
          );
          await page.reload({ waitUntil: 'networkidle0' });
          await page.waitForSelector('#signin a', WAIT);
          expect(await texts(page, '#signin h2')).toEqual(['Sign in to see the status']);
          await screenshot(page, 'signed-out');
        },
        url,
      );
      expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    });
  });

  it('never overlaps labels: 2 installs, 5 installs with partitions, 12 datacenters with long names', async () => {
    await withServer(async (own, url) => {
      for (const [name, topology] of [
        ['2-installs', smallTopology(2)],
        ['5-installs', smallTopology(5)],
        ['12-datacenters', manyDatacenters(12)],
      ] as const) {
        own.snapshot = { ...own.snapshot, topology, peerings: [] };
        await withPage(
          '',
          async (page) => {
            await page.waitForSelector('svg.topology', WAIT);
            expect(await attrs(page, 'g.install', 'data-install')).toHaveLength(topology.installs.length);
            expect(await attrs(page, 'g.edge', 'data-peering')).toHaveLength(topology.peerings.length);
            expect(await page.evaluate(labelProblems)).toEqual([]);
            await screenshotElement(page, 'figure.graph', `topology-${name}`);
          },
          url,
        );
      }
    });
  });
});
