// "Edit table" in Chromium: billing switched to provisioned 5/5; a global index added,
// seen CREATING and backfilling with its progress as the virtual clock moves, then ACTIVE
// and answering a Query; deleted after asking; a stream and TTL turned on; a problem that
// stops the form; and DynamoDB's own error shown inline.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

/** An on-demand table `orders` (pk S, sk N) with three orders of two customers. */
async function seed(page) {
  await send(page, 'CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (const [n, customer] of [[1, 'c1'], [2, 'c2'], [3, 'c1']]) {
    await send(page, 'PutItem', {
      TableName: 'orders',
      Item: { pk: { S: `o${n}` }, sk: { N: '1' }, customer: { S: customer } },
    });
  }
}

/** The "Table details" fold of `orders`, opened, with its form drawn. */
async function openSettings(page) {
  await helpers.open(page, '/tables/orders');
  await page.getByTestId('table-details').locator('summary').click();
  await page.getByTestId('settings-apply').waitFor();
}

/** The index row `name` of the details table. */
function detailsRow(page, name) {
  return page.getByTestId('details-index').filter({ hasText: name });
}

test('billing, a backfilled index, its deletion, stream and TTL, edited from the table details', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await openSettings(page);

    // Provisioned 5/5.
    await page.getByTestId('settings-billing').selectOption('PROVISIONED');
    await page.getByTestId('settings-read').fill('5');
    await page.getByTestId('settings-write').fill('5');
    await page.getByTestId('settings-apply').click();
    await page.getByTestId('settings-done').getByText('Sent UpdateTable.').waitFor();
    const provisioned = (await send(page, 'DescribeTable', { TableName: 'orders' })).Table;
    assert.equal(provisioned.ProvisionedThroughput.ReadCapacityUnits, 5);
    assert.equal(provisioned.ProvisionedThroughput.WriteCapacityUnits, 5);
    assert.notEqual(provisioned.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    await page.getByTestId('table-details').getByText('provisioned: 5 RCU, 5 WCU').first().waitFor();

    // An index that takes a virtual minute to build: its backfill is seen to advance as the
    // clock (paused, so only the test moves it) is stepped.
    await send(page, 'Dynoscope_SetSimulation', { ControlPlaneMillis: 60000 });
    await send(page, 'Dynoscope_SetClock', { Mode: 'STEPPED' });
    await page.getByTestId('settings-index-name').fill('byCustomer');
    await page.getByTestId('settings-index-pk').fill('customer');
    await page.getByTestId('settings-add-index').click();
    const backfill = page.getByTestId('details-backfill');
    await backfill.getByText(/Index byCustomer: CREATING, backfilling/).waitFor();
    assert.match(await backfill.textContent(), /0% \(0\.0 s of 60\.0 s on the virtual clock\)/);
    await detailsRow(page, 'byCustomer').getByText('CREATING, backfilling').waitFor();
    const added = (await send(page, 'DescribeTable', { TableName: 'orders' })).Table.GlobalSecondaryIndexes[0];
    assert.equal(added.IndexStatus, 'CREATING');
    assert.equal(added.Backfilling, true);
    assert.equal(added.ProvisionedThroughput.ReadCapacityUnits, 5);

    await send(page, 'Dynoscope_AdvanceClock', { Millis: 30000 });
    await backfill.getByText('50% (30.0 s of 60.0 s on the virtual clock)').waitFor();
    await send(page, 'Dynoscope_AdvanceClock', { Millis: 30000 });
    await detailsRow(page, 'byCustomer').getByRole('cell', { name: 'ACTIVE', exact: true }).waitFor();
    assert.equal(await page.getByTestId('details-progress').count(), 0);
    const query = await send(page, 'Query', {
      TableName: 'orders',
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customer = :c',
      ExpressionAttributeValues: { ':c': { S: 'c1' } },
    });
    assert.equal(query.Count, 2);
    await send(page, 'Dynoscope_SetSimulation', { ControlPlaneMillis: 0 });
    await send(page, 'Dynoscope_SetClock', { Mode: 'REALTIME', Speed: 1 });

    // Deleting asks first: dismissed, the index stays; accepted, it goes.
    const deleteButton = page.locator('[data-testid="settings-index"][data-index="byCustomer"]').getByTestId('settings-delete-index');
    page.once('dialog', (dialog) => dialog.dismiss());
    await deleteButton.click();
    await page.waitForTimeout(300);
    assert.equal((await send(page, 'DescribeTable', { TableName: 'orders' })).Table.GlobalSecondaryIndexes.length, 1);
    page.once('dialog', (dialog) => {
      assert.match(dialog.message(), /^Delete index byCustomer of table orders\?/);
      dialog.accept();
    });
    await deleteButton.click();
    await page.locator('[data-testid="settings-index"][data-index="byCustomer"]').waitFor({ state: 'detached' });
    assert.equal(((await send(page, 'DescribeTable', { TableName: 'orders' })).Table.GlobalSecondaryIndexes ?? []).length, 0);
    await detailsRow(page, 'byCustomer').waitFor({ state: 'detached' });

    // A stream and TTL, in one Apply.
    await page.getByTestId('settings-stream').check();
    await page.getByTestId('settings-stream-view').selectOption('NEW_IMAGE');
    await page.getByTestId('settings-ttl').check();
    await page.getByTestId('settings-ttl-attribute').fill('expiresAt');
    await page.getByTestId('settings-apply').click();
    await page.getByTestId('settings-done').getByText('Sent UpdateTable and UpdateTimeToLive.').waitFor();
    const streamed = (await send(page, 'DescribeTable', { TableName: 'orders' })).Table;
    assert.deepEqual(streamed.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    const ttl = await send(page, 'DescribeTimeToLive', { TableName: 'orders' });
    assert.deepEqual(ttl.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    await page.getByTestId('table-details').getByText('ENABLED on attribute expiresAt').waitFor();
  });
});

test('a form that cannot make a request lists its problems, and DynamoDB\'s refusal is shown inline', { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await send(page, 'UpdateTable', {
      TableName: 'orders',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
    await openSettings(page);

    await page.getByTestId('settings-billing').selectOption('PROVISIONED');
    await page.getByTestId('settings-read').fill('0');
    await page.getByTestId('settings-apply').click();
    await page.getByTestId('settings-problems').getByText('Read capacity units must be a whole number of at least 1.').waitFor();
    await page.getByTestId('settings-billing').selectOption('PAY_PER_REQUEST');

    // An enabled stream keeps its view type: DynamoDB says so, and nothing changes.
    await page.getByTestId('settings-stream-view').selectOption('KEYS_ONLY');
    await page.getByTestId('settings-apply').click();
    await page.getByTestId('settings-error').getByText(/^ValidationException: Table already has an enabled stream: arn:aws:dynamodb:/).waitFor();
    const table = (await send(page, 'DescribeTable', { TableName: 'orders' })).Table;
    assert.equal(table.StreamSpecification.StreamViewType, 'NEW_IMAGE');
    assert.equal(await page.getByTestId('settings-stream-view').inputValue(), 'KEYS_ONLY', 'what was typed stays');
  });
});
