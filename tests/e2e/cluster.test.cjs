// End-to-end tests of the Cluster view in headless Chromium (see helpers.cjs): a table
// filled past the playground's 10 KB partition limit shows its split partitions; with the
// clock paused a new item is located, one replica still stale; stepping the clock 2 s brings
// every replica up to date; the timeline tells the split. Fails on any console error.
// Screenshots go to target/e2e/cluster.png (1280×800) and target/e2e/cluster-narrow.png
// (600 px wide).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SHOTS = path.join(helpers.ROOT, 'target', 'e2e');
const TABLE = 'Sensors';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

let browser;
let page;

before(async () => {
  browser = await helpers.launch({ viewport: { width: 1280, height: 800 } });
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});

/** Writes `count` items with a 400-character attribute, 25 per BatchWriteItem. */
async function fill(count) {
  await page.evaluate(async ({ table, count }) => {
    const payload = 'x'.repeat(400);
    let pending = [];
    for (let i = 0; i < count; i += 1) {
      pending.push({
        PutRequest: {
          Item: { id: { S: `sensor-${String(i).padStart(3, '0')}` }, reading: { N: String(i) }, payload: { S: payload } },
        },
      });
    }
    for (let round = 0; pending.length > 0 && round < 50; round += 1) {
      const batch = pending.slice(0, 25);
      pending = pending.slice(25);
      const response = await window.dynoscope.send('BatchWriteItem', { RequestItems: { [table]: batch } });
      const unprocessed = (response.UnprocessedItems || {})[table] || [];
      pending = unprocessed.concat(pending);
    }
    if (pending.length > 0) throw new Error(`${pending.length} items were never written`);
  }, { table: TABLE, count });
}

/** Every element matching `selector` has `attribute` equal to `value` (and there is one). */
async function waitForAll(selector, attribute, value) {
  await page.waitForFunction(({ selector, attribute, value }) => {
    const all = [...document.querySelectorAll(selector)];
    return all.length > 0 && all.every((e) => e.getAttribute(attribute) === value);
  }, { selector, attribute, value });
}

