// End-to-end tests of the colour theme and the narrow layout: the theme switch in index.html
// (system, light, dark; kept in localStorage and set on <html data-theme> before the first
// paint), the system choice following prefers-color-scheme, and the Tables view at 768 px
// wide with no horizontal scrolling of the page. Screenshots go to target/e2e/theme-*.png.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SHOTS = path.join(helpers.ROOT, 'target', 'e2e');

/** The page's background colour, the theme attribute and the used colour scheme. */
function looks(page) {
  return page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    theme: document.documentElement.dataset.theme,
    scheme: getComputedStyle(document.documentElement).colorScheme,
  }));
}

/** The relative luminance of an `rgb(r, g, b)` colour, 0 (black) to 1 (white). */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test('the theme switch turns the page dark, and the choice survives a reload', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await helpers.open(page, '/tables');
    const toggle = page.getByTestId('theme-toggle');
    assert.equal(await toggle.getAttribute('aria-label'), 'Colour theme');
    assert.equal(await toggle.inputValue(), 'system');
    const light = await looks(page);
    assert.equal(light.theme, 'system');
    assert.ok(luminance(light.background) > 0.5, `a light page, not ${light.background}`);

    // Keyboard reachable: it takes the focus with Tab from the top of the page.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'theme-toggle');

    await toggle.selectOption('dark');
    const dark = await looks(page);
    assert.equal(dark.theme, 'dark');
    assert.equal(dark.scheme, 'dark');
    assert.notEqual(dark.background, light.background);
    assert.ok(luminance(dark.background) < 0.05, `a dark page, not ${dark.background}`);
    assert.equal(await page.evaluate(() => localStorage.getItem('dynoscope-theme')), 'dark');

    // The choice is set before the app starts: no light flash, and the switch says "dark".
    await page.goto(helpers.BASE_URL + '/tables', { waitUntil: 'commit' });
    await page.waitForFunction(() => document.body !== null);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await helpers.open(page, '/tables');
    assert.equal(await toggle.inputValue(), 'dark');
    assert.equal((await looks(page)).background, dark.background);

    // An explicit light choice wins over a dark system setting.
    await toggle.selectOption('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal((await looks(page)).background, light.background);
    assert.equal((await looks(page)).scheme, 'light');
  });
});

test('the system choice follows prefers-color-scheme', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await helpers.open(page, '/tables');
    assert.equal(await page.getByTestId('theme-toggle').inputValue(), 'system');
    const dark = await looks(page);
    assert.equal(dark.scheme, 'dark');
    assert.ok(luminance(dark.background) < 0.05, `a dark page, not ${dark.background}`);

    await page.emulateMedia({ colorScheme: 'light' });
    const light = await looks(page);
    assert.equal(light.scheme, 'light');
    assert.ok(luminance(light.background) > 0.5, `a light page, not ${light.background}`);
  });
});

test('at 768 px the Tables view, with a table of items, does not scroll sideways', { timeout: 90000 }, async () => {
  const browser = await helpers.launch({ viewport: { width: 768, height: 1000 } });
  try {
    const { page } = browser;
    await page.emulateMedia({ colorScheme: 'dark' });
    await helpers.open(page, '/tables');
    await page.evaluate(async () => {
      await window.dynoscope.send('CreateTable', {
        TableName: 'Narrow',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      });
      for (let i = 0; i < 12; i++) {
        await window.dynoscope.send('PutItem', {
          TableName: 'Narrow',
          Item: {
            pk: { S: `customer-${i % 3}` },
            sk: { S: `an order with a rather long sort key value number ${i}` },
            description: { S: 'A long text attribute that makes the grid wider than the screen. '.repeat(2) },
            total: { N: String(100 + i) },
            tags: { SS: ['one', 'two', 'three'] },
          },
        });
      }
    });
    for (const route of ['/tables/Narrow', '/tables/Narrow/query', '/tables/Narrow/cluster']) {
      await helpers.open(page, route);
      await page.getByTestId('selected-table').waitFor();
      if (route === '/tables/Narrow') await page.getByTestId('item-grid').waitFor();
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.scrollingElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert.ok(scrollWidth <= innerWidth, `${route}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`);
    }
    // The theme switch does not sit on top of the header's navigation.
    const toggle = await page.getByTestId('theme-toggle').boundingBox();
    for (const link of await page.locator('.app-nav a').all()) {
      const box = await link.boundingBox();
      const apart = box.x + box.width <= toggle.x || box.y >= toggle.y + toggle.height || box.y + box.height <= toggle.y;
      assert.ok(apart, 'a navigation link under the theme switch');
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    await helpers.open(page, '/tables/Narrow');
    await page.screenshot({ path: path.join(SHOTS, 'theme-dark-768.png'), fullPage: true });
    helpers.assertNoPageProblems(browser.problems);
  } finally {
    await browser.close();
  }
});
