// Stream triggers in Chromium (src/functions.rs, src/ui/triggers.rs, src/triggers_panel.rs):
// functions kept beside the data and run, each invocation in a Worker of its own, only once
// this browser enabled their exact source; the engine decides delivery (batches, retries,
// bisection, the on-failure queue). A handler may call the engine through dynoscope.send; a
// runaway handler is stopped at its timeout while the page stays responsive.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const helpers = require('./helpers.cjs');

/** Sends through window.dynoscope, resolving to {response} or {error}. */
function send(page, operation, request) {
  return page.evaluate(
    ([op, req]) => window.dynoscope.send(op, req).then((response) => ({ response }), (error) => ({ error })),
    [operation, request],
  );
}

async function ok(page, operation, request) {
  const answer = await send(page, operation, request);
  assert.equal(answer.error, undefined, `${operation}: ${JSON.stringify(answer.error)}`);
  return answer.response;
}

/** Calls window.dynoscope.functions[call](argument), resolving to {value} or {error}. */
function fn(page, call, argument) {
  return page.evaluate(
    ([c, a]) => window.dynoscope.functions[c](a).then((value) => ({ value }), (error) => ({ error })),
    [call, argument],
  );
}

/** Creates `name` keyed by `pk` (S), with a stream when `stream`; its stream ARN. */
async function table(page, name, stream) {
  const created = await ok(page, 'CreateTable', {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
  });
  return created.TableDescription.LatestStreamArn;
}

/** Waits until `check()` resolves truthy, polling every 200 ms. */
async function until(check, what, millis = 15000) {
  const end = Date.now() + millis;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const COUNTER = `async (event, context) => {
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT') continue;
    const customer = record.dynamodb.NewImage.customer.S;
    console.log('order', record.dynamodb.Keys.pk.S, 'of', customer, 'by', context.functionName);
    await dynoscope.send('UpdateItem', {
      TableName: 'CustomerTotals',
      Key: { pk: { S: customer } },
      UpdateExpression: 'ADD orders :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
  }
}`;

async function orders(page, customer) {
  const got = await send(page, 'GetItem', { TableName: 'CustomerTotals', Key: { pk: { S: customer } }, ConsistentRead: true });
  return got.response && got.response.Item ? Number(got.response.Item.orders.N) : 0;
}

test('an enabled handler keeps an aggregate in another table; it does not run until enabled, and editing it needs enabling again', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    const arn = await table(page, 'Orders', true);
    await table(page, 'CustomerTotals', false);

    const put = await fn(page, 'put', { name: 'countOrders', code: COUNTER, timeoutSeconds: 5 });
    assert.equal(put.error, undefined, JSON.stringify(put.error));
    assert.equal(put.value.enabled, false, 'a new function is not enabled');
    const mapping = await ok(page, 'Dynoscope_CreateEventSourceMapping', {
      EventSourceArn: arn, FunctionName: 'countOrders', StartingPosition: 'TRIM_HORIZON', FunctionTimeoutSeconds: 5,
    });
    for (const [id, customer] of [['o1', 'ann'], ['o2', 'bob'], ['o3', 'ann']]) {
      await ok(page, 'PutItem', { TableName: 'Orders', Item: { pk: { S: id }, customer: { S: customer } } });
    }
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await orders(page, 'ann'), 0, 'a function not enabled ran');
    const held = await ok(page, 'Dynoscope_GetInvocations', { UUID: mapping.UUID });
    assert.equal(held.Figures.Errors, 0, 'a held batch spends no retry');

    // The panel says why the shard waits.
    await helpers.open(page, '/tables/Orders');
    await page.getByTestId('triggers').locator('summary').click();
    await page.getByTestId('mapping-blocked').getByText('function countOrders is not enabled in this browser').waitFor();
    await page.getByTestId('enable-countOrders').click();
    await until(async () => (await orders(page, 'ann')) === 2, 'ann counted twice');
    assert.equal(await orders(page, 'bob'), 1);
    await page.getByTestId('invocation-logs').first().waitFor({ state: 'attached' });
    await until(() => page.getByTestId('triggers').innerText().then((t) => t.includes('order o3 of ann by countOrders')), 'the logs in the panel');
    assert.equal(await page.getByTestId('mapping-blocked').count(), 0);

    // Editing the source disables it again; the same source stays enabled.
    const same = await fn(page, 'put', { name: 'countOrders', code: COUNTER, timeoutSeconds: 5 });
    assert.equal(same.value.enabled, true);
    const edited = await fn(page, 'put', { name: 'countOrders', code: COUNTER + '\n', timeoutSeconds: 5 });
    assert.equal(edited.value.enabled, false);
    await ok(page, 'PutItem', { TableName: 'Orders', Item: { pk: { S: 'o4' }, customer: { S: 'bob' } } });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await orders(page, 'bob'), 1, 'the edited function ran without being enabled');
    const enabled = await fn(page, 'enable', 'countOrders');
    assert.equal(enabled.value.enabled, true);
    await until(async () => (await orders(page, 'bob')) === 2, 'bob counted again');

    const listed = await fn(page, 'list');
    assert.deepEqual(listed.value.map((f) => [f.name, f.timeoutSeconds, f.enabled]), [['countOrders', 5, true]]);
    const bad = await fn(page, 'put', { name: 'no spaces', code: 'x' });
    assert.equal(bad.error.__type.endsWith('InvalidParameterValueException'), true, JSON.stringify(bad.error));
    const missing = await fn(page, 'enable', 'nothing');
    assert.match(missing.error.message, /Function not found: nothing/);
  });
});

