// The AWS SDK for JavaScript v3 against dynoscope-server's wire protocol: requests the SDK
// signs (accepted for their shape by default, verified with --credentials), gzip-compressed
// request bodies (the signature covering the compressed bytes) and gzip-compressed responses
// (x-amz-crc32 covering the compressed bytes). Run by scripts/test-endpoint.sh after pytest,
// with DYNOSCOPE_SERVER_BIN naming the server binary; the SDK comes from tests/sdk.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startServer } from "./server.mjs";
import { Readable } from "node:stream";
import { crc32, gunzipSync, gzipSync } from "node:zlib";

const require = createRequire(new URL("../../sdk/package.json", import.meta.url));
const { DynamoDBClient, ListTablesCommand, CreateTableCommand, PutItemCommand, GetItemCommand } =
  require("@aws-sdk/client-dynamodb");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

const KEY = "AKIDJSWIRE";
const SECRET = "js/wire+secret";


function client(url, accessKeyId, secretAccessKey, extra = {}) {
  return new DynamoDBClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    ...extra,
  });
}

/** Gzips every request body before it is signed, as a client with request compression does. */
function gzipRequests(ddb) {
  ddb.middlewareStack.add(
    (next) => async (args) => {
      const body = Buffer.from(args.request.body);
      args.request.body = gzipSync(body);
      args.request.headers["content-encoding"] = "gzip";
      delete args.request.headers["content-length"];
      return next(args);
    },
    { step: "build", name: "gzipRequestBody" },
  );
  return ddb;
}

/** An HTTP handler that asks for gzip, checks x-amz-crc32 against the bytes as sent and
 * inflates them before the SDK parses them. Records what it saw in `seen`. */
class GunzippingHandler extends NodeHttpHandler {
  constructor(seen) {
    super();
    this.seen = seen;
  }

  async handle(request, options) {
    request.headers["accept-encoding"] = "gzip";
    const out = await super.handle(request, options);
    const chunks = [];
    for await (const chunk of out.response.body) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    const encoding = out.response.headers["content-encoding"];
    this.seen.push({ encoding, crcMatches: Number(out.response.headers["x-amz-crc32"]) === crc32(raw) });
    const body = encoding === "gzip" ? gunzipSync(raw) : raw;
    delete out.response.headers["content-encoding"];
    out.response.body = Readable.from([body]);
    return out;
  }
}

async function createTable(ddb) {
  const name = `js-${Math.random().toString(36).slice(2, 12)}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return name;
}

let open;
let secured;

before(async () => {
  open = await startServer();
  secured = await startServer("--credentials", `${KEY}:${SECRET}`);
});

after(async () => {
  assert.equal(await open.stop(), 0);
  assert.equal(await secured.stop(), 0);
});

test("without --credentials a request signed with any keys is served", async () => {
  const ddb = client(open.url, "any", "keys");
  const table = await createTable(ddb);
  await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "k" } } }));
  const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "k" } } }));
  assert.deepEqual(got.Item, { pk: { S: "k" } });
});

test("with --credentials a request signed with the configured key is served", async () => {
  const listed = await client(secured.url, KEY, SECRET).send(new ListTablesCommand({}));
  assert.ok(Array.isArray(listed.TableNames));
});

test("with --credentials an unknown access key is an UnrecognizedClientException", async () => {
  await assert.rejects(client(secured.url, "AKIDNOBODY", SECRET).send(new ListTablesCommand({})), {
    name: "UnrecognizedClientException",
    message: "The security token included in the request is invalid.",
  });
});

test("with --credentials a wrong secret is an InvalidSignatureException", async () => {
  await assert.rejects(client(secured.url, KEY, "wrong").send(new ListTablesCommand({})), (error) => {
    assert.equal(error.name, "InvalidSignatureException");
    assert.match(error.message, /^The request signature we calculated does not match the signature you provided\./);
    assert.equal(error.$metadata.httpStatusCode, 400);
    return true;
  });
});

test("a gzip-compressed request body is served, its signature covering the compressed bytes", async () => {
  const ddb = gzipRequests(client(secured.url, KEY, SECRET));
  const table = await createTable(ddb);
  const item = { pk: { S: "k" }, long: { S: "z".repeat(20000) } };
  await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  const got = await client(secured.url, KEY, SECRET).send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: "k" } }, ConsistentRead: true }),
  );
  assert.deepEqual(got.Item, item);
});

test("a large response is gzipped on request, x-amz-crc32 covering the compressed bytes", async () => {
  const plain = client(open.url, "any", "keys");
  const table = await createTable(plain);
  await plain.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "big" }, x: { S: "x".repeat(5000) } } }));
  const seen = [];
  const ddb = client(open.url, "any", "keys", { requestHandler: new GunzippingHandler(seen) });
  const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "big" } } }));
  assert.equal(got.Item.x.S, "x".repeat(5000));
  const small = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "none" } } }));
  assert.equal(small.Item, undefined);
  assert.deepEqual(seen, [
    { encoding: "gzip", crcMatches: true },
    { encoding: undefined, crcMatches: true },
  ]);
});
