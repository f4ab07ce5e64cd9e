/// <reference lib="dom" />
import { FLEET_GROW } from '@app/contracts';
import { launchChromium, waitFor } from '@app/testing';
import { mkdir } from 'fs/promises';
import { join } from 'path';
import { Browser, Page } from 'playwright-core';
import { repositoryRoot } from '../src/pages/assets';
import { POLICY_SAVED } from '../src/policy/policy.page.controller';
import { Stack, startStack, TEST_PASSWORD } from './support/stack';

const SCREENSHOTS = join(repositoryRoot(), 'test-output', 'gateway');

describe('gateway in Chromium (real bus, MySQL, janitor, S3; fake fleet/scaler/metrics)', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const nav = async (label: string) => {
    await page.locator('nav').getByRole('link', { name: label, exact: true }).click();
    await page.waitForLoadState('load');
  };
  const rows = () => page.locator('#workers tbody tr[data-id]');

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    stack = await startStack();
    stack.fleet.seed(1);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location().url;
      // The invalid policy form is answered 400 on purpose (the page with the field errors).
      if (where === `${stack.url}/autoscale` && msg.text().includes('400')) return;
      problems.push(`console: ${msg.text()} (${where})`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('should send a visitor to the login page and log in with the password', async () => {
    await page.goto(`${stack.url}/workers`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('login');
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${stack.url}/workers`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Worker List');
  });

  it('should show Home with what each function does', async () => {
    await nav('Home');
    for (const name of ['Worker List', 'ELB DNS', 'Auto Scale', 'Delete', 'Stopping']) {
      await expect(page.locator('.tile h2', { hasText: name }).count()).resolves.toBe(1);
    }
    await shot('home');
  });

  it('should list the workers and add one with "New one"', async () => {
    await nav('Worker List');
    await page.waitForSelector('#live-status.live');
    await expect(rows().count()).resolves.toBe(1);
    await page.click('text=New one');
    await page.waitForURL(`${stack.url}/workers`);
    await waitFor(async () => (await rows().count()) === 2, { what: 'the new worker in the list' });
    const added = stack.fleet.workers[1].id;
    // pending → running arrives over Server-Sent Events, without reloading the page.
    await page.waitForSelector(`#workers tr[data-id="${added}"] .state-running`);
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain(
      'Asked for one more worker',
    );
    expect(stack.fleet.commands.filter((c) => c.pattern === FLEET_GROW.pattern)).toHaveLength(1);
    await shot('worker-list');
  });

  it('should update the list live when the pool changes elsewhere', async () => {
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await stack.bus.command(FLEET_GROW, { count: 1, reason: 'test: grown from outside' });
    await waitFor(async () => (await rows().count()) === 3, {
      what: 'the third worker to appear live',
    });
    await expect(
      page.evaluate(() => (window as unknown as { marker?: string }).marker),
    ).resolves.toBe('same page');
    await page.waitForSelector('#activity li:has-text("test: grown from outside")');
    const pool = await page.evaluate(() => {
      const chart = (
        window as unknown as { Chart: { getChart(c: unknown): unknown } }
      ).Chart.getChart(document.getElementById('pool-chart')) as
        { data: { datasets: { data: unknown[] }[] } } | undefined;
      return chart ? chart.data.datasets[0].data.length : -1;
    });
    expect(pool).toBeGreaterThan(0);
  });

  it('should draw the CPU and request charts on "Detailed"', async () => {
    const id = stack.fleet.workers[0].id;
    await page.click(`#workers tr[data-id="${id}"] >> text=Detailed`);
    await page.waitForURL(`${stack.url}/workers/${id}`);
    const charts = await page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { getChart(c: unknown): unknown } }).Chart;
      return ['cpu-chart', 'requests-chart'].map((canvasId) => {
        const canvas = document.getElementById(canvasId) as HTMLCanvasElement | null;
        const chart = Chart.getChart(canvas) as
          { config: { type: string }; data: { datasets: { data: unknown[] }[] } } | undefined;
        return {
          canvas: canvas?.tagName,
          width: canvas?.width ?? 0,
          type: chart?.config.type,
          points: chart?.data.datasets[0].data.length,
        };
      });
    });
    expect(charts).toEqual([
      { canvas: 'CANVAS', width: expect.any(Number), type: 'line', points: 30 },
      { canvas: 'CANVAS', width: expect.any(Number), type: 'bar', points: 30 },
    ]);
    expect(charts[0].width).toBeGreaterThan(0);
    await shot('worker-detailed');
  });

  it('should show the load balancer address on "ELB DNS"', async () => {
    await nav('ELB DNS');
    await expect(page.locator('#elb-url').getAttribute('href')).resolves.toBe(
      'http://127.0.0.1:8080',
    );
    await shot('elb-dns');
  });

  it('should show a policy error on its field, then save a valid policy', async () => {
    await nav('Auto Scale');
    await shot('auto-scale');
    await page.fill('#growThreshold', '20');
    await page.fill('#shrinkThreshold', '50');
    await page.fill('#growRatio', '2');
    await page.fill('#shrinkRatio', '2');
    await page.click('button:has-text("Update")');
    await page.waitForLoadState('load');
    await expect(
      page.locator('[data-field="shrinkThreshold"] .field-error').textContent(),
    ).resolves.toContain('shrinkThreshold must be below growThreshold');
    await expect(page.locator('[data-field="growThreshold"] .field-error').count()).resolves.toBe(
      0,
    );
    await shot('auto-scale-invalid');
    expect(stack.scaler.view.policy).toBeNull();

    await page.fill('#shrinkThreshold', '10');
    await page.click('button:has-text("Update")');
    await page.waitForSelector(`.flash.ok:has-text("${POLICY_SAVED}")`);
    await expect(page.locator('#current-policy').textContent()).resolves.toContain('above 20 %');
    expect(stack.scaler.view).toMatchObject({
      enabled: true,
      policy: { growThreshold: 20, shrinkThreshold: 10 },
    });
    await shot('auto-scale-saved');
  });

  it('should delete the app data after confirmation and show the counts', async () => {
    await stack.putObjects(7);
    await stack.addUsers(2, 3);
    await nav('Delete');
    await shot('delete');
    await page.check('#confirm');
    await page.click('button#delete');
    await page.waitForSelector('#clear-result:not([hidden])');
    const counts = await page.$$eval('#clear-result [data-count]', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-count'), e.textContent])),
    );
    expect(counts).toMatchObject({ objects: '7', images: '6', users: '2' });
    await shot('delete-done');
  });

  it('should stop everything after confirmation, say what was done, then stop the gateway', async () => {
    await nav('Stopping');
    await shot('stopping');
    await page.check('#confirm');
    await page.click('button#stop');
    await page.waitForSelector('#stopping-done');
    await expect(page.locator('#stopping-progress').textContent()).resolves.toContain(
      'no worker left',
    );
    await shot('stopping-done');
    expect(stack.fleet.workers).toHaveLength(0);
    expect(stack.scaler.view.enabled).toBe(false);
    await waitFor(() => stack.exit.calls.length === 1, { what: 'the gateway to stop' });
  });

  it('should have run without script errors or refused resources', () => {
    expect(problems).toEqual([]);
  });
});
