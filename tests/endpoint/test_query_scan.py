"""Query and Scan through boto3's low-level client: key conditions, order, paging with
LastEvaluatedKey (by hand and with the SDK's paginators), filters, Select, projections,
global and local secondary indexes, parallel Scan, and the validation errors DynamoDB
answers them with.

Expected values follow the DynamoDB API Reference (Query, Scan), the Developer Guide
("Querying tables", "Scanning tables", "Using Global Secondary Indexes", "Local secondary
indexes", "Read consumption") and the messages recorded by suites run against DynamoDB
(scylladb test/alternator, dynalite, moto's aws_verified tests).
"""

import pytest

from support import code_and_message, create_table, key_schema, pages_of, unique_name


def sort_keys(page):
    return [int(item["sk"]["N"]) for item in page["Items"]]


@pytest.fixture(scope="module")
def filled(ddb):
    """pk (S) / sk (N): partition "a" holds sk 1..10 (even ones flagged), "b" holds 1..3."""
    name = create_table(ddb, range_key=("sk", "N"))["TableDescription"]["TableName"]
    for i in range(1, 11):
        ddb.put_item(
            TableName=name,
            Item={"pk": {"S": "a"}, "sk": {"N": str(i)}, "even": {"BOOL": i % 2 == 0}, "note": {"S": f"n{i}"}},
        )
    for i in range(1, 4):
        ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "sk": {"N": str(i)}})
    return name


def query(ddb, table, condition="pk = :p", values=None, **params):
    values = values if values is not None else {":p": {"S": "a"}}
    return ddb.query(TableName=table, KeyConditionExpression=condition, ExpressionAttributeValues=values, **params)


# --- key conditions and order ------------------------------------------------------------


def test_query_returns_one_partition_in_ascending_numeric_sort_key_order(ddb, filled):
    page = query(ddb, filled)
    assert sort_keys(page) == list(range(1, 11)), "numbers sort by value: 2 before 10"
    assert page["Count"] == page["ScannedCount"] == 10
    assert "LastEvaluatedKey" not in page


def test_scan_index_forward_false_returns_descending_order(ddb, filled):
    page = query(ddb, filled, values={":p": {"S": "b"}}, ScanIndexForward=False)
    assert sort_keys(page) == [3, 2, 1]


@pytest.mark.parametrize(
    "condition, values, expected",
    [
        ("sk = :x", {":x": "7"}, [7]),
        ("sk < :x", {":x": "3"}, [1, 2]),
        ("sk <= :x", {":x": "2"}, [1, 2]),
        ("sk > :x", {":x": "8"}, [9, 10]),
        ("sk >= :x", {":x": "9"}, [9, 10]),
        ("sk BETWEEN :x AND :y", {":x": "4", ":y": "6"}, [4, 5, 6]),
    ],
    ids=["eq", "lt", "le", "gt", "ge", "between"],
)
def test_sort_key_conditions_narrow_the_range(ddb, filled, condition, values, expected):
    values = {":p": {"S": "a"}, **{k: {"N": v} for k, v in values.items()}}
    assert sort_keys(query(ddb, filled, f"pk = :p AND {condition}", values)) == expected


def test_begins_with_matches_string_sort_key_prefixes_in_order(ddb):
    name = create_table(ddb, range_key=("sk", "S"))["TableDescription"]["TableName"]
    for sk in ["order#2", "order#1", "profile", "order", "ordex"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    page = query(ddb, name, "pk = :p AND begins_with(sk, :pre)", {":p": {"S": "u"}, ":pre": {"S": "order#"}})
    assert [item["sk"]["S"] for item in page["Items"]] == ["order#1", "order#2"]


def test_string_sort_keys_order_by_utf8_bytes(ddb):
    name = create_table(ddb, range_key=("sk", "S"))["TableDescription"]["TableName"]
    for sk in ["b", "B", "a", "é", "z", "aa"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    page = query(ddb, name, values={":p": {"S": "u"}})
    assert [item["sk"]["S"] for item in page["Items"]] == ["B", "a", "aa", "b", "z", "é"]


def test_key_condition_with_names_and_reversed_operands(ddb, filled):
    page = ddb.query(
        TableName=filled,
        KeyConditionExpression=":x <= #s AND #p = :p",
        ExpressionAttributeNames={"#p": "pk", "#s": "sk"},
        ExpressionAttributeValues={":p": {"S": "a"}, ":x": {"N": "9"}},
    )
    assert sort_keys(page) == [9, 10]


def test_a_query_of_a_missing_partition_returns_no_items(ddb, filled):
    page = query(ddb, filled, values={":p": {"S": "nobody"}})
    assert page["Items"] == [] and page["Count"] == 0 and "LastEvaluatedKey" not in page


# --- paging ------------------------------------------------------------------------------


@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
def test_query_pages_with_limit_resume_after_last_evaluated_key(ddb, filled, forward):
    pages = pages_of(
        ddb.query,
        TableName=filled,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}},
        Limit=3,
        ScanIndexForward=forward,
    )
    assert [len(page["Items"]) for page in pages] == [3, 3, 3, 1]
    seen = [sk for page in pages for sk in sort_keys(page)]
    assert seen == (list(range(1, 11)) if forward else list(range(10, 0, -1)))
    assert pages[0]["LastEvaluatedKey"] == {"pk": {"S": "a"}, "sk": {"N": "3" if forward else "8"}}


