"""boto3's high-level resource API (`boto3.resource('dynamodb')`), the layer most Python users
write against: Table objects and their attributes, Python values (str, int, Decimal, bool,
None, list, dict, set, bytes) marshalled by the SDK, `boto3.dynamodb.conditions` Key and Attr,
`batch_writer()`, the waiters, and the modelled exceptions on `table.meta.client.exceptions`.

Expected values follow the DynamoDB API Reference and Developer Guide (data types, empty
strings for non-key attributes, Query/Scan, BatchWriteItem) as boto3 presents them.
"""

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary

from support import key_schema, unique_name


def new_table(dynamodb, range_key=None, **extra):
    """Creates a table through the resource API and waits for it with the SDK's waiter."""
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    table = dynamodb.create_table(
        TableName=unique_name("res"),
        KeySchema=key_schema("pk", range_key[0] if range_key else None),
        AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    table.wait_until_exists()
    return table


@pytest.fixture
def res_table(dynamodb):
    return new_table(dynamodb)


@pytest.fixture(scope="module")
def events(dynamodb):
    """pk (S) / sk (N): partition "u1" has sk 1..6 with kind, tags and score; "u2" has sk 1."""
    table = new_table(dynamodb, range_key=("sk", "N"))
    with table.batch_writer() as batch:
        for i in range(1, 7):
            batch.put_item(
                Item={
                    "pk": "u1",
                    "sk": i,
                    "kind": "click" if i % 2 else "view",
                    "tags": {"red", "blue"} if i <= 3 else {"green"},
                    "score": Decimal(i) / 2,
                }
            )
        batch.put_item(Item={"pk": "u2", "sk": 1, "kind": "click"})
    return table


# --- tables ------------------------------------------------------------------------------


def test_a_created_table_loads_its_description_as_attributes(dynamodb):
    table = new_table(dynamodb, range_key=("sk", "N"))
    table.load()
    assert table.table_status == "ACTIVE"
    assert table.key_schema == key_schema("pk", "sk")
    assert table.item_count == 0
    assert table.billing_mode_summary["BillingMode"] == "PAY_PER_REQUEST"


def test_tables_all_lists_every_table_across_pages(dynamodb, res_table):
    assert res_table.name in [t.name for t in dynamodb.tables.all()]


def test_a_deleted_table_is_awaited_with_wait_until_not_exists(dynamodb):
    table = new_table(dynamodb)
    table.delete()
    table.wait_until_not_exists()
    assert table.name not in [t.name for t in dynamodb.tables.all()]


# --- items and Python types --------------------------------------------------------------


def test_python_values_round_trip_through_dynamodb_types(res_table):
    item = {
        "pk": "every-type",
        "text": "héllo",
        "empty": "",
        "int": 42,
        "decimal": Decimal("3.14159265358979323846264338327950288"),
        "negative": Decimal("-0.0005"),
        "yes": True,
        "nothing": None,
        "blob": b"\x00\xff",
        "list": ["a", 1, [False]],
        "map": {"inner": {"deep": 7}, "s": ""},
        "strings": {"a", "b"},
        "numbers": {1, 2, Decimal("2.5")},
        "blobs": {b"x", b"y"},
    }
    res_table.put_item(Item=item)
    got = res_table.get_item(Key={"pk": "every-type"}, ConsistentRead=True)["Item"]
    assert got == {
        **item,
        "int": Decimal(42),
        "blob": Binary(b"\x00\xff"),
        "list": ["a", Decimal(1), [False]],
        "map": {"inner": {"deep": Decimal(7)}, "s": ""},
        "numbers": {Decimal(1), Decimal(2), Decimal("2.5")},
        "blobs": {Binary(b"x"), Binary(b"y")},
    }
    assert isinstance(got["int"], Decimal), "numbers come back as Decimal"


def test_get_item_of_a_missing_key_has_no_item(res_table):
    assert "Item" not in res_table.get_item(Key={"pk": "never-written"})


def test_update_item_with_an_expression_returns_decimal_values(res_table):
    res_table.put_item(Item={"pk": "counter", "hits": 1})
    response = res_table.update_item(
        Key={"pk": "counter"},
        UpdateExpression="SET hits = hits + :one, seen = list_append(if_not_exists(seen, :empty), :who)",
        ExpressionAttributeValues={":one": 1, ":empty": [], ":who": ["ann"]},
        ReturnValues="UPDATED_NEW",
    )
    assert response["Attributes"] == {"hits": Decimal(2), "seen": ["ann"]}


def test_a_condition_built_with_attr_guards_a_put(res_table):
    res_table.put_item(Item={"pk": "once", "v": 1}, ConditionExpression=Attr("pk").not_exists())
    errors = res_table.meta.client.exceptions
    with pytest.raises(errors.ConditionalCheckFailedException) as caught:
        res_table.put_item(Item={"pk": "once", "v": 2}, ConditionExpression=Attr("pk").not_exists())
    assert caught.value.response["Error"]["Message"] == "The conditional request failed"
    assert res_table.get_item(Key={"pk": "once"})["Item"]["v"] == 1


def test_a_condition_with_and_or_not_and_functions_guards_a_delete(res_table):
    res_table.put_item(Item={"pk": "k", "n": 5, "name": "widget", "tags": {"a", "b"}})
    condition = (Attr("n").between(1, 10) & Attr("name").begins_with("wid")) | ~Attr("tags").contains("a")
    res_table.delete_item(Key={"pk": "k"}, ConditionExpression=condition & Attr("name").size().eq(6))
    assert "Item" not in res_table.get_item(Key={"pk": "k"})


def test_delete_item_returns_the_old_item_as_python_values(res_table):
    res_table.put_item(Item={"pk": "gone", "n": 3})
    assert res_table.delete_item(Key={"pk": "gone"}, ReturnValues="ALL_OLD")["Attributes"] == {"pk": "gone", "n": 3}


def test_an_item_missing_its_key_is_a_validation_exception(res_table):
    errors = res_table.meta.client.exceptions
    with pytest.raises(errors.ClientError) as caught:
        res_table.put_item(Item={"other": "x"})
    assert caught.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "One or more parameter values were invalid: Missing the key pk in the item",
    }


