"""Global tables (version 2019.11.21) through boto3: one server serves every region, and a
client reaches a region as on AWS, by the region its requests are signed for. A replica is
added with UpdateTable's ReplicaUpdates; writes in one region reach the other after the
simulation's GlobalReplicationLag (none by default), last writer wins.
"""

import json
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from support import create_table, raw_post, sdk_arguments, start_server


@pytest.fixture(scope="module")
def server():
    server = start_server()
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def east(server):
    return boto3.client("dynamodb", **sdk_arguments(server))


@pytest.fixture(scope="module")
def west(server):
    return boto3.client("dynamodb", **{**sdk_arguments(server), "region_name": "us-west-2"})


def dynoscope(server, operation, request=None):
    status, _, body = raw_post(server, f"DynamoDB_20120810.Dynoscope_{operation}", json.dumps(request or {}).encode())
    assert status == 200, body
    return json.loads(body)


def wait_active(client, name):
    for _ in range(100):
        table = client.describe_table(TableName=name)["Table"]
        replicas = table.get("Replicas", [])
        if table["TableStatus"] == "ACTIVE" and all(r["ReplicaStatus"] == "ACTIVE" for r in replicas):
            return table
        time.sleep(0.05)
    raise AssertionError(f"{name} never became ACTIVE")


def global_table(east, west):
    name = create_table(east)["TableDescription"]["TableName"]
    east.put_item(TableName=name, Item={"pk": {"S": "before"}, "v": {"S": "1"}})
    answer = east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])
    assert answer["TableDescription"]["TableStatus"] == "UPDATING"
    assert answer["TableDescription"]["Replicas"][0]["RegionName"] == "us-west-2"
    wait_active(east, name)
    wait_active(west, name)
    return name


def test_a_replica_in_another_region_holds_the_items_and_describes_the_group(east, west):
    name = global_table(east, west)
    east_table = east.describe_table(TableName=name)["Table"]
    west_table = west.describe_table(TableName=name)["Table"]
    assert east_table["GlobalTableVersion"] == "2019.11.21"
    assert east_table["Replicas"] == [{"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]
    assert west_table["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert ":us-west-2:" in west_table["TableArn"]
    assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]["v"] == {"S": "1"}
    assert name in west.list_tables()["TableNames"]


def test_a_write_in_one_region_is_read_in_the_other(east, west):
    name = global_table(east, west)
    east.put_item(TableName=name, Item={"pk": {"S": "e"}, "v": {"S": "east"}})
    assert west.get_item(TableName=name, Key={"pk": {"S": "e"}})["Item"]["v"] == {"S": "east"}
    west.put_item(TableName=name, Item={"pk": {"S": "w"}, "v": {"S": "west"}})
    assert east.get_item(TableName=name, Key={"pk": {"S": "w"}})["Item"]["v"] == {"S": "west"}
    west.delete_item(TableName=name, Key={"pk": {"S": "e"}})
    assert "Item" not in east.get_item(TableName=name, Key={"pk": {"S": "e"}})


def test_with_lag_a_write_arrives_later_and_the_last_writer_wins(server, east, west):
    name = global_table(east, west)
    dynoscope(server, "SetSimulation", {"TableName": name, "GlobalReplicationLag": {"MinMillis": 60000, "MaxMillis": 60000}})
    key = {"pk": {"S": "k"}}
    east.put_item(TableName=name, Item={**key, "v": {"S": "east"}})
    assert "Item" not in west.get_item(TableName=name, Key=key)
    west.put_item(TableName=name, Item={**key, "v": {"S": "west"}})
    dynoscope(server, "AdvanceClock", {"Millis": 120000})
    assert east.get_item(TableName=name, Key=key)["Item"]["v"] == {"S": "west"}
    assert west.get_item(TableName=name, Key=key)["Item"]["v"] == {"S": "west"}
    # (The server keeps no event history, where the REPLICATION_CONFLICT events would be.)


def test_a_region_down_answers_internal_server_error(server, east, west):
    name = global_table(east, west)
    dynoscope(server, "SetRegionAvailability", {"RegionName": "us-west-2", "Available": False})
    try:
        with pytest.raises(ClientError) as refused:
            west.get_item(TableName=name, Key={"pk": {"S": "before"}})
        assert refused.value.response["Error"]["Code"] == "InternalServerError"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        east.put_item(TableName=name, Item={"pk": {"S": "during"}})
        regions = {r["RegionName"]: r for r in dynoscope(server, "DescribeRegions")["Regions"]}
        assert regions["us-west-2"]["Available"] is False
        assert [f["TableName"] for f in regions["us-west-2"]["InFlight"]] == [name]
    finally:
        dynoscope(server, "SetRegionAvailability", {"RegionName": "us-west-2", "Available": True})
    assert "Item" in west.get_item(TableName=name, Key={"pk": {"S": "during"}})


def test_the_local_region_cannot_be_a_replica(east):
    name = create_table(east)["TableDescription"]["TableName"]
    with pytest.raises(ClientError) as refused:
        east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["Error"]["Message"].startswith("Cannot add, delete, or update the local region")


def test_deleting_the_replica_in_its_region_leaves_the_group(east, west):
    name = global_table(east, west)
    west.delete_table(TableName=name)
    assert "Replicas" not in east.describe_table(TableName=name)["Table"]
    east.put_item(TableName=name, Item={"pk": {"S": "after"}})
    with pytest.raises(ClientError) as missing:
        west.get_item(TableName=name, Key={"pk": {"S": "after"}})
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_replicas_survive_a_restart_with_a_data_dir(tmp_path):
    server = start_server("--data-dir", str(tmp_path))
    try:
        east = boto3.client("dynamodb", **sdk_arguments(server))
        west = boto3.client("dynamodb", **{**sdk_arguments(server), "region_name": "us-west-2"})
        name = global_table(east, west)
        west.put_item(TableName=name, Item={"pk": {"S": "w"}, "v": {"S": "west"}})
        # Replicated before the next request, or after the restart: replications in flight
        # are kept with the data.
        assert server.stop() == 0
        server = start_server("--data-dir", str(tmp_path))
        east = boto3.client("dynamodb", **sdk_arguments(server))
        west = boto3.client("dynamodb", **{**sdk_arguments(server), "region_name": "us-west-2"})
        assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]["v"] == {"S": "1"}
        assert west.get_item(TableName=name, Key={"pk": {"S": "w"}})["Item"]["v"] == {"S": "west"}
        assert east.get_item(TableName=name, Key={"pk": {"S": "w"}})["Item"]["v"] == {"S": "west"}
        assert east.describe_table(TableName=name)["Table"]["Replicas"][0]["RegionName"] == "us-west-2"
        assert ":us-west-2:" in west.describe_table(TableName=name)["Table"]["TableArn"]
    finally:
        server.stop()