def test_the_sdk_query_paginator_follows_last_evaluated_key(ddb, filled):
    paginator = ddb.get_paginator("query")
    pages = list(
        paginator.paginate(
            TableName=filled,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
            PaginationConfig={"PageSize": 4},
        )
    )
    assert [page["Count"] for page in pages] == [4, 4, 2]
    assert [sk for page in pages for sk in sort_keys(page)] == list(range(1, 11))


def test_the_sdk_scan_paginator_visits_every_item_once(ddb, filled):
    pages = list(ddb.get_paginator("scan").paginate(TableName=filled, PaginationConfig={"PageSize": 5}))
    keys = [(item["pk"]["S"], item["sk"]["N"]) for page in pages for item in page["Items"]]
    assert len(keys) == 13 and len(set(keys)) == 13


def test_an_exclusive_start_key_must_match_the_schema(ddb, filled):
    code, message = code_and_message(ddb.scan, TableName=filled, ExclusiveStartKey={"pk": {"S": "a"}})
    assert (code, message) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )


def test_a_query_exclusive_start_key_in_another_partition_is_outside_the_query_boundaries(ddb, filled):
    code, message = code_and_message(
        query, ddb=ddb, table=filled, ExclusiveStartKey={"pk": {"S": "b"}, "sk": {"N": "1"}}
    )
    assert (code, message) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )


def test_a_query_exclusive_start_key_outside_the_sort_key_condition_is_refused(ddb, filled):
    code, message = code_and_message(
        query, ddb=ddb, table=filled, condition="pk = :p AND sk > :s", values={":p": {"S": "a"}, ":s": {"N": "5"}},
        ExclusiveStartKey={"pk": {"S": "a"}, "sk": {"N": "2"}},
    )
    assert (code, message) == ("ValidationException", "The provided starting key does not match the range key predicate")


def test_limit_must_be_at_least_one(ddb_unchecked, filled):
    code, message = code_and_message(query, ddb=ddb_unchecked, table=filled, Limit=0)
    assert (code, message) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


# --- filters, Select and projections -----------------------------------------------------


def test_a_filter_applies_after_limit_so_count_can_be_below_scanned_count(ddb, filled):
    page = query(
        ddb, filled, values={":p": {"S": "a"}, ":t": {"BOOL": True}}, FilterExpression="even = :t", Limit=4
    )
    assert page["ScannedCount"] == 4
    assert page["Count"] == 2 and sort_keys(page) == [2, 4]
    assert page["LastEvaluatedKey"] == {"pk": {"S": "a"}, "sk": {"N": "4"}}


def test_a_filter_matching_nothing_still_pages_on(ddb, filled):
    page = query(ddb, filled, values={":p": {"S": "a"}, ":x": {"S": "none"}}, FilterExpression="note = :x", Limit=5)
    assert page["Items"] == [] and page["Count"] == 0 and page["ScannedCount"] == 5
    assert "LastEvaluatedKey" in page


def test_query_select_count_returns_counts_without_items(ddb, filled):
    page = query(ddb, filled, Select="COUNT")
    assert page["Count"] == 10 and page["ScannedCount"] == 10
    assert "Items" not in page


