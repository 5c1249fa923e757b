// The Cluster view's folds that need the full engine, in headless Chromium (src/ui/beyond.rs,
// crates/cluster-panels/src/folds): nothing loads the full engine until a fold is opened;
// the regions fold adds a replica, shows a write in flight and reaching the other region
// after the lag (the clock stepped), takes the region down and sees it refuse, and shows a
// replication conflict with both versions; the DAX fold shows a miss, a hit and an entry made
// stale by a direct write; the IAM fold saves a principal from its editor, the explainer names
// the deciding statement, and a request sent as the principal outside its policy is denied.
// The query builder's Through DAX switch says a repeated query was a cache hit. A transaction
// holding an item and the write it refused are told in the timeline.
// Screenshots of each fold at 1280 and 768 px go to target/e2e/beyond-*.png.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SHOTS = path.join(helpers.ROOT, 'target', 'e2e');
const TABLE = 'Notes';
const WEST = 'us-west-2';

/** Sends through window.dynoscope, resolving to {response} or {error}. */
function send(page, operation, request, options) {
  return page.evaluate(
    ([op, req, opts]) => window.dynoscope.send(op, req, opts).then((response) => ({ response }), (error) => ({ error })),
    [operation, request, options],
  );
}

function fullLoaded(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('dynoscope-full')));
}

