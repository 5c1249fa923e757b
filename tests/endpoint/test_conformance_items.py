"""Conformance, round two: single-item writes. When UpdateItem creates an item, ReturnValues
in every mode, the legacy AttributeUpdates/Expected/ConditionalOperator parameters, number
edge cases and their byte cost, malformed attribute values, and the 400 KB item limit on
each write surface.

Expected values come from suites run against the live service, named in each test's
comment: scylladb test/alternator (test_item.py, test_returnvalues.py, test_expected.py,
test_number.py, test_limits.py), dynalite test/updateItem.js, ExtendDB tests (dual-target
against Amazon DynamoDB), nubo-db/dynamodb-conformance (captured eu-west-2) and moto's
aws_verified tests. Tests marked xfail(strict=True) pin DynamoDB's behaviour where the
engine still differs.
"""

import json

import pytest

from support import code_and_message, client_error, raw_post

KEY = {"pk": {"S": "k"}}
N = lambda n: {"N": str(n)}  # noqa: E731
S = lambda s: {"S": s}  # noqa: E731
MAX_ITEM = 409_600


def get(ddb, table, key=KEY):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def update(ddb, table, expression, values=None, key=KEY, **params):
    if values is not None:
        params["ExpressionAttributeValues"] = values
    return ddb.update_item(TableName=table, Key=key, UpdateExpression=expression, **params)


def sized(key, total, pad="p"):
    """`key` plus one string attribute `pad`, the whole item measuring `total` bytes."""
    used = sum(len(name) + len(value["S"]) for name, value in key.items())
    return {**key, pad: S("x" * (total - used - len(pad)))}


# =========================================================================================
# When UpdateItem creates an item
# =========================================================================================


def test_an_update_that_only_removes_does_not_create_the_item(ddb, table):
    # scylla test_item.py::test_update_item_non_existent
    update(ddb, table, "REMOVE a")
    assert get(ddb, table) is None


@pytest.mark.parametrize("action", [{"Action": "DELETE"}, {"Action": "DELETE", "Value": {"NS": ["4"]}}], ids=["attribute", "set_members"])
def test_attribute_updates_that_only_delete_do_not_create_the_item(ddb, table, action):
    # scylla test_item.py::test_update_item_non_existent, ::test_update_item_delete
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={"a": action})
    assert get(ddb, table) is None


def test_an_update_with_no_actions_at_all_creates_the_bare_item(ddb, table):
    # scylla test_item.py::test_empty_update, ::test_update_item_non_existent
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={})
    assert get(ddb, table) == KEY


@pytest.mark.parametrize("expression", ["REMOVE x.y"])
def test_removing_a_nested_path_of_a_missing_item_is_not_an_error(ddb, table, expression):
    # scylla test_update_expression.py::test_nested_attribute_remove_from_missing_item
    update(ddb, table, expression)


def test_deletes_and_removes_of_nothing_leave_only_what_was_added(ddb, table):
    # dynalite test/updateItem.js 'should just add valid ADD actions if nothing exists'
    response = update(
        ddb, table, "REMOVE b DELETE c :c ADD d :d, e :e SET f = :f",
        values={":c": {"SS": ["a", "b"]}, ":d": N(5), ":e": {"SS": ["a", "b"]}, ":f": {"L": [S("a"), N(1)]}},
        ReturnValues="UPDATED_NEW",
    )
    added = {"d": N(5), "e": {"SS": ["a", "b"]}, "f": {"L": [S("a"), N(1)]}}
    assert response["Attributes"] == added
    assert get(ddb, table) == {**KEY, **added}


# =========================================================================================
# ReturnValues
# =========================================================================================


def test_all_new_of_a_remove_on_a_missing_item_returns_nothing(ddb, table):
    # scylla test_returnvalues.py::test_update_item_returnvalues_all_new
    response = update(ddb, table, "REMOVE b", ReturnValues="ALL_NEW")
    assert "Attributes" not in response
    assert get(ddb, table) is None


def test_all_new_of_an_empty_update_returns_the_key_of_the_created_item(ddb, table):
    # scylla test_returnvalues.py::test_update_item_returnvalues_all_new
    response = ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={}, ReturnValues="ALL_NEW")
    assert response["Attributes"] == KEY