def test_query_projection_expression_returns_only_the_named_attributes(ddb, filled):
    page = query(ddb, filled, values={":p": {"S": "b"}}, ProjectionExpression="sk")
    assert page["Items"] == [{"sk": {"N": "1"}}, {"sk": {"N": "2"}}, {"sk": {"N": "3"}}]


def test_query_select_count_with_a_projection_is_refused_with_the_validation_prefix(ddb, filled):
    code, message = code_and_message(query, ddb=ddb, table=filled, Select="COUNT", ProjectionExpression="sk")
    assert (code, message) == (
        "ValidationException",
        "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count",
    )


def test_scan_select_count_with_a_projection_is_refused_without_the_prefix(ddb, filled):
    code, message = code_and_message(ddb.scan, TableName=filled, Select="COUNT", ProjectionExpression="sk")
    assert (code, message) == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    )


def read(ddb, operation, table, index=None, **params):
    """A Query (on the table's or the GSI's partition) or a Scan, optionally of the GSI byG."""
    if index:
        params["IndexName"] = index
    if operation == "query":
        key = "g" if index else "pk"
        return ddb.query(
            TableName=table, KeyConditionExpression=f"{key} = :k", ExpressionAttributeValues={":k": {"S": "x"}}, **params
        )
    return ddb.scan(TableName=table, **params)


PREFIX = {"query": "1 validation error detected: ", "scan": ""}


def select_cases():
    """(operation, Select, how the message names it); Query's ALL_* cases lack the prefix in the engine."""
    for operation in ("query", "scan"):
        for select, described in [
            ("ALL_ATTRIBUTES", "ALL_ATTRIBUTES"),
            ("ALL_PROJECTED_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
            ("COUNT", "only the Count"),
        ]:
            marks = []
            if operation == "query" and select != "COUNT":
                marks = []
            yield pytest.param(operation, select, described, id=f"{operation}-{select}", marks=marks)


@pytest.mark.parametrize("operation, select, described", list(select_cases()))
def test_a_projection_expression_needs_select_specific_attributes(ddb, indexed, operation, select, described):
    code, message = code_and_message(
        read, ddb=ddb, operation=operation, table=indexed, index="byGAll", Select=select, ProjectionExpression="g"
    )
    assert (code, message) == (
        "ValidationException",
        f"{PREFIX[operation]}Cannot specify the ProjectionExpression when choosing to get {described}",
    )


@pytest.mark.parametrize("operation, select, described", list(select_cases()))
def test_attributes_to_get_needs_select_specific_attributes(ddb, indexed, operation, select, described):
    params = {"TableName": indexed, "IndexName": "byGAll", "AttributesToGet": ["g"], "Select": select}
    if operation == "query":
        params["KeyConditions"] = {"g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}
    code, message = code_and_message(getattr(ddb, operation), **params)
    assert (code, message) == (
        "ValidationException",
        f"{PREFIX[operation]}Cannot specify the AttributesToGet when choosing to get {described}",
    )


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(
            "query",
        ),
        "scan",
    ],
)
def test_all_projected_attributes_needs_an_index(ddb, indexed, operation):
    code, message = code_and_message(read, ddb=ddb, operation=operation, table=indexed, Select="ALL_PROJECTED_ATTRIBUTES")
    assert (code, message) == (
        "ValidationException",
        f"{PREFIX[operation]}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
    )


@pytest.mark.parametrize("operation", ["query", "scan"])
def test_select_specific_attributes_needs_a_projection(ddb, indexed, operation):
    code, message = code_and_message(read, ddb=ddb, operation=operation, table=indexed, Select="SPECIFIC_ATTRIBUTES")
    assert (code, message) == (
        "ValidationException",
        f"{PREFIX[operation]}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
    )


@pytest.mark.parametrize("operation", ["query", "scan"])
def test_select_values_are_case_sensitive(ddb, indexed, operation):
    code, message = code_and_message(read, ddb=ddb, operation=operation, table=indexed, Select="count")
    assert (code, message) == (
        "ValidationException",
        "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
    )


def test_scan_select_count_with_limit_still_returns_last_evaluated_key(ddb, filled):
    page = ddb.scan(TableName=filled, Select="COUNT", Limit=1, ConsistentRead=True)
    assert (page["Count"], page["ScannedCount"]) == (1, 1)
    assert "Items" not in page and "LastEvaluatedKey" in page


