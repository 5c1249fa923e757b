"""`dynoscope-server --data-dir DIR`: what was acknowledged survives a `kill -9` at any
moment, and transactions are never half kept; tables with their indexes, TTL, streams, tags
and simulation settings survive a graceful restart, and so do stream records; a second
server on the same directory refuses to start, saying why.

Each test starts servers of its own on a temporary directory (the session's shared server
keeps its data in memory).
"""

import random
import signal
import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config

from support import REGION, SERVER_BIN, create_table, key_schema, raw_post, scan_all, start_server, unique_name

ROUNDS = 10
WRITERS = 6
KEYS_PER_WRITER = 10
PAIRS_PER_WRITER = 4
# Writes acknowledged in a round before the kill may come (then up to 1.5 s more).
ACKED_BEFORE_KILL = 10


def client(server, service="dynamodb"):
    """A client that gives up at once when the server is gone: no retries, short timeouts."""
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
    )


def kill_9(server):
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)


def restart(server, data_dir):
    """Stops `server` gracefully (it must exit 0) and starts another on `data_dir`."""
    assert server.stop() == 0
    return start_server("--data-dir", str(data_dir))


# --- kill -9 ------------------------------------------------------------------------------


class Writer(threading.Thread):
    """Writes to keys of its own, one call at a time, until told to stop or a call fails.

    `known` maps each of its keys to the value of `v` the table must hold (None: no item)
    as far as acknowledged calls tell; `pending` is the call whose answer never came, as
    (keys, value): it may or may not have been applied, and applied whole if at all."""

    def __init__(self, number, server, table, known, stop):
        super().__init__(daemon=True)
        self.number = number
        self.ddb = client(server)
        self.table = table
        self.known = known
        self.stop = stop
        self.random = random.Random(number * 7919 + int(time.time()))
        self.counter = 0
        self.pending = None
        self.acked = 0

    def run(self):
        while not self.stop.is_set():
            keys, value, call = self.next_call()
            self.pending = (keys, value)
            try:
                call()
            except Exception:
                return
            for key in keys:
                self.known[key] = value
            self.pending = None
            self.acked += 1

    def next_call(self):
        self.counter += 1
        value = self.number * 1_000_000 + self.counter
        key = f"w{self.number}-k{self.random.randrange(KEYS_PER_WRITER)}"
        item_key = {"pk": {"S": key}}
        kind = self.random.choice(["put", "put", "update", "delete", "transaction"])
        if kind == "put":
            item = {**item_key, "v": {"N": str(value)}, "g": {"S": f"w{self.number}"}}
            return [key], value, lambda: self.ddb.put_item(TableName=self.table, Item=item)
        if kind == "update":
            return [key], value, lambda: self.ddb.update_item(
                TableName=self.table,
                Key=item_key,
                UpdateExpression="SET v = :v, g = :g",
                ExpressionAttributeValues={":v": {"N": str(value)}, ":g": {"S": f"w{self.number}"}},
            )
        if kind == "delete":
            return [key], None, lambda: self.ddb.delete_item(TableName=self.table, Key=item_key)
        return self.transaction(value)

    def transaction(self, value):
        """Writes both keys of a pair, or deletes both: they must always agree."""
        pair = pair_keys(self.number, self.random.randrange(PAIRS_PER_WRITER))
        if self.random.random() < 0.2:
            actions = [{"Delete": {"TableName": self.table, "Key": {"pk": {"S": k}}}} for k in pair]
            value = None
        else:
            actions = [
                {"Put": {"TableName": self.table, "Item": {"pk": {"S": k}, "v": {"N": str(value)}}}} for k in pair
            ]
        return list(pair), value, lambda: self.ddb.transact_write_items(TransactItems=actions)


def pair_keys(writer, pair):
    return (f"w{writer}-pair{pair}-a", f"w{writer}-pair{pair}-b")


def every_key():
    for writer in range(WRITERS):
        for key in range(KEYS_PER_WRITER):
            yield f"w{writer}-k{key}"
        for pair in range(PAIRS_PER_WRITER):
            yield from pair_keys(writer, pair)


