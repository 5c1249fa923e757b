// The AWS SDK for JavaScript v3 against dynoscope-server for issue 11's operations: a global
// secondary index with a multi-attribute key (created, queried with every partition
// attribute and sort attributes from the left), an on-demand backup restored into a new
// table, a point-in-time restore, a resource policy kept and returned, a Kinesis streaming
// destination enabled, and an export written into --s3-dir then imported into a new table.
// Run by scripts/test-endpoint.sh after pytest, with DYNOSCOPE_SERVER_BIN naming the
// server binary; the SDK comes from tests/sdk.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startServer } from "./server.mjs";
import { mkdtempSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../sdk/package.json", import.meta.url));
const sdk = require("@aws-sdk/client-dynamodb");

const S3_DIR = mkdtempSync(join(tmpdir(), "dynoscope-js-s3-"));
// The bucket exists (a directory under --s3-dir), as an export's bucket must.
mkdirSync(join(S3_DIR, "js-bucket"));

let server;
let ddb;


before(async () => {
  server = await startServer("--s3-dir", S3_DIR);
  ddb = new sdk.DynamoDBClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDJSFEATURES", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
});

after(async () => {
  ddb.destroy();
  assert.equal(await server.stop(), 0);
});

let counter = 0;
const unique = (prefix) => `${prefix}-${process.pid}-${++counter}`;

async function simpleTable(extra = {}) {
  const name = unique("js");
  await ddb.send(
    new sdk.CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      ...extra,
    }),
  );
  return name;
}

async function put(table, pk, more = {}) {
  await ddb.send(new sdk.PutItemCommand({ TableName: table, Item: { pk: { S: pk }, ...more } }));
}

async function keysOf(table) {
  const page = await ddb.send(new sdk.ScanCommand({ TableName: table, ConsistentRead: true }));
  return page.Items.map((i) => i.pk.S).sort();
}

const tableArn = (name) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;

test("a multi-attribute GSI is queried with every partition attribute", async () => {
  const name = unique("matches");
  await ddb.send(
    new sdk.CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["pk", "tournament", "region", "round"].map((n) => ({
        AttributeName: n,
        AttributeType: "S",
      })),
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "by_round",
          KeySchema: [
            { AttributeName: "tournament", KeyType: "HASH" },
            { AttributeName: "region", KeyType: "HASH" },
            { AttributeName: "round", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  for (const [pk, region, round] of [
    ["m1", "NA", "SEMI"],
    ["m2", "NA", "FINAL"],
    ["m3", "EU", "FINAL"],
  ]) {
    await put(name, pk, { tournament: { S: "W24" }, region: { S: region }, round: { S: round } });
  }
  const page = await ddb.send(
    new sdk.QueryCommand({
      TableName: name,
      IndexName: "by_round",
      KeyConditionExpression: "tournament = :t AND #r = :r",
      ExpressionAttributeNames: { "#r": "region" },
      ExpressionAttributeValues: { ":t": { S: "W24" }, ":r": { S: "NA" } },
    }),
  );
  assert.deepEqual(
    page.Items.map((i) => i.pk.S),
    ["m2", "m1"],
  );
  await assert.rejects(
    ddb.send(
      new sdk.QueryCommand({
        TableName: name,
        IndexName: "by_round",
        KeyConditionExpression: "tournament = :t",
        ExpressionAttributeValues: { ":t": { S: "W24" } },
      }),
    ),
    { name: "ValidationException", message: "Query condition missed key schema element: region" },
  );
});

test("a backup restores into a new table", async () => {
  const name = await simpleTable();
  await put(name, "a");
  await put(name, "b");
  const made = await ddb.send(new sdk.CreateBackupCommand({ TableName: name, BackupName: "snap" }));
  await put(name, "c");
  const target = unique("restored");
  const restored = await ddb.send(
    new sdk.RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: made.BackupDetails.BackupArn }),
  );
  assert.equal(restored.TableDescription.RestoreSummary.SourceBackupArn, made.BackupDetails.BackupArn);
  assert.deepEqual(await keysOf(target), ["a", "b"]);
  const listed = await ddb.send(new sdk.ListBackupsCommand({ TableName: name }));
  assert.equal(listed.BackupSummaries.length, 1);
});

test("a point-in-time restore needs recovery enabled and then restores", async () => {
  const name = await simpleTable();
  await put(name, "a");
  await assert.rejects(
    ddb.send(
      new sdk.RestoreTableToPointInTimeCommand({
        SourceTableName: name,
        TargetTableName: unique("then"),
        UseLatestRestorableTime: true,
      }),
    ),
    { name: "PointInTimeRecoveryUnavailableException" },
  );
  await ddb.send(
    new sdk.UpdateContinuousBackupsCommand({
      TableName: name,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  const target = unique("then");
  await ddb.send(
    new sdk.RestoreTableToPointInTimeCommand({ SourceTableName: name, TargetTableName: target, UseLatestRestorableTime: true }),
  );
  assert.deepEqual(await keysOf(target), ["a"]);
});

test("a resource policy is kept with its revision", async () => {
  const name = await simpleTable();
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "dynamodb:GetItem", Resource: "*" }],
  });
  const put = await ddb.send(new sdk.PutResourcePolicyCommand({ ResourceArn: tableArn(name), Policy: policy }));
  const got = await ddb.send(new sdk.GetResourcePolicyCommand({ ResourceArn: tableArn(name) }));
  assert.equal(got.Policy, policy);
  assert.equal(got.RevisionId, put.RevisionId);
  await ddb.send(new sdk.DeleteResourcePolicyCommand({ ResourceArn: tableArn(name) }));
  await assert.rejects(ddb.send(new sdk.GetResourcePolicyCommand({ ResourceArn: tableArn(name) })), {
    name: "PolicyNotFoundException",
  });
});

