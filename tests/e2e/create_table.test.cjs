// The create-table form in Chromium: everything CreateTable takes (indexes with projections,
// provisioned capacity for the table and a global index, stream, TTL, deletion protection)
// reaches the engine, and refusals show beside what they concern.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

let browser;
let page;

before(async () => {
  browser = await helpers.launch();
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});

/** DescribeTable through window.dynoscope. */
async function describe(table) {
  return (await page.evaluate((name) => window.dynoscope.send('DescribeTable', { TableName: name }), table)).Table;
}

test('a provisioned table with a global and a local index, stream, TTL and deletion protection', { timeout: 60000 }, async () => {
  await helpers.open(page);
  await page.getByTestId('create-table-name').fill('Orders');
  await page.getByTestId('create-pk-name').fill('PK');
  await page.getByTestId('create-sk-name').fill('SK');
  await page.getByTestId('create-billing').selectOption('PROVISIONED');
  await page.getByTestId('create-rcu').fill('20');
  await page.getByTestId('create-wcu').fill('10');

  await page.getByTestId('create-add-gsi').click();
  const gsi = page.getByTestId('create-index').nth(0);
  await gsi.getByTestId('create-index-name').fill('ByStatus');
  await gsi.getByTestId('create-index-pk').fill('status');
  await gsi.getByTestId('create-index-sk').fill('total');
  await gsi.getByTestId('create-index-sk-type').selectOption('N');
  await gsi.getByTestId('create-index-projection').selectOption('INCLUDE');
  await gsi.getByTestId('create-index-include').fill('customer, placedAt');
  await gsi.getByTestId('create-index-rcu').fill('7');
  await gsi.getByTestId('create-index-wcu').fill('3');

  await page.getByTestId('create-add-lsi').click();
  const lsi = page.getByTestId('create-index').nth(1);
  await lsi.getByTestId('create-index-name').fill('ByDate');
  await lsi.getByTestId('create-index-sk').fill('placedAt');
  await lsi.getByTestId('create-index-projection').selectOption('KEYS_ONLY');

  await page.getByTestId('create-settings').locator('summary').click();
  await page.getByTestId('create-stream').selectOption('NEW_AND_OLD_IMAGES');
  await page.getByTestId('create-ttl').fill('expiresAt');
  await page.getByTestId('create-deletion-protection').check();
  await page.getByTestId('create-table-submit').click();
  await page.getByTestId('create-table-status').waitFor();
  assert.equal(await page.getByTestId('selected-table').textContent(), 'Orders');

  const table = await describe('Orders');
  assert.deepEqual(table.ProvisionedThroughput.ReadCapacityUnits, 20);
  assert.deepEqual(table.ProvisionedThroughput.WriteCapacityUnits, 10);
  const [byStatus] = table.GlobalSecondaryIndexes;
  assert.equal(byStatus.IndexName, 'ByStatus');
  assert.deepEqual(byStatus.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['customer', 'placedAt'] });
  assert.equal(byStatus.ProvisionedThroughput.ReadCapacityUnits, 7);
  assert.equal(byStatus.ProvisionedThroughput.WriteCapacityUnits, 3);
  const [byDate] = table.LocalSecondaryIndexes;
  assert.deepEqual(byDate.KeySchema.map((k) => k.AttributeName), ['PK', 'placedAt']);
  assert.equal(byDate.Projection.ProjectionType, 'KEYS_ONLY');
  const types = Object.fromEntries(table.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  assert.deepEqual(types, { PK: 'S', SK: 'S', status: 'S', total: 'N', placedAt: 'S' });
  assert.equal(table.StreamSpecification.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.equal(table.DeletionProtectionEnabled, true);
  const ttl = await page.evaluate(() => window.dynoscope.send('DescribeTimeToLive', { TableName: 'Orders' }));
  assert.equal(ttl.TimeToLiveDescription.AttributeName, 'expiresAt');

  // The table's details say the same in words.
  await page.getByTestId('table-details').locator('summary').click();
  await page.getByTestId('details-index').first().waitFor();
  const details = await page.getByTestId('table-details').textContent();
  assert.match(details, /provisioned: 20 RCU, 10 WCU/);
  assert.match(details, /INCLUDE \+ customer, placedAt/);
  assert.match(details, /enabled, NEW_AND_OLD_IMAGES/);
  assert.match(details, /on attribute expiresAt/);
  assert.match(details, /Deletion protectionon/);
  assert.equal(await page.getByTestId('details-index').count(), 2);

  // The form is empty again, ready for the next table.
  assert.equal(await page.getByTestId('create-table-name').inputValue(), '');
  assert.equal(await page.getByTestId('create-index').count(), 0);
  helpers.assertNoPageProblems(browser.problems);
});

test('a capacity that is not a number is refused beside its field, before any request', { timeout: 30000 }, async () => {
  await helpers.open(page);
  await page.getByTestId('create-table-name').fill('Bad');
  await page.getByTestId('create-pk-name').fill('id');
  await page.getByTestId('create-billing').selectOption('PROVISIONED');
  await page.getByTestId('create-add-gsi').click();
  await page.getByTestId('create-index-rcu').fill('');
  await page.getByTestId('create-table-submit').click();
  const error = page.getByTestId('create-index').getByTestId('create-field-error');
  await error.waitFor();
  assert.match(await error.textContent(), /Read capacity must be a whole number/);
  const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
  assert.ok(!tables.TableNames.includes('Bad'));
  helpers.assertNoPageProblems(browser.problems);
});

test("DynamoDB's refusal of an index shows under that index, in DynamoDB's words", { timeout: 30000 }, async () => {
  await helpers.open(page);
  await page.getByTestId('create-table-name').fill('Twice');
  await page.getByTestId('create-pk-name').fill('id');
  await page.getByTestId('create-add-gsi').click();
  await page.getByTestId('create-add-gsi').click();
  await page.getByTestId('create-index').nth(1).getByTestId('create-index-name').fill('GSI1');
  await page.getByTestId('create-table-submit').click();
  const error = page.getByTestId('create-index').nth(1).getByTestId('create-index-error');
  await error.waitFor();
  assert.match(await error.textContent(), /ValidationException.*Duplicate index name: GSI1/s);
  assert.equal(await page.getByTestId('create-index').nth(0).getByTestId('create-index-error').count(), 0);

  // A refusal that names no index shows under the form.
  await page.getByTestId('create-index-remove').nth(1).click();
  await page.getByTestId('create-table-name').fill('x');
  await page.getByTestId('create-table-submit').click();
  const formError = page.getByTestId('create-table-error');
  await formError.waitFor();
  assert.match(await formError.textContent(), /at 'tableName' failed to satisfy constraint/);
  helpers.assertNoPageProblems(browser.problems);
});