def stored_values(server, table):
    pages = scan_all(client(server), table, ConsistentRead=True)
    return {item["pk"]["S"]: int(item["v"]["N"]) for page in pages for item in page["Items"]}


def check_round(stored, known, writers):
    """Every acknowledged write is there; an unanswered one is there whole or not at all."""
    assert set(stored) <= set(known), f"items nobody wrote: {set(stored) - set(known)}"
    for key, value in known.items():
        allowed = {value}
        for writer in writers:
            if writer.pending and key in writer.pending[0]:
                allowed.add(writer.pending[1])
        assert stored.get(key) in allowed, f"{key}: stored {stored.get(key)}, acknowledged {value}, allowed {allowed}"
    for writer in range(WRITERS):
        for pair in range(PAIRS_PER_WRITER):
            a, b = pair_keys(writer, pair)
            assert stored.get(a) == stored.get(b), f"a transaction was half kept: {a}={stored.get(a)}, {b}={stored.get(b)}"


def test_kill_9_at_any_moment_loses_nothing_acknowledged(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    table = unique_name("durable")
    create_table(
        client(server),
        table,
        definitions=[("g", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-writer", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
    )
    known = dict.fromkeys(every_key())
    chooser = random.Random()
    try:
        for round_number in range(ROUNDS):
            stop = threading.Event()
            writers = [Writer(n, server, table, known, stop) for n in range(WRITERS)]
            for writer in writers:
                writer.start()
            deadline = time.monotonic() + 20
            while sum(w.acked for w in writers) < ACKED_BEFORE_KILL and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(chooser.uniform(0, 1.5))
            kill_9(server)
            stop.set()
            for writer in writers:
                writer.join(timeout=30)
            acked = sum(w.acked for w in writers)
            assert acked >= ACKED_BEFORE_KILL, f"round {round_number}: only {acked} writes acknowledged"
            unanswered = sum(1 for w in writers if w.pending)
            print(f"round {round_number}: {acked} writes acknowledged, {unanswered} unanswered at the kill")

            server = start_server("--data-dir", str(tmp_path))
            stored = stored_values(server, table)
            check_round(stored, known, writers)
            known.update({key: stored.get(key) for key in known})
        indexed = client(server).scan(TableName=table, IndexName="by-writer")["Items"]
        assert {i["pk"]["S"] for i in indexed} == {k for k, v in known.items() if v is not None and "pair" not in k}
    finally:
        if server.process.poll() is None:
            assert server.stop() == 0


# --- graceful restarts ---------------------------------------------------------------------


def describe_everything(server, table):
    ddb = client(server)
    simulation = raw_post(server, "DynamoDB_20120810.Dynoscope_DescribeSimulation", f'{{"TableName":"{table}"}}'.encode())
    engine = raw_post(server, "DynamoDB_20120810.Dynoscope_DescribeSimulation", b"{}")
    description = ddb.describe_table(TableName=table)["Table"]
    return {
        "table": description,
        "ttl": ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"],
        "tags": ddb.list_tags_of_resource(ResourceArn=description["TableArn"])["Tags"],
        "tables": ddb.list_tables()["TableNames"],
        "items": scan_all(ddb, table, ConsistentRead=True)[0]["Items"],
        "simulation": (simulation[0], simulation[2]),
        "engine": (engine[0], engine[2]),
    }


def test_tables_indexes_ttl_streams_tags_and_settings_survive_a_graceful_restart(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    ddb = client(server)
    table, dropped = unique_name("kept"), unique_name("dropped")
    create_table(
        ddb,
        table,
        range_key=("sk", "N"),
        definitions=[("g", "S"), ("l", "N")],
        ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": key_schema("g", "sk"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1},
            }
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "by-l", "KeySchema": key_schema("pk", "l"), "Projection": {"ProjectionType": "ALL"}}
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=[{"Key": "team", "Value": "storage"}],
    )
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    for n in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(n)}, "g": {"S": "G"}, "l": {"N": str(9 - n)}})
    create_table(ddb, dropped)
    ddb.put_item(TableName=dropped, Item={"pk": {"S": "gone"}})
    ddb.delete_table(TableName=dropped)
    for body in [f'{{"TableName":"{table}","Preset":"PLAYGROUND"}}', '{"Seed":4242,"ControlPlaneMillis":0}']:
        status, _, answer = raw_post(server, "DynamoDB_20120810.Dynoscope_SetSimulation", body.encode())
        assert status == 200, answer
    before = describe_everything(server, table)

    server = restart(server, tmp_path)
    try:
        after = describe_everything(server, table)
        assert after == before
        assert dropped not in after["tables"]
        query = client(server).query(
            TableName=table,
            IndexName="by-l",
            KeyConditionExpression="pk = :p AND l > :l",
            ExpressionAttributeValues={":p": {"S": "p"}, ":l": {"N": "7"}},
        )
        assert [i["sk"]["N"] for i in query["Items"]] == ["1", "0"]
    finally:
        assert server.stop() == 0


