// End-to-end tests of the AWS CLI in the page and the code shown for requests: lines typed
// into the console with shorthand and JSON, Tab completion and history, what the CLI prints
// (including errors and exit codes), window.dynoscope.cli, and the "Code" panel's three
// languages. Each test launches its own profile.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

const { withBrowser } = helpers;

const CREATE = 'aws dynamodb create-table --table-name Music '
  + '--attribute-definitions AttributeName=Artist,AttributeType=S AttributeName=Song,AttributeType=S '
  + '--key-schema AttributeName=Artist,KeyType=HASH AttributeName=Song,KeyType=RANGE '
  + '--billing-mode PAY_PER_REQUEST --query TableDescription.TableStatus --output text';

test('window.dynoscope.cli runs lines as the AWS CLI does, errors and exit codes included', { timeout: 90000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/tables');
    const cli = (line) => page.evaluate((l) => window.dynoscope.cli(l), line);
    assert.deepEqual(await cli(CREATE), { exitCode: 0, stdout: 'CREATING\n', stderr: '' });
    assert.equal((await cli('aws dynamodb put-item --table-name Music --item Artist={S=Ada},Song={S=Bits}')).exitCode, 0);
    assert.equal((await cli(`aws dynamodb put-item --table-name Music --item '{"Artist": {"S": "Ada"}, "Song": {"S": "Loops"}}'`)).exitCode, 0);
    const query = await cli(`aws dynamodb query --table-name Music --key-condition-expression 'Artist = :a' --expression-attribute-values '{":a": {"S": "Ada"}}' --consistent-read --query 'Items[].Song.S' --output text`);
    assert.deepEqual(query, { exitCode: 0, stdout: 'Bits\tLoops\n', stderr: '' });
    const missing = await cli('aws dynamodb describe-table --table-name Nope');
    assert.equal(missing.exitCode, 254);
    assert.equal(missing.stderr, '\nAn error occurred (ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: Table: Nope not found\n');
    const usage = await cli('aws dynamodb put-item --table-name Music');
    assert.equal(usage.exitCode, 252);
    assert.match(usage.stderr, /the following arguments are required: --item/);
    // The CLI's writes are the tab's data, like any other request. (Reads are strongly
    // consistent: the page simulates replicas, so an eventually consistent one may be stale.)
    const item = await page.evaluate(() => window.dynoscope.send('GetItem', { TableName: 'Music', Key: { Artist: { S: 'Ada' }, Song: { S: 'Bits' } }, ConsistentRead: true }));
    assert.equal(item.Item.Song.S, 'Bits');
  });
});

test('the console runs a typed line, completes with Tab, walks the history and shows the request and its code', { timeout: 120000 }, async () => {
  await withBrowser(async (page) => {
    await helpers.open(page, '/tables');
    await page.getByTestId('cli-console').locator('summary').click();
    const input = page.getByTestId('cli-input');
    await input.fill(CREATE);
    await input.press('Enter');
    await page.getByTestId('cli-entry').first().waitFor();
    assert.equal(await page.getByTestId('cli-stdout').first().textContent(), 'CREATING\n');
    // Tab completes a command by its prefix.
    await input.fill('aws dynamodb list-tab');
    await input.press('Tab');
    await page.waitForFunction(() => document.querySelector('[data-testid="cli-input"]').value === 'aws dynamodb list-tables ');
    await input.press('End');
    await input.type('--output text');
    await input.press('Enter');
    await page.getByTestId('cli-entry').nth(1).waitFor();
    assert.equal(await page.getByTestId('cli-stdout').nth(1).textContent(), 'TABLENAMES\tMusic\n');
    // ↑ brings the last line back.
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'aws dynamodb list-tables --output text');
    await input.fill('');
    // An error prints on stderr and marks the entry.
    await input.fill('aws dynamodb get-item --table-name Music --key Artist={S=Ada},Song={S=Nope} --consistent-read --return-consumed-capacity TOTAL');
    await input.press('Enter');
    const entry = page.getByTestId('cli-entry').nth(2);
    await entry.waitFor();
    assert.match(await entry.getByTestId('cli-stdout').textContent(), /"CapacityUnits": 1\.0/);
    // The request the line became, and its code in three languages.
    await entry.locator('details.cli-requests > summary').click();
    const request = JSON.parse(await entry.getByTestId('cli-request').textContent());
    assert.deepEqual(request.Key, { Artist: { S: 'Ada' }, Song: { S: 'Nope' } });
    await entry.getByTestId('show-code').locator('summary').click();
    const tabs = entry.getByTestId('code-tab');
    await tabs.first().waitFor();
    assert.deepEqual(await tabs.allTextContents(), ['JavaScript (SDK v3)', 'Python (boto3)', 'AWS CLI']);
    assert.match(await entry.locator('[data-testid="code-pane"]:not([hidden])').textContent(), /new GetItemCommand\(/);
    await tabs.nth(1).click();
    assert.match(await entry.locator('[data-testid="code-pane"]:not([hidden])').textContent(), /client\.get_item\(/);
    await tabs.nth(2).click();
    const line = await entry.locator('[data-testid="code-pane"]:not([hidden])').textContent();
    assert.match(line, /^aws dynamodb get-item/);
    // The CLI line the code panel wrote runs in the console and gives the same answer.
    const again = await page.evaluate((l) => window.dynoscope.cli(l), line.replace(/--return-consumed-capacity TOTAL/, ''));
    assert.equal(again.exitCode, 0);
  });
});
