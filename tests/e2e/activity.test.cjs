// The Activity view and what a reload remembers, in Chromium: every request is listed with
// who sent it, filters narrow the list, the export is JSON lines; after a reload the
// activity log, the event timeline, the capacity chart and the stream records are still
// there, in the engine and in the views.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

async function createStreamTable(page) {
  await send(page, 'CreateTable', {
    TableName: 'log',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
}

/** Waits until the tab has saved a history that mentions `text` (it saves every 2 s). */
async function waitForSavedHistory(page, text) {
  await page.waitForFunction(async (needle) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('dynoscope');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const saved = await new Promise((resolve, reject) => {
        const request = db.transaction('settings').objectStore('settings').get('history');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      return typeof saved === 'string' && saved.includes(needle);
    } finally {
      db.close();
    }
  }, text, { timeout: 15000, polling: 250 });
}

test('every request is listed with its sender, filtered, and exported as JSON lines', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await createStreamTable(page);
    await send(page, 'PutItem', { TableName: 'log', Item: { pk: { S: 'from-api' } } });
    const missing = await page.evaluate(() =>
      window.dynoscope.send('GetItem', { TableName: 'nope', Key: { pk: { S: 'a' } } }).then(() => null, (e) => e.__type));
    assert.match(missing, /ResourceNotFoundException/);
    // The JSON console sends as the console.
    await page.getByText('API console').click();
    await page.getByTestId('console-operation').selectOption('PutItem');
    await page.getByTestId('console-request').fill(JSON.stringify({ TableName: 'log', Item: { pk: { S: 'from-console' }, v: { S: 'x'.repeat(1500) } } }));
    await page.getByTestId('console-send').click();
    await page.getByTestId('console-response').waitFor();

    await page.getByTestId('nav-activity').click();
    assert.equal(new URL(page.url()).pathname, '/activity');
    await page.locator('[data-testid="activity-entry"][data-source="console"]').first().waitFor();
    const consolePut = page.locator('[data-testid="activity-entry"][data-source="console"]').filter({ hasText: 'PutItem' });
    assert.match(await consolePut.textContent(), /PutItem.*log.*OK.*2$/);
    assert.ok(await page.locator('[data-testid="activity-entry"][data-source="api"]').filter({ hasText: 'CreateTable' }).count() >= 1);

    // A request sent while the view is open appears by itself.
    await send(page, 'GetItem', { TableName: 'log', Key: { pk: { S: 'from-api' } } });
    await page.locator('[data-testid="activity-entry"][data-source="api"]').filter({ hasText: 'GetItem' }).filter({ hasText: 'OK' }).waitFor();

    await page.getByTestId('activity-outcome').selectOption('failed');
    await page.getByTestId('activity-entry').first().filter({ hasText: 'ResourceNotFoundException' }).waitFor();
    assert.equal(await page.getByTestId('activity-entry').count(), 1);
    assert.equal(await page.getByTestId('activity-entry-outcome').first().locator('[title]').getAttribute('title'), 'Requested resource not found');

    await page.getByTestId('activity-outcome').selectOption('');
    await page.getByTestId('activity-source').selectOption('api');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="activity-entry"]')].every((r) => r.dataset.source === 'api'));
    const download = page.waitForEvent('download');
    await page.getByTestId('activity-export').click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'dynoscope-activity.jsonl');
    const text = require('node:fs').readFileSync(await file.path(), 'utf8');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(lines.length >= 4, `${lines.length} lines`);
    assert.ok(lines.every((entry) => entry.Source === 'api'));
    assert.deepEqual(Object.keys(lines[0]).slice(0, 5), ['Sequence', 'AtMillis', 'Source', 'Operation', 'TableNames']);
  });
});

test('a reload keeps the activity log, the events, the metrics and the stream records', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await createStreamTable(page);
    for (let i = 0; i < 5; i++) {
      await send(page, 'PutItem', { TableName: 'log', Item: { pk: { S: `kept-${i}` } } });
    }
    const events = await send(page, 'Dynoscope_GetEvents', { TableName: 'log' });
    const activity = await send(page, 'Dynoscope_GetActivity', {});
    const window = { TableName: 'log', StartMillis: Date.now() - 60000, EndMillis: Date.now() + 60000 };
    const metrics = await send(page, 'Dynoscope_GetMetrics', window);
    assert.ok(metrics.Datapoints.length >= 1);
    await waitForSavedHistory(page, 'kept-4');

    await helpers.open(page, '/tables/log/cluster');
    assert.deepEqual(await send(page, 'Dynoscope_GetEvents', { TableName: 'log' }), events);
    const after = await send(page, 'Dynoscope_GetActivity', {});
    assert.deepEqual(after.Entries.slice(0, activity.Entries.length), activity.Entries);
    const metricsAfter = await send(page, 'Dynoscope_GetMetrics', window);
    assert.deepEqual(metricsAfter.Datapoints.slice(0, metrics.Datapoints.length), metrics.Datapoints);

    // The views show it too: the stream's records, the write events, the chart's points.
    await page.locator('[data-testid="stream-record"][data-event="INSERT"]').filter({ hasText: 'kept-4' }).waitFor();
    assert.equal(await page.locator('[data-testid="stream-record"][data-event="INSERT"]').count(), 5);
    await page.locator('[data-testid="timeline-event"][data-kind="WRITE"]').filter({ hasText: 'kept-0' }).first().waitFor();
    await page.locator('[data-testid="capacity-point"][data-series="write"]').first().waitFor();
    await page.getByTestId('nav-activity').click();
    await page.locator('[data-testid="activity-entry"]').filter({ hasText: 'CreateTable' }).waitFor();
  });
});