def test_a_missing_table_is_resource_not_found_exception(dynamodb):
    table = dynamodb.Table("no-such-table-here")
    errors = table.meta.client.exceptions
    with pytest.raises(errors.ResourceNotFoundException):
        table.get_item(Key={"pk": "a"})


# --- query and scan with conditions ------------------------------------------------------


def test_query_with_key_eq_and_between_returns_the_range_in_order(events):
    page = events.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").between(2, 4))
    assert [item["sk"] for item in page["Items"]] == [2, 3, 4]


def test_query_with_key_lt_in_reverse_order(events):
    page = events.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").lt(4), ScanIndexForward=False)
    assert [item["sk"] for item in page["Items"]] == [3, 2, 1]


def test_query_with_an_attr_filter_counts_scanned_and_returned_items(events):
    page = events.query(KeyConditionExpression=Key("pk").eq("u1"), FilterExpression=Attr("kind").eq("view"))
    assert [item["sk"] for item in page["Items"]] == [2, 4, 6]
    assert (page["Count"], page["ScannedCount"]) == (3, 6)


def test_query_filter_on_set_membership_and_numbers(events):
    page = events.query(
        KeyConditionExpression=Key("pk").eq("u1"),
        FilterExpression=Attr("tags").contains("red") & Attr("score").gte(Decimal("1")),
    )
    assert [item["sk"] for item in page["Items"]] == [2, 3]


