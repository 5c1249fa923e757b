// The whole database as one file, in Chromium: Export downloads every table and item, Reset
// (after asking) empties the database, Import brings the file back whole; a file that is not
// a database is refused with the line it is on and changes nothing.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

async function seed(page) {
  await send(page, 'CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (const id of ['a', 'b', 'c']) {
    await send(page, 'PutItem', { TableName: 'orders', Item: { pk: { S: id }, total: { N: '1.5' } } });
  }
}

async function scan(page) {
  const result = await send(page, 'Scan', { TableName: 'orders', ConsistentRead: true });
  return result.Items.map((item) => item.pk.S).sort();
}

test('export, reset and import bring the whole database back', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('database-export').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'dynoscope-database.jsonl');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-db-')), 'db.jsonl');
    await download.saveAs(file);
    const header = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
    assert.deepEqual(
      [header.format, header.version, header.tables, header.items],
      ['dynoscope-database', 1, 1, 3],
    );

    page.once('dialog', (dialog) => dialog.accept());
    await page.getByTestId('database-reset').click();
    await page.getByTestId('database-done').getByText('The database is empty.').waitFor();
    assert.deepEqual((await send(page, 'ListTables', {})).TableNames, []);

    await page.getByTestId('database-import').setInputFiles(file);
    await page.getByTestId('database-done').getByText('Imported 1 tables and 3 items.').waitFor();
    assert.deepEqual(await scan(page), ['a', 'b', 'c']);
    // And it is stored: a reload opens the imported database.
    await helpers.open(page);
    assert.deepEqual(await scan(page), ['a', 'b', 'c']);
  });
});

test('a reset that is not confirmed changes nothing', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.getByTestId('database-reset').click();
    assert.deepEqual(await scan(page), ['a', 'b', 'c']);
  });
});

test('a file that is not a database is refused by line and changes nothing', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-db-')), 'bad.jsonl');
    fs.writeFileSync(
      file,
      '{"format":"dynoscope-database","version":1,"tables":1,"settings":0,"items":1}\n' +
        '{"table":{"name":"x"}}\n{"table":"x","item":{"pk":{"S":"1"}}\n',
    );
    await page.getByTestId('database-import').setInputFiles(file);
    await page.getByText(/^line 3: the line is not a JSON object/).waitFor();
    assert.deepEqual(await scan(page), ['a', 'b', 'c']);
  });
});
