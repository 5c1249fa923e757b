"""Conformance, round two: the control plane. CreateTable schema validation (duplicate and
over-long attribute names, key types, index names), UpdateTable throughput and
global-index validation, the shape of DeleteTable's answer, and DescribeTable details.

Expected values come from suites run against the live service, named in each test's
comment: scylladb test/alternator (test_table.py, test_describe_table.py, test_limits.py,
test_gsi.py, test_gsi_updatetable.py), dynalite test/createTable.js and
test/updateTable.js, and ExtendDB tests (dual-target against Amazon DynamoDB). Tests marked
xfail(strict=True) pin DynamoDB's behaviour where the engine still differs.
"""

import re
import time

import pytest

from support import code_and_message, create_table, key_schema, unique_name

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def describe(ddb, name):
    return ddb.describe_table(TableName=name)["Table"]


def create(ddb, definitions, keys, **extra):
    """CreateTable with explicit AttributeDefinitions and KeySchema lists of pairs."""
    extra.setdefault("BillingMode", "PAY_PER_REQUEST")
    return ddb.create_table(
        TableName=unique_name(),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in definitions],
        KeySchema=[{"AttributeName": n, "KeyType": k} for n, k in keys],
        **extra,
    )


def gsi(name, *key, projection="ALL"):
    return {"IndexName": name, "KeySchema": key_schema(*key), "Projection": {"ProjectionType": projection}}


def provisioned(ddb):
    return create_table(ddb, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})["TableDescription"]["TableName"]


# =========================================================================================
# CreateTable
# =========================================================================================


def test_an_attribute_defined_twice_is_refused_as_a_duplicate(ddb_unchecked):
    # scylla test_table.py::test_create_table_duplicate_attribute_name ('ValidationException.*uplicate.*xyz')
    code, message = code_and_message(create, ddb=ddb_unchecked, definitions=[("xyz", "S"), ("xyz", "N")], keys=[("xyz", "HASH")])
    assert code == "ValidationException" and re.search("uplicate.*xyz", message), message


def test_an_index_key_defined_with_two_types_is_refused_as_a_duplicate(ddb_unchecked):
    # scylla test_gsi.py::test_gsi_key_type_conflict_on_create ('ValidationException.*uplicate.*xyz')
    code, message = code_and_message(
        create, ddb=ddb_unchecked, definitions=[("p", "S"), ("xyz", "S"), ("xyz", "N")], keys=[("p", "HASH")],
        GlobalSecondaryIndexes=[gsi("index1", "xyz"), gsi("index2", "xyz")],
    )
    assert code == "ValidationException" and re.search("uplicate.*xyz", message), message


def test_key_attribute_names_of_255_bytes_are_allowed(ddb):
    # scylla test_limits.py::test_limit_attribute_length_key_good
    hash_name, range_name = "h" * 255, "r" * 255
    name = create(ddb, [(hash_name, "S"), (range_name, "S")], [(hash_name, "HASH"), (range_name, "RANGE")])["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={hash_name: {"S": "hi"}, range_name: {"S": "ho"}})
    assert ddb.get_item(TableName=name, Key={hash_name: {"S": "hi"}, range_name: {"S": "ho"}})["Item"]


@pytest.mark.parametrize("where", ["table_hash", "table_range", "index_hash"])
def test_key_attribute_names_over_255_bytes_are_refused(ddb_unchecked, where):
    # scylla test_limits.py::test_limit_attribute_length_key_bad, ::test_limit_attribute_length_gsi_lsi_bad ('ValidationException.*25[56]')
    long = "k" * 256
    if where == "table_hash":
        params = {"definitions": [(long, "S")], "keys": [(long, "HASH")]}
    elif where == "table_range":
        params = {"definitions": [(long, "S"), ("x", "S")], "keys": [("x", "HASH"), (long, "RANGE")]}
    else:
        params = {"definitions": [("a", "S"), (long, "S")], "keys": [("a", "HASH")], "GlobalSecondaryIndexes": [gsi("gsi", long)]}
    code, message = code_and_message(create, ddb=ddb_unchecked, **params)
    assert code == "ValidationException" and re.search("25[56]", message), message


@pytest.mark.parametrize("key_type", ["BOOL"])
def test_a_key_of_a_type_other_than_s_n_or_b_names_the_type(ddb_unchecked, key_type):
    # scylla test_table.py::test_forbidden_key_types (message mentions the type in single quotes)
    code, message = code_and_message(create, ddb=ddb_unchecked, definitions=[("p", key_type)], keys=[("p", "HASH")])
    assert code == "ValidationException" and f"'{key_type}'" in message, message


@pytest.mark.parametrize("definition, field", [({"AttributeType": "S"}, "ttributeName")])
def test_an_attribute_definition_missing_a_member_names_it(ddb_unchecked, definition, field):
    # scylla test_table.py::test_create_table_invalid_attribute_definitions
    code, message = code_and_message(
        ddb_unchecked.create_table, TableName=unique_name(), BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "xyz", "KeyType": "HASH"}], AttributeDefinitions=[definition],
    )
    assert code == "ValidationException" and field in message, message