def test_a_query_filter_may_not_name_a_key_attribute(ddb, filled):
    code, message = code_and_message(
        query, ddb=ddb, table=filled, values={":p": {"S": "a"}, ":x": {"N": "1"}}, FilterExpression="sk > :x"
    )
    assert (code, message) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
    )


def test_a_scan_filter_may_name_key_attributes(ddb, filled):
    page = ddb.scan(
        TableName=filled,
        FilterExpression="pk = :b AND sk >= :two",
        ExpressionAttributeValues={":b": {"S": "b"}, ":two": {"N": "2"}},
    )
    assert sorted(sort_keys(page)) == [2, 3]
    assert page["ScannedCount"] == 13


def test_key_conditions_query_filter_and_attributes_to_get_select_items(ddb, filled):
    page = ddb.query(
        TableName=filled,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
            "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "7"}]},
        },
        QueryFilter={"even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": True}]}},
        AttributesToGet=["sk"],
    )
    assert page["ScannedCount"] == 4
    assert page["Items"] == [{"sk": {"N": "8"}}, {"sk": {"N": "10"}}]


def test_scan_filter_between_selects_items(ddb, filled):
    page = ddb.scan(
        TableName=filled,
        ScanFilter={"note": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "n2"}, {"S": "n4"}]}},
    )
    assert sorted(item["note"]["S"] for item in page["Items"]) == ["n2", "n3", "n4"]


# --- key condition errors ----------------------------------------------------------------


def test_the_partition_key_needs_an_equality_condition(ddb, filled):
    code, message = code_and_message(query, ddb=ddb, table=filled, condition="sk = :x", values={":x": {"N": "1"}})
    assert (code, message) == ("ValidationException", "Query condition missed key schema element: pk")


def test_a_lone_condition_on_a_non_key_attribute_names_the_missing_partition_key(ddb, filled):
    code, message = code_and_message(query, ddb=ddb, table=filled, condition="note = :x", values={":x": {"S": "n1"}})
    assert (code, message) == ("ValidationException", "Query condition missed key schema element: pk")


def test_a_second_condition_on_a_non_key_attribute_names_the_missing_sort_key(ddb, filled):
    code, message = code_and_message(
        query, ddb=ddb, table=filled, condition="pk = :p AND note = :x", values={":p": {"S": "a"}, ":x": {"S": "n1"}}
    )
    assert (code, message) == ("ValidationException", "Query condition missed key schema element: sk")


@pytest.mark.parametrize("condition", ["begins_with(pk, :p)", "pk < :p", "pk BETWEEN :p AND :p"])
def test_a_partition_key_condition_other_than_equality_is_not_supported(ddb, filled, condition):
    code, message = code_and_message(query, ddb=ddb, table=filled, condition=condition)
    assert (code, message) == ("ValidationException", "Query key condition not supported")


@pytest.mark.parametrize("condition", ["pk.x = :p", "pk = :p AND sk[0] = :s"])
def test_a_key_condition_on_a_nested_path_is_a_validation_exception(ddb, filled, condition):
    values = {":p": {"S": "a"}, **({":s": {"N": "1"}} if ":s" in condition else {})}
    code, message = code_and_message(query, ddb=ddb, table=filled, condition=condition, values=values)
    assert code == "ValidationException"
    assert message.endswith("KeyConditionExpressions cannot have conditions on nested attributes"), message


