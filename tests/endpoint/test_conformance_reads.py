"""Conformance, round two: reads. Key condition grammar, sort orders of binary and number
keys, projections through mismatched documents, parallel-scan bounds, mixing legacy and
expression parameters in Query and Scan, ConditionalOperator rules, which validations come
before the table-existence check, and what an index built by UpdateTable leaves out.

Expected values come from suites run against the live service, named in each test's
comment: scylladb test/alternator (test_key_condition_expression.py, test_query.py,
test_scan.py, test_projection_expression.py, test_gsi_updatetable.py), ExtendDB tests
(dual-target against Amazon DynamoDB) and dynalite. Tests marked xfail(strict=True) pin
DynamoDB's behaviour where the engine still differs.
"""

import uuid
from decimal import Decimal

import pytest

from support import code_and_message, create_table

N = lambda n: {"N": str(n)}  # noqa: E731
S = lambda s: {"S": s}  # noqa: E731
B = lambda b: {"B": bytes(b)}  # noqa: E731
EQ = lambda v: {"ComparisonOperator": "EQ", "AttributeValueList": [v]}  # noqa: E731
MIXING = "Can not use both expression and non-expression parameters in the same request: "


@pytest.fixture(scope="module")
def numbers(ddb):
    """pk (S) / c (N): partition "p" holds c = 0..11, each with a = "x"."""
    name = create_table(ddb, range_key=("c", "N"))["TableDescription"]["TableName"]
    for i in range(12):
        ddb.put_item(TableName=name, Item={"pk": S("p"), "c": N(i), "a": S("x")})
    return name


def query(ddb, table, condition, values=None, **params):
    if values is not None:
        params["ExpressionAttributeValues"] = values
    return ddb.query(TableName=table, KeyConditionExpression=condition, **params)


P = {":p": S("p")}


# =========================================================================================
# KeyConditionExpression grammar
# =========================================================================================


