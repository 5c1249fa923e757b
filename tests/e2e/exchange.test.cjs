// S3 exports and imports in Chromium (src/s3.rs, the worker's src/s3_files.rs): a table
// exported from the Database panel downloads one .zip holding the objects a real export
// writes at their keys (AWSDynamoDB/<id>/_started, data/*.json.gz, the manifests and their
// .md5); window.dynoscope.exportTable gives the same; that zip imported through the panel's
// file input makes a new table with the same items. A file that is not gzip is refused with
// a message naming it, and no table is created.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

const ITEMS = [
  { pk: { S: 'a' }, total: { N: '1.5' }, tags: { SS: ['x', 'y'] } },
  { pk: { S: 'b' }, total: { N: '2' }, blob: { B: 'AAEC' } },
  { pk: { S: 'c' }, nested: { M: { ok: { BOOL: true }, none: { NULL: true } } } },
];

async function seed(page) {
  await send(page, 'CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (const item of ITEMS) await send(page, 'PutItem', { TableName: 'orders', Item: item });
}

/** The items of `table`, sorted by pk, as JSON text for comparison. */
async function items(page, table) {
  const result = await send(page, 'Scan', { TableName: table, ConsistentRead: true });
  return result.Items.sort((x, y) => x.pk.S.localeCompare(y.pk.S)).map((i) => JSON.stringify(canonical(i)));
}

/** A value with its object members sorted, so member order does not matter. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}

/** A zip's entries (name → bytes), read from its central directory. */
function unzip(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'the zip has an end of central directory record');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i += 1) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50);
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    entries.set(name, method === 8 ? zlib.inflateRawSync(data) : data);
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** Checks the zip holds a DynamoDB export of ITEMS under `prefix`; returns its export id. */
function checkExport(zip, prefix) {
  const entries = unzip(zip);
  const names = [...entries.keys()];
  const summaryName = names.find((n) => n.endsWith('/manifest-summary.json'));
  assert.ok(summaryName, `a manifest-summary.json among ${names.join(', ')}`);
  const match = summaryName.match(/^(.*)AWSDynamoDB\/(\d{14}-[0-9a-f]{8})\/manifest-summary\.json$/);
  assert.ok(match, summaryName);
  assert.equal(match[1], prefix);
  const folder = `${prefix}AWSDynamoDB/${match[2]}/`;
  for (const name of ['_started', 'manifest-summary.json', 'manifest-summary.md5', 'manifest-files.json', 'manifest-files.md5']) {
    assert.ok(entries.has(folder + name), `${folder}${name} among ${names.join(', ')}`);
  }
  const data = names.filter((n) => n.startsWith(`${folder}data/`) && n.endsWith('.json.gz'));
  assert.equal(data.length, 1, names.join(', '));
  const lines = zlib.gunzipSync(entries.get(data[0])).toString('utf8').trim().split('\n');
  const exported = lines.map((l) => JSON.stringify(canonical(JSON.parse(l).Item)));
  assert.deepEqual(exported.sort(), ITEMS.map((i) => JSON.stringify(canonical(i))).sort());
  const summary = JSON.parse(entries.get(`${folder}manifest-summary.json`).toString('utf8'));
  assert.equal(summary.itemCount, 3);
  assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
  assert.match(summary.exportArn, new RegExp(`:table/orders/export/${match[2]}$`));
  const files = JSON.parse(entries.get(`${folder}manifest-files.json`).toString('utf8').trim());
  assert.equal(files.dataFileS3Key, data[0]);
  return match[2];
}

async function openS3(page) {
  await page.getByTestId('s3-open').click();
  await page.getByTestId('s3-export-table').waitFor();
}

