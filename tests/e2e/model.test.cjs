// End-to-end tests of the designer's half: Home's three doors, views as routes, a bundled
// sample model applied and its access patterns run, importModel/exportModel/shareLink on
// window.dynoscope, and share links opened in fresh profiles (empty, and holding data of
// their own, which must stay untouched). Each test launches its own profile.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const WORKBENCH = path.join(helpers.ROOT, 'crates', 'model', 'tests', 'fixtures', 'workbench');

/** Runs `fn` with a fresh profile, failing on any page error, and closes it. */
const { withBrowser } = helpers;

/** Every table's item count, read with strongly consistent Scan pages. */
function itemCounts(page) {
  return page.evaluate(async () => {
    const names = (await window.dynoscope.send('ListTables', {})).TableNames;
    const counts = {};
    for (const name of names) {
      counts[name] = 0;
      let start;
      do {
        const result = await window.dynoscope.send('Scan', {
          TableName: name, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start,
        });
        counts[name] += result.Count;
        start = result.LastEvaluatedKey;
      } while (start);
    }
    return counts;
  });
}

test('home offers the three uses and each view is a route that survives a reload', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    await page.getByTestId('home').waitFor();
    assert.ok(await page.getByTestId('home-sample').count() >= 2, 'at least two bundled samples');
    await page.getByTestId('home-design').click();
    await page.getByTestId('model-page').waitFor();
    assert.equal(new URL(page.url()).pathname, '/model');
    await page.reload();
    await page.getByTestId('model-page').waitFor();
    await page.getByTestId('nav-tables').click();
    await page.getByTestId('no-tables').waitFor();
    assert.equal(new URL(page.url()).pathname, '/tables');
    await page.goBack();
    await page.getByTestId('model-page').waitFor();
    await helpers.open(page, '/learn');
    await page.getByTestId('learn').waitFor();
  });
});

test('a sample model opens from home, fills its tables and runs its access patterns', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    await page.locator('[data-testid="home-sample"][data-sample="ecommerce"]').click();
    await page.getByTestId('model-page').waitFor();
    await page.getByTestId('model-table').first().waitFor();
    await page.getByTestId('collection').first().waitFor();
    // The sample's Zipf-skewed customers make one partition key value hot.
    const hot = await page.getByTestId('data-warning').first().textContent();
    assert.match(hot, /times the average/);
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.ok(tables.TableNames.length >= 1);
    const first = page.getByTestId('pattern').first();
    await first.getByTestId('pattern-run').click();
    await first.getByTestId('pattern-result').waitFor();
    const counts = await first.getByTestId('pattern-counts').textContent();
    assert.match(counts, /Count \d+/);
    const capacity = await first.getByTestId('pattern-capacity').textContent();
    assert.match(capacity, /RCU/);
    // A pattern on an index names the index partitions it read (once the global index has
    // caught up with the load: the playground delays its entries by up to two seconds).
    const byIndex = page.getByTestId('pattern').filter({ hasText: 'Order by id' });
    const touched = byIndex.getByTestId('pattern-partitions');
    for (let attempt = 0; attempt < 10 && !(await touched.count()); attempt++) {
      await byIndex.getByTestId('pattern-run').click();
      await byIndex.getByTestId('pattern-result').waitFor();
      await page.waitForTimeout(500);
    }
    assert.match(await touched.textContent(), /index GSI1 partition \d+ \(leader in /);
    // The model survives a reload.
    await page.reload();
    await page.getByTestId('model-table').first().waitFor();
  });
});

