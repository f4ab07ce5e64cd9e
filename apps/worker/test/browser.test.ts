import { mkdir } from 'fs/promises';
import { join } from 'path';
import { launchChromium } from '@app/testing';
import { Browser, Page } from 'playwright-core';
import { findRepoRoot } from '../src/web/asset-dirs';
import { pngImage } from './support/http';
import { WorkerHarness, startWorkerHarness } from './support/worker-harness';

const SCREENSHOTS = join(findRepoRoot(__dirname), 'test-output', 'worker');

/** LoadedImage is the part of an <img> element the test reads (tsconfig has no DOM types). */
type LoadedImage = { complete: boolean; naturalWidth: number; naturalHeight: number };

/** loadedImageSize waits until the <img> at `selector` has loaded and answers its natural size. */
async function loadedImageSize(page: Page, selector: string) {
  await page.waitForFunction((sel) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
      .document;
    const img = doc.querySelector(sel) as LoadedImage | null;
    return !!img && img.complete && img.naturalWidth > 0;
  }, selector);
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const img = element as unknown as LoadedImage;
      return { width: img.naturalWidth, height: img.naturalHeight };
    });
}

describe('worker in a real browser (Chromium)', () => {
  let h: WorkerHarness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startWorkerHarness();
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('should register, upload a picture through the form and show it in the gallery', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
      });

      await page.goto(`${h.worker.url}/register`);
      await page.fill('#username', 'browser_user');
      await page.fill('#password', 'a long browser password');
      await Promise.all([page.waitForURL('**/upload'), page.click('main button[type=submit]')]);
      expect(await page.textContent('.notice.ok')).toContain('Welcome, browser_user!');

      await page.setInputFiles('#file', {
        name: 'sunset.png',
        mimeType: 'image/png',
        buffer: await pngImage(640, 480),
      });
      await Promise.all([
        page.waitForURL(/\/pictures\/[0-9a-f]{32}$/),
        page.click('main button[type=submit]'),
      ]);
      expect(await page.textContent('.notice.ok')).toContain('Picture uploaded.');
      expect(await loadedImageSize(page, '#picture')).toEqual({ width: 640, height: 480 });
      await page.screenshot({ path: join(SCREENSHOTS, 'picture.png') });

      await page.click('a[href="/pictures"]');
      await page.waitForURL('**/pictures');
      const thumbnails = page.locator('.grid img');
      expect(await thumbnails.count()).toBe(1);
      expect(await loadedImageSize(page, '.grid img')).toEqual({ width: 200, height: 150 });
      await page.screenshot({ path: join(SCREENSHOTS, 'gallery.png'), fullPage: true });
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
