/// <reference lib="dom" />
import { FLEET_SNAPSHOT } from '@app/contracts';
import { launchChromium, waitFor } from '@app/testing';
import { Browser, Page } from 'playwright-core';
import { Stack, startStack, TEST_PASSWORD } from './support/stack';

describe('worker list in Chromium when the fleet goes silent (issue #15)', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let snapshots: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    stack = await startStack({ LIVE_STALE_S: '2' });
    stack.fleet.seed(2);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });

  afterAll(async () => {
    clearInterval(snapshots);
    stack?.fleet.answer();
    await browser?.close();
    await stack?.close();
  });

  it('should keep the rows and turn the badge to "stale since" once fresh data stops', async () => {
    // Like the real fleet's reconcile passes: a snapshot every 500 ms while it is alive.
    const snapshot = () =>
      stack.bus.emit(FLEET_SNAPSHOT, {
        desired: stack.fleet.desired,
        workers: stack.fleet.workers,
        at: new Date().toISOString(),
      });
    snapshots = setInterval(() => void snapshot().catch(() => undefined), 500);

    await page.goto(`${stack.url}/workers`);
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${stack.url}/workers`);
    await page.waitForSelector('#live-status.live');
    const rows = page.locator('#workers tbody tr[data-id]');
    await expect(rows.count()).resolves.toBe(2);
    // Fresh snapshots keep it live past the threshold.
    await page.waitForTimeout(3000);
    await expect(page.locator('#live-status').getAttribute('class')).resolves.toBe('badge live');

    clearInterval(snapshots);
    stack.fleet.mute();
    await page.waitForSelector('#live-status.stale', { timeout: 20000 });
    await expect(page.locator('#live-status').textContent()).resolves.toMatch(
      /^stale since \d\d:\d\d:\d\d UTC$/,
    );
    await expect(rows.count()).resolves.toBe(2);

    // Fresh data again: live again.
    stack.fleet.answer();
    snapshots = setInterval(() => void snapshot().catch(() => undefined), 500);
    await waitFor(
      async () =>
        (await page.locator('#live-status').getAttribute('class')) === 'badge live' || undefined,
      { what: 'the badge live again', timeoutMs: 20000 },
    );
  });
});
