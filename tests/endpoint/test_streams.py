"""DynamoDB Streams through boto3's `dynamodbstreams` client (target prefix
DynamoDBStreams_20120810): ListStreams, DescribeStream, GetShardIterator and GetRecords, the
records item writes leave, iterator expiry and trimming on the virtual clock (moved with
Dynoscope_AdvanceClock), and the routing of each API under its own prefix only.

Expected values follow the DynamoDB Streams API Reference, the botocore dynamodbstreams
model and scylladb's test/alternator/test_streams.py, which is written to pass against
DynamoDB.
"""

import json
from datetime import datetime

import boto3
import pytest

from support import code_and_message, create_table, raw_post, sdk_arguments, unique_name

MINUTE_MILLIS = 60_000
DAY_MILLIS = 24 * 60 * MINUTE_MILLIS


@pytest.fixture(scope="module")
def streams(server):
    """A low-level boto3 DynamoDB Streams client."""
    return boto3.client("dynamodbstreams", **sdk_arguments(server))


@pytest.fixture(scope="module")
def streams_unchecked(server):
    """A Streams client without botocore's parameter validation."""
    return boto3.client("dynamodbstreams", **sdk_arguments(server, validate=False))


def stream_table(ddb, view="NEW_AND_OLD_IMAGES"):
    """Creates a table keyed by pk (S) with a stream; returns (table name, stream ARN)."""
    spec = {"StreamEnabled": True, "StreamViewType": view}
    table = create_table(ddb, StreamSpecification=spec)["TableDescription"]
    return table["TableName"], table["LatestStreamArn"]


def advance_clock(server, millis):
    status, _, body = raw_post(server, "DynamoDB_20120810.Dynoscope_AdvanceClock", json.dumps({"Millis": millis}).encode())
    assert status == 200, body


def only_shard(streams, arn):
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]


def shard_iterator(streams, arn, shard_id, kind="TRIM_HORIZON", **sequence):
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind, **sequence)["ShardIterator"]


def all_records(streams, arn):
    shard_id = only_shard(streams, arn)["ShardId"]
    return streams.get_records(ShardIterator=shard_iterator(streams, arn, shard_id))["Records"]


def put(ddb, table, pk, **attributes):
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, **attributes})


# --- ListStreams and DescribeStream ----------------------------------------------------


def test_list_streams_names_the_stream_with_its_table_and_label(ddb, streams):
    table, arn = stream_table(ddb)
    listed = streams.list_streams(TableName=table)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": table, "StreamLabel": arn.split("/stream/")[1]}]


def test_list_streams_pages_with_limit(ddb, streams):
    stream_table(ddb)
    stream_table(ddb)
    first = streams.list_streams(Limit=1)
    assert len(first["Streams"]) == 1
    rest = streams.list_streams(Limit=1, ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
    assert rest["Streams"][0]["StreamArn"] > first["LastEvaluatedStreamArn"]


def test_describe_stream_shows_an_enabled_stream_with_one_open_shard(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "KEYS_ONLY"
    assert description["TableName"] == table
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert isinstance(description["CreationRequestDateTime"], datetime)
    [shard] = description["Shards"]
    assert shard["SequenceNumberRange"]["StartingSequenceNumber"].isdecimal()
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    prefix, digits, hex_digits = shard["ShardId"].split("-")
    assert (prefix, len(digits), len(hex_digits)) == ("shardId", 20, 8)


def test_a_malformed_stream_arn_is_a_validation_exception(streams_unchecked):
    assert code_and_message(streams_unchecked.describe_stream, StreamArn="fake-stream") == (
        "ValidationException",
        "Invalid StreamArn",
    )


def test_an_unknown_stream_is_resource_not_found(streams):
    arn = f"arn:aws:dynamodb:us-east-1:000000000000:table/{unique_name()}/stream/2015-05-11T21:21:33.291"
    assert code_and_message(streams.describe_stream, StreamArn=arn) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {arn} not found",
    )


# --- records -----------------------------------------------------------------------------


def test_writes_leave_insert_modify_and_remove_records_with_both_images(ddb, streams):
    table, arn = stream_table(ddb)
    put(ddb, table, "a", v={"N": "1"})
    ddb.update_item(
        TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}}
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    records = all_records(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert "OldImage" not in insert and insert["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert "NewImage" not in remove and remove["OldImage"]["v"] == {"N": "2"}


def test_a_record_has_the_streams_wire_shape(ddb, streams):
    table, arn = stream_table(ddb, "NEW_IMAGE")
    put(ddb, table, "a")
    [record] = all_records(streams, arn)
    assert (record["eventVersion"], record["eventSource"], record["awsRegion"]) == ("1.1", "aws:dynamodb", "us-east-1")
    assert len(record["eventID"]) == 32
    assert "userIdentity" not in record
    dynamodb = record["dynamodb"]
    assert isinstance(dynamodb["ApproximateCreationDateTime"], datetime)
    assert dynamodb["Keys"] == {"pk": {"S": "a"}}
    assert dynamodb["SequenceNumber"].isdecimal() and 21 <= len(dynamodb["SequenceNumber"]) <= 40
    assert dynamodb["SizeBytes"] == 6
    assert dynamodb["StreamViewType"] == "NEW_IMAGE"


def test_writes_that_change_nothing_leave_no_record(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    put(ddb, table, "a", v={"N": "1"})
    put(ddb, table, "a", v={"N": "1"})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "missing"}})
    assert [r["eventName"] for r in all_records(streams, arn)] == ["INSERT"]


