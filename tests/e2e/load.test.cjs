// The load generator in Chromium: one hot key written far beyond a provisioned table's
// capacity is throttled, and the throttling shows in the generator's report, on the
// capacity chart and on the partition that refused the writes; the virtual clock is given
// back as it was.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

test('a hot key beyond provisioned capacity is throttled, and the chart shows it', { timeout: 120000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await send(page, 'CreateTable', {
      TableName: 'hot',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    // A paused clock stays at the run's last second, so the partition's refusals stay in view.
    await send(page, 'Dynoscope_SetClock', { Mode: 'STEPPED' });
    const clockBefore = (await send(page, 'Dynoscope_DescribeClock', {})).Clock.Mode;
    await helpers.open(page, '/tables/hot/cluster');
    await page.getByTestId('load-start').waitFor();

    await page.getByTestId('load-rate').fill('200');
    await page.getByTestId('load-seconds').fill('20');
    await page.getByTestId('load-put').fill('100');
    await page.getByTestId('load-get').fill('0');
    await page.getByTestId('load-distribution').selectOption('hot');
    await page.getByTestId('load-start').click();

    await page.getByTestId('load-totals').getByText('Ran 20 of 20 virtual seconds').waitFor({ timeout: 60000 });
    assert.equal(await page.getByTestId('load-sent').textContent(), '4000');
    const throttled = Number(await page.getByTestId('load-throttled').textContent());
    const served = Number(await page.getByTestId('load-served').textContent());
    assert.ok(throttled > 2000, `throttled ${throttled}`);
    assert.equal(served + throttled, 4000);
    assert.equal(await page.getByTestId('load-start').isDisabled(), false);

    await page.getByTestId('throttle-marker').first().waitFor();
    assert.match(await page.getByTestId('capacity-summary').textContent(), /[1-9]\d* throttled writes?/);
    await page.getByTestId('partition-throttled').first().waitFor();
    assert.match(await page.getByTestId('partition-throttled').first().textContent(), /^Throttled writes: \d+ this second, \d+ the last$/);
    assert.equal((await send(page, 'Dynoscope_DescribeClock', {})).Clock.Mode, clockBefore);
  });
});

test('settings out of bounds are named and nothing is sent', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await send(page, 'CreateTable', {
      TableName: 'hot',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await helpers.open(page, '/tables/hot/cluster');
    await page.getByTestId('load-rate').fill('0');
    await page.getByTestId('load-start').click();
    await page.getByTestId('load-problems').getByText('Requests per second is a whole number from 1 to 20000.').waitFor();
    const scanned = await send(page, 'Scan', { TableName: 'hot', Select: 'COUNT' });
    assert.equal(scanned.Count, 0);
  });
});
