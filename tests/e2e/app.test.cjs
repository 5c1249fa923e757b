// End-to-end tests of the built app in headless Chromium, driven by playwright-core from
// tools/node. Run by scripts/test-e2e.sh, which builds dist/, serves it and sets
// DYNOSCOPE_URL. One persistent browser profile for the whole file (helpers.cjs), so
// IndexedDB data written by one step is there after a reload. Any console error or page error
// fails the test it happened in. A screenshot goes to target/e2e/app.png.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SCREENSHOT = path.join(helpers.ROOT, 'target', 'e2e', 'app.png');

let browser;
let page;

/** Fails the current test if the page logged an error or threw since the last check. */
function assertNoPageProblems() {
  helpers.assertNoPageProblems(browser.problems);
}

/** Loads (or reloads) the app and waits until the engine is restored from IndexedDB. */
async function open() {
  await helpers.open(page);
}

before(async () => {
  browser = await helpers.launch();
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});

test('create a table and put items through the page; they survive a reload', { timeout: 90000 }, async () => {
  await open();
  await page.getByTestId('no-tables').waitFor();

  // Create table Music (Artist: S, Song: S); Enter in the last field submits the form.
  await page.getByTestId('create-table-name').fill('Music');
  await page.getByTestId('create-pk-name').fill('Artist');
  await page.getByTestId('create-pk-type').selectOption('S');
  await page.getByTestId('create-sk-name').fill('Song');
  await page.getByTestId('create-sk-name').press('Enter');
  await page.getByTestId('create-table-status').waitFor();
  assert.equal(await page.getByTestId('selected-table').textContent(), 'Music');
  await page.locator('[data-testid="table-link"][data-table="Music"]').waitFor();
  await page.getByTestId('grid-empty').waitFor();

  // Put an item with the Put button, another with Ctrl+Enter.
  const editor = page.getByTestId('item-json');
  await editor.fill(JSON.stringify({
    Artist: { S: 'Nina Simone' },
    Song: { S: 'Sinnerman' },
    Year: { N: '1965' },
    Live: { BOOL: false },
  }));
  await page.getByTestId('put-item').click();
  await page.getByTestId('put-item-status').waitFor();
  await page.getByTestId('item-row').first().waitFor();

  await editor.fill(JSON.stringify({
    Artist: { S: 'Miles Davis' },
    Song: { S: 'So What' },
    Year: { N: '1959' },
    Tags: { SS: ['jazz', 'modal'] },
    Personnel: { L: [{ S: 'Coltrane' }, { S: 'Evans' }] },
  }));
  await editor.press('Control+Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-row"]').length === 2);
  const grid = page.getByTestId('item-grid');
  assert.match(await grid.textContent(), /Sinnerman/);
  assert.match(await grid.textContent(), /1965/);

  // A put the engine rejects shows DynamoDB's error name and message.
  await editor.fill(JSON.stringify({ Artist: { S: 'No song' } }));
  await page.getByTestId('put-item').click();
  const error = page.getByTestId('put-item-error');
  await error.waitFor();
  assert.match(await error.textContent(), /ValidationException/);
  assert.equal(await page.getByTestId('item-row').count(), 2);

  // Reload: the table and both items come back from IndexedDB.
  await open();
  await page.locator('[data-testid="table-link"][data-table="Music"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-row"]').length === 2);
  const reloaded = await page.getByTestId('item-grid').textContent();
  assert.match(reloaded, /Sinnerman/);
  assert.match(reloaded, /So What/);

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assertNoPageProblems();
});

test('window.dynoscope.send answers like DynamoDB', { timeout: 60000 }, async () => {
  await open();
  const operations = await page.evaluate(() => window.dynoscope.operations);
  assert.ok(operations.includes('GetItem'), `operations: ${operations}`);

  const got = await page.evaluate(() => window.dynoscope.send('GetItem', {
    TableName: 'Music',
    Key: { Artist: { S: 'Nina Simone' }, Song: { S: 'Sinnerman' } },
  }));
  assert.deepEqual(got.Item.Year, { N: '1965' });
  assert.deepEqual(got.Item.Artist, { S: 'Nina Simone' });

  const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
  assert.deepEqual(tables.TableNames, ['Music']);

  const rejected = await page.evaluate(() => window.dynoscope
    .send('GetItem', { TableName: 'Missing', Key: { id: { S: 'x' } } })
    .then((response) => ({ response }), (error) => ({ error })));
  assert.equal(rejected.response, undefined);
  assert.match(rejected.error.__type, /ResourceNotFoundException$/);
  assert.equal(typeof rejected.error.message, 'string');

  const unknown = await page.evaluate(() => window.dynoscope
    .send('Frobnicate', {})
    .then((response) => ({ response }), (error) => ({ error })));
  assert.match(unknown.error.__type, /UnknownOperationException$/);

  // An operation the first load's engine leaves out is served by the full engine, loaded
  // for it: CreateBackup answers as DynamoDB does.
  const backup = await page.evaluate(() => window.dynoscope
    .send('CreateBackup', { TableName: 'Missing', BackupName: 'snap' })
    .then((response) => ({ response }), (error) => ({ error })));
  assert.match(backup.error.__type, /TableNotFoundException$/);

  // The API console offers the engine's operations and sends through the same door.
  await page.getByText('API console').click();
  await page.getByTestId('console-operation').selectOption('DescribeTable');
  await page.getByTestId('console-request').fill(JSON.stringify({ TableName: 'Music' }));
  await page.getByTestId('console-request').press('Control+Enter');
  assert.match(await page.getByTestId('console-response').textContent(), /"TableName": "Music"/);

  // A write through the API is durable too, and the page shows it after a reload.
  await page.evaluate(() => window.dynoscope.send('PutItem', {
    TableName: 'Music',
    Item: { Artist: { S: 'Aretha Franklin' }, Song: { S: 'Respect' }, Year: { N: '1967' } },
  }));
  await open();
  await page.locator('[data-testid="table-link"][data-table="Music"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-row"]').length === 3);

  // A write through the API shows in the open grid at once, without a reload.
  await page.evaluate(() => window.dynoscope.send('DeleteItem', {
    TableName: 'Music',
    Key: { Artist: { S: 'Aretha Franklin' }, Song: { S: 'Respect' } },
  }));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="item-row"]').length === 2, null, { timeout: 1500 });
  assertNoPageProblems();
});