test('importModel loads a real NoSQL Workbench export and every export format answers', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/model');
    const text = fs.readFileSync(path.join(WORKBENCH, 'GamePlayerProfilesSchema.json'), 'utf8');
    const summary = await page.evaluate((t) => window.dynoscope.importModel(t), text);
    assert.ok(summary.tables.length >= 1, JSON.stringify(summary));
    assert.ok(summary.items > 0, JSON.stringify(summary));
    assert.equal(summary.format, 'nosql-workbench');
    const formats = await page.evaluate(() => window.dynoscope.exportFormats);
    for (const format of formats) {
      const out = await page.evaluate(
        (f) => window.dynoscope.exportModel(f).catch((e) => ({ error: e })),
        format,
      );
      assert.ok(typeof out === 'string' && out.length > 0, `${format}: ${JSON.stringify(out)}`);
    }
    const cfn = await page.evaluate(() => window.dynoscope.exportModel('cloudformation-yaml'));
    assert.match(cfn, /AWS::DynamoDB::Table/);
    // A bad file is refused with an error naming the field, and changes nothing.
    const before = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    const error = await page.evaluate(
      () => window.dynoscope.importModel('{"ModelName": "x", "DataModel": [{"TableName": "t"}]}').then(() => null, (e) => e),
    );
    assert.ok(error && /DataModel\[0\]/.test(error.message), JSON.stringify(error));
    const after = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(after, before);
  });
});

test('a share link opens the same model in a fresh profile', { timeout: 150000 }, async () => {
  let link;
  let expected;
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    await page.locator('[data-testid="home-sample"][data-sample="game"]').click();
    await page.getByTestId('model-table').first().waitFor();
    link = await page.evaluate(() => window.dynoscope.shareLink());
    expected = await itemCounts(page);
  });
  assert.match(link, /\/model#m1\./);
  await withBrowser(async (page) => {
    await page.goto(link);
    await page.getByTestId('link-dialog').waitFor();
    await page.getByTestId('link-open').click();
    await page.getByTestId('link-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('model-table').first().waitFor();
    const got = await itemCounts(page);
    assert.deepEqual(got, expected);
    assert.ok(await page.getByTestId('pattern').count() > 0);
  });
});

test('a share link never touches the data of a profile that has its own', { timeout: 150000 }, async () => {
  let link;
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    await page.locator('[data-testid="home-sample"][data-sample="ecommerce"]').click();
    await page.getByTestId('model-table').first().waitFor();
    link = await page.evaluate(() => window.dynoscope.shareLink());
  });
  await withBrowser(async (page) => {
    await helpers.open(page, '/tables');
    await page.evaluate(async () => {
      await window.dynoscope.send('CreateTable', {
        TableName: 'Mine',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await window.dynoscope.send('PutItem', { TableName: 'Mine', Item: { id: { S: 'keep me' } } });
    });
    await page.goto(link);
    await page.getByTestId('link-dialog').waitFor();
    await page.getByTestId('link-open-beside').click();
    await page.waitForURL(/ws=/);
    await page.getByTestId('link-open').click();
    await page.getByTestId('model-table').first().waitFor();
    const there = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.ok(!there.TableNames.includes('Mine'), 'the new workspace starts empty');
    await helpers.open(page, '/tables');
    const mine = await page.evaluate(() => window.dynoscope.send('Scan', { TableName: 'Mine' }));
    assert.deepEqual(mine.Items, [{ id: { S: 'keep me' } }]);
  });
});

test('a damaged or oversized link is refused with a message and changes nothing', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/model#m1.AAAAthis-is-not-a-model');
    await page.getByTestId('link-error').waitFor();
    await helpers.open(page, '/model#m1.' + 'A'.repeat(200000));
    const text = await page.getByTestId('link-error').textContent();
    assert.match(text, /larger|long|size/i);
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, []);
  });
});

