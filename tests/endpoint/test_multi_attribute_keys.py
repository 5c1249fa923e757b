"""Global secondary indexes with multi-attribute keys (DynamoDB, November 2025) through
boto3: a KeySchema of several HASH then several RANGE elements, DescribeTable listing them,
Query with equality on every partition attribute and sort attributes taken from the left,
paging with every key attribute in LastEvaluatedKey, and the high-level resource's Key
conditions combined with &.

Rules from the Developer Guide's "Multi-attribute keys pattern" page; the engine's own
tests (crates/engine/tests/multi_attribute_keys.rs) pin each rule one by one.
"""

import pytest
from boto3.dynamodb.conditions import Key

from support import code_and_message, create_table, pages_of

INDEX = "by_place"


@pytest.fixture(scope="module")
def places(ddb):
    """Shops keyed by id, indexed by (country, city) then (street, number N)."""
    name = create_table(
        ddb,
        hash_key=("id", "S"),
        definitions=[("country", "S"), ("city", "S"), ("street", "S"), ("number", "N")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": [
                    {"AttributeName": "country", "KeyType": "HASH"},
                    {"AttributeName": "city", "KeyType": "HASH"},
                    {"AttributeName": "street", "KeyType": "RANGE"},
                    {"AttributeName": "number", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )["TableDescription"]["TableName"]
    shops = [
        ("s1", "FR", "Paris", "Rue A", 10),
        ("s2", "FR", "Paris", "Rue A", 9),
        ("s3", "FR", "Paris", "Rue B", 1),
        ("s4", "FR", "Lyon", "Rue A", 1),
        ("s5", "DE", "Paris", "Rue A", 1),
    ]
    for shop, country, city, street, number in shops:
        ddb.put_item(
            TableName=name,
            Item={
                "id": {"S": shop},
                "country": {"S": country},
                "city": {"S": city},
                "street": {"S": street},
                "number": {"N": str(number)},
            },
        )
    return name


def ids(page):
    return [item["id"]["S"] for item in page["Items"]]


def paris(extra_condition="", extra_values=None):
    values = {":c": {"S": "FR"}, ":t": {"S": "Paris"}}
    values.update(extra_values or {})
    return {
        "IndexName": INDEX,
        "KeyConditionExpression": "country = :c AND city = :t" + extra_condition,
        "ExpressionAttributeValues": values,
    }


def test_describe_table_lists_the_key_attributes_in_order(ddb, places):
    index = ddb.describe_table(TableName=places)["Table"]["GlobalSecondaryIndexes"][0]
    assert [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]] == [
        ("country", "HASH"),
        ("city", "HASH"),
        ("street", "RANGE"),
        ("number", "RANGE"),
    ]


def test_a_query_names_every_partition_attribute_and_reads_in_sort_order(ddb, places):
    page = ddb.query(TableName=places, **paris())
    assert ids(page) == ["s2", "s1", "s3"]


def test_a_missing_partition_attribute_is_named(ddb, places):
    code, message = code_and_message(
        ddb.query,
        TableName=places,
        IndexName=INDEX,
        KeyConditionExpression="country = :c",
        ExpressionAttributeValues={":c": {"S": "FR"}},
    )
    assert (code, message) == ("ValidationException", "Query condition missed key schema element: city")


def test_a_range_on_the_last_sort_attribute_used(ddb, places):
    page = ddb.query(
        TableName=places,
        **paris(" AND street = :s AND #n > :n", {":s": {"S": "Rue A"}, ":n": {"N": "9"}}),
        ExpressionAttributeNames={"#n": "number"},
    )
    assert ids(page) == ["s1"]


def test_a_skipped_sort_attribute_is_named(ddb, places):
    code, message = code_and_message(
        ddb.query,
        TableName=places,
        **paris(" AND #n = :n", {":n": {"N": "9"}}),
        ExpressionAttributeNames={"#n": "number"},
    )
    assert message == "Query condition missed key schema element: street"


def test_pages_carry_every_key_attribute(ddb, places):
    pages = list(pages_of(ddb.query, TableName=places, Limit=1, **paris()))
    assert [i for page in pages for i in ids(page)] == ["s2", "s1", "s3"]
    last = pages[0]["LastEvaluatedKey"]
    assert set(last) == {"id", "country", "city", "street", "number"}


def test_the_resource_api_combines_key_conditions(dynamodb, places):
    table = dynamodb.Table(places)
    condition = Key("country").eq("FR") & Key("city").eq("Paris") & Key("street").begins_with("Rue B")
    page = table.query(IndexName=INDEX, KeyConditionExpression=condition)
    assert [item["id"] for item in page["Items"]] == ["s3"]


def test_five_partition_attributes_are_refused(ddb):
    names = ["a", "b", "c", "d", "e"]
    code, message = code_and_message(
        lambda **extra: create_table(ddb, **extra),
        definitions=[(n, "S") for n in names],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "too_many",
                "KeySchema": [{"AttributeName": n, "KeyType": "HASH"} for n in names],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    assert code == "ValidationException"
    assert "at most 4 HASH" in message