test('the Cluster view shows partitions, replicas, a located item and the split', { timeout: 120000 }, async () => {
  await helpers.open(page);

  await page.getByTestId('create-table-name').fill(TABLE);
  await page.getByTestId('create-pk-name').fill('id');
  await page.getByTestId('create-pk-name').press('Enter');
  await page.getByTestId('create-table-status').waitFor();
  await fill(40);

  // The Cluster view: the table has split (10 KB partitions in the playground).
  await page.getByTestId('view-cluster').click();
  await page.getByTestId('cluster-view').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="partition-card"]').length >= 2);
  const cards = await page.getByTestId('partition-card').count();
  assert.ok(cards >= 2, `partitions: ${cards}`);
  assert.equal(await page.getByTestId('keyspace-segment').count(), cards);
  assert.equal(await page.getByTestId('replica').count(), cards * 3);
  assert.equal(await page.locator('[data-testid="replica"][data-role="LEADER"]').count(), cards);
  assert.ok(await page.getByTestId('simulation-preset-PLAYGROUND').isChecked());
  const items = await page.getByTestId('partition-items').allTextContents();
  assert.equal(items.reduce((sum, n) => sum + Number(n), 0), 40);
  await page.getByTestId('split').first().waitFor();

  // In real time the batch's lagging replicas catch up within the playground's 1.5 s.
  await waitForAll('[data-testid="replica"]', 'data-caught-up', 'true');

  // Pause the clock: time stands still, so the lagging replica stays behind.
  await page.getByTestId('clock-pause').click();
  await page.locator('[data-testid="clock-mode"][data-mode="STEPPED"]').waitFor();
  const frozen = await page.getByTestId('clock-time').textContent();
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('clock-time').textContent(), frozen);

  // Put one item through the editor, then Locate it from its row in the grid.
  await page.getByTestId('view-items').click();
  await page.getByTestId('item-json').fill(JSON.stringify({ id: { S: 'probe' }, note: { S: 'where am I?' } }));
  await page.getByTestId('put-item').click();
  await page.getByTestId('put-item-status').waitFor();
  const row = page.getByTestId('item-row').filter({ hasText: 'where am I?' });
  await row.getByTestId('locate-item').click();

  await page.getByTestId('cluster-view').waitFor();
  await page.getByTestId('locate-result').waitFor();
  const replicas = page.getByTestId('locator-replica');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="locator-replica"]').length === 3);
  const zones = await replicas.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-az')));
  assert.deepEqual([...zones].sort(), ZONES);
  const text = await page.getByTestId('locate-result').textContent();
  for (const zone of ZONES) assert.match(text, new RegExp(zone));
  assert.match(text, /probe/);
  // The replica outside the write quorum has not applied the put yet.
  assert.equal(await page.locator('[data-testid="locator-replica"][data-stale="true"]').count(), 1);
  assert.match(text, /STALE/);
  const partition = (await page.getByTestId('located-partition').textContent()).match(/\d+/)[0];
  const card = page.locator(`[data-testid="partition-card"][data-partition-id="${partition}"]`);
  assert.equal(await card.getAttribute('data-located'), 'true');
  await card.getByTestId('lag-badge').waitFor();
  await page.getByTestId('item-pin').waitFor();

  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'cluster.png'), fullPage: true });

  // Step 2 s: every replica has applied every write.
  await page.getByTestId('clock-step-1000').click();
  await page.getByTestId('clock-step-1000').click();
  await waitForAll('[data-testid="locator-replica"]', 'data-stale', 'false');
  await waitForAll('[data-testid="replica"]', 'data-caught-up', 'true');
  assert.equal(await page.getByTestId('lag-badge').count(), 0);
  assert.equal(await page.locator('[data-testid="clock-mode"]').getAttribute('data-mode'), 'STEPPED');

  // The timeline tells the split and the put.
  const split = page.locator('[data-testid="timeline-event"][data-kind="SPLIT"]').first();
  await split.waitFor();
  assert.match(await split.textContent(), /Partition \d+ split into \d+ and \d+ \(size\)/);
  const put = page.locator('[data-testid="timeline-event"][data-kind="WRITE"]').filter({ hasText: 'probe' }).first();
  await put.waitFor();
  assert.match(await put.textContent(), /PUT probe → partition \d+; replicas .* now, . at \+\d+ ms/);

  // Space (outside any field or button) plays the clock again; Space pauses it.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Space');
  await page.locator('[data-testid="clock-mode"][data-mode="REALTIME"]').waitFor();
  await page.keyboard.press('Space');
  await page.locator('[data-testid="clock-mode"][data-mode="STEPPED"]').waitFor();

  // An eventually consistent read shows up as a READ sentence naming its replica.
  await page.evaluate((table) => window.dynoscope.send('GetItem', { TableName: table, Key: { id: { S: 'probe' } } }), TABLE);
  const read = page.locator('[data-testid="timeline-event"][data-kind="READ"]').filter({ hasText: 'GetItem' }).first();
  await read.waitFor();
  assert.match(await read.textContent(), /GetItem probe served by us-east-1[abc] \((current|stale)\)/);

  // A key typed into the locator is found too.
  await page.getByTestId('locate-key').fill('sensor-001');
  await page.getByTestId('locate-submit').click();
  await page.getByTestId('locate-result').filter({ hasText: 'sensor-001' }).waitFor();
  assert.equal(await page.getByTestId('locator-replica').count(), 3);
  assert.equal(await page.locator('[data-testid="partition-card"][data-located="true"]').count(), 1);

  // Narrow screens stack the panels.
  await page.setViewportSize({ width: 600, height: 900 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 600px`);
  await page.screenshot({ path: path.join(SHOTS, 'cluster-narrow.png'), fullPage: true });

  helpers.assertNoPageProblems(browser.problems);
});

test('taking an availability zone down fails leaders over and writes carry on', { timeout: 90000 }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await helpers.open(page);
  await page.locator(`[data-testid="table-link"][data-table="${TABLE}"]`).click();
  await page.getByTestId('view-cluster').click();
  await page.getByTestId('cluster-view').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="zone-toggle"]').length === 3);
  const cards = await page.getByTestId('partition-card').count();

  // us-east-1a goes down: its replicas are marked down and no partition leads from it.
  await page.locator('[data-testid="zone-toggle"][data-zone="us-east-1a"]').click();
  await page.locator('[data-testid="zone-toggle"][data-zone="us-east-1a"][data-state="DOWN"]').waitFor();
  await waitForAll('[data-testid="replica"][data-az="us-east-1a"]', 'data-available', 'false');
  assert.equal(await page.locator('[data-testid="replica"][data-az="us-east-1a"]').count(), cards);
  assert.equal(await page.locator('[data-testid="replica"][data-role="LEADER"]').count(), cards);
  assert.equal(await page.locator('[data-testid="replica"][data-az="us-east-1a"][data-role="LEADER"]').count(), 0);
  await page.locator('[data-testid="timeline-event"][data-kind="ZONE_DOWN"]').first().waitFor();
  const failover = page.locator('[data-testid="timeline-event"][data-kind="FAILOVER"]').first();
  await failover.waitFor();
  assert.match(await failover.textContent(), /partition \d+ us-east-1a → us-east-1b/);

  // Writes carry on with the two zones up; the down zone's replica misses them.
  await page.evaluate((table) => window.dynoscope.send('PutItem', { TableName: table, Item: { id: { S: 'during-outage' } } }), TABLE);
  await page.getByTestId('locate-key').fill('during-outage');
  await page.getByTestId('locate-submit').click();
  await page.locator('[data-testid="locator-replica"][data-az="us-east-1a"][data-available="false"]').waitFor();
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'cluster-zone-down.png'), fullPage: true });

  // A second zone down leaves no quorum: reads and writes fail with a 500.
  await page.locator('[data-testid="zone-toggle"][data-zone="us-east-1b"]').click();
  await page.getByTestId('no-quorum').waitFor();
  const refused = await page.evaluate((table) => window.dynoscope
    .send('GetItem', { TableName: table, Key: { id: { S: 'during-outage' } } })
    .then((response) => ({ response }), (error) => ({ error })), TABLE);
  assert.match(refused.error.__type, /InternalServerError$/);

  // Both back: every replica is available again.
  await page.locator('[data-testid="zone-toggle"][data-zone="us-east-1b"]').click();
  await page.locator('[data-testid="zone-toggle"][data-zone="us-east-1a"]').click();
  await waitForAll('[data-testid="zone-toggle"]', 'data-state', 'UP');
  await waitForAll('[data-testid="replica"]', 'data-available', 'true');
  assert.equal(await page.getByTestId('no-quorum').count(), 0);
  helpers.assertNoPageProblems(browser.problems);
});
