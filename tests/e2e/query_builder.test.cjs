// The Query and Scan builder in Chromium: a key condition and a filter read into a request,
// run on the engine, with Count, ScannedCount and the arithmetic of the read units; pages
// followed by LastEvaluatedKey both ways; a global index offers no consistent read; a
// parallel scan segment; DynamoDB's error shown inline; the view kept across a reload.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

/** Twelve orders of customer c1 (sk 1..12), status OPEN for even ones, CLOSED otherwise. */
async function seed(page) {
  await send(page, 'CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'status', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [{
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let n = 1; n <= 12; n++) {
    await send(page, 'PutItem', {
      TableName: 'orders',
      Item: {
        pk: { S: 'c1' },
        sk: { N: String(n) },
        status: { S: n % 2 ? 'CLOSED' : 'OPEN' },
        total: { N: String(n * 10) },
      },
    });
  }
}

async function openBuilder(page) {
  await helpers.open(page, '/tables/orders/query');
  await page.getByTestId('qb-run').waitFor();
}

test('a query with a sort key condition and a filter shows its counts and their cost', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await openBuilder(page);

    await page.getByTestId('qb-pk').fill('c1');
    await page.getByTestId('qb-sk-op').selectOption('>');
    await page.getByTestId('qb-sk').fill('4');
    await page.getByTestId('qb-add-filter').click();
    await page.locator('input[name="filter-0-attribute"]').fill('total');
    await page.locator('select[name="filter-0-op"]').selectOption('>=');
    await page.locator('select[name="filter-0-type"]').selectOption('N');
    await page.locator('input[name="filter-0-value"]').fill('100');
    await page.getByTestId('qb-request').getByText('"FilterExpression": "#n2 >= :v2"').waitFor();

    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-count').getByText('Count 3').waitFor();
    assert.equal(await page.getByTestId('qb-scanned').textContent(), 'ScannedCount 8');
    const arithmetic = await page.getByTestId('qb-arithmetic').textContent();
    assert.match(arithmetic, /Query read 8 entries, \d+ bytes in all/);
    assert.match(arithmetic, /1 × 4 KB .* eventually consistent: half price → 0\.5 RCU/);
    assert.match(arithmetic, /The filter kept 3 of the 8 read/);
    assert.equal(await page.getByTestId('qb-capacity').textContent(), 'ConsumedCapacity: 0.5 RCU (table 0.5)');
    const totals = await page.getByTestId('qb-items').locator('tbody tr td:last-child').allTextContents();
    assert.deepEqual(totals, ['100', '110', '120']);
  });
});

test('next and previous page follow LastEvaluatedKey', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await openBuilder(page);

    await page.getByTestId('qb-pk').fill('c1');
    await page.getByTestId('qb-limit').fill('5');
    await page.getByTestId('qb-descending').check();
    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-count').getByText('Count 5').waitFor();
    const firstColumn = () => page.getByTestId('qb-items').locator('tbody tr td:nth-child(3)').allTextContents();
    assert.deepEqual(await firstColumn(), ['12', '11', '10', '9', '8']);
    assert.equal(await page.getByTestId('qb-last-key').textContent(), '{"pk":{"S":"c1"},"sk":{"N":"8"}}');
    assert.equal(await page.getByTestId('qb-previous').isDisabled(), true);

    await page.getByTestId('qb-next').click();
    await page.getByText('page 2').waitFor();
    assert.deepEqual(await firstColumn(), ['7', '6', '5', '4', '3']);
    await page.getByTestId('qb-next').click();
    await page.getByText('page 3').waitFor();
    assert.deepEqual(await firstColumn(), ['2', '1']);
    assert.equal(await page.getByTestId('qb-next').isDisabled(), true);
    await page.getByTestId('qb-previous').click();
    await page.getByText('page 2').waitFor();
    assert.deepEqual(await firstColumn(), ['7', '6', '5', '4', '3']);
  });
});

test('a global index takes no consistent read and a scan segment errors inline', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await openBuilder(page);

    await page.getByTestId('qb-index').selectOption('byStatus');
    await page.getByTestId('qb-consistent').waitFor();
    assert.equal(await page.getByTestId('qb-consistent').isDisabled(), true);
    await page.getByTestId('qb-pk').fill('OPEN');
    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-count').getByText('Count 6').waitFor();

    await page.getByTestId('qb-operation').selectOption('Scan');
    await page.getByTestId('qb-index').selectOption('');
    await page.getByTestId('qb-segment').fill('5');
    await page.getByTestId('qb-total-segments').fill('2');
    await page.getByTestId('qb-run').click();
    const error = await page.getByTestId('qb-error').textContent();
    assert.match(error, /^ValidationException: /);

    await page.getByTestId('qb-segment').fill('1');
    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-count').waitFor();
    const counted = Number((await page.getByTestId('qb-count').textContent()).replace('Count ', ''));
    const whole = await send(page, 'Scan', { TableName: 'orders', Segment: 1, TotalSegments: 2 });
    assert.equal(counted, whole.Count);

    await page.reload();
    await page.getByTestId('qb-run').waitFor();
    assert.equal(new URL(page.url()).pathname, '/tables/orders/query');
  });
});
