/**
 * Screenshots of a report.html at phone, laptop and desktop widths, for checking the layout by eye:
 *
 *   node --import tsx scripts/report-screenshots.ts runs/report-demo/report.html /tmp/shots
 *
 * writes report-360.png, report-800.png and report-1920.png (full page) into the output folder. Uses Debian's
 * chromium through playwright-core, as test/report/html.test.ts does.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [file, out = '.'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node --import tsx scripts/report-screenshots.ts REPORT.html [OUT_DIR]\n');
  process.exit(2);
}
declare const document: { querySelectorAll(s: string): Iterable<{ getAttribute(n: string): string | null }> };
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const width of [360, 800, 1920]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
    await page.waitForFunction(
      () => [...document.querySelectorAll('.chart')].every((el) => el.getAttribute('data-rendered') === 'true'),
      undefined, { timeout: 60_000 },
    );
    const path = join(out, `report-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`wrote ${path}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