def stream_records(server, stream_arn):
    """Every record of every shard, oldest first, as (event, sequence number, keys)."""
    streams = client(server, "dynamodbstreams")
    records = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            if not page["Records"]:
                break
            records += [(r["eventName"], r["dynamodb"]["SequenceNumber"], r["dynamodb"]["Keys"]) for r in page["Records"]]
            iterator = page.get("NextShardIterator")
    return records


def test_stream_records_survive_a_graceful_restart(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    ddb = client(server)
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    description = create_table(ddb, unique_name("streamed"), StreamSpecification=spec)["TableDescription"]
    table, stream_arn = description["TableName"], description["LatestStreamArn"]
    for n in range(4):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}, "n": {"N": str(n)}})
    ddb.update_item(TableName=table, Key={"pk": {"S": "k1"}}, UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "10"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k2"}})
    before = stream_records(server, stream_arn)
    assert [event for event, _, _ in before] == ["INSERT"] * 4 + ["MODIFY", "REMOVE"]

    server = restart(server, tmp_path)
    try:
        assert stream_records(server, stream_arn) == before
        client(server).put_item(TableName=table, Item={"pk": {"S": "k9"}})
        after = stream_records(server, stream_arn)
        assert after[:-1] == before
        assert after[-1][0] == "INSERT"
        assert int(after[-1][1]) > int(before[-1][1]), "the stream carries on numbering"
    finally:
        assert server.stop() == 0


def test_stream_records_of_acknowledged_writes_survive_kill_9(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    ddb = client(server)
    spec = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    description = create_table(ddb, unique_name("streamed"), StreamSpecification=spec)["TableDescription"]
    table, stream_arn = description["TableName"], description["LatestStreamArn"]
    for n in range(50):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k3"}})
    before = stream_records(server, stream_arn)
    assert len(before) == 51
    kill_9(server)  # well within the history's save interval: only the journal has them

    server = start_server("--data-dir", str(tmp_path))
    try:
        assert stream_records(server, stream_arn) == before
    finally:
        assert server.stop() == 0


def test_a_second_server_on_the_same_data_dir_refuses_to_start(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    try:
        second = subprocess.run(
            [SERVER_BIN, "--port", "0", "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=30
        )
        assert second.returncode != 0
        assert "listening" not in second.stdout
        assert str(tmp_path) in second.stderr, second.stderr
        assert "in use by another process" in second.stderr, second.stderr
        # The first one is unharmed.
        assert client(server).list_tables()["TableNames"] == []
    finally:
        assert server.stop() == 0


def test_a_data_dir_that_cannot_be_made_stops_start_up_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    refused = subprocess.run(
        [SERVER_BIN, "--port", "0", "--data-dir", str(blocker / "data")], capture_output=True, text=True, timeout=30
    )
    assert refused.returncode != 0
    assert str(blocker / "data") in refused.stderr, refused.stderr
    assert "cannot use the data directory" in refused.stderr, refused.stderr
