// End-to-end tests of the Learn view and window.dynoscope.scenarios: the list of guided
// scenarios, a scenario played step by step in its own workspace with every checkpoint
// holding, the closing questions answered, and a headless run that leaves the tab's data
// alone. Each test launches its own profile.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

const { withBrowser } = helpers;

test('a scenario is played step by step in the lesson workspace, every checkpoint holding', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/learn');
    const card = page.locator('[data-testid="scenario-card"][data-scenario="capacity-arithmetic"]');
    await card.waitFor();
    await card.getByTestId('scenario-open').click();
    // The lesson runs in its own workspace, so the default one's data stays as it is.
    await page.getByTestId('lesson-title').waitFor();
    assert.match(page.url(), /\/learn\/capacity-arithmetic\?ws=learn$/);
    const steps = page.getByTestId('lesson-step');
    const total = await steps.count();
    assert.ok(total >= 5);
    for (let n = 0; n < total; n++) {
      const run = page.locator(`[data-testid="lesson-run"][data-step="${n}"]`);
      await run.click();
      await run.waitFor({ state: 'detached' });
    }
    const checkpoints = page.getByTestId('checkpoint');
    await checkpoints.nth(total - 1).waitFor();
    assert.equal(await page.locator('[data-testid="checkpoint"][data-ok="false"]').count(), 0);
    assert.match(await checkpoints.nth(2).textContent(), /0\.5 RCU/);
    // The questions close it; an answer is explained.
    const first = page.getByTestId('question').first();
    await first.getByTestId('question-choice').nth(1).check();
    assert.match(await first.getByTestId('question-verdict').textContent(), /^Right\./);
    // The Learn link leads back to the list.
    await page.getByTestId('nav-learn').click();
    await page.getByTestId('scenario-list').waitFor();
    assert.match(page.url(), /\/learn\?ws=learn$/);
    // The lesson's table is in the lesson workspace, like any table.
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, ['Sizes']);
  });
});

test('a scenario on the playground simulation plays through the page, a stale read included', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/learn/stale-reads?ws=learn');
    await page.getByTestId('lesson-title').waitFor();
    const total = await page.getByTestId('lesson-step').count();
    for (let n = 0; n < total; n++) {
      await page.locator(`[data-testid="lesson-run"][data-step="${n}"]`).click();
      const next = n + 1 < total
        ? page.locator(`[data-testid="lesson-run"][data-step="${n + 1}"]`)
        : page.getByTestId('question').first();
      await next.waitFor();
    }
    assert.equal(await page.locator('[data-testid="checkpoint"][data-ok="false"]').count(), 0);
    assert.match(await page.getByTestId('lesson-step').nth(6).textContent(), /stale version 1/);
    // The step that located the item leads to the Cluster view, the item located there.
    await page.getByTestId('lesson-see').first().click();
    await page.getByTestId('locate-result').waitFor();
    assert.match(page.url(), /\/tables\/Profiles\/cluster\?ws=learn$/);
    assert.match(await page.getByTestId('located-partition').first().textContent(), /^partition \d+$/);
    await page.locator('[data-testid="item-locator"].spotlight').waitFor();
    // Back in the lesson, it stands where it was left.
    await page.goBack();
    await page.getByTestId('question').first().waitFor();
  });
});

test('a lesson opened outside its workspace offers to move there and changes nothing', { timeout: 60000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/learn/capacity-arithmetic');
    await page.getByTestId('lesson-elsewhere').waitFor();
    assert.equal(await page.getByTestId('lesson-run').count(), 0);
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, []);
  });
});

test('scenarios.list names every scenario and scenarios.run plays one headlessly', { timeout: 60000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    const { list, report, tables } = await page.evaluate(async () => {
      const list = await window.dynoscope.scenarios.list();
      const report = await window.dynoscope.scenarios.run('capacity-arithmetic');
      const tables = await window.dynoscope.send('ListTables', {});
      return { list, report, tables };
    });
    assert.ok(list.some((s) => s.id === 'capacity-arithmetic' && s.title && s.topics.length));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok(report.steps.every((s) => s.ok && typeof s.expected === 'string' && 'actual' in s));
    assert.deepEqual(tables.TableNames, [], 'a headless run leaves the tab alone');
    const refused = await page.evaluate(() => window.dynoscope.scenarios.run('no-such-thing').then(() => null, (e) => e.message));
    assert.match(refused, /no scenario called no-such-thing/);
  });
});

test('every bundled scenario passes in the page', { timeout: 180000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    const reports = await page.evaluate(async () => {
      const out = [];
      for (const { id } of await window.dynoscope.scenarios.list()) {
        out.push(await window.dynoscope.scenarios.run(id));
      }
      return out;
    });
    assert.ok(reports.length >= 25, `${reports.length} scenarios`);
    const failures = reports.flatMap((r) => r.steps.filter((s) => !s.ok).map((s) => `${r.id} / ${s.title}: ${s.expected} — ${s.actual}`));
    assert.deepEqual(failures, []);
  });
});

test('a lesson picks up where it was left after a reload, and Start over begins again', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/learn/capacity-arithmetic?ws=learn');
    await page.getByTestId('lesson-title').waitFor();
    for (const n of [0, 1]) {
      const run = page.locator(`[data-testid="lesson-run"][data-step="${n}"]`);
      await run.click();
      await run.waitFor({ state: 'detached' });
    }
    await page.locator('[data-testid="lesson-run"][data-step="2"]').waitFor();
    await page.reload();
    await page.getByTestId('lesson-title').waitFor();
    // The third step is next again: the two played are kept, and so are their tables.
    await page.locator('[data-testid="lesson-run"][data-step="2"]').waitFor();
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, ['Sizes']);
    await page.getByTestId('lesson-restart').click();
    await page.locator('[data-testid="lesson-run"][data-step="0"]').waitFor();
  });
});
