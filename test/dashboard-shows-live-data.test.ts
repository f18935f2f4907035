// The dashboard at GET /, in headless Chromium: live numbers from the
// "stats" topic appear and change, a fraud alert shows its reasons, a stock
// alert shows the SKU with its forecast chart read from the inventory API,
// and the top recommended items are listed. The page is opened with the
// API token as access_token, so it also proves the token reaches /ws and
// the API.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createInstrumentation } from '../host/core/instrumentation.js';
import { createLiveStats, type LiveStatsCollector } from '../host/serve/live-stats.js';
import { ensureChromium, launchChromium, type Browser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const TOKEN = 'dash-token';
let t: TestServer;
let browser: Browser;
let stats: LiveStatsCollector;
let ticker: NodeJS.Timeout;
let rate = 500;

beforeAll(async () => {
  ensureChromium((line) => console.log(line));
  const instrumentation = createInstrumentation();
  t = await startTestServer({ apiToken: TOKEN, instrumentation });
  t.store.putInventory({
    sku: 'SKU-42',
    level: 3,
    forecast: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ date: `2024-05-0${d + 1}`, mean: 3 - d * 0.4, lo: 2 - d * 0.4, hi: 4 - d * 0.3 })),
    runoutDate: '2024-05-08',
    alert: { state: 'stockout-risk', reason: 'runout before the next delivery' },
  });
  // Real live stats from instrumentation events, as `serve` will feed them.
  stats = createLiveStats(instrumentation, { windowSeconds: 1 });
  stats.setTopItems([{ itemId: 'espresso-machine', score: 0.91 }, { itemId: 'milk-jug', score: 0.77 }]);
  ticker = setInterval(() => {
    const now = Date.now();
    instrumentation.emit('events.in', { type: 'purchase', count: rate / 10 });
    instrumentation.emit('scores.written', { eventTimestamps: [now - 3, now - 4, now - 5, now - 40], writtenAt: now });
    t.server.publishStats(stats.snapshot());
  }, 100);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  clearInterval(ticker);
  await browser?.close();
  stats?.close();
  t?.close();
});

test('live numbers, a fraud alert with its reasons, top items and a stock alert with its forecast chart appear', async () => {
  const page = await browser.context.newPage();
  const response = await page.goto(`${t.url}/?access_token=${TOKEN}`);
  // The page runs under a policy that allows only its own inline code and same-origin connections.
  expect(response!.headers()['content-security-policy']).toContain("connect-src 'self'");
  await page.waitForSelector('#status.live');

  // ~500 events/s from the ticker; latency p50 a few ms.
  await page.waitForFunction(() => Number(document.getElementById('eps')!.textContent!.replace(/,/g, '')) >= 300);
  const p50 = Number(await page.textContent('#p50'));
  expect(p50).toBeGreaterThanOrEqual(3);
  expect(p50).toBeLessThan(40);
  expect(Number(await page.textContent('#p99'))).toBeGreaterThanOrEqual(p50);
  await expect.poll(() => page.textContent('#top-items')).toContain('espresso-machine');
  // The numbers are live: a rate change shows up.
  rate = 3000;
  await page.waitForFunction(() => Number(document.getElementById('eps')!.textContent!.replace(/,/g, '')) >= 2000);
  expect(await page.getAttribute('#spark polyline', 'points')).toMatch(/^\d/);

  t.server.publish({
    topic: 'alerts.fraud',
    ts: Date.now(),
    eventId: 'evt-9001',
    userId: 'user-77',
    amount: 2499.99,
    fraudScore: 0.973,
    decision: 'block',
    reasons: [
      { feature: 'device_purchases_1h', contribution: 2.2, text: '6 purchases from this device in the last hour (usually 0)' },
      { feature: 'country_mismatch', contribution: 1.1, text: '<b>billing</b> country differs from IP country' },
    ],
  });
  const row = page.locator('#fraud-alerts tr', { hasText: 'evt-9001' });
  await row.waitFor();
  const text = await row.textContent();
  expect(text).toContain('user-77');
  expect(text).toContain('block');
  expect(text).toContain('6 purchases from this device in the last hour (usually 0)');
  // Alert text is shown as text, not parsed as HTML.
  expect(text).toContain('<b>billing</b> country differs from IP country');

  t.server.publish({ topic: 'alerts.stock', ts: Date.now(), sku: 'SKU-42', level: 3, reason: 'stockout risk: runout before the next delivery', runoutDate: '2024-05-08' });
  const stock = page.locator('#stock-alerts .stock[data-sku="SKU-42"]');
  await stock.waitFor();
  expect(await stock.textContent()).toContain('stockout risk');
  await stock.locator('svg.forecast-chart path.mean').waitFor({ state: 'attached' });
  expect(await stock.locator('svg.forecast-chart path.mean').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){6}$/);
  await page.close();
});
