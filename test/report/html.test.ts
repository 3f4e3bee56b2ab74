/**
 * report.html in a real headless Chromium: it must work from file:// with no network, draw every chart, list every
 * run, sort on header clicks, show tooltips, and show hostile text as text.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compiledCharts } from '../../src/report/charts.ts';
import { reportHtml } from '../../src/report/html.ts';
import { sampleResults } from './fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Text that breaks the page (or fetches from the network) unless it is escaped.
const HOSTILE_TITLE = 'Expérience — <b>RNN</b> × "GRU" </script><img src="https://example.com/x.png"> & Jörg';
const HOSTILE_NOTE = '<script>document.title = "pwned"</script> note with <img src="https://example.com/y.png">';

const results = sampleResults();
results.title = HOSTILE_TITLE;
results.notes = [...(results.notes ?? []), HOSTILE_NOTE];

let browser: Browser | undefined;
let page: Page;
let dir: string;
let fileUrl: string;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const requests: string[] = [];

// The project compiles without the DOM library; this is the one DOM global the page-side callbacks use.
declare const document: { querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }> };

const skip = process.env.RNNLAB_SKIP_BROWSER === '1' && !existsSync(CHROMIUM);

before(async () => {
  if (skip) return;
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} not found: install chromium (apt-get install chromium) or set RNNLAB_SKIP_BROWSER=1 to skip`);
  dir = mkdtempSync(join(tmpdir(), 'rnnlab-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(results, compiledCharts(results)));
  fileUrl = pathToFileURL(file).href;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(fileUrl, { waitUntil: 'load' });
  await page.waitForFunction(
    () => [...document.querySelectorAll('.chart')].every((el) => el.getAttribute('data-rendered') === 'true'),
    undefined, { timeout: 15_000 },
  );
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the page loads offline without errors or network requests', { skip }, () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(requests, [fileUrl]);
});

test('hostile title and notes show as text', { skip }, async () => {
  assert.equal(await page.title(), HOSTILE_TITLE);
  assert.equal(await page.locator('h1').textContent(), HOSTILE_TITLE);
  assert.equal(await page.locator('#notes li').last().textContent(), HOSTILE_NOTE);
  assert.equal(await page.locator('img').count(), 0);
});

test('the table has one row per run and marks the best-by-validation run', { skip }, async () => {
  assert.equal(await page.locator('#runs tbody tr').count(), results.runs.length);
  const best = await page.locator('#runs tbody tr.best td').allTextContents();
  assert.deepEqual(best.slice(0, 3), ['GRU', 'Adam', '0.001']);
});

async function column(index: number): Promise<string[]> {
  return page.locator(`#runs tbody tr td:nth-child(${index + 1})`).allTextContents();
}

test('clicking a header sorts the table, missing values last', { skip }, async () => {
  const header = page.locator('#runs thead th', { hasText: 'Test accuracy' });
  const index = await header.evaluate((th) => (th as unknown as { cellIndex: number }).cellIndex);
  const values = (cells: string[]) => cells.filter((c) => c !== '—').map((c) => parseFloat(c));

  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  let cells = await column(index);
  assert.equal(cells.at(-1), '—', 'the failed run (no test accuracy) sorts last');
  assert.deepEqual(values(cells), [...values(cells)].sort((a, b) => a - b));

  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  cells = await column(index);
  assert.equal(cells.at(-1), '—');
  assert.deepEqual(values(cells), [...values(cells)].sort((a, b) => b - a));
  assert.equal(cells[0], '87.95%');

  const arch = page.locator('#runs thead th', { hasText: 'Architecture' });
  await arch.locator('button').click();
  const archs = await column(0);
  assert.deepEqual(archs, [...archs].sort((a, b) => a.localeCompare(b)));
});

test('every chart drew an SVG with real content', { skip }, async () => {
  for (const name of ['loss', 'accuracy', 'best']) {
    const stats = await page.locator(`#chart-${name}`).evaluate((el) => {
      const svg = el.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        lines: el.querySelectorAll('.mark-line path').length,
        texts: [...el.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      };
    });
    assert.ok(stats.width > 400 && stats.height > 200, `${name}: svg is ${stats.width}×${stats.height}`);
    assert.ok(stats.lines >= 3, `${name}: only ${stats.lines} lines drawn`);
    assert.ok(stats.texts.includes('Epoch'), `${name}: no axis title`);
    assert.ok(stats.texts.includes('LSTM') || stats.texts.some((t) => t.startsWith('LSTM')), `${name}: no legend`);
  }
});

test('hovering a point shows a tooltip with its values', { skip }, async () => {
  const point = page.locator('#chart-accuracy .mark-symbol path').nth(5);
  await point.scrollIntoViewIfNeeded();
  await point.hover({ force: true });
  const tip = page.locator('#tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  const text = (await tip.textContent()) ?? '';
  assert.match(text, /Run: .+ · .+ · lr /);
  assert.match(text, /Test accuracy: \d+\.\d\d%/);
});