test("a Kinesis streaming destination is kept with its status", async () => {
  const name = await simpleTable();
  const stream = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";
  const enabled = await ddb.send(
    new sdk.EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: stream }),
  );
  assert.equal(enabled.DestinationStatus, "ENABLING");
  const described = await ddb.send(new sdk.DescribeKinesisStreamingDestinationCommand({ TableName: name }));
  assert.equal(described.KinesisDataStreamDestinations[0].StreamArn, stream);
  assert.equal(described.KinesisDataStreamDestinations[0].DestinationStatus, "ACTIVE");
});

/** Polls DescribeExport / DescribeImport until the job leaves IN_PROGRESS. */
async function settled(describe) {
  for (let i = 0; i < 50; i++) {
    const status = await describe();
    if (status !== "IN_PROGRESS") return status;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the job never finished");
}

test("an export written to --s3-dir imports back into a new table", async () => {
  const name = await simpleTable();
  await put(name, "a");
  await put(name, "b");
  await ddb.send(
    new sdk.UpdateContinuousBackupsCommand({
      TableName: name,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  const exported = await ddb.send(
    new sdk.ExportTableToPointInTimeCommand({ TableArn: tableArn(name), S3Bucket: "js-bucket", S3Prefix: name }),
  );
  const arn = exported.ExportDescription.ExportArn;
  const status = await settled(async () => {
    const d = await ddb.send(new sdk.DescribeExportCommand({ ExportArn: arn }));
    return d.ExportDescription.ExportStatus;
  });
  assert.equal(status, "COMPLETED");
  const exportDir = join(S3_DIR, "js-bucket", name, "AWSDynamoDB");
  assert.ok(existsSync(exportDir), `no export under ${exportDir}`);
  const [exportId] = readdirSync(exportDir);
  assert.ok(existsSync(join(exportDir, exportId, "manifest-summary.json")));
  const target = unique("imported");
  const imported = await ddb.send(
    new sdk.ImportTableCommand({
      S3BucketSource: { S3Bucket: "js-bucket", S3KeyPrefix: `${name}/AWSDynamoDB/${exportId}/data/` },
      InputFormat: "DYNAMODB_JSON",
      InputCompressionType: "GZIP",
      TableCreationParameters: {
        TableName: target,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      },
    }),
  );
  const importArn = imported.ImportTableDescription.ImportArn;
  const importStatus = await settled(async () => {
    const d = await ddb.send(new sdk.DescribeImportCommand({ ImportArn: importArn }));
    return d.ImportTableDescription.ImportStatus;
  });
  assert.equal(importStatus, "COMPLETED");
  assert.deepEqual(await keysOf(target), ["a", "b"]);
});