def test_query_pages_are_resumed_with_exclusive_start_key(events):
    seen, start = [], {}
    while True:
        page = events.query(KeyConditionExpression=Key("pk").eq("u1"), Limit=4, **start)
        seen += [item["sk"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        assert page["LastEvaluatedKey"] == {"pk": "u1", "sk": seen[-1]}
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert seen == [1, 2, 3, 4, 5, 6]


def test_query_with_a_projection_and_attribute_names(events):
    page = events.query(
        KeyConditionExpression=Key("pk").eq("u2"),
        ProjectionExpression="#k, sk",
        ExpressionAttributeNames={"#k": "kind"},
    )
    assert page["Items"] == [{"kind": "click", "sk": 1}]


def test_scan_with_attr_conditions_and_select_count(events):
    page = events.scan(FilterExpression=Attr("kind").eq("click") & Attr("tags").exists(), Select="COUNT")
    assert page["Count"] == 3 and "Items" not in page


def test_scan_with_is_in_and_attribute_not_exists(events):
    page = events.scan(FilterExpression=Attr("sk").is_in([1, 6]) & Attr("score").not_exists())
    assert page["Items"] == [{"pk": "u2", "sk": 1, "kind": "click"}]


def test_query_of_a_global_index_through_the_resource(dynamodb):
    name = unique_name("res")
    table = dynamodb.create_table(
        TableName=name,
        KeySchema=key_schema("pk"),
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {"IndexName": "byEmail", "KeySchema": key_schema("email"), "Projection": {"ProjectionType": "ALL"}}
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    table.put_item(Item={"pk": "u1", "email": "a@example.com", "age": 30})
    table.put_item(Item={"pk": "u2"})
    page = table.query(IndexName="byEmail", KeyConditionExpression=Key("email").eq("a@example.com"))
    assert page["Items"] == [{"pk": "u1", "email": "a@example.com", "age": 30}]


# --- batches -----------------------------------------------------------------------------


def test_batch_writer_splits_many_puts_into_batches_of_25(res_table):
    with res_table.batch_writer() as batch:
        for i in range(60):
            batch.put_item(Item={"pk": f"k{i:02}", "i": i})
    items = []
    start = {}
    while True:
        page = res_table.scan(**start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert sorted(item["i"] for item in items) == list(range(60))


def test_batch_writer_with_overwrite_by_pkeys_keeps_the_last_write_of_a_key(res_table):
    with res_table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
        batch.put_item(Item={"pk": "dup", "v": 1})
        batch.put_item(Item={"pk": "dup", "v": 2})
        batch.put_item(Item={"pk": "doomed"})
        batch.delete_item(Key={"pk": "doomed"})
    assert res_table.get_item(Key={"pk": "dup"})["Item"] == {"pk": "dup", "v": 2}
    assert "Item" not in res_table.get_item(Key={"pk": "doomed"})


def test_batch_get_item_through_the_resource_returns_python_values(dynamodb, events):
    response = dynamodb.batch_get_item(
        RequestItems={events.name: {"Keys": [{"pk": "u1", "sk": 6}, {"pk": "u2", "sk": 1}, {"pk": "none", "sk": 1}]}}
    )
    got = sorted(response["Responses"][events.name], key=lambda item: item["pk"])
    assert got == [
        {"pk": "u1", "sk": 6, "kind": "view", "tags": {"green"}, "score": Decimal(3)},
        {"pk": "u2", "sk": 1, "kind": "click"},
    ]
    assert response["UnprocessedKeys"] == {}


def test_transact_write_items_through_the_resource_client_takes_typed_values(dynamodb, res_table):
    client = dynamodb.meta.client
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": res_table.name, "Item": {"pk": "t1", "n": Decimal(1)}}},
            {"Update": {"TableName": res_table.name, "Key": {"pk": "t2"}, "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": 2}}},
        ]
    )
    response = client.transact_get_items(
        TransactItems=[{"Get": {"TableName": res_table.name, "Key": {"pk": key}}} for key in ("t1", "t2")]
    )
    assert [entry["Item"] for entry in response["Responses"]] == [{"pk": "t1", "n": 1}, {"pk": "t2", "n": 2}]
