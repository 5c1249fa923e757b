// Two tabs of one browser profile (one IndexedDB, one set of Web Locks): only one serves the
// database, the other says so and refuses requests until "Use it here" moves it, after the
// owner has committed everything it acknowledged. Also the storage trouble a tab can meet: a
// damaged store, no IndexedDB, the quota used up. Pins the report of issue 10: a table deleted
// in one tab and written in the other, recreated with another key schema, must never leave a
// database that cannot be opened, and two tabs' counters and conditional puts never both win.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

/** Opens a second tab of the same profile, collecting its errors into `problems`. */
async function secondTab(browser, route = '/tables') {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') browser.problems.push(`second tab console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => browser.problems.push(`second tab page error: ${err.message}`));
  await page.goto(helpers.BASE_URL + route);
  await page.waitForFunction(() => window.dynoscope !== undefined);
  return page;
}

/** Sends one request from `page`; resolves to {ok, value} or {ok: false, error}. */
function send(page, operation, request) {
  return page.evaluate(
    ([operation, request]) =>
      window.dynoscope.send(operation, request).then(
        (value) => ({ ok: true, value }),
        (error) => ({ ok: false, error }),
      ),
    [operation, request],
  );
}

/** Moves the database to `page` with its "Use it here" button and waits until it serves. */
async function useHere(page) {
  await page.getByTestId('use-here').click();
  await page.getByRole('heading', { name: 'Dynoscope', exact: true }).waitFor();
  await page.evaluate(() => window.dynoscope.ready);
}

function table(name, key) {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

test('a second tab says another tab serves the database and refuses requests', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (a, browser) => {
    await helpers.open(a);
    const b = await secondTab(browser);
    await b.getByRole('alertdialog').getByText('Dynoscope is open in another tab').waitFor();
    const refused = await send(b, 'ListTables', {});
    assert.equal(refused.ok, false);
    assert.match(refused.error.message, /Another tab of this browser serves this database/);
    assert.equal((await send(a, 'ListTables', {})).ok, true, 'the first tab still serves');
    await b.close();
  });
});

test('the reported two-tab corruption cannot happen: delete, stale write, recreate, reload', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (a, browser) => {
    await helpers.open(a);
    assert.equal((await send(a, 'CreateTable', table('two', 'id'))).ok, true);
    assert.equal((await send(a, 'PutItem', { TableName: 'two', Item: { id: { S: '1' } } })).ok, true);
    const b = await secondTab(browser);
    await b.getByTestId('use-here').waitFor();

    assert.equal((await send(a, 'DeleteTable', { TableName: 'two' })).ok, true);
    const stale = await send(b, 'PutItem', { TableName: 'two', Item: { id: { S: 'from-b' } } });
    assert.equal(stale.ok, false, 'the tab that does not serve the database acknowledged a write');

    await useHere(b);
    await a.getByRole('alertdialog').getByText('Dynoscope is open in another tab').waitFor();
    assert.equal((await send(a, 'ListTables', {})).ok, false, 'the tab that stepped down still serves');
    const described = await send(b, 'DescribeTable', { TableName: 'two' });
    assert.equal(described.ok, false, 'the second tab does not see the first tab\'s delete');
    assert.equal(described.error.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
    assert.equal((await send(b, 'CreateTable', table('two', 'pk'))).ok, true);
    assert.equal((await send(b, 'PutItem', { TableName: 'two', Item: { pk: { S: 'k' } } })).ok, true);

    // Both tabs reload: the one that asks first serves; neither finds a damaged database.
    await a.reload();
    await a.getByRole('alertdialog').waitFor();
    await b.reload();
    await b.waitForFunction(() => window.dynoscope !== undefined);
    await b.evaluate(() => window.dynoscope.ready);
    const scan = await send(b, 'Scan', { TableName: 'two', ConsistentRead: true });
    assert.equal(scan.ok, true, JSON.stringify(scan.error));
    assert.deepEqual(scan.value.Items, [{ pk: { S: 'k' } }]);
    await useHere(a);
    const again = await send(a, 'Scan', { TableName: 'two', ConsistentRead: true });
    assert.deepEqual(again.value.Items, [{ pk: { S: 'k' } }]);
    await b.close();
  });
});

test('counters and conditional puts from two tabs: only acknowledged writes count, once each', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (a, browser) => {
    await helpers.open(a);
    assert.equal((await send(a, 'CreateTable', table('race', 'id'))).ok, true);
    const b = await secondTab(browser);
    await b.getByTestId('use-here').waitFor();

    const add = { TableName: 'race', Key: { id: { S: 'c' } }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': { N: '1' } } };
    const adds = await Promise.all([
      ...Array.from({ length: 10 }, () => send(a, 'UpdateItem', add)),
      ...Array.from({ length: 10 }, () => send(b, 'UpdateItem', add)),
    ]);
    const once = { TableName: 'race', Item: { id: { S: 'once' } }, ConditionExpression: 'attribute_not_exists(id)' };
    const puts = await Promise.all([send(a, 'PutItem', once), send(b, 'PutItem', once)]);

    // Move the database to b: everything a acknowledged must be there.
    await useHere(b);
    const counter = await send(b, 'GetItem', { TableName: 'race', Key: { id: { S: 'c' } }, ConsistentRead: true });
    assert.equal(counter.value.Item.c.N, String(adds.filter((r) => r.ok).length));
    assert.equal(puts.filter((r) => r.ok).length, 1, 'both tabs won the same attribute_not_exists put');
    await b.close();
  });
});