def test_batch_writes_and_transactions_leave_a_record_per_item(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "a"}}}},
        ]
    )
    records = all_records(streams, arn)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "a"),
        ("INSERT", "b"),
        ("REMOVE", "a"),
    ]


# --- iterators -----------------------------------------------------------------------------


def test_latest_reads_only_what_is_written_after_it(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    put(ddb, table, "before")
    shard_id = only_shard(streams, arn)["ShardId"]
    latest = shard_iterator(streams, arn, shard_id, "LATEST")
    put(ddb, table, "after")
    records = streams.get_records(ShardIterator=latest)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["after"]


def test_at_and_after_sequence_number_position_on_a_record(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    put(ddb, table, "a")
    put(ddb, table, "b")
    shard_id = only_shard(streams, arn)["ShardId"]
    first = all_records(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    at = shard_iterator(streams, arn, shard_id, "AT_SEQUENCE_NUMBER", SequenceNumber=first)
    after = shard_iterator(streams, arn, shard_id, "AFTER_SEQUENCE_NUMBER", SequenceNumber=first)
    assert len(streams.get_records(ShardIterator=at)["Records"]) == 2
    assert len(streams.get_records(ShardIterator=after)["Records"]) == 1


@pytest.mark.parametrize(
    "kind, with_sequence",
    [("AT_SEQUENCE_NUMBER", False), ("AFTER_SEQUENCE_NUMBER", False), ("TRIM_HORIZON", True), ("LATEST", True)],
)
def test_a_sequence_number_is_required_for_at_and_after_only(ddb, streams, kind, with_sequence):
    _, arn = stream_table(ddb, "KEYS_ONLY")
    shard = only_shard(streams, arn)
    sequence = {"SequenceNumber": shard["SequenceNumberRange"]["StartingSequenceNumber"]} if with_sequence else {}
    code, _ = code_and_message(
        streams.get_shard_iterator, StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=kind, **sequence
    )
    assert code == "ValidationException"


def test_an_unknown_shard_is_resource_not_found(ddb, streams):
    _, arn = stream_table(ddb, "KEYS_ONLY")
    assert code_and_message(
        streams.get_shard_iterator, StreamArn=arn, ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="LATEST"
    ) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")


def test_get_records_pages_with_limit_and_an_open_shard_keeps_a_next_iterator(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    for pk in "abc":
        put(ddb, table, pk)
    shard_id = only_shard(streams, arn)["ShardId"]
    page = streams.get_records(ShardIterator=shard_iterator(streams, arn, shard_id), Limit=2)
    assert len(page["Records"]) == 2
    page = streams.get_records(ShardIterator=page["NextShardIterator"], Limit=2)
    assert len(page["Records"]) == 1
    page = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert page["Records"] == [] and "NextShardIterator" in page


def test_get_records_limit_above_1000_is_a_validation_exception(ddb, streams):
    _, arn = stream_table(ddb, "KEYS_ONLY")
    iterator = shard_iterator(streams, arn, only_shard(streams, arn)["ShardId"], "LATEST")
    code, message = code_and_message(streams.get_records, ShardIterator=iterator, Limit=1001)
    assert code == "ValidationException" and "limit" in message


def test_an_iterator_expires_15_minutes_after_it_is_issued(ddb, streams, server):
    _, arn = stream_table(ddb, "KEYS_ONLY")
    iterator = shard_iterator(streams, arn, only_shard(streams, arn)["ShardId"])
    advance_clock(server, 15 * MINUTE_MILLIS)
    code, _ = code_and_message(streams.get_records, ShardIterator=iterator)
    assert code == "ExpiredIteratorException"


def test_a_position_trimmed_after_24_hours_is_trimmed_data_access(ddb, streams, server):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    put(ddb, table, "a")
    shard_id = only_shard(streams, arn)["ShardId"]
    sequence = all_records(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    advance_clock(server, DAY_MILLIS)
    assert all_records(streams, arn) == []
    code, _ = code_and_message(
        streams.get_shard_iterator, StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=sequence
    )
    assert code == "TrimmedDataAccessException"


def test_disabling_the_stream_closes_its_shard_which_reads_to_an_end(ddb, streams):
    table, arn = stream_table(ddb, "KEYS_ONLY")
    put(ddb, table, "a")
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    [shard] = description["Shards"]
    assert shard["SequenceNumberRange"]["EndingSequenceNumber"].isdecimal()
    page = streams.get_records(ShardIterator=shard_iterator(streams, arn, shard["ShardId"]))
    assert len(page["Records"]) == 1
    assert "NextShardIterator" not in page


# --- routing -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["DynamoDB_20120810.ListStreams", "DynamoDBStreams_20120810.ListTables"])
def test_each_api_answers_under_its_own_prefix_only(server, target):
    status, _, body = raw_post(server, target, b"{}")
    assert status == 400
    assert json.loads(body) == {"__type": "com.amazon.coral.service#UnknownOperationException"}
