// Shared by the end-to-end test files: launching headless Chromium with a fresh persistent
// profile, opening the app and waiting for the engine, and failing a test on any console
// error or page error. Not a test file itself (node --test runs only *.test.cjs here).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(ROOT, 'tools', 'node', 'node_modules', 'playwright-core'));

const BASE_URL = process.env.DYNOSCOPE_URL || 'http://127.0.0.1:8765';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with a fresh profile. Returns {context, page, problems, close}; every
 * console error and page error is collected in `problems`.
 */
async function launch({ viewport = { width: 1280, height: 900 } } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, page, problems, close };
}

/** Fails the current test if the page logged an error or threw since the last check. */
function assertNoPageProblems(problems) {
  const seen = problems.splice(0);
  assert.deepEqual(seen, [], `the page reported errors:\n${seen.join('\n')}`);
}

/**
 * Loads (or reloads) the app at `route` (a path, by default the Tables view) and waits until
 * the engine is restored from IndexedDB.
 */
async function open(page, route = '/tables') {
  await page.goto(BASE_URL + route);
  // The wasm module starts after the load event; window.dynoscope appears when it runs.
  await page.waitForFunction(() => window.dynoscope !== undefined);
  await page.evaluate(() => window.dynoscope.ready);
  await page.getByRole('heading', { name: 'Dynoscope' }).waitFor();
}

/** Runs `fn(page, browser)` in a browser of its own, failing if the page reported errors. */
async function withBrowser(fn) {
  const browser = await launch();
  try {
    await fn(browser.page, browser);
    assertNoPageProblems(browser.problems);
  } finally {
    await browser.close();
  }
}

module.exports = { ROOT, BASE_URL, launch, open, assertNoPageProblems, withBrowser };