def test_key_condition_values_must_have_the_key_types(ddb, filled):
    code, message = code_and_message(query, ddb=ddb, table=filled, values={":p": {"N": "1"}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Condition parameter type does not match schema type",
    )


def test_a_query_without_a_key_condition_is_a_validation_exception(ddb, filled):
    code, message = code_and_message(ddb.query, TableName=filled)
    assert (code, message) == (
        "ValidationException",
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
    )


def test_query_on_a_missing_table_is_resource_not_found(ddb):
    code, message = code_and_message(query, ddb=ddb, table="no-such-table")
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")


# --- capacity ----------------------------------------------------------------------------


def test_query_capacity_sums_item_sizes_before_rounding_to_4_kb(ddb):
    name = create_table(ddb, range_key=("sk", "N"))["TableDescription"]["TableName"]
    for i in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": str(i)}, "v": {"S": "x" * 1500}})
    strong = query(ddb, name, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert strong["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 2.0}
    eventual = query(ddb, name, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 1.0


# --- scan --------------------------------------------------------------------------------


def test_a_scan_page_stops_after_about_one_megabyte_and_says_where_to_resume(ddb, table):
    blob = "x" * 100_000
    for i in range(14):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i:02}"}, "v": {"S": blob}})
    pages = pages_of(ddb.scan, TableName=table, ProjectionExpression="pk")
    assert len(pages) > 1 and 1 <= pages[0]["Count"] < 14, "1 MB is read before the projection is applied"
    assert "LastEvaluatedKey" in pages[0]
    assert sorted(item["pk"]["S"] for page in pages for item in page["Items"]) == [f"k{i:02}" for i in range(14)]


def test_parallel_scan_segments_partition_the_table_between_them(ddb, filled):
    seen = []
    for segment in range(4):
        for page in pages_of(ddb.scan, TableName=filled, Segment=segment, TotalSegments=4, Limit=2):
            seen += [(item["pk"]["S"], item["sk"]["N"]) for item in page["Items"]]
    assert len(seen) == 13 and len(set(seen)) == 13


def test_segment_must_be_below_total_segments(ddb, filled):
    code, message = code_and_message(ddb.scan, TableName=filled, Segment=4, TotalSegments=4)
    assert (code, message) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4",
    )


def test_segment_without_total_segments_is_a_validation_exception(ddb, filled):
    code, message = code_and_message(ddb.scan, TableName=filled, Segment=1)
    assert (code, message) == (
        "ValidationException",
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
    )


def test_total_segments_without_segment_is_a_validation_exception(ddb, filled):
    code, message = code_and_message(ddb.scan, TableName=filled, TotalSegments=2)
    assert (code, message) == (
        "ValidationException",
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
    )


# --- secondary indexes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed(ddb):
    """pk (S) / sk (N) with
    - GSI byG on g (S) / rank (N), KEYS_ONLY;
    - GSI byGAll on g (S), ALL;
    - GSI byGInclude on g (S), INCLUDE note;
    - LSI byRank on pk / rank, KEYS_ONLY.
    Items: (a,1,g=x,rank=30), (a,2,g=x,rank=10), (a,3,g=y,rank=20), (a,4: no g, no rank)."""
    name = unique_name()
    create_table(
        ddb,
        name,
        range_key=("sk", "N"),
        definitions=[("g", "S"), ("rank", "N")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": key_schema("g", "rank"), "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "byGAll", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}},
            {
                "IndexName": "byGInclude",
                "KeySchema": key_schema("g"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]},
            },
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "byRank", "KeySchema": key_schema("pk", "rank"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
    )
    for sk, g, rank in [(1, "x", 30), (2, "x", 10), (3, "y", 20)]:
        ddb.put_item(
            TableName=name,
            Item={
                "pk": {"S": "a"}, "sk": {"N": str(sk)}, "g": {"S": g}, "rank": {"N": str(rank)},
                "note": {"S": f"note{sk}"}, "other": {"S": "o"},
            },
        )
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "4"}, "note": {"S": "unindexed"}})
    return name


def test_a_global_index_is_queried_by_its_own_key_in_its_sort_order(ddb, indexed):
    page = ddb.query(
        TableName=indexed, IndexName="byG", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "x"}}
    )
    assert page["Items"] == [
        {"pk": {"S": "a"}, "sk": {"N": "2"}, "g": {"S": "x"}, "rank": {"N": "10"}},
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "rank": {"N": "30"}},
    ], "KEYS_ONLY: the table's and the index's keys, nothing else"


def test_an_include_projection_carries_the_named_non_key_attributes(ddb, indexed):
    page = ddb.query(
        TableName=indexed, IndexName="byGInclude", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "y"}},
    )
    assert page["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "3"}, "g": {"S": "y"}, "note": {"S": "note3"}}]


def test_a_global_index_query_pages_with_index_and_table_keys_in_last_evaluated_key(ddb, indexed):
    first = ddb.query(
        TableName=indexed, IndexName="byG", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}}, Limit=1,
    )
    assert first["LastEvaluatedKey"] == {"g": {"S": "x"}, "rank": {"N": "10"}, "pk": {"S": "a"}, "sk": {"N": "2"}}
    rest = ddb.query(
        TableName=indexed, IndexName="byG", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}}, ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [item["sk"]["N"] for item in rest["Items"]] == ["1"]


