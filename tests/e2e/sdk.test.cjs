// End-to-end test of window.dynoscope.requestHandler: the AWS SDK for JavaScript v3 from npm
// (tests/sdk: client-dynamodb, lib-dynamodb, client-dynamodb-streams), bundled by esbuild,
// runs in the page against the tab's engine with nothing changed but its requestHandler.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const helpers = require('./helpers.cjs');

const SDK = path.join(helpers.ROOT, 'tests', 'sdk');

async function bundle() {
  const esbuild = require(path.join(SDK, 'node_modules', 'esbuild'));
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'sdk', 'entry.mjs')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    nodePaths: [path.join(SDK, 'node_modules')],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

test('the AWS SDK for JavaScript v3, bundled for the browser, runs against the page through requestHandler', { timeout: 120000 }, async () => {
  const code = await bundle();
  const browser = await helpers.launch();
  try {
    const page = browser.page;
    await helpers.open(page, '/tables');
    await page.addScriptTag({ content: code });
    const out = await page.evaluate(() => window.sdkCheck());
    assert.equal(out.status, 'ACTIVE');
    assert.deepEqual(out.item, { pk: 'a', sk: 1, tags: ['x', 'y'], data: { n: 1.5, list: [true, null] } });
    assert.deepEqual(out.query, { count: 2, sks: [1, 2], capacity: 1 });
    assert.deepEqual(out.binary, [0, 1, 254, 255]);
    assert.deepEqual(out.condition, {
      name: 'ConditionalCheckFailedException',
      typed: true,
      message: 'The conditional request failed',
      status: 400,
    });
    assert.deepEqual(out.missing, { name: 'ResourceNotFoundException', typed: true });
    assert.deepEqual(out.records, ['INSERT a 1', 'INSERT a 2', 'INSERT bin 0']);
    // What the SDK wrote is the tab's data, like any other request.
    const tables = await page.evaluate(() => window.dynoscope.send('ListTables', {}));
    assert.deepEqual(tables.TableNames, ['Sdk']);
    helpers.assertNoPageProblems(browser.problems);
  } finally {
    await browser.close();
  }
});