@pytest.mark.parametrize("mode", ["UPDATED_OLD", "UPDATED_NEW"])
def test_updated_values_of_an_empty_update_are_absent(ddb, table, mode):
    # scylla test_returnvalues.py::test_update_item_returnvalues_updated_{old,new}
    ddb.put_item(TableName=table, Item={**KEY, "a": S("hi")})
    assert "Attributes" not in ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={}, ReturnValues=mode)


def test_updated_old_of_a_set_to_the_same_value_returns_it(ddb, table):
    # scylla test_returnvalues.py::test_update_item_returnvalues_updated_old
    ddb.put_item(TableName=table, Item={**KEY, "b": S("cat")})
    assert update(ddb, table, "SET b = :v", {":v": S("cat")}, ReturnValues="UPDATED_OLD")["Attributes"] == {"b": S("cat")}


def test_updated_new_of_a_created_item_leaves_out_the_key(ddb, table):
    # scylla test_returnvalues.py::test_update_item_returnvalues_updated_new
    assert update(ddb, table, "SET a = :v", {":v": N(1)}, ReturnValues="UPDATED_NEW")["Attributes"] == {"a": N(1)}


@pytest.fixture
def nested(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "a": {"M": {"b": S("dog"), "c": {"L": [N(1), N(2), N(3)]}}}, "d": S("cat")})
    return table


def test_updated_old_merges_several_nested_paths_into_one_document(ddb, nested):
    # scylla test_returnvalues.py::test_update_item_returnvalues_nested
    response = update(ddb, nested, "SET a.c[1] = :val, a.b = :val2", {":val": N(8), ":val2": S("x")}, ReturnValues="UPDATED_OLD")
    assert response["Attributes"] == {"a": {"M": {"b": S("dog"), "c": {"L": [N(2)]}}}}


def test_updated_old_of_removed_list_elements_lists_only_those_that_existed(ddb, nested):
    # scylla test_returnvalues.py::test_update_item_returnvalues_nested
    response = update(ddb, nested, "REMOVE a.c[1], a.c[3]", ReturnValues="UPDATED_OLD")
    assert response["Attributes"] == {"a": {"M": {"c": {"L": [N(2)]}}}}


def test_updated_new_of_a_set_past_the_end_of_a_list_returns_nothing(ddb, nested):
    # scylla test_returnvalues.py::test_update_item_returnvalues_nested
    assert "Attributes" not in update(ddb, nested, "SET a.c[100] = :val", {":val": N(70)}, ReturnValues="UPDATED_NEW")


def test_updated_new_of_a_removed_list_element_returns_the_element_that_moved_in(ddb, nested):
    # scylla test_returnvalues.py::test_update_item_returnvalues_nested
    response = update(ddb, nested, "REMOVE a.c[1]", ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"a": {"M": {"c": {"L": [N(3)]}}}}


def test_all_old_with_attribute_updates_add_returns_the_value_before_the_add(ddb, table):
    # scylla test_returnvalues.py::test_update_item_returnvalues_all_old_attributeupdates
    ddb.put_item(TableName=table, Item={**KEY, "a": N(3), "b": S("dog")})
    response = ddb.update_item(TableName=table, Key=KEY, ReturnValues="ALL_OLD", AttributeUpdates={"a": {"Action": "ADD", "Value": N(2)}})
    assert response["Attributes"] == {**KEY, "a": N(3), "b": S("dog")}
    assert get(ddb, table)["a"] == N(5)


@pytest.mark.parametrize("value", ["none"], ids=["lower_case"])
def test_an_unknown_return_values_lists_the_whole_enumeration(ddb_unchecked, table, value):
    # ExtendDB tests/test_wording_parity_validation.py::test_put_invalid_return_values_enum; scylla ::test_put_item_returnvalues
    assert code_and_message(ddb_unchecked.put_item, TableName=table, Item=KEY, ReturnValues=value) == (
        "ValidationException",
        f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
    )


@pytest.mark.parametrize("operation", ["update_item"])
def test_return_values_on_condition_check_failure_accepts_only_all_old_or_none(ddb_unchecked, table, operation):
    # scylla test_returnvalues.py::test_validation_of_returnvalues_on_condition_check_failure
    params = {"Item": KEY} if operation == "put_item" else {"Key": KEY}
    code, _ = code_and_message(
        getattr(ddb_unchecked, operation), TableName=table, ReturnValuesOnConditionCheckFailure="ALL_NEW",
        ConditionExpression="s = :v1", ExpressionAttributeValues={":v1": S("rat")}, **params,
    )
    assert code == "ValidationException"