test('a table exported as S3 files imports back as a new table', { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await openS3(page);
    await page.getByTestId('s3-export-table').selectOption('orders');
    await page.getByTestId('s3-export-prefix').fill('backups/2026');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('s3-export').click(),
    ]);
    assert.match(download.suggestedFilename(), /^orders-export-\d{14}-[0-9a-f]{8}\.zip$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-s3-')), 'export.zip');
    await download.saveAs(file);
    const id = checkExport(fs.readFileSync(file), 'backups/2026/');
    await page.getByTestId('s3-done').getByText(/^Exported 3 items of orders as 6 files/).waitFor();
    assert.match(await page.getByTestId('s3-done').textContent(), new RegExp(`s3://my-bucket/backups/2026/AWSDynamoDB/${id}/`));

    // The same through window.dynoscope.exportTable, with the zip as bytes.
    const api = await page.evaluate(async () => {
      const r = await window.dynoscope.exportTable('orders', { format: 'DYNAMODB_JSON', bucket: 'b' });
      return { ...r, zip: Array.from(r.zip), isBytes: r.zip instanceof Uint8Array };
    });
    assert.equal(api.isBytes, true);
    const apiId = checkExport(Buffer.from(api.zip), '');
    assert.equal(api.exportId, apiId);
    assert.match(api.exportArn, new RegExp(`^arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/orders/export/${apiId}$`));
    assert.equal(api.files.length, 6);
    assert.ok(api.files.every((f) => typeof f.key === 'string' && Number.isInteger(f.size)));

    // The downloaded zip, picked in the import form, becomes a new table with the same items.
    await page.getByTestId('s3-import-files').setInputFiles(file);
    await page.getByTestId('s3-import-format').selectOption('DYNAMODB_JSON');
    await page.getByTestId('s3-import-compression').selectOption('GZIP');
    await page.getByTestId('s3-import-table').fill('orders_copy');
    await page.getByTestId('s3-import-pk').fill('pk');
    await page.getByTestId('s3-import').click();
    await page.getByTestId('s3-done').getByText('Imported 3 items into the new table orders_copy.').waitFor();
    assert.deepEqual(await items(page, 'orders_copy'), await items(page, 'orders'));

    // And through window.dynoscope.importTable, from the API's own zip.
    const imported = await page.evaluate(async (zip) => window.dynoscope.importTable({
      files: [{ name: 'export.zip', bytes: new Uint8Array(zip) }],
      inputFormat: 'DYNAMODB_JSON',
      inputCompressionType: 'GZIP',
      tableCreationParameters: {
        TableName: 'orders_api',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      },
    }), api.zip);
    assert.deepEqual(imported, { tableName: 'orders_api', importedItemCount: 3, processedItemCount: 3, errorCount: 0 });
    assert.deepEqual(await items(page, 'orders_api'), await items(page, 'orders'));
  });
});

test('a file that is not gzip is refused by name and creates no table', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await openS3(page);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-s3-'));
    const file = path.join(dir, 'part-1.json.gz');
    fs.writeFileSync(file, '{"Item":{"pk":{"S":"a"}}}\n');
    await page.getByTestId('s3-import-files').setInputFiles(file);
    await page.getByTestId('s3-import-compression').selectOption('GZIP');
    await page.getByTestId('s3-import-table').fill('never');
    await page.getByTestId('s3-import').click();
    const status = page.getByTestId('s3-done');
    await status.getByText(/no table was created/).waitFor();
    assert.match(await status.textContent(), /part-1\.json\.gz: the object is not valid GZIP/);
    assert.deepEqual((await send(page, 'ListTables', {})).TableNames, []);

    // The API rejects the same way; a line that is not DynamoDB JSON is named by its line.
    const rejected = await page.evaluate(() => window.dynoscope.importTable({
      files: [{ name: 'rows.json', bytes: new TextEncoder().encode('{"Item":{"pk":{"S":"a"}}}\nnot json\n') }],
      inputFormat: 'DYNAMODB_JSON',
      inputCompressionType: 'NONE',
      tableCreationParameters: {
        TableName: 'never',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    }).then(() => null, (e) => ({ name: e.name, message: e.message })));
    assert.equal(rejected.name, 'ItemValidationError');
    assert.match(rejected.message, /rows\.json, line 2: the line is not JSON/);
    assert.deepEqual((await send(page, 'ListTables', {})).TableNames, []);

    // A table of that name already there is DynamoDB's refusal, and the table is kept.
    await send(page, 'CreateTable', {
      TableName: 'taken',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const taken = await page.evaluate(() => window.dynoscope.importTable({
      files: [{ name: 'rows.json', bytes: new TextEncoder().encode('{"Item":{"pk":{"S":"a"}}}\n') }],
      inputCompressionType: 'NONE',
      tableCreationParameters: {
        TableName: 'taken',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    }).then(() => null, (e) => ({ name: e.name, message: e.message })));
    assert.equal(taken.name, 'ResourceInUseException');
    assert.match(taken.message, /taken/);
    assert.deepEqual((await send(page, 'ListTables', {})).TableNames, ['taken']);
  });
});
