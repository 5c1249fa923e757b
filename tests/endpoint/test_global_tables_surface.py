"""The rest of the global tables surface through boto3: multi-Region strong consistency
(MultiRegionConsistency STRONG with a witness, synchronous replication,
ReplicatedWriteConflictException), replica auto scaling, and the legacy 2017.11.29
operations as DynamoDB answers them today. One server serves every region; a client reaches
a region by the region its requests are signed for.
"""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from support import create_table, raw_post, sdk_arguments, start_server

EAST, OHIO, WEST = "us-east-1", "us-east-2", "us-west-2"


@pytest.fixture(scope="module")
def server():
    server = start_server()
    yield server
    assert server.stop() == 0


def client(server, region):
    return boto3.client("dynamodb", **{**sdk_arguments(server), "region_name": region})


def dynoscope(server, operation, request=None):
    status, _, body = raw_post(server, f"DynamoDB_20120810.Dynoscope_{operation}", json.dumps(request or {}).encode())
    assert status == 200, body
    return json.loads(body)


def strong_table(server):
    east = client(server, EAST)
    name = create_table(east)["TableDescription"]["TableName"]
    east.update_table(
        TableName=name,
        ReplicaUpdates=[{"Create": {"RegionName": OHIO}}],
        GlobalTableWitnessUpdates=[{"Create": {"RegionName": WEST}}],
        MultiRegionConsistency="STRONG",
    )
    return name


def error_of(call):
    with pytest.raises(ClientError) as refused:
        call()
    return refused.value.response["Error"]


def test_an_mrsc_global_table_describes_its_mode_and_witness(server):
    name = strong_table(server)
    table = client(server, OHIO).describe_table(TableName=name)["Table"]
    assert table["MultiRegionConsistency"] == "STRONG"
    assert table["GlobalTableWitnesses"][0]["RegionName"] == WEST
    assert [r["RegionName"] for r in table["Replicas"]] == [EAST]


def test_an_mrsc_write_is_read_at_once_in_the_other_replica(server):
    name = strong_table(server)
    dynoscope(server, "SetSimulation", {"TableName": name, "GlobalReplicationLag": {"MinMillis": 60000, "MaxMillis": 60000}})
    client(server, EAST).put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "east"}})
    item = client(server, OHIO).get_item(TableName=name, Key={"pk": {"S": "k"}}, ConsistentRead=True)["Item"]
    assert item["v"] == {"S": "east"}


def test_an_mrsc_write_of_an_item_being_modified_elsewhere_is_a_replicated_write_conflict(server):
    name = strong_table(server)
    dynoscope(server, "SetSimulation", {"TableName": name, "GlobalReplicationLag": {"MinMillis": 60000, "MaxMillis": 60000}})
    client(server, EAST).put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "east"}})
    ohio = client(server, OHIO)
    error = error_of(lambda: ohio.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "ohio"}}))
    assert error["Code"] == "ReplicatedWriteConflictException"


def test_mrsc_needs_three_regions_of_one_region_set(server):
    east = client(server, EAST)
    name = create_table(east)["TableDescription"]["TableName"]
    error = error_of(
        lambda: east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": OHIO}}], MultiRegionConsistency="STRONG")
    )
    assert error["Code"] == "ValidationException"
    assert "exactly three regions" in error["Message"]


def test_transactions_are_refused_on_an_mrsc_global_table(server):
    name = strong_table(server)
    error = error_of(
        lambda: client(server, EAST).transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {"pk": {"S": "t"}}}}])
    )
    assert error["Code"] == "ValidationException"


def test_replica_auto_scaling_settings_are_kept_and_described_in_every_region(server):
    east, west = client(server, EAST), client(server, WEST)
    name = create_table(east, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})["TableDescription"]["TableName"]
    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    policy = {"PolicyName": "p", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}
    answer = east.update_table_replica_auto_scaling(
        TableName=name,
        ProvisionedWriteCapacityAutoScalingUpdate={"MinimumUnits": 5, "MaximumUnits": 50, "ScalingPolicyUpdate": policy},
        ReplicaUpdates=[
            {
                "RegionName": WEST,
                "ReplicaProvisionedReadCapacityAutoScalingUpdate": {"MinimumUnits": 1, "MaximumUnits": 10, "ScalingPolicyUpdate": policy},
            }
        ],
    )
    assert [r["RegionName"] for r in answer["TableAutoScalingDescription"]["Replicas"]] == [EAST, WEST]
    described = west.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    here = described["Replicas"][0]
    assert here["RegionName"] == WEST
    assert here["ReplicaProvisionedReadCapacityAutoScalingSettings"]["MaximumUnits"] == 10
    assert here["ReplicaProvisionedWriteCapacityAutoScalingSettings"]["ScalingPolicies"][0]["PolicyName"] == "p"


def test_legacy_create_global_table_is_refused_and_nothing_is_found(server):
    east = client(server, EAST)
    name = create_table(east)["TableDescription"]["TableName"]
    error = error_of(lambda: east.create_global_table(GlobalTableName=name, ReplicationGroup=[{"RegionName": EAST}, {"RegionName": WEST}]))
    assert error["Code"] == "ValidationException"
    assert "version 2017.11.29 is not supported" in error["Message"]
    error = error_of(lambda: east.describe_global_table(GlobalTableName=name))
    assert error["Code"] == "GlobalTableNotFoundException"
    assert error["Message"] == f"Global table not found: Global table with name: '{name}' does not exist."
    error = error_of(lambda: east.describe_global_table_settings(GlobalTableName=name))
    assert error["Code"] == "GlobalTableNotFoundException"
    assert east.list_global_tables()["GlobalTables"] == []
