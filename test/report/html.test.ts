/**
 * report.html in a real headless Chromium: it must work from file:// with no network, draw every chart, list every
 * run, sort on header clicks, show tooltips, and show hostile text as text; and at phone (360 px), laptop (800 px)
 * and desktop (1920 px) widths: no console errors, nothing wider than the window, every chart drawn, every run's
 * section present.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { reportHtml } from '../../src/report/html.ts';
import { sampleDetails, sampleResults } from './fixture.ts';

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

// The project compiles without the DOM library; these are the DOM globals the page-side callbacks use.
interface El {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { right: number; width: number };
  closest(selector: string): El | null;
  tagName: string;
  id: string;
  className: unknown;
}
declare const document: { querySelectorAll(selector: string): Iterable<El> };
declare const window: { innerWidth: number };

const WIDTHS = [360, 800, 1920];
const allRendered = () =>
  [...document.querySelectorAll('.chart')].every((el) => el.getAttribute('data-rendered') === 'true');

const skip = process.env.RNNLAB_SKIP_BROWSER === '1' && !existsSync(CHROMIUM);

before(async () => {
  if (skip) return;
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} not found: install chromium (apt-get install chromium) or set RNNLAB_SKIP_BROWSER=1 to skip`);
  dir = mkdtempSync(join(tmpdir(), 'rnnlab-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(results, sampleDetails(results)));
  fileUrl = pathToFileURL(file).href;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(fileUrl, { waitUntil: 'load' });
  await page.waitForFunction(allRendered, undefined, { timeout: 30_000 });
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
  for (const name of ['loss', 'accuracy', 'best', 'curves']) {
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
    assert.ok(stats.texts.some((t) => t.startsWith('LSTM') || t === 'validation'), `${name}: no legend`);
  }
});

test('every run has its section with curves, confusion matrix, per-class table, split sizes and folder link',
  { skip }, async () => {
    const sections = page.locator('section.run');
    assert.equal(await sections.count(), results.runs.length);
    const gru = page.locator('section.run', { hasText: 'GRU · Adam · lr 0.001' });
    assert.equal(await gru.locator('.chart[data-rendered=true]').count(), 2, 'curves and confusion drawn');
    assert.match((await gru.locator('dl').textContent()) ?? '', /540 train \/ 60 validation \/ 600 test/);
    assert.equal(await gru.locator('a.folder').getAttribute('href'), 'runs/gru-adam-lr0.001/');
    assert.deepEqual(await gru.locator('table.per-class tbody th').allTextContents(), ['neg', 'pos']);
    // the run table's names lead to the sections
    const href = await page.locator('#runs tbody tr.best a').getAttribute('href');
    assert.equal(await page.locator(href!).count(), 1);
  });

test('every chart has its numbers as a table (the text alternative)', { skip }, async () => {
  const charts = await page.locator('.chart').count();
  assert.ok(charts >= 4 + results.runs.length, `${charts} charts`);
  assert.equal(await page.locator('figure details table.data').count(), charts);
  const label = await page.locator('#figure-accuracy').getAttribute('aria-label');
  assert.match(label ?? '', /table below/);
  // the accuracy table lists every run and epoch
  const rows = page.locator('#figure-accuracy table.data tbody tr');
  assert.equal(await rows.count(), results.runs.length);
});

test('settings use the command-line flag names, with the resolved --step-size and --gamma', { skip }, async () => {
  const keys = await page.locator('#settings tbody th').allTextContents();
  assert.ok(keys.includes('--batch-size') && keys.includes('--vocab-size') && keys.includes('--layers'), keys.join());
  assert.ok(keys.includes('--step-size') && keys.includes('--gamma'), keys.join());
  assert.ok(!keys.some((k) => /[A-Z]/.test(k)), `camelCase left: ${keys.join()}`);
});

test('without JavaScript every chart still has its numbers, and every run its section', { skip }, async () => {
  const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 800, height: 900 } });
  try {
    const plain = await context.newPage();
    await plain.goto(fileUrl, { waitUntil: 'load' });
    const figures = await plain.locator('figure').count();
    assert.ok(figures >= 4 + results.runs.length);
    assert.equal(await plain.locator('figure table.data').count(), figures);
    assert.equal(await plain.locator('.chart[data-rendered]').count(), 0, 'no chart drew (scripts are off)');
    assert.equal(await plain.locator('section.run').count(), results.runs.length);
    assert.equal(await plain.locator('#runs tbody tr').count(), results.runs.length);
  } finally {
    await context.close();
  }
});

for (const width of WIDTHS) {
  test(`at ${width} px: no errors, nothing wider than the window, every chart drawn`, { skip }, async () => {
    const narrowPage = await browser!.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    narrowPage.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    narrowPage.on('pageerror', (err) => errors.push(err.message));
    try {
      await narrowPage.goto(fileUrl, { waitUntil: 'load' });
      await narrowPage.waitForFunction(allRendered, undefined, { timeout: 30_000 });
      assert.deepEqual(errors, []);
      // wide tables may scroll inside their own .scroll box; nothing else may stick out of the window
      const tooWide = await narrowPage.evaluate(() => {
        const limit = window.innerWidth + 1;
        return [...document.querySelectorAll('body *')]
          .filter((el) => !el.closest('.scroll') && el.getBoundingClientRect().right > limit)
          .map((el) => `${el.tagName}#${el.id}.${String(el.className)} right=${el.getBoundingClientRect().right}`)
          .slice(0, 5);
      });
      assert.deepEqual(tooWide, []);
      const svgWidths = await narrowPage.evaluate(() =>
        [...document.querySelectorAll('.chart svg')].map((el) => el.getBoundingClientRect().width));
      assert.ok(svgWidths.length >= 4 + results.runs.length && svgWidths.every((w) => w > 100 && w <= width),
        `chart widths ${svgWidths.join(', ')}`);
      assert.equal(await narrowPage.locator('section.run').count(), results.runs.length);
      const layout = await narrowPage.locator('#chart-accuracy').getAttribute('data-layout');
      assert.equal(layout, width < 800 ? 'narrow' : width < 1400 ? 'medium' : 'wide');
    } finally {
      await narrowPage.close();
    }
  });
}

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