def test_an_item_without_the_index_sort_key_is_left_out_of_a_composite_global_index(ddb):
    name = create_table(
        ddb,
        definitions=[("g", "S"), ("h", "N")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byGH", "KeySchema": key_schema("g", "h"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "1"}, "g": {"S": "x"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "2"}, "g": {"S": "x"}, "h": {"N": "1"}})
    page = ddb.scan(TableName=name, IndexName="byGH")
    assert page["Items"] == [{"pk": {"S": "2"}, "g": {"S": "x"}, "h": {"N": "1"}}]


def test_a_local_index_orders_a_partition_by_its_sort_key_and_skips_items_without_it(ddb, indexed):
    page = ddb.query(
        TableName=indexed, IndexName="byRank", KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}},
    )
    assert [item["rank"]["N"] for item in page["Items"]] == ["10", "20", "30"]
    assert set(page["Items"][0]) == {"pk", "sk", "rank"}


def test_a_local_index_fetches_unprojected_attributes_from_the_table_for_all_attributes(ddb, indexed):
    page = ddb.query(
        TableName=indexed, IndexName="byRank", KeyConditionExpression="pk = :p AND #r < :r",
        ExpressionAttributeNames={"#r": "rank"},
        ExpressionAttributeValues={":p": {"S": "a"}, ":r": {"N": "15"}}, Select="ALL_ATTRIBUTES",
    )
    assert page["Items"] == [
        {"pk": {"S": "a"}, "sk": {"N": "2"}, "g": {"S": "x"}, "rank": {"N": "10"}, "note": {"S": "note2"}, "other": {"S": "o"}}
    ]


def test_scanning_a_global_index_returns_only_items_that_have_its_key(ddb, indexed):
    page = ddb.scan(TableName=indexed, IndexName="byGInclude")
    assert sorted(item["sk"]["N"] for item in page["Items"]) == ["1", "2", "3"]


def test_all_attributes_is_refused_on_a_global_index_that_does_not_project_all(ddb, indexed):
    code, message = code_and_message(
        ddb.query, TableName=indexed, IndexName="byG", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}}, Select="ALL_ATTRIBUTES",
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        "secondary index byG because its projection type is not ALL",
    )


def test_consistent_reads_are_refused_on_a_global_index(ddb, indexed):
    code, message = code_and_message(
        ddb.query, TableName=indexed, IndexName="byG", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}}, ConsistentRead=True,
    )
    assert (code, message) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")


def test_naming_a_missing_index_is_a_validation_exception(ddb, indexed):
    code, message = code_and_message(
        ddb.query, TableName=indexed, IndexName="nope", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )
    assert (code, message) == ("ValidationException", "The table does not have the specified index: nope")


@pytest.mark.parametrize(
    "condition, missed",
    [
        pytest.param(
            "wrong = :a AND #r = :r", "g", id="partition_key",
        ),
        pytest.param("g = :a AND wrong = :r", "rank", id="sort_key"),
    ],
)
def test_a_condition_on_a_non_key_attribute_names_the_index_key_it_missed(ddb, indexed, condition, missed):
    code, message = code_and_message(
        ddb.query, TableName=indexed, IndexName="byG", KeyConditionExpression=condition,
        ExpressionAttributeValues={":a": {"S": "x"}, ":r": {"N": "10"}},
        **({"ExpressionAttributeNames": {"#r": "rank"}} if "#r" in condition else {}),
    )
    assert (code, message) == ("ValidationException", f"Query condition missed key schema element: {missed}")


def test_a_local_index_read_reports_index_and_table_capacity_separately(ddb, indexed):
    page = ddb.query(
        TableName=indexed, IndexName="byRank", KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}}, Select="ALL_ATTRIBUTES", ReturnConsumedCapacity="INDEXES",
    )
    capacity = page["ConsumedCapacity"]
    assert capacity["TableName"] == indexed
    assert capacity["LocalSecondaryIndexes"]["byRank"]["CapacityUnits"] == 0.5, "three small entries: one 4 KB unit, halved"
    assert capacity["Table"]["CapacityUnits"] > 0, "the fetch of unprojected attributes is charged to the table"
    assert capacity["CapacityUnits"] == capacity["Table"]["CapacityUnits"] + 0.5
