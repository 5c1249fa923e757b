// The AWS SDK for JavaScript v3 against dynoscope-server for issue 12's simulated service:
// an IAM principal's request refused with AccessDeniedException (the SDK reads its name and
// AWS's wording), a transaction window turning a concurrent write into a
// TransactionConflictException and a concurrent transaction into a TransactionConflict
// cancellation reason, and a client pointed at --dax-port reading a stale item from DAX's
// item cache. Run by scripts/test-endpoint.sh after pytest.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { startServer } from "./server.mjs";

const require = createRequire(new URL("../../sdk/package.json", import.meta.url));
const sdk = require("@aws-sdk/client-dynamodb");

const WINDOW = 60_000;
let server;
let daxPort;

/** A port nobody listens on, for --dax-port. */
function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function client(url, accessKeyId = "AKIDJSSIMULATION") {
  return new sdk.DynamoDBClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey: "secret" },
    maxAttempts: 1,
  });
}

/** A playground operation, POSTed as any client would (signature shape only). */
async function dynoscope(operation, body) {
  const response = await fetch(`${server.url}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `DynamoDB_20120810.${operation}`,
      "X-Amz-Date": "20260101T000000Z",
      Authorization:
        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, " +
        `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${"0".repeat(64)}`,
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  return answer;
}

before(async () => {
  daxPort = await freePort();
  server = await startServer("--dax-port", String(daxPort));
});

after(async () => {
  assert.equal(await server.stop(), 0);
});

let counter = 0;
async function table(ddb) {
  const name = `jssim-${process.pid}-${++counter}`;
  await ddb.send(
    new sdk.CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
  return name;
}

test("a principal's request no policy allows is AccessDeniedException in AWS's words", async () => {
  const admin = client(server.url);
  const name = await table(admin);
  const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: arn }] };
  await dynoscope("Dynoscope_PutPrincipal", { AccessKeyId: "AKIDJSREADER", Name: "reader", Policies: [JSON.stringify(policy)] });
  const reader = client(server.url, "AKIDJSREADER");
  await reader.send(new sdk.GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } }));
  await assert.rejects(
    reader.send(new sdk.PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } })),
    (e) => {
      assert.equal(e.name, "AccessDeniedException");
      assert.equal(
        e.message,
        `User: arn:aws:iam::000000000000:user/reader is not authorized to perform: dynamodb:PutItem on resource: ${arn} because no identity-based policy allows the dynamodb:PutItem action`,
      );
      return true;
    },
  );
  await dynoscope("Dynoscope_DeletePrincipal", { AccessKeyId: "AKIDJSREADER" });
  reader.destroy();
  admin.destroy();
});

test("a transaction window turns concurrent writes into conflicts", async () => {
  const ddb = client(server.url);
  const name = await table(ddb);
  await dynoscope("Dynoscope_SetSimulation", { TransactionMillis: WINDOW });
  try {
    const put = (pk) => ({ Put: { TableName: name, Item: { pk: { S: pk } } } });
    await ddb.send(new sdk.TransactWriteItemsCommand({ TransactItems: [put("a")] }));
    await assert.rejects(ddb.send(new sdk.PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } })), {
      name: "TransactionConflictException",
      message: "Transaction is ongoing for the item",
    });
    await assert.rejects(
      ddb.send(new sdk.TransactWriteItemsCommand({ TransactItems: [put("b"), put("a")] })),
      (e) => {
        assert.equal(e.name, "TransactionCanceledException");
        assert.deepEqual(e.CancellationReasons.map((r) => r.Code), ["None", "TransactionConflict"]);
        return true;
      },
    );
  } finally {
    await dynoscope("Dynoscope_SetSimulation", { TransactionMillis: 0 });
    ddb.destroy();
  }
});

test("a client pointed at --dax-port reads a stale item from the item cache", async () => {
  const direct = client(server.url);
  const dax = client(`http://127.0.0.1:${daxPort}`);
  const name = await table(direct);
  const key = { pk: { S: "a" } };
  await direct.send(new sdk.PutItemCommand({ TableName: name, Item: { ...key, v: { N: "1" } } }));
  const first = await dax.send(new sdk.GetItemCommand({ TableName: name, Key: key }));
  assert.deepEqual(first.Item.v, { N: "1" });
  await direct.send(new sdk.PutItemCommand({ TableName: name, Item: { ...key, v: { N: "2" } } }));
  const cached = await dax.send(new sdk.GetItemCommand({ TableName: name, Key: key }));
  assert.deepEqual(cached.Item.v, { N: "1" }, "DAX answers from its item cache until the TTL");
  const strong = await dax.send(new sdk.GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }));
  assert.deepEqual(strong.Item.v, { N: "2" });
  direct.destroy();
  dax.destroy();
});