test('the model is edited with forms, validated as it is typed, and kept across a reload', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/model');
    await page.getByTestId('model-new').click();
    const entity = page.getByTestId('entity-form').first();
    await entity.waitFor();
    assert.equal(await entity.getByTestId('form-entity-name').inputValue(), 'User');

    // A template naming an attribute the entity lacks is found as it is typed, under the entity.
    await entity.getByTestId('form-key-template').first().fill('USER#{userName}');
    const finding = entity.getByTestId('form-finding');
    await finding.waitFor();
    assert.match(await finding.first().textContent(), /\{userName\}/);
    await entity.getByTestId('form-add-attribute').click();
    await entity.getByTestId('form-attribute-name').last().fill('userName');
    await finding.waitFor({ state: 'detached' });

    // Each attribute's values come from a generator picked by kind and tuned as JSON; text
    // that is not a generator is refused beside it and changes nothing.
    await entity.getByTestId('form-generator-kind').nth(1).selectOption('email');
    assert.equal(await entity.getByTestId('form-generator').nth(1).inputValue(), '{"kind":"email"}');
    await entity.getByTestId('form-generator').nth(1).fill('{"kind":"email","domain":1}');
    await entity.getByTestId('form-generator-error').waitFor();
    await entity.getByTestId('form-generator').nth(1).fill('{"kind":"email"}');
    await entity.getByTestId('form-generator-error').waitFor({ state: 'detached' });

    // A new access pattern that needs a Scan is flagged under it.
    await page.getByTestId('form-add-pattern').click();
    const pattern = page.getByTestId('pattern-form').last();
    await pattern.getByTestId('form-pattern-name').fill('Every user');
    await pattern.getByTestId('form-pattern-operation').selectOption('Scan');
    await pattern.getByTestId('form-finding').waitFor();
    assert.match(await pattern.getByTestId('form-finding').textContent(), /needs a Scan/);
    assert.match(await page.getByTestId('model-health').textContent(), /2 access patterns/);

    // The table's definition is edited with the create-table form's fields: a new global
    // index becomes something a pattern can read.
    const definition = page.getByTestId('table-definition').first();
    await definition.locator('summary').first().click();
    await definition.getByTestId('create-add-gsi').click();
    await definition.getByTestId('create-index-name').fill('ByEmail');
    await definition.getByTestId('create-index-pk').fill('email');
    await definition.getByTestId('create-index-sk').fill('');
    await definition.getByTestId('table-definition-save').click();
    await pattern.getByTestId('form-pattern-index').locator('option[value="ByEmail"]').waitFor({ state: 'attached' });
    // What DynamoDB would refuse shows among the findings, in its words.
    await definition.getByTestId('create-index-name').fill('x');
    await definition.getByTestId('table-definition-save').click();
    const refusal = page.getByTestId('finding').filter({ hasText: /indexName' failed to satisfy constraint/ });
    await refusal.first().waitFor();
    await definition.getByTestId('create-index-name').fill('ByEmail');
    await definition.getByTestId('table-definition-save').click();
    await refusal.first().waitFor({ state: 'detached' });

    // The edits are saved once they settle, and the page shows them after a reload.
    await page.waitForTimeout(1000);
    await helpers.open(page, '/model');
    const reloaded = page.getByTestId('entity-form').first();
    await reloaded.waitFor();
    assert.equal(await reloaded.getByTestId('form-key-template').first().inputValue(), 'USER#{userName}');
    assert.equal(await page.getByTestId('pattern-form').last().getByTestId('form-pattern-name').inputValue(), 'Every user');
    assert.equal(await page.getByTestId('entity-form').first().getByTestId('form-generator').nth(1).inputValue(), '{"kind":"email"}');
    const savedDefinition = page.getByTestId('table-definition').first();
    await savedDefinition.locator('summary').first().click();
    assert.equal(await savedDefinition.getByTestId('create-index-name').inputValue(), 'ByEmail');
  });
});

