"""The control plane through boto3's low-level client: CreateTable with indexes, streams,
encryption, table class, deletion protection and tags; the shape of DescribeTable;
UpdateTable (throughput, billing mode, global index create and delete, streams);
UpdateTimeToLive/DescribeTimeToLive; TagResource/UntagResource/ListTagsOfResource;
DescribeLimits; DescribeEndpoints; and boto3's `table_exists`/`table_not_exists` waiters.

Expected values follow the DynamoDB API Reference (CreateTable, DescribeTable,
TableDescription, UpdateTable, UpdateTimeToLive, TagResource, DescribeLimits,
DescribeEndpoints), the Developer Guide's service quotas, and the messages recorded by
suites run against DynamoDB (scylladb test/alternator test_ttl.py and test_tag.py, dynalite,
moto).
"""

import re
import time
import uuid
from datetime import datetime

import pytest

from support import REGION, code_and_message, create_table, key_schema, table_arn, unique_name

STREAM_LABEL = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"


def describe(ddb, name):
    return ddb.describe_table(TableName=name)["Table"]


def wait_until(predicate, timeout=5.0):
    """Polls `predicate` until it returns something truthy; the engine's control plane is
    instant by default, so this returns on the first or second look."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def provisioned_table(ddb, read=5, write=5, **extra):
    return create_table(
        ddb, ProvisionedThroughput={"ReadCapacityUnits": read, "WriteCapacityUnits": write}, **extra
    )["TableDescription"]["TableName"]


# --- CreateTable and DescribeTable ---------------------------------------------------------


@pytest.fixture(scope="module")
def full_table(ddb):
    """A table created with every optional feature at once."""
    name = unique_name()
    create_table(
        ddb,
        name,
        range_key=("sk", "N"),
        definitions=[("g", "S"), ("l", "S")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": key_schema("g", "sk"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]},
            }
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "byL", "KeySchema": key_schema("pk", "l"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        TableClass="STANDARD_INFREQUENT_ACCESS",
        Tags=[{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": "test"}],
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "l": {"S": "y"}})
    return name


def test_describe_table_identifies_the_table_by_name_arn_id_and_creation_time(ddb, full_table):
    table = describe(ddb, full_table)
    assert table["TableName"] == full_table
    assert table["TableArn"] == table_arn(full_table)
    assert str(uuid.UUID(table["TableId"])) == table["TableId"]
    assert isinstance(table["CreationDateTime"], datetime)
    assert table["TableStatus"] == "ACTIVE"


def test_describe_table_echoes_key_schema_and_sorted_attribute_definitions(ddb, full_table):
    table = describe(ddb, full_table)
    assert table["KeySchema"] == key_schema("pk", "sk")
    assert table["AttributeDefinitions"] == [
        {"AttributeName": "g", "AttributeType": "S"},
        {"AttributeName": "l", "AttributeType": "S"},
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ]


def test_describe_table_counts_items_and_their_bytes(ddb, full_table):
    table = describe(ddb, full_table)
    assert table["ItemCount"] == 1
    # pk(2) + a(1) + sk(2) + 1(number: 1 + 1) + g(1) + x(1) + l(1) + y(1)
    assert table["TableSizeBytes"] == 11


def test_describe_table_on_demand_reports_zero_throughput_and_the_billing_mode(ddb, full_table):
    table = describe(ddb, full_table)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }


def test_describe_table_describes_a_global_index_with_status_arn_projection_and_counts(ddb, full_table):
    (index,) = describe(ddb, full_table)["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "byG"
    assert index["IndexArn"] == f"{table_arn(full_table)}/index/byG"
    assert index["IndexStatus"] == "ACTIVE"
    assert index["KeySchema"] == key_schema("g", "sk")
    assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}
    assert index["ItemCount"] == 1 and index["IndexSizeBytes"] > 0
    assert index["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}


def test_describe_table_describes_a_local_index_without_a_status(ddb, full_table):
    (index,) = describe(ddb, full_table)["LocalSecondaryIndexes"]
    assert index["IndexName"] == "byL"
    assert index["IndexArn"] == f"{table_arn(full_table)}/index/byL"
    assert index["KeySchema"] == key_schema("pk", "l")
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert index["ItemCount"] == 1
    assert "IndexStatus" not in index


def test_a_stream_enabled_at_creation_has_a_label_and_an_arn(ddb, full_table):
    table = describe(ddb, full_table)
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert re.fullmatch(STREAM_LABEL, table["LatestStreamLabel"])
    assert table["LatestStreamArn"] == f"{table_arn(full_table)}/stream/{table['LatestStreamLabel']}"


def test_a_kms_encrypted_table_describes_its_key(ddb, full_table):
    sse = describe(ddb, full_table)["SSEDescription"]
    assert sse["Status"] == "ENABLED" and sse["SSEType"] == "KMS"
    assert sse["KMSMasterKeyArn"].startswith(f"arn:aws:kms:{REGION}:")


def test_a_table_with_default_encryption_has_no_sse_description(ddb, table):
    assert "SSEDescription" not in describe(ddb, table)


def test_a_table_class_is_summarised(ddb, full_table):
    assert describe(ddb, full_table)["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_tags_given_at_creation_are_listed(ddb, full_table):
    tags = ddb.list_tags_of_resource(ResourceArn=table_arn(full_table))["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "storage"}]


def test_deletion_protection_is_described_and_blocks_delete_table(ddb):
    name = create_table(ddb, DeletionProtectionEnabled=True)["TableDescription"]["TableName"]
    assert describe(ddb, name)["DeletionProtectionEnabled"] is True
    code, message = code_and_message(ddb.delete_table, TableName=name)
    assert (code, message) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
    )
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"


# --- CreateTable errors --------------------------------------------------------------------


def test_provisioned_billing_needs_provisioned_throughput(ddb):
    code, message = code_and_message(create_table, ddb=ddb, BillingMode="PROVISIONED")
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
        "specified when BillingMode is PROVISIONED",
    )


def test_an_extra_attribute_definition_without_indexes_is_a_validation_exception(ddb):
    code, message = code_and_message(create_table, ddb=ddb, definitions=[("extra", "N")])
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
        "number of attributes defined in AttributeDefinitions",
    )


def test_an_index_key_without_a_definition_is_a_validation_exception(ddb):
    code, message = code_and_message(
        create_table,
        ddb=ddb,
        GlobalSecondaryIndexes=[
            {"IndexName": "gsi", "KeySchema": key_schema("user"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [user], AttributeDefinitions: [pk]",
    )


def test_a_local_index_must_share_the_tables_partition_key(ddb):
    code, message = code_and_message(
        create_table,
        ddb=ddb,
        range_key=("sk", "S"),
        definitions=[("other", "S")],
        LocalSecondaryIndexes=[
            {"IndexName": "lsi", "KeySchema": key_schema("other", "sk"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
        "table KeySchema for index: lsi. index hash key: other, table hash key: pk",
    )


def test_a_provisioned_table_needs_throughput_for_each_global_index(ddb):
    code, message = code_and_message(
        create_table,
        ddb=ddb,
        definitions=[("g", "S")],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        GlobalSecondaryIndexes=[
            {"IndexName": "gsi", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: gsi",
    )


def test_a_table_name_shorter_than_three_characters_is_a_validation_exception(ddb_unchecked):
    code, message = code_and_message(ddb_unchecked.describe_table, TableName="ab")
    assert (code, message) == (
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
    )


def test_delete_table_of_a_missing_table_names_the_table(ddb):
    code, message = code_and_message(ddb.delete_table, TableName="no-such-table")
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found: Table: no-such-table not found")


# --- waiters -----------------------------------------------------------------------------


def test_the_table_exists_waiter_returns_once_the_table_is_active(ddb):
    name = unique_name()
    create_table(ddb, name)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    assert describe(ddb, name)["TableStatus"] == "ACTIVE"


def test_the_table_not_exists_waiter_returns_once_the_table_is_gone(ddb, table):
    ddb.delete_table(TableName=table)
    ddb.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    assert code_and_message(ddb.describe_table, TableName=table)[0] == "ResourceNotFoundException"


# --- UpdateTable -------------------------------------------------------------------------


def test_update_table_throughput_answers_updating_then_settles_with_the_new_values(ddb):
    name = provisioned_table(ddb)
    response = ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    assert response["TableDescription"]["TableStatus"] == "UPDATING"
    table = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)
    throughput = table["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (10, 5)
    assert isinstance(throughput["LastIncreaseDateTime"], datetime)


def test_decreasing_throughput_is_counted_and_dated(ddb):
    name = provisioned_table(ddb)
    ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 5})
    throughput = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)["ProvisionedThroughput"]
    assert throughput["NumberOfDecreasesToday"] == 1
    assert isinstance(throughput["LastDecreaseDateTime"], datetime)


def test_update_table_with_unchanged_throughput_is_a_validation_exception(ddb):
    name = provisioned_table(ddb)
    code, message = code_and_message(
        ddb.update_table, TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )
    assert code == "ValidationException"
    assert message.startswith(
        "The provisioned throughput for the table will not change. The requested value equals the current value. "
        "Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. "
        "Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5."
    ), message


def test_switching_to_pay_per_request_reports_the_billing_mode_and_zero_throughput(ddb):
    name = provisioned_table(ddb)
    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    table = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert (table["ProvisionedThroughput"]["ReadCapacityUnits"], table["ProvisionedThroughput"]["WriteCapacityUnits"]) == (0, 0)


def test_switching_back_to_provisioned_keeps_when_the_table_was_last_on_demand(ddb):
    name = provisioned_table(ddb)
    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    on_demand = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)
    since = on_demand["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"]
    ddb.update_table(
        TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}
    )
    table = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)
    assert table["BillingModeSummary"] == {"BillingMode": "PROVISIONED", "LastUpdateToPayPerRequestDateTime": since}


def test_a_global_index_created_by_update_table_is_backfilled_from_existing_items(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    response = ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {"Create": {"IndexName": "byG", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}}}
        ],
    )
    (created,) = response["TableDescription"]["GlobalSecondaryIndexes"]
    assert created["IndexName"] == "byG" and created["IndexStatus"] == "CREATING"
    index = wait_until(lambda: (i := describe(ddb, table)["GlobalSecondaryIndexes"][0])["IndexStatus"] == "ACTIVE" and i)
    assert index["ItemCount"] == 1
    page = ddb.query(
        TableName=table, IndexName="byG", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "x"}}
    )
    assert page["Items"] == [{"pk": {"S": "a"}, "g": {"S": "x"}}]


def test_a_global_index_deleted_by_update_table_disappears(ddb):
    name = create_table(
        ddb,
        definitions=[("g", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
    )["TableDescription"]["TableName"]
    response = ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byG"}}])
    assert response["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "DELETING"
    assert wait_until(lambda: "GlobalSecondaryIndexes" not in describe(ddb, name))


def test_deleting_a_global_index_drops_its_key_from_the_attribute_definitions(ddb):
    name = create_table(
        ddb,
        definitions=[("g", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
    )["TableDescription"]["TableName"]
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byG"}}])
    table = wait_until(lambda: (t := describe(ddb, name))["TableStatus"] == "ACTIVE" and t)
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]


def test_creating_two_global_indexes_in_one_update_is_a_limit_exceeded(ddb, table):
    create = lambda name: {  # noqa: E731
        "Create": {"IndexName": name, "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}}
    }
    code, _ = code_and_message(
        ddb.update_table,
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[create("one"), create("two")],
    )
    assert code == "LimitExceededException"


def test_enabling_a_stream_by_update_table_gives_it_a_label_and_an_arn(ddb, table):
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    described = wait_until(lambda: (t := describe(ddb, table))["TableStatus"] == "ACTIVE" and t)
    assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert described["LatestStreamArn"] == f"{table_arn(table)}/stream/{described['LatestStreamLabel']}"


def test_update_table_with_nothing_to_change_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.update_table, TableName=table)
    assert code == "ValidationException"
    assert message.startswith("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled"), message


# --- time to live ------------------------------------------------------------------------


def test_time_to_live_is_disabled_until_enabled_and_then_described(ddb, table):
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)["TimeToLiveSpecification"] == spec
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }


def test_enabling_time_to_live_twice_is_a_validation_exception(ddb, table):
    spec = {"Enabled": True, "AttributeName": "expires"}
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
    code, message = code_and_message(ddb.update_time_to_live, TableName=table, TimeToLiveSpecification=spec)
    assert (code, message) == ("ValidationException", "TimeToLive is already enabled")


def test_disabling_time_to_live_that_is_not_enabled_is_a_validation_exception(ddb, table):
    code, message = code_and_message(
        ddb.update_time_to_live, TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )
    assert code == "ValidationException"
    assert "disabled" in message, message


def test_time_to_live_cannot_change_twice_within_an_hour(ddb, table):
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    code, message = code_and_message(
        ddb.update_time_to_live, TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "ttl"}
    )
    assert (code, message) == (
        "ValidationException",
        "Time to live has been modified multiple times within a fixed interval",
    )


def test_enabling_time_to_live_on_another_attribute_names_the_current_one(ddb, table):
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl_a"})
    code, message = code_and_message(
        ddb.update_time_to_live, TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl_b"}
    )
    assert (code, message) == (
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is ttl_a",
    )


def test_disabling_time_to_live_must_name_the_enabled_attribute(ddb, table):
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl_a"})
    code, message = code_and_message(
        ddb.update_time_to_live, TableName=table, TimeToLiveSpecification={"Enabled": False, "AttributeName": "dog"}
    )
    assert (code, message) == (
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is ttl_a",
    )


def test_time_to_live_of_a_missing_table_is_resource_not_found(ddb):
    code, _ = code_and_message(ddb.describe_time_to_live, TableName="no-such-table")
    assert code == "ResourceNotFoundException"


# --- tags --------------------------------------------------------------------------------


def test_tags_are_added_listed_overwritten_and_removed_by_table_arn(ddb, table):
    arn = table_arn(table)
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}])
    listed = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted(listed, key=lambda t: t["Key"]) == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env", "never-set"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "b"}]


@pytest.mark.parametrize("operation", ["list_tags_of_resource", "tag_resource", "untag_resource"])
def test_tag_operations_on_a_missing_table_name_the_arn(ddb, operation):
    arn = table_arn("no-such-table")
    params = {
        "list_tags_of_resource": {},
        "tag_resource": {"Tags": [{"Key": "a", "Value": "b"}]},
        "untag_resource": {"TagKeys": ["a"]},
    }[operation]
    code, message = code_and_message(getattr(ddb, operation), ResourceArn=arn, **params)
    assert (code, message) == ("ResourceNotFoundException", f"Requested resource not found: ResourcArn: {arn} not found")


# --- account-level operations ------------------------------------------------------------


def test_describe_limits_gives_the_default_account_quotas(ddb):
    limits = ddb.describe_limits()
    assert {k: v for k, v in limits.items() if k != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


def test_describe_endpoints_returns_one_address_cached_for_a_day(ddb):
    (endpoint,) = ddb.describe_endpoints()["Endpoints"]
    assert endpoint["CachePeriodInMinutes"] == 1440
    assert endpoint["Address"] and "://" not in endpoint["Address"], "an address, not a URL"
