// The item editor in plain JSON: a plain item with a nested map, a 38-digit number, a string
// set and a binary is put with exactly those types; an existing DynamoDB JSON item switched
// to plain JSON and back is unchanged; a set with a duplicate is refused inline, naming the
// attribute; the choices are reachable from the keyboard.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

function send(page, operation, request) {
  return page.evaluate(([op, req]) => window.dynoscope.send(op, req), [operation, request]);
}

async function openTable(page) {
  await helpers.open(page);
  await send(page, 'CreateTable', {
    TableName: 'things',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await helpers.open(page, '/tables/things');
  await page.getByTestId('item-json').waitFor();
}

async function getItem(page, pk) {
  return (await send(page, 'GetItem', { TableName: 'things', Key: { pk: { S: pk } } })).Item;
}

test('a plain JSON item is stored with exactly the chosen types', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await openTable(page);
    await page.getByTestId('editor-format').selectOption('plain');
    await page.getByTestId('editor-sets').selectOption('sets');
    await page.getByTestId('item-json').fill(`{
      "pk": "p1",
      "profile": {"name": "Ada", "address": {"city": "London", "zip": "N1"}, "langs": ["en", "fr"]},
      "big": 12345678901234567890123456789012345678,
      "tiny": 1e-130,
      "photo": {"$binary": "aGVsbG8="},
      "history": [1, "two", null, true],
      "none": []
    }`);
    await page.getByTestId('put-item').click();
    await page.getByTestId('put-item-status').waitFor();

    const item = await getItem(page, 'p1');
    assert.deepEqual(item.pk, { S: 'p1' });
    assert.deepEqual(item.profile, { M: {
      name: { S: 'Ada' },
      address: { M: { city: { S: 'London' }, zip: { S: 'N1' } } },
      langs: { SS: ['en', 'fr'] },
    } });
    assert.deepEqual(item.big, { N: '12345678901234567890123456789012345678' });
    assert.deepEqual(item.tiny, { N: `0.${'0'.repeat(129)}1` });
    assert.deepEqual(item.photo, { B: 'aGVsbG8=' });
    assert.deepEqual(item.history, { L: [{ N: '1' }, { S: 'two' }, { NULL: true }, { BOOL: true }] });
    assert.deepEqual(item.none, { L: [] });
    // The editor still shows plain JSON, and the Code panel's request is DynamoDB JSON.
    assert.match(await page.getByTestId('item-json').inputValue(), /"big": 12345678901234567890123456789012345678/);
  });
});

test('an existing DynamoDB JSON item switched to plain JSON and back is unchanged', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await openTable(page);
    const original = {
      pk: { S: 'e1' },
      n: { N: '9007199254740993' },
      f: { N: '-0.5' },
      tags: { SS: ['red', 'blue'] },
      scores: { NS: ['1', '2.5'] },
      blobs: { BS: ['AAE=', 'AgM='] },
      mixed: { L: [{ S: 'x' }, { N: '1' }, { M: { deep: { BOOL: false } } }] },
      nested: { M: { a: { NULL: true }, b: { B: 'aGVsbG8=' }, c: { L: [] } } },
    };
    await send(page, 'PutItem', { TableName: 'things', Item: original });
    await page.getByTestId('edit-item').first().click();
    const editor = page.getByTestId('item-json');
    await page.waitForFunction(() => document.querySelector('[data-testid="item-json"]').value.includes('"SS"'));

    await page.getByTestId('editor-sets').selectOption('sets');
    await page.getByTestId('editor-format').selectOption('plain');
    await page.waitForFunction(() => !document.querySelector('[data-testid="item-json"]').value.includes('"SS"'));
    const plain = await editor.inputValue();
    assert.match(plain, /"n": 9007199254740993/);
    assert.match(plain, /"tags": \["red", "blue"\]/);
    assert.match(plain, /"b": \{"\$binary": "aGVsbG8="\}/);
    assert.equal(await page.getByTestId('editor-notes').count(), 0);

    await page.getByTestId('editor-format').selectOption('dynamodb');
    await page.waitForFunction(() => document.querySelector('[data-testid="item-json"]').value.includes('"SS"'));
    assert.deepEqual(JSON.parse(await editor.inputValue()), original);

    // With arrays as lists the sets would come back as lists: the notes say which.
    await page.getByTestId('editor-sets').selectOption('lists');
    await page.getByTestId('editor-format').selectOption('plain');
    const notes = page.getByTestId('editor-notes');
    await notes.waitFor();
    assert.match(await notes.textContent(), /tags: a string set \(SS\) comes back as a list \(L\)/);

    // The grid's Edit fills the editor in the format shown.
    await page.getByTestId('edit-item').first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="item-json"]').value.includes('"pk": "e1"'));
  });
});

test('a duplicate in a set is an inline error naming the attribute', { timeout: 90000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await openTable(page);
    await page.getByTestId('editor-format').selectOption('plain');
    await page.getByTestId('editor-sets').selectOption('sets');
    await page.getByTestId('item-json').fill('{"pk": "d1", "profile": {"tags": ["x", "y", "x"]}}');
    await page.getByTestId('put-item').click();
    const error = page.getByTestId('put-item-error');
    await error.waitFor();
    assert.match(await error.textContent(), /profile\.tags: "x" is in this string set \(SS\) twice/);
    assert.equal(await getItem(page, 'd1'), undefined);

    // Switching to DynamoDB JSON cannot convert it either: the text and the switch stay.
    await page.getByTestId('editor-format').selectOption('dynamodb');
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-format"]').value === 'plain');
    await error.getByText('profile.tags').waitFor();
    assert.match(await page.getByTestId('item-json').inputValue(), /\["x", "y", "x"\]/);
  });
});

test('the format and the choices are reached from the keyboard', { timeout: 60000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await openTable(page);
    await page.getByTestId('item-json').focus();
    const reached = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      reached.push(await page.evaluate(() => document.activeElement.dataset.testid));
    }
    assert.deepEqual(reached, ['editor-numbers', 'editor-binary', 'editor-sets', 'editor-format']);
  });
});