test('handing over commits every write the owner acknowledged, even those still in flight', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (a, browser) => {
    await helpers.open(a);
    assert.equal((await send(a, 'CreateTable', table('burst', 'id'))).ok, true);
    const b = await secondTab(browser);
    await b.getByTestId('use-here').waitFor();
    // a starts 300 puts without waiting; b asks for the database while they are being served.
    await a.evaluate(() => {
      window.burst = Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          window.dynoscope
            .send('PutItem', { TableName: 'burst', Item: { id: { S: `k${i}` } } })
            .then(() => `k${i}`, () => null),
        ),
      );
    });
    await useHere(b);
    const acknowledged = (await a.evaluate(() => window.burst)).filter(Boolean).sort();
    const scan = await send(b, 'Scan', { TableName: 'burst', ConsistentRead: true });
    const stored = scan.value.Items.map((item) => item.id.S).sort();
    for (const key of acknowledged) assert.ok(stored.includes(key), `acknowledged ${key} is missing`);
    await b.close();
  });
});

test('a store left damaged by two tabs still opens, without the records it cannot read', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    assert.equal((await send(page, 'CreateTable', table('two', 'pk'))).ok, true);
    assert.equal((await send(page, 'PutItem', { TableName: 'two', Item: { pk: { S: 'good' } } })).ok, true);
    // What the report's second tab wrote: an item of the old definition, keyed `id`.
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('dynoscope');
          open.onsuccess = () => {
            const tx = open.result.transaction('items', 'readwrite');
            tx.objectStore('items').put('{"id":{"S":"stale"}}', ['two', '{"id":{"S":"stale"}}']);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await helpers.open(page);
    const scan = await send(page, 'Scan', { TableName: 'two', ConsistentRead: true });
    assert.equal(scan.ok, true, JSON.stringify(scan.error));
    assert.deepEqual(scan.value.Items, [{ pk: { S: 'good' } }]);

    // The page names the record it left out and offers to remove it for good.
    const notice = page.getByTestId('storage-unreadable');
    await notice.getByText('1 stored record could not be read and was left out').waitFor();
    await notice.getByText('an item of table "two": One or more parameter values were invalid: Missing the key pk in the item').waitFor();
    await page.getByTestId('storage-keep-readable').click();
    await notice.waitFor({ state: 'detached' });
    await helpers.open(page);
    assert.equal(await page.getByTestId('storage-unreadable').count(), 0, 'the record is still stored');
    const again = await send(page, 'Scan', { TableName: 'two', ConsistentRead: true });
    assert.deepEqual(again.value.Items, [{ pk: { S: 'good' } }]);
  });
});

test('without IndexedDB the app works in memory and says so', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    // As in a private window that refuses storage: opening any database fails.
    await page.addInitScript(() => {
      IDBFactory.prototype.open = function open() {
        throw new DOMException('IndexedDB is disabled in this test', 'InvalidStateError');
      };
    });
    await helpers.open(page);
    await page.getByTestId('storage-memory').getByText('Not saved:').waitFor();
    assert.equal((await send(page, 'CreateTable', table('mem', 'id'))).ok, true);
    assert.equal((await send(page, 'PutItem', { TableName: 'mem', Item: { id: { S: 'a' } } })).ok, true);
    const got = await send(page, 'GetItem', { TableName: 'mem', Key: { id: { S: 'a' } }, ConsistentRead: true });
    assert.deepEqual(got.value.Item, { id: { S: 'a' } });
    // The current model is kept in memory too.
    const model = {
      format: 'dynoscope-model',
      version: 1,
      name: 'In memory',
      tables: [{ definition: table('modelled', 'id'), entities: [] }],
    };
    await page.evaluate((m) => window.dynoscope.importModel(JSON.stringify(m)), model);
    const exported = JSON.parse(await page.evaluate(() => window.dynoscope.exportModel('dynoscope')));
    assert.equal(exported.name, 'In memory');
  });
});

test('when the quota runs out the app keeps working in memory and says so', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await page.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function quota(...args) {
        if (window.quotaUsedUp) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await helpers.open(page);
    assert.equal((await send(page, 'CreateTable', table('full', 'id'))).ok, true);
    await page.evaluate(() => { window.quotaUsedUp = true; });
    const put = await send(page, 'PutItem', { TableName: 'full', Item: { id: { S: 'a' } } });
    assert.equal(put.ok, true, JSON.stringify(put.error));
    await page.getByTestId('storage-memory').getByText('quota').waitFor();
    const got = await send(page, 'GetItem', { TableName: 'full', Key: { id: { S: 'a' } }, ConsistentRead: true });
    assert.deepEqual(got.value.Item, { id: { S: 'a' } });
  });
});
