/**
 * The status page in headless Chromium against a real `meshpeer serve` following two targets of
 * one repository on the sandbox (`staging.yaml` peers cluster-01 with cluster-02, `production.yaml`
 * has cluster-03 and cluster-04 and no peering): the page opens on staging with its healthy
 * peering and only its runs, switches to production from the keyboard, and names the targets for
 * an unknown one. Every wait is for a state the page must reach.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import type { RunSummary } from '../../src/gitops/status-snapshot.ts';
import { E2E_TUNING, type E2eWorld, waitFor } from '../e2e/e2e-fixture.ts';
import { startTwoTargetWorld } from '../e2e/targets-fixture.ts';
import { launchBrowser, openPage, screenshot } from './browser.ts';
import { hasText, historyIds, propertyOf, textsOf } from './in-page.js';

const TOKEN = 'ghp_browserTargetsToken0011223344556';
const WAIT = { timeout: 60_000 };
const STAGING_PEERING = 'cluster-01/default>cluster-02/default';

const texts = (page: Page, selector: string) => page.evaluate(textsOf, selector);

describe('the status page of a serve following two targets, in headless chromium', () => {
  let world: E2eWorld;
  let serve: RunningServe;
  let browser: Browser;
  /** The ids of a target's runs, as serve lists them. */
  const runIds = async (target: string) => {
    const res = await serve.server.inject({ url: `/api/runs?limit=100&target=${target}` });
    return (res.json() as RunSummary[]).map((r) => r.id);
  };
  /** Waits until serve's startup run of `target` finished. */
  const settled = (target: string) =>
    waitFor(
      async () => {
        const res = await serve.server.inject({ url: `/api/runs?target=${target}` });
        const runs = res.json() as RunSummary[];
        return runs.length > 0 && runs.every((r) => r.status !== 'running') ? true : undefined;
      },
      `the startup run of ${target}`,
      60_000,
    );

  beforeAll(async () => {
    let config: ServeConfig;
    ({ world, config } = await startTwoTargetWorld({
      token: TOKEN,
      secret: 'browser-targets-secret',
      stagingPeered: true,
    }));
    serve = await startServe(config, () => {}, E2E_TUNING);
    await settled('staging');
    await settled('production');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.close();
    await world?.stop();
  }, 60_000);

  it("opens on staging with its peering and runs, switches to production's from the keyboard, and names the targets for an unknown one", async () => {
    const { page, errors } = await openPage(browser, `${serve.url}/`);
    try {
      await page.waitForSelector(
        `table.peerings tr.peering.healthy[data-peering="${STAGING_PEERING}"]`,
        WAIT,
      );
      expect(await page.evaluate(propertyOf, '#target-select', 'value')).toBe('staging');
      expect(await texts(page, '#target-select option')).toEqual(['staging', 'production']);
      const tracked = await texts(page, '#tracked .tracked-item');
      expect(tracked).toEqual([
        expect.stringMatching(/^staging shown below acme\/mesh-config main:staging\.yaml last seen \w{12} /),
        expect.stringMatching(/^production acme\/mesh-config main:production\.yaml last seen \w{12} /),
      ]);
      const staging = (await page.evaluate(historyIds)).split(',');
      expect(staging.length).toBeGreaterThan(0);
      const stagingIds = await runIds('staging');
      expect(staging.filter((id) => !stagingIds.includes(id))).toEqual([]);
      await screenshot(page, 'live-targets-staging');

      await page.focus('#target-select');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(hasText, WAIT, '#peerings', 'The topology has no peerings.');
      expect(new URL(page.url()).search).toBe('?target=production');
      const production = (await page.evaluate(historyIds)).split(',');
      expect(production.length).toBeGreaterThan(0);
      const productionIds = await runIds('production');
      expect(production.filter((id) => !productionIds.includes(id))).toEqual([]);
      expect(production.filter((id) => staging.includes(id))).toEqual([]);
      await screenshot(page, 'live-targets-production');

      await page.goto(`${serve.url}/?target=qa`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('#missing-target h2', WAIT);
      expect(await texts(page, '#missing-target li')).toEqual([
        'staging acme/mesh-config main:staging.yaml',
        'production acme/mesh-config main:production.yaml',
      ]);
      expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