def test_a_failed_condition_on_a_missing_item_returns_no_item_even_when_asked(ddb, table):
    # scylla test_returnvalues.py::test_put_item_returnvalues_on_condition_check_failure
    response = client_error(
        ddb.put_item, TableName=table, Item={**KEY, "s": S("cat")}, ReturnValuesOnConditionCheckFailure="ALL_OLD",
        ConditionExpression="s = :v1", ExpressionAttributeValues={":v1": S("dog")},
    )
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert "Item" not in response


# =========================================================================================
# Legacy AttributeUpdates
# =========================================================================================


@pytest.mark.parametrize("value", [S("1"), {"L": []}], ids=["S", "L"])
def test_attribute_updates_delete_with_a_value_takes_only_sets(ddb, table, value):
    # dynalite test/updateItem.js 'should return ValidationException if trying to delete incorrect types'; scylla ::test_update_item_delete
    ddb.put_item(TableName=table, Item={**KEY, "a": value})
    assert code_and_message(ddb.update_item, TableName=table, Key=KEY, AttributeUpdates={"a": {"Action": "DELETE", "Value": value}}) == (
        "ValidationException",
        f"One or more parameter values were invalid: DELETE action with value is not supported for the type {next(iter(value))}",
    )


@pytest.mark.parametrize("value", [S("1"), {"M": {}}], ids=["S", "M"])
def test_attribute_updates_add_takes_only_numbers_sets_and_lists(ddb, table, value):
    # dynalite test/updateItem.js 'should return ValidationException if trying to add incorrect types'
    assert code_and_message(ddb.update_item, TableName=table, Key=KEY, AttributeUpdates={"a": {"Action": "ADD", "Value": value}}) == (
        "ValidationException",
        f"One or more parameter values were invalid: ADD action is not supported for the type {next(iter(value))}",
    )


def test_attribute_updates_add_appends_a_list_to_a_list(ddb, table):
    # dynalite test/updateItem.js 'should add list value and return updated new'; scylla test_item.py::test_update_item_add
    ddb.put_item(TableName=table, Item={**KEY, "b": {"L": [S("a"), N(1)]}})
    response = ddb.update_item(
        TableName=table, Key=KEY, AttributeUpdates={"b": {"Action": "ADD", "Value": {"L": [S("b"), N(2)]}}}, ReturnValues="UPDATED_NEW"
    )
    assert response["Attributes"] == {"b": {"L": [S("a"), N(1), S("b"), N(2)]}}


@pytest.mark.parametrize(
    "update_",
    [{"b": {"Action": "DELETE", "Value": {"NS": ["1"]}}}, {"d": {"Action": "ADD", "Value": N(1)}}],
    ids=["delete_ns_from_ss", "add_number_to_ns"],
)
def test_attribute_updates_on_a_stored_value_of_another_type_is_a_type_mismatch(ddb, table, update_):
    # dynalite test/updateItem.js 'should return ValidationException if trying to delete/add incorrect types'
    ddb.put_item(TableName=table, Item={**KEY, "b": {"SS": ["1"]}, "c": N(1), "d": {"NS": ["1"]}})
    assert code_and_message(ddb.update_item, TableName=table, Key=KEY, AttributeUpdates=update_) == (
        "ValidationException",
        "Type mismatch for attribute to update",
    )


def test_attribute_updates_without_a_value_must_delete(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException if update has no value'
    assert code_and_message(ddb.update_item, TableName=table, Key=KEY, AttributeUpdates={"a": {"Action": "PUT"}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified",
    )


# =========================================================================================
# Legacy Expected and ConditionalOperator
# =========================================================================================


def expected(ddb, table, conditions, **params):
    return ddb.update_item(
        TableName=table, Key=KEY, AttributeUpdates={"z": {"Value": N(1), "Action": "PUT"}}, Expected=conditions, **params
    )


@pytest.fixture
def stored(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "a": S("hello"), "b": {"NS": ["2", "4", "7"]}, "c": N(3)})
    return table


def test_expected_not_contains_fails_on_a_missing_attribute(ddb, stored):
    # scylla test_expected.py::test_update_expected_1_not_contains
    code, _ = code_and_message(expected, ddb=ddb, table=stored, conditions={"q": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [N(1)]}})
    assert code == "ConditionalCheckFailedException"


