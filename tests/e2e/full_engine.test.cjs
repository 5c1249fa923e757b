// The full engine in Chromium (src/full.rs, src/engines.rs, crates/full-engine): the first
// load carries the smaller engine only; the first request that needs more (PartiQL, a
// backup, another region, DAX, a principal) loads the full engine, which takes over every
// table and item, and a reload starts the full engine before it reads what only it
// understands. send's third argument addresses a region, goes through DAX or signs as a
// principal.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

/** Sends through window.dynoscope, resolving to {response} or {error}. */
function send(page, operation, request, options) {
  return page.evaluate(
    ([op, req, opts]) => window.dynoscope.send(op, req, opts).then((response) => ({ response }), (error) => ({ error })),
    [operation, request, options],
  );
}

/** Whether the page has fetched the full engine's module. */
function fullLoaded(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('dynoscope-full')));
}

async function seed(page) {
  const created = await send(page, 'CreateTable', {
    TableName: 'Notes',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  assert.equal(created.error, undefined, JSON.stringify(created.error));
  for (const pk of ['alice', 'bob']) {
    await send(page, 'PutItem', { TableName: 'Notes', Item: { pk: { S: pk }, text: { S: `note of ${pk}` } } });
  }
}

test('the full engine is loaded for the first request that needs it, takes over every item and is started again by a reload', { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    assert.equal(await fullLoaded(page), false, 'the first load fetched the full engine');

    const selected = await send(page, 'ExecuteStatement', { Statement: "SELECT * FROM Notes WHERE pk = 'alice'" });
    assert.equal(selected.error, undefined, JSON.stringify(selected.error));
    assert.deepEqual(selected.response.Items, [{ pk: { S: 'alice' }, text: { S: 'note of alice' } }]);
    assert.equal(await fullLoaded(page), true);

    const bob = await send(page, 'GetItem', { TableName: 'Notes', Key: { pk: { S: 'bob' } } });
    assert.deepEqual(bob.response.Item.text, { S: 'note of bob' });
    const backup = await send(page, 'CreateBackup', { TableName: 'Notes', BackupName: 'before' });
    assert.equal(backup.error, undefined, JSON.stringify(backup.error));

    await helpers.open(page);
    assert.equal(await fullLoaded(page), true, 'the reload did not start the full engine');
    const backups = await send(page, 'ListBackups', {});
    assert.deepEqual(backups.response.BackupSummaries.map((b) => b.BackupName), ['before']);
    const scanned = await send(page, 'Scan', { TableName: 'Notes', Select: 'COUNT' });
    assert.equal(scanned.response.Count, 2);
  });
});

test("send's options address another region, go through DAX and sign as a principal", { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);

    const replica = await send(page, 'UpdateTable', { TableName: 'Notes', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] });
    assert.equal(replica.error, undefined, JSON.stringify(replica.error));
    await send(page, 'Dynoscope_AdvanceClock', { Millis: 5000 });
    const there = await send(page, 'GetItem', { TableName: 'Notes', Key: { pk: { S: 'alice' } }, ConsistentRead: true }, { region: 'eu-west-1' });
    assert.equal(there.error, undefined, JSON.stringify(there.error));
    assert.deepEqual(there.response.Item.text, { S: 'note of alice' });

    const get = { TableName: 'Notes', Key: { pk: { S: 'bob' } }, ReturnConsumedCapacity: 'TOTAL' };
    const miss = await send(page, 'GetItem', get, { via: 'dax' });
    const hit = await send(page, 'GetItem', get, { via: 'dax' });
    assert.equal(miss.response.ConsumedCapacity.CapacityUnits, 0.5);
    assert.equal(hit.response.ConsumedCapacity, undefined, 'a DAX hit consumed capacity');

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/Notes' }],
    });
    await send(page, 'Dynoscope_PutPrincipal', { AccessKeyId: 'AKIDREADER', Name: 'reader', Policies: [policy] });
    const read = await send(page, 'GetItem', get, { accessKeyId: 'AKIDREADER' });
    assert.equal(read.error, undefined, JSON.stringify(read.error));
    const write = await send(page, 'PutItem', { TableName: 'Notes', Item: { pk: { S: 'eve' } } }, { accessKeyId: 'AKIDREADER' });
    assert.match(write.error.__type, /AccessDeniedException$/);
    assert.match(write.error.Message, /reader is not authorized to perform: dynamodb:PutItem/);

    const refused = await send(page, 'GetItem', get, { via: 'cache' });
    assert.match(refused.error.__type, /ValidationException$/);
    assert.match(refused.error.message, /send's options must be \{region, via: "dax", accessKeyId\}/);
  });
});

test('a database file holding what only the full engine keeps is imported by the full engine in a fresh tab', { timeout: 120000 }, async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dynoscope-full-')), 'db.jsonl');
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await send(page, 'Dynoscope_PutPrincipal', { AccessKeyId: 'AKIDKEPT', Name: 'kept', Policies: [] });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('database-export').click(),
    ]);
    await download.saveAs(file);
  });
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    assert.equal(await fullLoaded(page), false);
    await page.getByTestId('database-import').setInputFiles(file);
    await page.getByTestId('database-done').getByText('Imported 1 tables and 2 items.').waitFor();
    assert.equal(await fullLoaded(page), true);
    const principals = await send(page, 'Dynoscope_ListPrincipals', {});
    assert.equal(principals.error, undefined, JSON.stringify(principals.error));
    assert.deepEqual(principals.response.Principals.map((p) => p.Name), ['kept']);
  });
});