def test_a_key_may_have_only_one_condition(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_and_same, ::..._multi
    code, message = code_and_message(query, ddb=ddb, table=numbers, condition="pk=:p AND c>=:c AND c<=:d",
                                     values={**P, ":c": N(3), ":d": N(7)})
    assert code == "ValidationException"
    assert "one" in message, message


@pytest.mark.parametrize(
    "condition, word",
    [("pk=:p AND c IN (:c)", "operator"), ("c=:c OR pk=:p", "OR")],
    ids=["in", "or"],
)
def test_condition_operators_a_key_condition_cannot_use_are_named(ddb, numbers, condition, word):
    # scylla test_key_condition_expression.py::test_key_condition_expression_parser
    code, message = code_and_message(query, ddb=ddb, table=numbers, condition=condition, values={**P, ":c": N(3)})
    assert code == "ValidationException" and word in message, message


def test_one_level_of_redundant_parentheses_is_allowed(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_parser
    page = query(ddb, numbers, "((c=:c) AND (pk=:p))", {**P, ":c": N(3)})
    assert [item["c"] for item in page["Items"]] == [N(3)]


def test_a_second_level_of_redundant_parentheses_is_refused(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_parser (comment)
    code, _ = code_and_message(query, ddb=ddb, table=numbers, condition="((c=:c) AND ((pk=:p)))", values={**P, ":c": N(3)})
    assert code == "ValidationException"


@pytest.mark.parametrize(
    "condition, values",
    [("pk=c", None), (":p=:a", {**P, ":a": N(3)})],
    ids=["two_attributes", "two_values"],
)
def test_a_key_condition_compares_one_key_attribute_with_one_value(ddb, numbers, condition, values):
    # scylla test_key_condition_expression.py::test_key_condition_expression_bad_compare, ::..._bad_value
    assert code_and_message(query, ddb=ddb, table=numbers, condition=condition, values=values)[0] == "ValidationException"


def test_begins_with_is_case_sensitive_in_key_conditions(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_str_begins_case
    code, message = code_and_message(query, ddb=ddb, table=numbers, condition="pk=:p AND BEGINS_WITH(c,:c)", values={**P, ":c": S("0")})
    assert code == "ValidationException" and "BEGINS_WITH" in message, message


def test_begins_with_does_not_apply_to_a_number_sort_key(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_num_begins
    code, message = code_and_message(query, ddb=ddb, table=numbers, condition="pk=:p AND begins_with(c, :c)", values={**P, ":c": N(3)})
    assert code == "ValidationException" and "begins_with" in message, message


def test_key_conditions_and_key_condition_expression_cannot_both_be_given(ddb, numbers):
    # scylla test_key_condition_expression.py::test_key_condition_expression_and_conditions
    code, message = code_and_message(
        query, ddb=ddb, table=numbers, condition="pk=:p", values=P, KeyConditions={"c": {"AttributeValueList": [N(3)], "ComparisonOperator": "GT"}}
    )
    assert code == "ValidationException" and "both" in message, message


# =========================================================================================
# Sort orders
# =========================================================================================


@pytest.fixture(scope="module")
def binaries(ddb):
    """pk (S) / c (B): partition "p" holds single bytes spanning the signed boundary,
    partition "q" holds b"\\x00a", b"a", b"ab", b"b"."""
    name = create_table(ddb, range_key=("c", "B"))["TableDescription"]["TableName"]
    for byte in [0, 1, 126, 127, 128, 255]:
        ddb.put_item(TableName=name, Item={"pk": S("p"), "c": B([byte])})
    for value in [b"\x00a", b"a", b"ab", b"b"]:
        ddb.put_item(TableName=name, Item={"pk": S("q"), "c": {"B": value}})
    return name


def sort_keys(page):
    return [item["c"].get("B", item["c"].get("N")) for item in page["Items"]]


@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
def test_binary_sort_keys_order_as_unsigned_bytes(ddb, binaries, forward):
    # scylla test_query.py::test_query_sort_order_bytes; test_key_condition_expression.py::test_key_condition_expression_unsigned_bytes
    expected = [bytes([b]) for b in [0, 1, 126, 127, 128, 255]]
    page = query(ddb, binaries, "pk = :p", P, ScanIndexForward=forward)
    assert sort_keys(page) == (expected if forward else expected[::-1])


def test_a_binary_range_condition_compares_unsigned_bytes(ddb, binaries):
    # scylla test_key_condition_expression.py::test_key_condition_expression_unsigned_bytes
    page = query(ddb, binaries, "pk = :p AND c BETWEEN :lo AND :hi", {**P, ":lo": B([127]), ":hi": B([128])})
    assert sort_keys(page) == [bytes([127]), bytes([128])]


def test_begins_with_on_a_binary_sort_key_matches_byte_prefixes(ddb, binaries):
    # scylla test_key_condition_expression.py::test_key_condition_expression_bytes_begins
    page = query(ddb, binaries, "pk = :p AND begins_with(c, :pre)", {":p": S("q"), ":pre": {"B": b"a"}})
    assert sort_keys(page) == [b"a", b"ab"]


def test_a_descending_binary_query_resumes_below_its_exclusive_start_key(ddb, binaries):
    # scylla test_query.py::test_query_reverse_paging (binary keys)
    page = query(ddb, binaries, "pk = :p", P, ScanIndexForward=False, ExclusiveStartKey={"pk": S("p"), "c": B([127])})
    assert sort_keys(page) == [bytes([126]), bytes([1]), bytes([0])]


def test_number_sort_keys_order_by_value_across_magnitudes(ddb):
    # scylla test_query.py::test_query_sort_order_number
    numbers = ["-2e10", "-7.1e2", "-4.1", "-0.1", "-1e-5", "0", "2e-5", "0.15", "1", "1.00000000000000000000000001",
               "3.14159", "3.1415926535897932384626433832795028841", "31.4", "1.4e10"]
    name = create_table(ddb, range_key=("c", "N"))["TableDescription"]["TableName"]
    for number in reversed(numbers):
        ddb.put_item(TableName=name, Item={"pk": S("p"), "c": N(number)})
    got = [Decimal(c) for c in sort_keys(query(ddb, name, "pk = :p", P))]
    assert got == [Decimal(n) for n in numbers]


# =========================================================================================
# Projections and parallel scans
# =========================================================================================


def test_a_projection_through_a_mismatched_document_shape_yields_nothing(ddb, table):
    # scylla test_projection_expression.py::test_projection_expression_path
    key = {"pk": S("k")}
    ddb.put_item(TableName=table, Item={**key, "a": {"M": {"b": {"L": [N(2), N(4), {"M": {"x": S("hi")}}]}, "c": N(5)}}})
    for path in ["a.b[3]", "a.x.y", "a.b.x", "a[0]", "a.b[0].x", "a.b[0][0]"]:
        assert ddb.get_item(TableName=table, Key=key, ProjectionExpression=path)["Item"] == {}, path
    item = ddb.get_item(TableName=table, Key=key, ProjectionExpression="a.x, a.b[0], x, a.b[3].x")["Item"]
    assert item == {"a": {"M": {"b": {"L": [N(2)]}}}}


def test_sibling_list_elements_do_not_overlap_in_a_projection(ddb, table):
    # scylla test_projection_expression.py::test_projection_expression_path_overlap
    key = {"pk": S("k")}
    ddb.put_item(TableName=table, Item={**key, "a": {"L": [N(0), N(1), N(2)]}})
    assert ddb.get_item(TableName=table, Key=key, ProjectionExpression="a[1], a[2]")["Item"] == {"a": {"L": [N(1), N(2)]}}


def test_total_segments_is_at_most_a_million(ddb_unchecked, table):
    # scylla test_scan.py::test_scan_parallel_incorrect
    code, message = code_and_message(ddb_unchecked.scan, TableName=table, TotalSegments=1000001, Segment=0)
    assert code == "ValidationException" and "Segment" in message, message


def test_an_exclusive_start_key_must_lie_in_the_scanned_segment(ddb_unchecked, table):
    # scylla test_scan.py::test_scan_parallel_with_exclusive_start_key
    code, message = code_and_message(
        ddb_unchecked.scan, TableName=table, TotalSegments=1000000, Segment=0, ExclusiveStartKey={"pk": S("0")}
    )
    assert code == "ValidationException" and "Exclusive" in message, message


# =========================================================================================
# Legacy and expression parameters, ConditionalOperator
# =========================================================================================


@pytest.fixture(scope="module")
def hash_table(ddb):
    name = create_table(ddb)["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={"pk": S("k1"), "a": S("x"), "b": S("y")})
    return name


def test_key_conditions_may_be_combined_with_a_filter_expression(ddb, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_query_key_conditions_with_filter_expression
    page = ddb.query(
        TableName=hash_table, KeyConditions={"pk": EQ(S("k1"))}, FilterExpression="a = :v", ExpressionAttributeValues={":v": S("x")}
    )
    assert page["Count"] == 1


def test_key_conditions_may_be_combined_with_a_projection_expression(ddb, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_query_key_conditions_with_projection_expression
    page = ddb.query(TableName=hash_table, KeyConditions={"pk": EQ(S("k1"))}, ProjectionExpression="a")
    assert page["Items"] == [{"a": S("x")}]


@pytest.mark.parametrize(
    "legacy, expression",
    [({"QueryFilter": {"a": EQ(S("x"))}}, "KeyConditionExpression"), ({"AttributesToGet": ["a"]}, "KeyConditionExpression")],
    ids=["query_filter", "attributes_to_get"],
)
def test_legacy_query_parameters_cannot_join_a_key_condition_expression(ddb, hash_table, legacy, expression):
    # ExtendDB tests/test_conditional_operator.py::test_query_query_filter_with_key_condition_expression, ::..._attributes_to_get_...
    code, message = code_and_message(
        ddb.query, TableName=hash_table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("k1")}, **legacy
    )
    assert (code, message) == ("ValidationException", f"{MIXING}Non-expression parameters: {{{next(iter(legacy))}}} Expression parameters: {{{expression}}}")


def test_the_query_mixing_message_lists_parameters_in_dynamodbs_order(ddb_unchecked, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_query_full_sets_ordering
    assert code_and_message(
        ddb_unchecked.query, TableName=hash_table, KeyConditions={"pk": EQ(S("k1"))}, QueryFilter={"a": EQ(S("x"))},
        ConditionalOperator="AND", KeyConditionExpression="pk = :p", FilterExpression="a = :v", ProjectionExpression="b",
        ExpressionAttributeValues={":p": S("k1"), ":v": S("x")},
    ) == (
        "ValidationException",
        f"{MIXING}Non-expression parameters: {{QueryFilter, ConditionalOperator, KeyConditions}} "
        "Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}",
    )


def test_the_scan_mixing_message_lists_parameters_in_dynamodbs_order(ddb_unchecked, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_scan_full_sets_ordering
    assert code_and_message(
        ddb_unchecked.scan, TableName=hash_table, AttributesToGet=["a"], ScanFilter={"a": EQ(S("x"))}, ConditionalOperator="AND",
        FilterExpression="a = :v", ProjectionExpression="b", ExpressionAttributeValues={":v": S("x")},
    ) == (
        "ValidationException",
        f"{MIXING}Non-expression parameters: {{AttributesToGet, ScanFilter, ConditionalOperator}} "
        "Expression parameters: {ProjectionExpression, FilterExpression}",
    )


def test_conditional_operator_mixing_is_reported_before_unused_values(ddb_unchecked, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_scan_condop_mixing_beats_unused_values
    assert code_and_message(
        ddb_unchecked.scan, TableName=hash_table, ConditionalOperator="AND", FilterExpression="a = :v",
        ExpressionAttributeValues={":v": S("x"), ":unused": S("y")},
    ) == ("ValidationException", f"{MIXING}Non-expression parameters: {{ConditionalOperator}} Expression parameters: {{FilterExpression}}")


@pytest.mark.parametrize(
    "params, message",
    [({}, "ConditionalOperator cannot be used without Filter or Expected"),
     ({"ScanFilter": {"a": EQ(S("x"))}}, "ConditionalOperator can only be used when Filter or Expected has two or more elements")],
    ids=["without_filter", "one_condition"],
)
def test_scan_conditional_operator_needs_a_filter_of_two_conditions(ddb_unchecked, hash_table, params, message):
    # ExtendDB tests/test_conditional_operator.py::test_scan_condop_without_filter, ::test_scan_condop_single_condition_filter
    assert code_and_message(ddb_unchecked.scan, TableName=hash_table, ConditionalOperator="AND", **params) == ("ValidationException", message)


def test_the_conditional_operator_rule_comes_before_the_missing_key_condition(ddb_unchecked, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_query_condop_without_any_key_condition
    assert code_and_message(ddb_unchecked.query, TableName=hash_table, ConditionalOperator="AND") == (
        "ValidationException",
        "ConditionalOperator cannot be used without Filter or Expected",
    )


def test_a_query_filter_of_two_conditions_combines_with_or(ddb, hash_table):
    # ExtendDB tests/test_conditional_operator.py::test_query_condop_two_condition_filter
    page = ddb.query(
        TableName=hash_table, KeyConditions={"pk": EQ(S("k1"))}, ConditionalOperator="OR",
        QueryFilter={"a": EQ(S("x")), "b": EQ(S("nope"))},
    )
    assert page["Count"] == 1


# =========================================================================================
# Which validations come before the table-existence check
# =========================================================================================

ABSENT = f"absent-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize(
    "operation, params, prefix",
    [("get_item", {"Key": {"a": S("k")}, "ProjectionExpression": "a, a.b"}, "Invalid ProjectionExpression:"),
     ("update_item", {"Key": {"a": S("k")}, "UpdateExpression": "SET status = :v", "ExpressionAttributeValues": {":v": S("x")}},
      "Invalid UpdateExpression:")],
    ids=["projection_overlap", "reserved_word"],
)
def test_expression_errors_are_reported_for_a_table_that_does_not_exist(ddb_unchecked, operation, params, prefix):
    # ExtendDB tests/test_validation_precedence.py::TestValidationBeforeExistence
    code, message = code_and_message(getattr(ddb_unchecked, operation), TableName=ABSENT, **params)
    assert code == "ValidationException" and message.startswith(prefix), message


def test_duplicate_batch_get_keys_are_reported_for_a_table_that_does_not_exist(ddb_unchecked):
    # ExtendDB tests/test_validation_precedence.py::test_batch_get_item_duplicate_keys
    code, message = code_and_message(ddb_unchecked.batch_get_item, RequestItems={ABSENT: {"Keys": [{"a": S("k")}, {"a": S("k")}]}})
    assert code == "ValidationException" and "duplicates" in message, message


def test_an_oversized_item_for_a_table_that_does_not_exist_is_resource_not_found(ddb_unchecked):
    # ExtendDB tests/test_validation_precedence.py::test_put_item_too_big_is_resource_not_found
    code, _ = code_and_message(ddb_unchecked.put_item, TableName=ABSENT, Item={"a": S("k"), "b": S("x" * 400001)})
    assert code == "ResourceNotFoundException"


# =========================================================================================
# What an index built by UpdateTable contains
# =========================================================================================


def build_index(ddb, table, key):
    ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name, _ in key],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "byX", "KeySchema": [{"AttributeName": n, "KeyType": k} for n, k in key],
                                                 "Projection": {"ProjectionType": "ALL"}}}],
    )
    for _ in range(200):
        if ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE":
            return
    raise AssertionError("the index never became ACTIVE")


def test_a_backfilled_index_leaves_out_items_whose_key_has_another_type_or_is_missing(ddb, table):
    # scylla test_gsi_updatetable.py::test_gsi_backfill
    ddb.put_item(TableName=table, Item={"pk": S("typed"), "x": S("hello")})
    ddb.put_item(TableName=table, Item={"pk": S("number"), "x": N(3)})
    ddb.put_item(TableName=table, Item={"pk": S("none"), "y": S("y")})
    build_index(ddb, table, [("x", "HASH")])
    assert [item["pk"] for item in ddb.scan(TableName=table, IndexName="byX")["Items"]] == [S("typed")]


@pytest.mark.parametrize(
    "key, kept",
    [([("x", "HASH")], ["p1024", "p1025", "p2048"]), ([("c", "HASH"), ("x", "RANGE")], ["p1024"])],
    ids=["partition_key", "sort_key"],
)
def test_a_backfilled_index_leaves_out_values_that_cannot_be_keys(ddb, key, kept):
    # scylla test_gsi_updatetable.py::test_gsi_backfill_key_limits, ::test_gsi_backfill_empty_string
    name = create_table(ddb, range_key=("c", "S"))["TableDescription"]["TableName"]
    for length in [1024, 1025, 2048, 2049]:
        ddb.put_item(TableName=name, Item={"pk": S(f"p{length}"), "c": S("c"), "x": S("a" * length)})
    ddb.put_item(TableName=name, Item={"pk": S("empty"), "c": S("c"), "x": S("")})
    build_index(ddb, name, key)
    assert sorted(item["pk"]["S"] for item in ddb.scan(TableName=name, IndexName="byX")["Items"]) == kept