def test_expected_ne_holds_on_a_missing_attribute(ddb, stored):
    # scylla test_expected.py::test_update_expected_1_ne_true
    expected(ddb, stored, {"q": {"ComparisonOperator": "NE", "AttributeValueList": [N(1)]}})
    assert get(ddb, stored)["z"] == N(1)


def test_expected_begins_with_on_a_number_attribute_is_just_false(ddb, stored):
    # scylla test_expected.py::test_update_expected_1_begins_with_false
    code, _ = code_and_message(expected, ddb=ddb, table=stored, conditions={"c": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("dog")]}})
    assert code == "ConditionalCheckFailedException"


def test_expected_in_tests_the_attribute_not_the_members_of_a_set(ddb, stored):
    # scylla test_expected.py::test_update_expected_1_in
    code, _ = code_and_message(expected, ddb=ddb, table=stored, conditions={"b": {"ComparisonOperator": "IN", "AttributeValueList": [N(2)]}})
    assert code == "ConditionalCheckFailedException"


@pytest.mark.parametrize(
    "condition",
    [{"ComparisonOperator": "IN", "AttributeValueList": [N(3), S("dog")]},
     {"Exists": False, "ComparisonOperator": "EQ", "AttributeValueList": [N(3)]}],
    ids=["in_mixed_types", "exists_with_operator"],
)
def test_malformed_expected_conditions_are_validation_errors(ddb, stored, condition):
    # scylla test_expected.py::test_update_expected_1_{in,between,contains}, ::test_update_expected_operator_clash
    assert code_and_message(expected, ddb=ddb, table=stored, conditions={"c": condition})[0] == "ValidationException"


def test_expected_exists_false_cannot_carry_a_value(ddb, stored):
    # dynalite test/updateItem.js 'should return ValidationException for Exists false with value'
    assert code_and_message(expected, ddb=ddb, table=stored, conditions={"a": {"Exists": False, "Value": S("a")}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a",
    )


def test_two_expected_conditions_combine_with_or_on_delete(ddb, stored):
    # ExtendDB tests/test_conditional_operator.py::test_delete_item_condop_two_condition_expected
    ddb.delete_item(
        TableName=stored, Key=KEY, ConditionalOperator="OR",
        Expected={"a": {"ComparisonOperator": "EQ", "AttributeValueList": [S("hello")]}, "c": {"ComparisonOperator": "EQ", "AttributeValueList": [N(99)]}},
    )
    assert get(ddb, stored) is None


@pytest.mark.parametrize(
    "extra, message",
    [({}, "ConditionalOperator cannot be used without Filter or Expected"),
     ({"Expected": {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}}},
      "ConditionalOperator can only be used when Filter or Expected has two or more elements")],
    ids=["without_expected", "one_condition"],
)
def test_conditional_operator_needs_two_expected_conditions(ddb, table, extra, message):
    # ExtendDB tests/test_conditional_operator.py::test_put_item_condop_without_expected, ::..._single_condition_expected
    assert code_and_message(ddb.put_item, TableName=table, Item=KEY, ConditionalOperator="AND", **extra) == (
        "ValidationException",
        message,
    )


def test_conditional_operator_is_a_non_expression_parameter(ddb, table):
    # ExtendDB tests/test_conditional_operator.py::test_put_item_condop_with_condition_expression
    assert code_and_message(ddb.put_item, TableName=table, Item=KEY, ConditionalOperator="AND", ConditionExpression="attribute_exists(pk)") == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {ConditionalOperator} Expression parameters: {ConditionExpression}",
    )


def test_the_mixing_message_lists_every_legacy_parameter_of_update_item(ddb, table):
    # ExtendDB tests/test_conditional_operator.py::test_update_item_full_sets_ordering
    assert code_and_message(
        ddb.update_item, TableName=table, Key=KEY,
        AttributeUpdates={"a": {"Value": S("v"), "Action": "PUT"}},
        Expected={"a": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}},
        ConditionalOperator="AND", UpdateExpression="SET a = :v", ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":v": S("x")},
    ) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} "
        "Expression parameters: {UpdateExpression, ConditionExpression}",
    )


# =========================================================================================
# Numbers
# =========================================================================================


@pytest.mark.parametrize(
    "number, message",
    [("0.9e-130", "Number underflow. Attempting to store a number with magnitude smaller than supported range")],
)
def test_magnitude_limits_count_the_mantissa(ddb, table, number, message):
    # scylla test_number.py::test_number_magnitude_not_allowed
    assert code_and_message(update, ddb=ddb, table=table, expression="SET a = :v", values={":v": N(number)}) == (
        "ValidationException",
        message,
    )