@pytest.mark.parametrize("name, allowed", [(".alternator_test", True), ("nyh@test", False)], ids=["leading_dot", "at_sign"])
def test_table_names_are_3_to_255_characters_of_letters_digits_dot_dash_underscore(ddb_unchecked, name, allowed):
    # scylla test_table.py::test_create_table_unsupported_names, ::test_create_and_delete_table_non_scylla_name
    name = name if not allowed else f"{name}-{unique_name()}"
    if allowed:
        ddb_unchecked.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                   AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}], KeySchema=key_schema("p"))
        ddb_unchecked.delete_table(TableName=name)
    else:
        code, _ = code_and_message(
            ddb_unchecked.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}], KeySchema=key_schema("p"),
        )
        assert code == "ValidationException"


def test_an_index_name_of_256_characters_is_refused(ddb_unchecked):
    # dynalite test/createTable.js 'should return ValidationException for 13'
    code, message = code_and_message(
        create, ddb=ddb_unchecked, definitions=[("p", "S"), ("x", "S")], keys=[("p", "HASH")],
        GlobalSecondaryIndexes=[gsi("n" * 256, "x")],
    )
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 255" in message, message


def test_list_tables_returns_at_most_100_names_a_page(ddb_unchecked):
    # scylla test_table.py::test_list_tables_wrong_limit
    assert code_and_message(ddb_unchecked.list_tables, Limit=101)[0] == "ValidationException"


# =========================================================================================
# UpdateTable
# =========================================================================================


def test_update_table_throughput_below_one_is_a_constraint_violation(ddb_unchecked):
    # dynalite test/updateTable.js 'should return ValidationException for high ProvisionedThroughput.ReadCapacityUnits and neg'
    name = provisioned(ddb_unchecked)
    assert code_and_message(
        ddb_unchecked.update_table, TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": -1}
    ) == (
        "ValidationException",
        "1 validation error detected: Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


def test_update_table_throughput_over_the_bound_is_refused(ddb_unchecked):
    # dynalite test/updateTable.js 'should return ValidationException for high ProvisionedThroughput.ReadCapacityUnits'
    name = provisioned(ddb_unchecked)
    assert code_and_message(
        ddb_unchecked.update_table, TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": 1000000000001},
    ) == ("ValidationException", "Given value 1000000000001 for ReadCapacityUnits is out of bounds")


def test_throughput_for_an_on_demand_table_is_refused_and_changes_nothing(ddb, table):
    # ExtendDB tests/test_update_table_billing_validation.py::test_update_table_rejects_throughput_on_pay_per_request_table
    code, message = code_and_message(
        ddb.update_table, TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )
    assert code == "ValidationException"
    assert "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST" in message
    assert describe(ddb, table)["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_update_table_of_a_missing_table_names_it(ddb):
    # dynalite test/updateTable.js 'should return ResourceNotFoundException if table does not exist'; scylla ::test_update_table_non_existent
    name = unique_name()
    assert code_and_message(ddb.update_table, TableName=name, BillingMode="PAY_PER_REQUEST") == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


def create_index(ddb, table, name, attribute, attribute_type="S"):
    return ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": attribute, "AttributeType": attribute_type}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi(name, attribute)}],
    )


def test_a_new_index_cannot_redefine_an_attributes_type(ddb):
    # scylla test_gsi_updatetable.py::test_gsi_key_type_conflict_on_update ('ValidationException.*redefined')
    name = create_table(ddb, definitions=[("xyz", "S")], GlobalSecondaryIndexes=[gsi("index1", "xyz")])["TableDescription"]["TableName"]
    code, message = code_and_message(create_index, ddb=ddb, table=name, name="index2", attribute="xyz", attribute_type="N")
    assert code == "ValidationException" and "redefined" in message, message


def test_update_table_refuses_an_index_name_of_256_characters(ddb, table):
    # scylla test_gsi_updatetable.py::test_gsi_updatetable_very_long_name_256
    assert code_and_message(create_index, ddb=ddb, table=table, name="n" * 256, attribute="pk")[0] == "ValidationException"


def test_update_table_refuses_an_index_key_name_over_255_bytes(ddb, table):
    # scylla test_limits.py::test_limit_gsiu_key_len_bad ('ValidationException..*25[56]')
    code, message = code_and_message(create_index, ddb=ddb, table=table, name="hello", attribute="k" * 256)
    assert code == "ValidationException" and re.search("25[56]", message), message


@pytest.fixture
def lsi_table(ddb):
    """pk/c (S) with an LSI "lsi" on pk/x."""
    return create_table(
        ddb, range_key=("c", "S"), definitions=[("x", "S")],
        LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "x"), "Projection": {"ProjectionType": "ALL"}}],
    )["TableDescription"]["TableName"]