async function seed(page) {
  const created = await send(page, 'CreateTable', {
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  assert.equal(created.error, undefined, JSON.stringify(created.error));
  await send(page, 'Dynoscope_SetClock', { Mode: 'STEPPED' });
}

async function put(page, pk, v, options) {
  const put = await send(page, 'PutItem', { TableName: TABLE, Item: { pk: { S: pk }, v: { S: v } } }, options);
  assert.equal(put.error, undefined, JSON.stringify(put.error));
}

/** Screenshots the fold `name` at 1280 and 768 px wide. */
async function shoot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const fold = page.getByTestId(`fold-${name}`);
  await fold.screenshot({ path: path.join(SHOTS, `beyond-${name}.png`) });
  await page.setViewportSize({ width: 768, height: 900 });
  await fold.screenshot({ path: path.join(SHOTS, `beyond-${name}-768.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

function column(page, region) {
  return page.locator(`[data-testid="region-column"][data-region="${region}"]`);
}

test('the regions fold: a replica added, a write reaching it after the lag, the region down, a conflict', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await helpers.open(page, `/tables/${TABLE}/cluster`);
    await page.getByTestId('fold-regions').waitFor();
    assert.equal(await fullLoaded(page), false, 'the Cluster view loaded the full engine before a fold was opened');

    await page.getByTestId('fold-regions').locator('summary').click();
    await page.getByTestId('region-column').first().waitFor();
    assert.equal(await fullLoaded(page), true);
    assert.equal(await page.getByTestId('region-column').count(), 1);

    await page.getByTestId('bx-replica-region').selectOption(WEST);
    await page.getByTestId('bx-add').click();
    await column(page, WEST).waitFor();
    await page.getByTestId('bx-lag-min').fill('1000');
    await page.getByTestId('bx-lag-max').fill('1000');
    await page.getByTestId('bx-lag').click();
    await page.getByTestId('bx-done').filter({ hasText: '1000–1000 ms' }).waitFor();

    // A write in the home region is in flight, then read in both regions.
    await put(page, 'k', 'east');
    await page.getByTestId('in-flight-row').first().waitFor();
    await page.getByTestId('bx-key-pk').fill('k');
    await page.getByTestId('bx-read').click();
    await column(page, WEST).getByTestId('region-read').filter({ hasText: 'no item' }).waitFor();
    await column(page, 'us-east-1').getByTestId('region-read').filter({ hasText: 'east' }).waitFor();

    // After the lag it has arrived.
    await send(page, 'Dynoscope_AdvanceClock', { Millis: 1000 });
    await page.getByTestId('bx-read').click();
    await column(page, WEST).getByTestId('region-read').filter({ hasText: 'east' }).waitFor();
    await page.getByTestId('replication-event').filter({ hasText: 'applied the PUT of k made in us-east-1' }).first().waitFor();

    // Down: the column says so and requests to the region are refused.
    await page.getByTestId(`bx-down-${WEST}`).click();
    await column(page, WEST).getByTestId('region-availability').filter({ hasText: 'down' }).waitFor();
    const refused = await send(page, 'GetItem', { TableName: TABLE, Key: { pk: { S: 'k' } } }, { region: WEST });
    assert.match(JSON.stringify(refused.error), /InternalServerError/);
    await page.getByTestId(`bx-up-${WEST}`).click();
    await column(page, WEST).getByTestId('region-availability').filter({ hasText: 'up' }).waitFor();

    // Concurrent writes in both regions: a conflict, both versions, the kept one marked.
    await put(page, 'c', 'from-east');
    await send(page, 'Dynoscope_AdvanceClock', { Millis: 300 });
    await put(page, 'c', 'from-west', { region: WEST });
    await send(page, 'Dynoscope_AdvanceClock', { Millis: 2000 });
    await page.getByTestId('bx-key-pk').fill('c');
    await page.getByTestId('bx-read').click();
    await page.getByTestId('conflict-versions').first().waitFor();
    await page.locator('[data-testid="conflict-versions"] .bx-winner').first().waitFor();
    await column(page, 'us-east-1').getByTestId('region-read').filter({ hasText: 'from-west' }).waitFor();
    // The timeline tells it too.
    await page.locator('[data-testid="timeline-event"][data-kind="REPLICATION_CONFLICT"]').first().waitFor();
    await shoot(page, 'regions');
  });
});

test('the DAX fold: a miss, a hit, and an entry made stale by a direct write', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await put(page, 'k', 'v1');
    await helpers.open(page, `/tables/${TABLE}/cluster`);
    await page.getByTestId('fold-dax').locator('summary').click();
    await page.getByTestId('dax-stats').waitFor();

    await page.getByTestId('bx-key-pk').fill('k');
    await page.getByTestId('bx-get').click();
    await page.locator('[data-testid="dax-get"][data-hit="false"]').waitFor();
    await page.getByTestId('bx-get').click();
    await page.locator('[data-testid="dax-get"][data-hit="true"]').waitFor();
    assert.equal(await page.getByTestId('dax-item-hits').textContent(), '1');

    // Written to the table directly: the cached entry is stale until it expires.
    await put(page, 'k', 'v2');
    await page.locator('[data-testid="dax-item"][data-stale="true"]').waitFor();
    const why = await page.locator('[data-testid="dax-item"][data-stale="true"]').textContent();
    assert.match(why, /written directly \(not through DAX\)/);
    await page.getByTestId('bx-get').click();
    await page.locator('[data-testid="dax-event"][data-path="ITEM_HIT"]').filter({ hasText: 'stale' }).first().waitFor();
    await shoot(page, 'dax');

    await page.getByTestId('bx-flush').click();
    await page.getByTestId('dax-items-none').waitFor();
  });
});

test('the IAM fold: a principal saved from the editor, the explainer naming the statement, a denied send', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await helpers.open(page, `/tables/${TABLE}/cluster`);
    await page.getByTestId('fold-principals').locator('summary').click();
    await page.getByTestId('principals-none').waitFor();

    // A refusal shows beside the editor, in DynamoDB's words.
    await page.getByTestId('bx-name').fill('not a name');
    await page.getByTestId('bx-save').click();
    await page.getByTestId('bx-refusal').filter({ hasText: 'ValidationException' }).waitFor();
    assert.equal(await page.getByTestId('bx-name').inputValue(), 'not a name', 'the editor lost what was typed');

    // The prefilled policy confines alice to the partition named after her.
    await page.getByTestId('bx-name').fill('alice');
    await page.getByTestId('bx-save').click();
    await page.locator('[data-testid="principal-row"][data-key="AKIAALICE"]').waitFor();

    await page.getByTestId('bx-as').selectOption('AKIAALICE');
    await page.getByTestId('bx-explain').click();
    await page.locator('[data-testid="explanation"][data-decision="ALLOWED"]').waitFor();
    const deciding = await page.getByTestId('deciding-statement').first().textContent();
    assert.match(deciding, /Sid OwnPartitionOnly/);

    // Someone else's partition: implicitly denied, and the real request says so.
    const request = JSON.stringify({ TableName: TABLE, Key: { pk: { S: 'bob' } } });
    await page.getByTestId('bx-request').fill(request);
    await page.getByTestId('bx-explain').click();
    await page.locator('[data-testid="explanation"][data-decision="IMPLICIT_DENY"]').waitFor();
    await page.getByTestId('bx-send-as').click();
    await page.locator('[data-testid="sent-as"][data-ok="false"]').filter({ hasText: 'AccessDeniedException' }).waitFor();
    const denied = await page.getByTestId('sent-as').textContent();
    assert.match(denied, /is not authorized to perform: dynamodb:GetItem/);

    // Changing the operation prefills its request for this table.
    await page.getByTestId('bx-operation').selectOption('Query');
    await page.waitForFunction(() => document.querySelector('[data-testid="bx-request"]').value.includes('KeyConditionExpression'));
    await shoot(page, 'principals');
  });
});

test('the query builder through DAX: a repeated query is a cache hit', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await put(page, 'k', 'v1');
    await helpers.open(page, `/tables/${TABLE}/query`);
    await page.getByTestId('qb-pk').fill('k');
    await page.getByTestId('qb-via-dax').check();
    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-dax').filter({ hasText: 'a cache miss' }).waitFor();
    await page.getByTestId('qb-run').click();
    await page.getByTestId('qb-dax').filter({ hasText: 'a cache hit' }).waitFor();
  });
});

test('a transaction conflict is told in the timeline: the transaction holding the item and the write it refused', { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await seed(page);
    await send(page, 'Dynoscope_SetSimulation', { TransactionMillis: 60000 });
    const transaction = await send(page, 'TransactWriteItems', {
      ClientRequestToken: 'seat-12a',
      TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'seat' }, v: { S: 'held' } } } }],
    });
    assert.equal(transaction.error, undefined, JSON.stringify(transaction.error));
    const refused = await send(page, 'PutItem', { TableName: TABLE, Item: { pk: { S: 'seat' }, v: { S: 'late' } } });
    assert.match(refused.error.__type, /TransactionConflictException$/);

    await helpers.open(page, `/tables/${TABLE}/cluster`);
    const held = page.locator('[data-testid="timeline-event"][data-kind="TRANSACTION"]').first();
    await held.waitFor();
    assert.match(await held.textContent(), /Transaction seat-12a holds 1 item\(s\)/);
    const conflict = page.locator('[data-testid="timeline-event"][data-kind="TRANSACTION_CONFLICT"]').first();
    await conflict.waitFor();
    assert.match(await conflict.textContent(), /PutItem of seat conflicts with transaction seat-12a/);
  });
});
