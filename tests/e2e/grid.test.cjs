// The virtualised item grid in Chromium: a table of 100,000 items is read page by page as
// it is scrolled, with only the rows in view in the document, down to the last item; items
// selected are deleted together, after asking.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

const MODEL = {
  format: 'dynoscope-model',
  version: 1,
  name: 'A hundred thousand',
  tables: [{
    definition: {
      TableName: 'hundred_thousand',
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    entities: [{
      name: 'Event',
      keys: [{ attribute: 'PK', template: 'DEVICE#{deviceId}' }, { attribute: 'SK', template: 'EVENT#{eventId}' }],
      attributes: [{ name: 'deviceId', type: 'S' }, { name: 'eventId', type: 'S' }, { name: 'reading', type: 'N' }],
      count: 100000,
    }],
  }],
};

const rowsInDocument = (page) => page.locator('[data-testid="item-row"]').count();

test('a table of 100,000 items scrolls to its last item with few rows in the document', { timeout: 240000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    const summary = await page.evaluate((m) => window.dynoscope.importModel(JSON.stringify(m)), MODEL);
    assert.equal(summary.items, 100000);
    await helpers.open(page, '/tables/hundred_thousand');
    await page.getByTestId('grid-count').getByText(/items read so far/).waitFor();
    assert.ok((await rowsInDocument(page)) < 100, 'only the rows in view are drawn');

    // Scroll to the end until every page is read.
    await page.waitForFunction(() => {
      const view = document.querySelector('.grid-viewport');
      view.scrollTop = view.scrollHeight;
      view.dispatchEvent(new Event('scroll'));
      return document.querySelector('[data-testid="grid-count"]').textContent === '100,000 items.';
    }, null, { timeout: 120000, polling: 100 });
    const last = await page.locator('[data-testid="item-row"]').last().getAttribute('data-row');
    assert.equal(last, '99999');
    assert.ok((await rowsInDocument(page)) < 100);
    const scanned = await send(page, 'Scan', { TableName: 'hundred_thousand', Select: 'COUNT', ConsistentRead: true });
    assert.ok(scanned.Count > 0);
  });
});

test('items selected are deleted together after asking', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await send(page, 'CreateTable', {
      TableName: 'few',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await send(page, 'PutItem', { TableName: 'few', Item: { pk: { S: id } } });
    }
    await helpers.open(page, '/tables/few');
    await page.getByTestId('grid-count').getByText('5 items.').waitFor();
    await page.locator('[data-testid="item-row"]').filter({ hasText: 'a' }).first().locator('[data-select]').check();
    await page.locator('[data-testid="item-row"]').nth(1).locator('[data-select]').check();
    assert.equal(await page.getByTestId('delete-selected').textContent(), 'Delete 2 selected');
    page.once('dialog', (dialog) => {
      assert.equal(dialog.message(), 'Delete 2 items from few?');
      dialog.accept();
    });
    await page.getByTestId('delete-selected').click();
    await page.getByTestId('grid-count').getByText('3 items.').waitFor();
    const left = await send(page, 'Scan', { TableName: 'few', ConsistentRead: true });
    assert.equal(left.Count, 3);
    assert.equal(await page.getByTestId('delete-selected').isHidden(), true);
  });
});