def test_a_sum_beyond_the_magnitude_limit_overflows(ddb, table):
    # scylla test_number.py::test_update_expression_plus_overflow
    assert code_and_message(
        update, ddb=ddb, table=table, expression="SET b = :a - :b", values={":a": N("9e125"), ":b": N("-9e125")}
    ) == ("ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")


@pytest.mark.parametrize(
    "literal, stored",
    [("0042.1200", "42.12"), ("1E125", "1" + "0" * 125)],
    ids=["zeros_trimmed", "exponent_expanded"],
)
def test_numbers_are_stored_in_their_plain_decimal_form(ddb, table, literal, stored):
    # nubo-db/dynamodb-conformance tests/tier3/limits/numberByteSize.test.ts ('trims the zeros', 'expands an exponent');
    # src/item-size.ts ('zero is never negative')
    ddb.put_item(TableName=table, Item={**KEY, "n": N(literal)})
    assert get(ddb, table)["n"] == N(stored)


NUMBER_COSTS = [("3.14159", 5), ("100.5", 4), ("-42", 3)]


@pytest.mark.parametrize("literal, cost", NUMBER_COSTS, ids=[lit for lit, _ in NUMBER_COSTS])
def test_a_number_costs_its_significant_digits_in_the_item_size(ddb, table, literal, cost):
    # nubo-db/dynamodb-conformance tests/tier3/limits/numberByteSize.test.ts; figures from src/item-size.ts CAPTURED_NUMBER_BYTES
    def item(name, total):
        pad = total - len("pk") - len(name) - len("n") - cost - len("p")
        return {"pk": S(name), "n": N(literal), "p": S("x" * pad)}

    ddb.put_item(TableName=table, Item=item("at", MAX_ITEM))
    assert code_and_message(ddb.put_item, TableName=table, Item=item("ov", MAX_ITEM + 1)) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_a_json_number_in_place_of_the_string_is_a_serialization_error(server, table):
    # scylla test_number.py::test_number_in_json
    body = json.dumps({"TableName": table, "Key": KEY, "UpdateExpression": "SET a = :val", "ExpressionAttributeValues": {":val": {"N": 123}}})
    status, _, payload = raw_post(server, "DynamoDB_20120810.UpdateItem", body.encode())
    assert status == 400
    assert json.loads(payload)["__type"].endswith("SerializationException")


# =========================================================================================
# Attribute values and names
# =========================================================================================


def test_a_null_member_in_a_string_set_is_a_validation_error(server, table):
    # ExtendDB tests/test_attribute_value_validation.py (TestStringSetWithNullSpecificMessage)
    body = json.dumps({"TableName": table, "Item": {**KEY, "bad": {"SS": ["a", None]}}})
    status, _, payload = raw_post(server, "DynamoDB_20120810.PutItem", body.encode())
    error = json.loads(payload)
    assert status == 400 and error["__type"].endswith("ValidationException")
    assert "One or more parameter values were invalid" in error["message"]
    assert "An string set may not have a null string as a member" in error["message"]


@pytest.mark.parametrize("value", [{"M": {"k": {}}}], ids=["in_map"])
def test_an_empty_attribute_value_anywhere_in_a_document_is_refused(ddb_unchecked, table, value):
    # ExtendDB tests/test_attribute_value_validation.py (EMPTY_AV_SCENARIOS)
    assert code_and_message(ddb_unchecked.put_item, TableName=table, Item={**KEY, "bad": value}) == (
        "ValidationException",
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
    )


def test_empty_strings_binaries_lists_and_maps_are_values_but_empty_sets_are_not(ddb, table):
    # scylla test_update_expression.py::test_update_expression_empty_attribute
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET a = :v", values={":v": {"SS": []}})
    assert code == "ValidationException" and "empty" in message
    assert get(ddb, table) is None
    update(ddb, table, "SET d = :v1, e = :v2, f = :v3, g = :v4", {":v1": {"L": []}, ":v2": {"M": {}}, ":v3": S(""), ":v4": {"B": b""}})
    assert get(ddb, table) == {**KEY, "d": {"L": []}, "e": {"M": {}}, "f": S(""), "g": {"B": b""}}


