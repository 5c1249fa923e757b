// Code written for AWS, unchanged but for its requestHandler: bundled by esbuild from the npm
// packages (tests/sdk) and run in the page by sdk.test.cjs. `window.sdkCheck()` drives the
// low-level client, the document client and the streams client against the tab's engine and
// returns what came back, in plain JSON. Reads are strongly consistent: the page simulates
// replicas, so an eventually consistent read right after a write may well be stale.
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  DescribeTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';

window.sdkCheck = async () => {
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: window.dynoscope.requestHandler,
  };
  const client = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(client);
  const out = {};

  await client.send(new CreateTableCommand({
    TableName: 'Sdk',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
  out.status = (await client.send(new DescribeTableCommand({ TableName: 'Sdk' }))).Table.TableStatus;

  await doc.send(new PutCommand({ TableName: 'Sdk', Item: { pk: 'a', sk: 1, tags: new Set(['x', 'y']), data: { n: 1.5, list: [true, null] } } }));
  const got = await doc.send(new GetCommand({ TableName: 'Sdk', Key: { pk: 'a', sk: 1 }, ConsistentRead: true }));
  out.item = { ...got.Item, tags: [...got.Item.tags].sort() };

  await doc.send(new PutCommand({ TableName: 'Sdk', Item: { pk: 'a', sk: 2 } }));
  const query = await doc.send(new QueryCommand({
    TableName: 'Sdk',
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': 'a' },
    ReturnConsumedCapacity: 'TOTAL',
    ConsistentRead: true,
  }));
  out.query = { count: query.Count, sks: query.Items.map((i) => i.sk), capacity: query.ConsumedCapacity.CapacityUnits };

  await client.send(new PutItemCommand({ TableName: 'Sdk', Item: { pk: { S: 'bin' }, sk: { N: '0' }, b: { B: new Uint8Array([0, 1, 254, 255]) } } }));
  const bin = await client.send(new GetItemCommand({ TableName: 'Sdk', Key: { pk: { S: 'bin' }, sk: { N: '0' } }, ConsistentRead: true }));
  out.binary = Array.from(bin.Item.b.B);

  try {
    await doc.send(new PutCommand({ TableName: 'Sdk', Item: { pk: 'a', sk: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }));
    out.condition = 'no error';
  } catch (e) {
    out.condition = { name: e.name, typed: e instanceof ConditionalCheckFailedException, message: e.message, status: e.$metadata.httpStatusCode };
  }
  try {
    await client.send(new DescribeTableCommand({ TableName: 'Missing' }));
  } catch (e) {
    out.missing = { name: e.name, typed: e instanceof ResourceNotFoundException };
  }

  const streams = new DynamoDBStreamsClient(config);
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'Sdk' }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Streams[0].StreamArn }));
  const records = [];
  for (const shard of StreamDescription.Shards) {
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({
      StreamArn: Streams[0].StreamArn,
      ShardId: shard.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }));
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    records.push(...Records.map((r) => `${r.eventName} ${r.dynamodb.Keys.pk.S} ${r.dynamodb.Keys.sk.N}`));
  }
  out.records = records.sort();
  return out;
};
