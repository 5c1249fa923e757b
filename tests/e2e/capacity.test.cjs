// End-to-end tests of the Cluster view's capacity chart, stream viewer and cost panel in
// headless Chromium (see helpers.cjs). A provisioned table (5 RCU, 5 WCU, a global index,
// a NEW_AND_OLD_IMAGES stream) takes a burst of writes through window.dynoscope.send
// (BatchWriteItem, more than its 5 WCU can take): the chart shows the consumed write units
// with the provisioned line, the stream viewer lists the INSERT records (and a TTL delete
// with its badge), the cost panel prices it on demand, and the partition map shows the
// token buckets. A table without a stream offers a button that enables one; when it splits,
// its shard lineage shows a closed parent over two open children. Fails on any
// console error. Screenshots: target/e2e/capacity.png (1280×800, full page),
// target/e2e/capacity-panels.png (the three panels), target/e2e/capacity-narrow.png and
// target/e2e/capacity-panels-narrow.png (600 px wide), and target/e2e/stream-lineage.png (a
// split's shards).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SHOTS = path.join(helpers.ROOT, 'target', 'e2e');
const TABLE = 'Meters';
const PLAIN = 'Plain';

let browser;
let page;

before(async () => {
  browser = await helpers.launch({ viewport: { width: 1280, height: 800 } });
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});

/** Sends one request through the page's JS API. */
function send(operation, request) {
  return page.evaluate(({ operation, request }) => window.dynoscope.send(operation, request), { operation, request });
}

/**
 * Writes `count` items, 25 per BatchWriteItem, without retrying what comes back
 * unprocessed (or a batch refused whole); returns how many items were throttled.
 */
async function burst(count, prefix) {
  return page.evaluate(async ({ table, count, prefix }) => {
    let throttled = 0;
    for (let start = 0; start < count; start += 25) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + 25); i += 1) {
        batch.push({
          PutRequest: {
            Item: {
              id: { S: `${prefix}-${String(i).padStart(3, '0')}` },
              site: { S: `site-${i % 3}` },
              kwh: { N: String(i * 1.5) },
            },
          },
        });
      }
      try {
        const response = await window.dynoscope.send('BatchWriteItem', { RequestItems: { [table]: batch } });
        throttled += ((response.UnprocessedItems || {})[table] || []).length;
      } catch (e) {
        // Every item throttled: the whole batch is refused.
        if (!String(e.__type || e.name || '').includes('ProvisionedThroughputExceeded')) throw new Error(JSON.stringify(e));
        throttled += batch.length;
      }
    }
    return throttled;
  }, { table: TABLE, count, prefix });
}

test('capacity chart, stream viewer and cost panel follow a burst of writes', { timeout: 120000 }, async () => {
  try {
    await scenario();
  } catch (e) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'capacity-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  }
});

async function scenario() {
  await helpers.open(page);

  await send('CreateTable', {
    TableName: TABLE,
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'site', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    GlobalSecondaryIndexes: [{
      IndexName: 'bySite',
      KeySchema: [{ AttributeName: 'site', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  await send('CreateTable', {
    TableName: PLAIN,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  // Tables made through the JS API appear in the list after a reload.
  await helpers.open(page);
  await page.locator(`[data-testid="table-link"][data-table="${TABLE}"]`).click();
  await page.getByTestId('view-cluster').click();
  await page.getByTestId('cluster-view').waitFor();
  await page.getByTestId('capacity-plot').waitFor();

  // Before any write (the Items view's Scan has read): no write points, the provisioned
  // line at 5 WCU.
  assert.equal(await page.locator('[data-testid="capacity-point"][data-series="write"]').count(), 0);
  await page.locator('[data-testid="provisioned-line"][data-series="write"]').waitFor();
  assert.match(await page.getByTestId('capacity-summary').textContent(), /peak 0 WCU.*provisioned 5 WCU, 5 RCU/);
  await page.getByTestId('stream-empty').waitFor();
  assert.equal(await page.getByTestId('stream-hint').count(), 0);

  // A burst of 75 writes: more than 5 WCU and its burst credit can take.
  const throttled = await burst(75, 'meter');
  await page.locator('[data-testid="capacity-point"][data-series="write"]').first().waitFor();
  const summary = await page.getByTestId('capacity-summary').textContent();
  assert.match(summary, /^Last 60 s \(whole table\): peak \d+(\.\d)? WCU/);
  if (throttled > 0) {
    await page.getByTestId('throttle-marker').first().waitFor();
    assert.match(await page.getByTestId('capacity-summary').textContent(), /[1-9]\d* throttled writes?/);
  }
  await page.getByTestId('burst-strip').waitFor();

  // The stream lists the INSERT records of the writes that were admitted.
  await page.locator('[data-testid="stream-record"][data-event="INSERT"]').first().waitFor();
  const inserts = await page.locator('[data-testid="stream-record"][data-event="INSERT"]').count();
  assert.ok(inserts >= 1, `INSERT records: ${inserts}`);
  assert.match(await page.getByTestId('stream-records').textContent(), /meter-\d{3}/);
  assert.ok(await page.locator('[data-testid="shard"][data-open="true"]').count() >= 1);
  assert.match(await page.getByTestId('stream-status').textContent(), /ENABLED · NEW_AND_OLD_IMAGES/);

  // An update and a TTL delete (an item that expired a minute ago) follow as MODIFY and REMOVE.
  const clock = await send('Dynoscope_DescribeClock', {});
  const expired = Math.floor(clock.Clock.NowMillis / 1000) - 60;
  await send('UpdateTimeToLive', { TableName: TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } });
  await page.waitForTimeout(1200); // let the write bucket refill a little
  await send('UpdateItem', {
    TableName: TABLE,
    Key: { id: { S: 'meter-000' } },
    UpdateExpression: 'SET kwh = :k',
    ExpressionAttributeValues: { ':k': { N: '42' } },
  });
  await send('PutItem', { TableName: TABLE, Item: { id: { S: 'old-reading' }, expires: { N: String(expired) } } });
  await page.waitForTimeout(600);
  await send('GetItem', { TableName: TABLE, Key: { id: { S: 'meter-000' } }, ConsistentRead: true });
  await page.locator('[data-testid="stream-record"][data-event="MODIFY"]').first().waitFor();
  const ttl = page.locator('[data-testid="stream-record"][data-event="REMOVE"]').filter({ has: page.getByTestId('ttl-badge') });
  await ttl.first().waitFor();
  assert.match(await ttl.first().textContent(), /old-reading/);

  // The cost panel prices the writes on demand, with the engine's arithmetic.
  const onDemand = page.locator('[data-testid="cost-line"][data-model="on-demand"]');
  await onDemand.filter({ hasText: /[1-9][\d.]* WRU × \$/ }).first().waitFor();
  assert.match(await onDemand.filter({ hasText: 'Write request units' }).textContent(), /WRU × \$[\d.]+ per .* = \$[\d.]+/);
  assert.equal(await page.locator('[data-testid="cost-model"]').count(), 3);
  assert.match(await page.locator('[data-testid="cost-model"][data-model="provisioned-held"]').textContent(), /this table's mode/);
  await page.getByTestId('cost-refresh').click();
  await page.getByTestId('cost-summary').waitFor();

  // The partition map shows each partition's token buckets.
  await page.locator('[data-testid="bucket-bars"][data-mode="PROVISIONED"]').first().waitFor();
  assert.ok(await page.locator('[data-testid="bucket-bar"][data-kind="write-tokens"]').count() >= 1);

  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'capacity.png'), fullPage: true });

  // The series selector: one partition, then the global index, then the table again.
  const options = await page.getByTestId('capacity-source').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(options.includes('table'));
  assert.ok(options.includes('index:bySite'), `options: ${options}`);
  const partition = options.find((o) => o.startsWith('partition:'));
  assert.ok(partition, `options: ${options}`);
  await page.getByTestId('capacity-source').selectOption(partition);
  await page.getByTestId('capacity-summary').filter({ hasText: /\(partition \d+\)/ }).waitFor();
  await page.getByTestId('capacity-source').selectOption('index:bySite');
  await page.getByTestId('capacity-summary').filter({ hasText: '(index bySite)' }).waitFor();
  await page.locator('[data-testid="capacity-point"][data-series="write"]').first().waitFor();
  await page.getByTestId('capacity-source').selectOption('table');
  await page.getByTestId('capacity-summary').filter({ hasText: '(whole table)' }).waitFor();

  const panelsBox = () => page.evaluate(() => {
    const box = (id) => document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
    const chart = box('capacity-chart');
    const cost = box('cost-panel');
    const stream = box('stream-viewer');
    const top = Math.min(chart.top, stream.top, cost.top) + window.scrollY;
    const bottom = Math.max(chart.bottom, stream.bottom, cost.bottom) + window.scrollY;
    return { x: chart.left, y: top, width: chart.width, height: bottom - top };
  });
  await page.screenshot({ path: path.join(SHOTS, 'capacity-panels.png'), fullPage: true, clip: await panelsBox() });

  // Narrow screens: nothing scrolls sideways.
  await page.setViewportSize({ width: 600, height: 900 });
  await page.waitForTimeout(400);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 600px`);
  await page.screenshot({ path: path.join(SHOTS, 'capacity-narrow.png'), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, 'capacity-panels-narrow.png'), fullPage: true, clip: await panelsBox() });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A table without a stream: a hint, and a button that enables one.
  await page.locator(`[data-testid="table-link"][data-table="${PLAIN}"]`).click();
  await page.getByTestId('view-cluster').click();
  await page.getByTestId('stream-hint').waitFor();
  assert.match(await page.getByTestId('stream-hint').textContent(), /no stream.*StreamSpecification/);
  await page.getByTestId('stream-enable').click();
  await page.locator('[data-testid="shard"][data-open="true"]').first().waitFor();
  assert.equal(await page.getByTestId('stream-hint').count(), 0);
  const described = await send('DescribeTable', { TableName: PLAIN });
  assert.deepEqual(described.Table.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  await send('PutItem', { TableName: PLAIN, Item: { id: { S: 'first' } } });
  await page.locator('[data-testid="stream-record"][data-event="INSERT"]').filter({ hasText: 'first' }).waitFor();
  // On demand: the map's bars show the last second against the partition maximum.
  await page.locator('[data-testid="bucket-bars"][data-mode="ON_DEMAND"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="provisioned-line"]').count(), 0);

  // Past the playground's 10 KB the partition splits: its shard closes, two children open
  // under it, and the records written after the split are read from them.
  await page.evaluate(async (table) => {
    const payload = 'x'.repeat(400);
    for (let start = 0; start < 40; start += 20) {
      const batch = [];
      for (let i = start; i < start + 20; i += 1) {
        batch.push({ PutRequest: { Item: { id: { S: `row-${String(i).padStart(2, '0')}` }, payload: { S: payload } } } });
      }
      await window.dynoscope.send('BatchWriteItem', { RequestItems: { [table]: batch } });
    }
  }, PLAIN);
  const children = page.locator('[data-testid="shard"][data-open="false"] [data-testid="shard"][data-open="true"]');
  await page.waitForFunction(() => document.querySelectorAll(
    '[data-testid="shard"][data-open="false"] [data-testid="shard"][data-open="true"]').length >= 2);
  assert.ok(await children.count() >= 2);
  await page.locator('[data-testid="stream-record"]').filter({ hasText: 'row-39' }).waitFor();
  await page.getByTestId('stream-viewer').screenshot({ path: path.join(SHOTS, 'stream-lineage.png') });

  helpers.assertNoPageProblems(browser.problems);
}