test('a poison record is bisected down and sent to the on-failure queue; the rest are processed', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    const arn = await table(page, 'Events', true);
    const code = `async (event) => {
      for (const r of event.Records) {
        if (r.dynamodb.Keys.pk.S === 'poison') throw new Error('cannot digest ' + r.dynamodb.Keys.pk.S);
      }
      console.log('ok', event.Records.length);
    }`;
    assert.equal((await fn(page, 'put', { name: 'picky', code })).error, undefined);
    assert.equal((await fn(page, 'enable', 'picky')).value.enabled, true);
    for (const pk of ['a', 'b', 'poison', 'c']) {
      await ok(page, 'PutItem', { TableName: 'Events', Item: { pk: { S: pk } } });
    }
    const mapping = await ok(page, 'Dynoscope_CreateEventSourceMapping', {
      EventSourceArn: arn, FunctionName: 'picky', StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true, MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:poison-dlq' } },
    });
    const messages = [];
    await until(async () => {
      const received = await ok(page, 'Dynoscope_ReceiveFromQueue', { QueueName: 'poison-dlq', MaxNumberOfMessages: 10 });
      messages.push(...received.Messages);
      return messages.length > 0;
    }, 'the poison record on the queue', 30000);
    const record = JSON.parse(messages[0].Body);
    assert.equal(record.DDBStreamBatchInfo.batchSize, 1);
    assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
    const figures = await until(async () => {
      const got = await ok(page, 'Dynoscope_GetInvocations', { UUID: mapping.UUID, Limit: 50 });
      return got.Figures.RecordsProcessed === 3 ? got : null;
    }, 'the three good records processed');
    assert.ok(figures.Figures.Bisects >= 1, JSON.stringify(figures.Figures));
    const failed = figures.Invocations.find((i) => i.Status === 'Failed');
    assert.match(failed.ErrorMessage, /cannot digest poison/);
  });
});

test('a runaway handler is stopped at its timeout, the page stays responsive and the timeout is reported as Lambda words it', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    const arn = await table(page, 'Loops', true);
    const code = `async (event, context) => { console.log('spinning with', context.getRemainingTimeInMillis(), 'ms left'); while (true) {} }`;
    await fn(page, 'put', { name: 'spin', code, timeoutSeconds: 1 });
    await fn(page, 'enable', 'spin');
    const mapping = await ok(page, 'Dynoscope_CreateEventSourceMapping', {
      EventSourceArn: arn, FunctionName: 'spin', StartingPosition: 'TRIM_HORIZON', FunctionTimeoutSeconds: 1, MaximumRetryAttempts: 0,
    });
    await ok(page, 'PutItem', { TableName: 'Loops', Item: { pk: { S: 'x' } } });
    await until(async () => {
      const got = await ok(page, 'Dynoscope_GetInvocations', { UUID: mapping.UUID });
      return got.Invocations.some((i) => i.Status === 'InProgress');
    }, 'the handler running');
    // While it spins, the page answers at once.
    const started = Date.now();
    await ok(page, 'GetItem', { TableName: 'Loops', Key: { pk: { S: 'x' } } });
    assert.ok(Date.now() - started < 500, 'the page was blocked');
    const ended = await until(async () => {
      const got = await ok(page, 'Dynoscope_GetInvocations', { UUID: mapping.UUID });
      return got.Invocations.find((i) => i.Status === 'Failed');
    }, 'the timeout');
    assert.equal(ended.ErrorMessage, 'Sandbox.Timedout: Task timed out after 1.00 seconds');
    assert.match(ended.Logs[0], /^spinning with \d+ ms left$/);

    // The panel shows the invocation, its error and its logs (a reload would forget them:
    // invocation histories are not persisted).
    await page.getByTestId('table-link').filter({ hasText: 'Loops' }).click();
    await page.getByTestId('triggers').locator('summary').click();
    await page.getByTestId('triggers').getByText('Task timed out after 1.00 seconds').first().waitFor();
    await page.getByTestId('triggers').getByText(/spinning with \d+ ms left/).first().waitFor();
  });
});

test('the panel saves a function, creates a mapping from its form and shows it running', { timeout: 180000 }, async () => {
  await helpers.withBrowser(async (page) => {
    await helpers.open(page);
    await table(page, 'Notes', true);
    await helpers.open(page, '/tables/Notes');
    await page.getByTestId('triggers').locator('summary').click();
    await page.getByTestId('function-editor-open').click();
    await page.getByTestId('function-name').fill('logger');
    await page.getByTestId('function-code').fill("async (event) => { console.log('saw', event.Records.length, 'record(s)'); }");
    await page.getByTestId('function-save').click();
    await page.getByTestId('enable-logger').click();
    await page.getByTestId('mapping-create-open').click();
    await page.getByTestId('mapping-create').click();
    await page.locator('[data-mapping]').first().waitFor();
    await ok(page, 'PutItem', { TableName: 'Notes', Item: { pk: { S: 'n1' } } });
    await page.getByTestId('triggers').getByText('saw 1 record(s)').waitFor({ timeout: 20000 });
    await page.getByTestId('triggers').locator('[data-figure="RecordsProcessed"]').getByText('1').waitFor();
  });
});