def test_an_attribute_name_may_be_65535_bytes(ddb, table):
    # scylla test_limits.py::test_limit_attribute_length_nonkey_good
    name = "y" * 65535
    ddb.put_item(TableName=table, Item={**KEY, name: N(1)})
    assert get(ddb, table) == {**KEY, name: N(1)}


@pytest.mark.parametrize("operation", ["put_item", "update_item"])
def test_an_attribute_name_of_65536_bytes_is_refused(ddb, table, operation):
    # scylla test_limits.py::test_limit_attribute_length_nonkey_bad ('ValidationException.*6553[56]')
    name = "y" * 65536
    if operation == "put_item":
        call, params = ddb.put_item, {"Item": {**KEY, name: N(1)}}
    elif operation == "get_item_projection":
        call, params = ddb.get_item, {"Key": KEY, "ProjectionExpression": "#name", "ExpressionAttributeNames": {"#name": name}}
    else:
        call, params = ddb.update_item, {"Key": KEY, "UpdateExpression": "SET #name = :val",
                                         "ExpressionAttributeNames": {"#name": name}, "ExpressionAttributeValues": {":val": N(3)}}
    code, message = code_and_message(call, TableName=table, **params)
    assert code == "ValidationException" and ("65535" in message or "65536" in message), message


@pytest.mark.parametrize("key", [{"pk": S("a"), "sk": S("b")}], ids=["spurious_attribute"])
def test_a_key_with_other_attributes_than_the_schema_does_not_match(ddb, table, key):
    # scylla test_item.py::test_get_item_wrong_key_type; dynalite 'should return ValidationException if Key does not match schema'
    assert code_and_message(ddb.get_item, TableName=table, Key=key) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )


# =========================================================================================
# The 400 KB item limit on each write surface
# =========================================================================================


def test_batch_write_item_measures_the_item_and_uses_the_put_wording(ddb, table):
    # nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts (BatchWriteItem)
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": sized({"pk": S("at")}, MAX_ITEM)}}]})
    assert code_and_message(
        ddb.batch_write_item, RequestItems={table: [{"PutRequest": {"Item": sized({"pk": S("over")}, MAX_ITEM + 1)}}]}
    ) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_an_oversized_transactional_put_is_refused_before_the_transaction(ddb, table):
    # nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts (TransactWriteItems Put)
    assert code_and_message(
        ddb.transact_write_items, TransactItems=[{"Put": {"TableName": table, "Item": sized({"pk": S("over")}, MAX_ITEM + 1)}}]
    ) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_an_oversized_transactional_update_cancels_the_transaction(ddb, table):
    # nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts (TransactWriteItems Update)
    item = sized({"pk": S("over")}, MAX_ITEM + 1)
    response = client_error(
        ddb.transact_write_items,
        TransactItems=[{"Update": {"TableName": table, "Key": {"pk": item["pk"]}, "UpdateExpression": "SET p = :p",
                                   "ExpressionAttributeValues": {":p": item["p"]}}}],
    )
    assert response["Error"]["Code"] == "TransactionCanceledException"
    (reason,) = response["CancellationReasons"]
    assert reason["Code"] == "ValidationError"
    assert "Item size to update has exceeded the maximum allowed size" in reason["Message"]


def update_to(ddb, table, key, total):
    """UpdateItem SET b so that the finished item measures `total` bytes."""
    pad = total - sum(len(n) + len(v["S"]) for n, v in key.items()) - len("b")
    return update(ddb, table, "SET b = :pad", {":pad": S("x" * pad)}, key=key)


def test_update_item_with_a_long_key_caps_the_item_at_exactly_400_kb(ddb, table):
    # nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts ('caps at exactly 409,600 with a 100-byte key value')
    update_to(ddb, table, {"pk": S("k" * 100)}, MAX_ITEM)
    assert code_and_message(update_to, ddb=ddb, table=table, key={"pk": S("j" * 100)}, total=MAX_ITEM + 1) == (
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )


@pytest.mark.xfail(strict=True, reason="engine: measures the finished item only; DynamoDB leaves the key out and charges per action")
def test_update_item_with_a_one_byte_key_stops_19_bytes_short_of_400_kb(ddb, table):
    # nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts ('sits below 409,600 at a one-byte key')
    update_to(ddb, table, {"pk": S("K")}, MAX_ITEM - 19)
    assert code_and_message(update_to, ddb=ddb, table=table, key={"pk": S("L")}, total=MAX_ITEM - 18) == (
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )
