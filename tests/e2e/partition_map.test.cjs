// The partition map in Chromium: items drawn where they hash (the density strip), a split
// seen as it happens (the new partitions grow in), and a global index's keyspace chosen
// beside the table's.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

test('the map draws where items hash, animates a split, and shows a global index keyspace', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await send(page, 'CreateTable', {
      TableName: 'spread',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{
        IndexName: 'by_g',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }],
    });
    for (let i = 0; i < 6; i++) {
      await send(page, 'PutItem', { TableName: 'spread', Item: { pk: { S: `item-${i}` }, g: { S: 'one' } } });
    }
    await helpers.open(page, '/tables/spread/cluster');
    await page.getByTestId('density-strip').waitFor();
    // Six items in one partition: six slices marked at most, at least one.
    const marked = await page.getByTestId('density-strip').evaluate((strip) =>
      [...strip.querySelectorAll('path')].map((p) => (p.getAttribute('d').match(/M/g) || []).length).reduce((a, b) => a + b, 0));
    assert.ok(marked >= 1 && marked <= 6, `${marked} slices marked`);
    assert.equal(await page.getByTestId('keyspace-segment').count(), 1);

    // Past the playground's 10 KB partition limit the partition splits while we watch. The
    // children grow in for one redraw only, so a busy machine could poll past them: an
    // observer notes that they were drawn.
    await page.evaluate(() => {
      window.splitSeen = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="keyspace-segment"].split-in')) window.splitSeen = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    });
    const big = 'x'.repeat(1500);
    for (let i = 0; i < 10; i++) {
      await send(page, 'PutItem', { TableName: 'spread', Item: { pk: { S: `big-${i}` }, g: { S: 'one' }, v: { S: big } } });
    }
    await page.waitForFunction(() => window.splitSeen);
    assert.ok(await page.getByTestId('keyspace-segment').count() >= 2);

    // The index's keyspace: one partition key value, so every entry hashes to one slice.
    await page.getByTestId('keyspace-select').selectOption('by_g');
    await page.waitForFunction(() => {
      const paths = [...document.querySelectorAll('[data-testid="density-strip"] path')];
      return paths.map((p) => (p.getAttribute('d').match(/M/g) || []).length).reduce((a, b) => a + b, 0) === 1;
    });
    // Index entries arrive after the index's propagation lag.
    await page.getByTestId('map-summary').filter({ hasText: '16 items' }).waitFor();
    assert.equal(await page.locator('[data-testid="keyspace-segment"].split-in').count(), 0);
  });
});