test('name, description, example values, seed and hand-written items are edited in forms and used', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/model');
    await page.getByTestId('model-new').click();
    await page.getByTestId('form-model-name').fill('Shop design');
    await page.getByTestId('form-model-description').fill('Users and their profiles');
    assert.equal(await page.getByTestId('model-name').textContent(), 'Shop design');

    // A new pattern's template names a parameter; its example value is asked for beside it.
    await page.getByTestId('form-add-pattern').click();
    const pattern = page.getByTestId('pattern-form').last();
    await pattern.getByTestId('form-pattern-name').fill('Profile by user');
    await pattern.getByTestId('form-pattern-pk').fill('USER#{userId}');
    const param = pattern.getByTestId('form-pattern-param');
    await param.waitFor();
    await param.fill('hand1');
    // Read from the leader, so the item just loaded is seen whatever the replicas' lag.
    await pattern.getByTestId('form-pattern-consistent').check();

    // Items are written by hand in DynamoDB JSON; what the engine would refuse is refused
    // beside the item, in its words, and changes nothing.
    await page.getByTestId('sample-data').locator('summary').click();
    await page.getByTestId('form-seed').fill('7');
    await page.getByTestId('form-add-item').click();
    const item = page.getByTestId('form-item');
    assert.equal(await item.inputValue(), '{"PK":{"S":"new"},"SK":{"S":"new"}}');
    await item.fill('{"PK":{"S":"USER#hand1"},"SK":{"N":"x"}}');
    await page.getByTestId('form-item-error').waitFor();
    await item.fill('{"PK":{"S":"USER#hand1"},"SK":{"S":"PROFILE"},"email":{"S":"me@example.com"}}');
    await page.getByTestId('form-item-error').waitFor({ state: 'detached' });

    // Applied, the hand-written item is in the table and the pattern finds it with its value.
    await page.waitForTimeout(600);
    await page.getByTestId('model-apply').click();
    const loaded = () => page.evaluate(() => window.dynoscope.send('GetItem', {
      TableName: 'AppTable', Key: { PK: { S: 'USER#hand1' }, SK: { S: 'PROFILE' } }, ConsistentRead: true,
    }).then((r) => Boolean(r.Item), () => false));
    while (!(await loaded())) await page.waitForTimeout(100);
    await page.getByTestId('model-apply').filter({ hasText: 'Apply to tables' }).waitFor();
    const run = page.locator('[data-testid="pattern"][data-pattern="Profile by user"]');
    assert.equal(await run.locator('[data-param="userId"]').inputValue(), 'hand1');
    await run.getByTestId('pattern-run').click();
    await run.getByTestId('pattern-result').waitFor();
    assert.match(await run.getByTestId('pattern-items').textContent(), /me@example\.com/);
    const saved = await page.evaluate(() => window.dynoscope.exportModel('dynoscope'));
    const model = JSON.parse(saved);
    assert.equal(model.description, 'Users and their profiles');
    assert.equal(model.tables[0].seed, 7);
    assert.deepEqual(model.tables[0].accessPatterns[1].parameters, { userId: 'hand1' });
  });
});

test('the converters load only when a file is imported or exported, and answer errors by name', { timeout: 60000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    const loaded = () => page.evaluate(() => performance.getEntriesByType('resource')
      .some((entry) => entry.name.includes('dynoscope-converters')));
    assert.equal(await loaded(), false, 'the first load does not fetch the converters');
    const refused = await page.evaluate(() => window.dynoscope.importModel('{"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {}}}}')
      .then(() => null, (e) => String(e.message || e)));
    assert.ok(refused, 'a template without a key schema is refused');
    assert.match(refused, /KeySchema/);
    assert.equal(await loaded(), true);
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, [], 'a refused import creates nothing');
  });
});

test('a pattern that finds nothing in a lagging global index says why', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/');
    // Index entries land a minute after each write, engine-wide (tables made now inherit it).
    await page.evaluate(() => window.dynoscope.send('Dynoscope_SetSimulation', {
      GsiPropagation: { MinMillis: 60000, MaxMillis: 60000 },
    }));
    await page.locator('[data-testid="home-sample"][data-sample="ecommerce"]').click();
    const byIndex = page.getByTestId('pattern').filter({ hasText: 'Order by id' });
    await byIndex.getByTestId('pattern-run').click();
    await byIndex.getByTestId('pattern-result').waitFor();
    assert.match(await byIndex.getByTestId('pattern-counts').textContent(), /Count 0/);
    const warning = byIndex.getByText(/eventually consistent: here its entries land up to 60000 ms/);
    await warning.waitFor();
  });
});