def test_a_global_index_cannot_take_a_local_indexs_name(ddb, lsi_table):
    # scylla test_gsi_updatetable.py::test_gsi_backfill_with_lsi ('ValidationException.*already exists')
    code, message = code_and_message(create_index, ddb=ddb, table=lsi_table, name="lsi", attribute="y")
    assert code == "ValidationException" and "already exists" in message, message


def test_a_global_index_on_a_local_index_key_still_needs_its_definition(ddb, lsi_table):
    # scylla test_gsi_updatetable.py::test_gsi_backfill_with_lsi ('ValidationException.*AttributeDefinitions')
    code, message = code_and_message(
        ddb.update_table, TableName=lsi_table, GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi2", "x")}]
    )
    assert code == "ValidationException" and "AttributeDefinitions" in message, message


def test_a_local_index_cannot_be_deleted_by_update_table(ddb, lsi_table):
    # scylla test_gsi_updatetable.py::test_gsi_delete_with_lsi (comment: DynamoDB gives a ValidationException)
    code, _ = code_and_message(ddb.update_table, TableName=lsi_table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "lsi"}}])
    assert code == "ValidationException"


def test_deleting_a_global_index_that_does_not_exist_is_resource_not_found(ddb, table):
    # scylla test_gsi_updatetable.py::test_updatetable_delete_missing_gsi
    code, _ = code_and_message(ddb.update_table, TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nonexistent"}}])
    assert code == "ResourceNotFoundException"


def test_one_index_update_cannot_both_create_and_delete(ddb, table):
    # scylla test_gsi_updatetable.py::test_gsi_updatetable_errors
    code, _ = code_and_message(
        ddb.update_table, TableName=table, AttributeDefinitions=[{"AttributeName": "x", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi("ind", "x"), "Delete": {"IndexName": "xyz"}}],
    )
    assert code == "ValidationException"


def test_two_index_deletions_in_one_update_exceed_the_limit(ddb, table):
    # scylla test_gsi_updatetable.py::test_gsi_updatetable_errors
    code, _ = code_and_message(
        ddb.update_table, TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "ind1"}}, {"Delete": {"IndexName": "ind2"}}]
    )
    assert code == "LimitExceededException"


def test_a_dropped_global_index_key_stays_typed_while_a_local_index_uses_it(ddb):
    # scylla test_gsi_updatetable.py::test_gsi_delete_with_lsi
    name = create_table(
        ddb, range_key=("c", "S"), definitions=[("x", "S")],
        LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "x"), "Projection": {"ProjectionType": "ALL"}}],
        GlobalSecondaryIndexes=[gsi("gsi", "x")],
    )["TableDescription"]["TableName"]
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gsi"}}])
    for _ in range(200):
        if "GlobalSecondaryIndexes" not in describe(ddb, name):
            break
        time.sleep(0.01)
    code, message = code_and_message(ddb.put_item, TableName=name, Item={"pk": {"S": "p"}, "c": {"S": "c"}, "x": {"N": "7"}})
    assert code == "ValidationException" and "mismatch" in message, message


# =========================================================================================
# DeleteTable and DescribeTable
# =========================================================================================


def test_delete_table_answers_deleting_with_the_identity_and_billing_of_the_table(ddb, table):
    # scylla test_table.py::test_delete_table_description
    got = ddb.delete_table(TableName=table)["TableDescription"]
    assert got["TableName"] == table and got["TableStatus"] == "DELETING"
    assert re.fullmatch(UUID, got["TableId"]) and got["TableArn"].startswith("arn:")
    assert got["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert got["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] is not None
    assert got["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}


def test_delete_table_does_not_describe_the_schema_or_indexes(ddb):
    # scylla test_table.py::test_delete_table_description, ::test_delete_table_description_with_si
    name = create_table(
        ddb, range_key=("c", "S"), definitions=[("x", "S")], GlobalSecondaryIndexes=[gsi("hello", "x")],
        LocalSecondaryIndexes=[{"IndexName": "hithere", "KeySchema": key_schema("pk", "x"), "Projection": {"ProjectionType": "ALL"}}],
    )["TableDescription"]["TableName"]
    got = ddb.delete_table(TableName=name)["TableDescription"]
    for member in ["CreationDateTime", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"]:
        assert member not in got, member


def test_an_on_demand_tables_billing_mode_dates_from_its_creation(ddb, table):
    # scylla test_describe_table.py::test_describe_table_billing
    got = describe(ddb, table)
    assert got["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] == got["CreationDateTime"]


@pytest.mark.parametrize("member", ["RestoreSummary", "StreamSpecification"])
def test_describe_table_omits_features_a_plain_table_does_not_use(ddb, table, member):
    # scylla test_describe_table.py::test_describe_table_restore_summary, ::..._encryption, ::..._stream_specification
    assert member not in describe(ddb, table)
