// Debian's Chromium driven by playwright-core (Playwright's own browser download needs the
// internet). The flags keep it off the network it cannot reach anyway.
import * as fs from 'node:fs';
import { chromium as playwrightChromium, type Browser, type Page } from 'playwright-core';
import { chromium } from './paths';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A headless Chromium with a fresh profile (Playwright makes one per launch). */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromium)) {
    throw new Error(`${chromium} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return playwrightChromium.launch({ executablePath: chromium, headless: true, args: QUIET_FLAGS });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A page in a fresh context whose console goes to `logFile`. Requests to anything but loopback
 * are refused, so the workbench behaves the same on a machine with internet (it tries the
 * marketplace and telemetry hosts).
 */
export async function newPage(browser: Browser, logFile: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route((url) => url.protocol.startsWith('http') && !LOOPBACK_HOSTS.has(url.hostname), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  const log = fs.createWriteStream(logFile);
  page.on('console', (message) => log.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => log.write(`[pageerror] ${error.stack ?? error.message}\n`));
  page.on('close', () => log.end());
  return page;
}
