"""Single-item operations through boto3's low-level client: PutItem, GetItem, UpdateItem and
DeleteItem with conditions, ReturnValues, projections, the legacy Expected and
AttributeUpdates parameters, and the validation errors DynamoDB answers them with.

Expected values follow the DynamoDB API Reference (PutItem, UpdateItem, DeleteItem, GetItem,
"Update expressions", "Condition expressions") and the messages DynamoDB returns as recorded
by suites run against it (scylladb test/alternator, dynalite, moto's aws_verified tests).
"""

from decimal import Decimal

import pytest

from support import code_and_message, create_table, client_error, key_schema, unique_name

KEY = {"pk": {"S": "k"}}


def get(ddb, table, key=KEY, **params):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True, **params).get("Item")


def update(ddb, table, expression, values=None, names=None, key=KEY, **params):
    if values is not None:
        params["ExpressionAttributeValues"] = values
    if names is not None:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(TableName=table, Key=key, UpdateExpression=expression, **params)


# --- conditions ------------------------------------------------------------------------


def test_a_false_condition_expression_is_conditional_check_failed_and_writes_nothing(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    code, message = code_and_message(
        ddb.put_item,
        TableName=table,
        Item={**KEY, "v": {"N": "2"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, table) == {**KEY, "v": {"N": "1"}}


def test_attribute_not_exists_on_the_key_lets_a_put_create_a_new_item(ddb, table):
    ddb.put_item(TableName=table, Item=KEY, ConditionExpression="attribute_not_exists(pk)")
    assert get(ddb, table) == KEY


def test_a_condition_on_a_missing_item_sees_no_attributes_and_update_does_not_create_it(ddb, table):
    code, _ = code_and_message(
        update, ddb=ddb, table=table, expression="SET v = :v", values={":v": {"S": "x"}},
        ConditionExpression="attribute_exists(pk)",
    )
    assert code == "ConditionalCheckFailedException"
    assert get(ddb, table) is None


def test_return_values_on_condition_check_failure_all_old_puts_the_item_in_the_error(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    response = client_error(
        ddb.delete_item,
        TableName=table,
        Key=KEY,
        ConditionExpression="v = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert response["Item"] == {**KEY, "v": {"N": "1"}}


def test_return_values_on_condition_check_failure_none_returns_no_item(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    response = client_error(
        ddb.put_item,
        TableName=table,
        Item=KEY,
        ConditionExpression="attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure="NONE",
    )
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert "Item" not in response


CONDITION_FUNCTIONS = {
    "begins_with": ("begins_with(s, :v)", {":v": {"S": "hel"}}),
    "contains_substring": ("contains(s, :v)", {":v": {"S": "ell"}}),
    "contains_set_member": ("contains(tags, :v)", {":v": {"S": "red"}}),
    "size_of_a_string": ("size(s) = :v", {":v": {"N": "5"}}),
    "size_of_a_list": ("size(l) > :v", {":v": {"N": "2"}}),
    "attribute_type": ("attribute_type(tags, :v)", {":v": {"S": "SS"}}),
    "in": ("n IN (:a, :b)", {":a": {"N": "1"}, ":b": {"N": "7"}}),
    "between": ("n BETWEEN :lo AND :hi", {":lo": {"N": "5"}, ":hi": {"N": "10"}}),
    "and_binds_tighter_than_or": ("n = :seven OR n = :one AND n = :two", {":seven": {"N": "7"}, ":one": {"N": "1"}, ":two": {"N": "2"}}),
    "not_binds_tighter_than_or": ("NOT n = :seven OR n = :seven", {":seven": {"N": "7"}}),
    "nested_path": ("m.child[1] = :v", {":v": {"S": "y"}}),
    "attribute_not_exists_of_a_missing_path": ("attribute_not_exists(m.nope)", None),
}


@pytest.mark.parametrize("name", CONDITION_FUNCTIONS)
def test_condition_expression_functions_and_operators_hold_on_a_matching_item(ddb, table, name):
    ddb.put_item(
        TableName=table,
        Item={
            **KEY,
            "s": {"S": "hello"},
            "tags": {"SS": ["red", "blue"]},
            "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]},
            "n": {"N": "7"},
            "m": {"M": {"child": {"L": [{"S": "x"}, {"S": "y"}]}}},
        },
    )
    condition, values = CONDITION_FUNCTIONS[name]
    params = {"ExpressionAttributeValues": values} if values else {}
    ddb.delete_item(TableName=table, Key=KEY, ConditionExpression=condition, **params)
    assert get(ddb, table) is None


def test_a_comparison_between_different_types_is_false_not_an_error(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "7"}})
    code, _ = code_and_message(
        ddb.delete_item, TableName=table, Key=KEY, ConditionExpression="n < :s",
        ExpressionAttributeValues={":s": {"S": "9"}},
    )
    assert code == "ConditionalCheckFailedException"


# --- PutItem and DeleteItem return values ------------------------------------------------


@pytest.mark.parametrize("operation", ["put_item", "delete_item"])
def test_put_and_delete_accept_only_all_old_or_none_return_values(ddb, table, operation):
    params = {"Item": KEY} if operation == "put_item" else {"Key": KEY}
    code, message = code_and_message(getattr(ddb, operation), TableName=table, ReturnValues="ALL_NEW", **params)
    assert (code, message) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")


def test_delete_item_with_a_false_condition_keeps_the_item(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "keep"}})
    code, _ = code_and_message(
        ddb.delete_item, TableName=table, Key=KEY, ConditionExpression="v = :x",
        ExpressionAttributeValues={":x": {"S": "other"}},
    )
    assert code == "ConditionalCheckFailedException"
    assert get(ddb, table) == {**KEY, "v": {"S": "keep"}}


# --- UpdateItem --------------------------------------------------------------------------


def test_update_item_on_a_missing_item_creates_it_from_the_key_and_the_update(ddb, table):
    response = update(ddb, table, "SET a = :v", {":v": {"N": "1"}}, ReturnValues="ALL_NEW")
    assert response["Attributes"] == {**KEY, "a": {"N": "1"}}


def test_update_item_without_an_update_expression_creates_the_bare_key(ddb, table):
    ddb.update_item(TableName=table, Key=KEY)
    assert get(ddb, table) == KEY


def test_update_item_return_values_none_returns_no_attributes(ddb, table):
    response = update(ddb, table, "SET a = :v", {":v": {"N": "1"}}, ReturnValues="NONE")
    assert "Attributes" not in response


@pytest.mark.parametrize(
    "return_values, expected",
    [
        ("ALL_OLD", {**KEY, "a": {"S": "old"}, "b": {"S": "gone"}, "c": {"S": "same"}}),
        ("ALL_NEW", {**KEY, "a": {"S": "new"}, "c": {"S": "same"}, "d": {"N": "1"}}),
        ("UPDATED_OLD", {"a": {"S": "old"}, "b": {"S": "gone"}}),
        ("UPDATED_NEW", {"a": {"S": "new"}, "d": {"N": "1"}}),
    ],
)
def test_update_item_return_values_select_whole_or_updated_attributes_before_or_after(
    ddb, table, return_values, expected
):
    ddb.put_item(TableName=table, Item={**KEY, "a": {"S": "old"}, "b": {"S": "gone"}, "c": {"S": "same"}})
    response = update(
        ddb, table, "SET a = :a, d = :d REMOVE b", {":a": {"S": "new"}, ":d": {"N": "1"}},
        ReturnValues=return_values,
    )
    assert response["Attributes"] == expected


def test_updated_new_of_a_nested_path_returns_only_that_path(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "m": {"M": {"a": {"N": "1"}, "b": {"N": "2"}}}})
    response = update(ddb, table, "SET m.a = :v", {":v": {"N": "9"}}, ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"m": {"M": {"a": {"N": "9"}}}}


def test_updated_new_of_a_list_element_returns_only_that_element(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}})
    response = update(ddb, table, "SET l[1] = :v", {":v": {"S": "z"}}, ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"l": {"L": [{"S": "z"}]}}


def test_updated_old_of_an_attribute_that_did_not_exist_returns_nothing(ddb, table):
    ddb.put_item(TableName=table, Item=KEY)
    response = update(ddb, table, "SET fresh = :v", {":v": {"N": "1"}}, ReturnValues="UPDATED_OLD")
    assert "Attributes" not in response


def test_set_with_plus_and_minus_does_exact_decimal_arithmetic(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "10"}, "m": {"N": "0.3"}})
    response = update(
        ddb, table, "SET n = n + :a, m = m - :b", {":a": {"N": "2.5"}, ":b": {"N": "0.1"}},
        ReturnValues="UPDATED_NEW",
    )
    assert response["Attributes"] == {"n": {"N": "12.5"}, "m": {"N": "0.2"}}


def test_if_not_exists_keeps_an_existing_value_and_supplies_a_missing_one(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "present": {"N": "1"}})
    update(
        ddb, table, "SET present = if_not_exists(present, :d), fresh = if_not_exists(fresh, :d)",
        {":d": {"N": "100"}},
    )
    assert get(ddb, table) == {**KEY, "present": {"N": "1"}, "fresh": {"N": "100"}}


def test_list_append_appends_or_prepends_depending_on_operand_order(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "l": {"L": [{"S": "b"}]}})
    update(
        ddb, table, "SET l = list_append(:front, l)", {":front": {"L": [{"S": "a"}]}},
    )
    update(ddb, table, "SET l = list_append(l, :back)", {":back": {"L": [{"S": "c"}]}})
    assert get(ddb, table)["l"] == {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}


def test_remove_deletes_attributes_and_list_elements_shifting_the_rest(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={**KEY, "a": {"S": "x"}, "l": {"L": [{"S": "0"}, {"S": "1"}, {"S": "2"}]}},
    )
    update(ddb, table, "REMOVE a, l[0]")
    assert get(ddb, table) == {**KEY, "l": {"L": [{"S": "1"}, {"S": "2"}]}}


def test_set_of_a_list_index_past_the_end_appends(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "l": {"L": [{"S": "a"}]}})
    update(ddb, table, "SET l[10] = :v", {":v": {"S": "b"}})
    assert get(ddb, table)["l"] == {"L": [{"S": "a"}, {"S": "b"}]}


def test_set_of_a_nested_map_path_updates_in_place(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "m": {"M": {"child": {"M": {"x": {"N": "1"}}}, "keep": {"S": "k"}}}})
    update(ddb, table, "SET m.child.y = :v, #n.child.x = :w", {":v": {"N": "2"}, ":w": {"N": "3"}}, {"#n": "m"})
    assert get(ddb, table)["m"] == {
        "M": {"child": {"M": {"x": {"N": "3"}, "y": {"N": "2"}}}, "keep": {"S": "k"}}
    }


def test_add_to_a_missing_number_starts_from_zero_and_then_adds(ddb, table):
    update(ddb, table, "ADD n :v", {":v": {"N": "5"}})
    update(ddb, table, "ADD n :v", {":v": {"N": "-2"}})
    assert get(ddb, table)["n"] == {"N": "3"}


def test_add_to_a_set_unions_and_delete_removes_members(ddb, table):
    update(ddb, table, "ADD s :v", {":v": {"SS": ["a", "b"]}})
    update(ddb, table, "ADD s :v", {":v": {"SS": ["b", "c"]}})
    update(ddb, table, "DELETE s :v", {":v": {"SS": ["a", "zzz"]}})
    assert sorted(get(ddb, table)["s"]["SS"]) == ["b", "c"]


def test_deleting_every_member_of_a_set_removes_the_attribute(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "ns": {"NS": ["1", "2"]}})
    update(ddb, table, "DELETE ns :v", {":v": {"NS": ["1", "2"]}})
    assert get(ddb, table) == KEY


def test_updating_a_key_attribute_is_a_validation_exception(ddb, table):
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET pk = :v", values={":v": {"S": "x"}})
    assert code == "ValidationException"
    assert message == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    )


def test_an_update_reading_a_missing_attribute_is_a_validation_exception(ddb, table):
    ddb.put_item(TableName=table, Item=KEY)
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET a = nothere + :one", values={":one": {"N": "1"}})
    assert (code, message) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
    )


def test_arithmetic_on_a_string_is_an_operand_of_incorrect_data_type(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "s": {"S": "text"}})
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET s = s + :one", values={":one": {"N": "1"}})
    assert (code, message) == ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_a_nested_path_into_a_missing_map_is_invalid_for_update(ddb, table):
    ddb.put_item(TableName=table, Item=KEY)
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET nope.x = :v", values={":v": {"N": "1"}})
    assert (code, message) == (
        "ValidationException",
        "The document path provided in the update expression is invalid for update",
    )


def test_a_syntax_error_in_an_update_expression_is_a_validation_exception(ddb, table):
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET a")
    assert code == "ValidationException"
    assert message.startswith('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: '), message


def test_a_section_used_twice_in_an_update_expression_is_a_validation_exception(ddb, table):
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET a = :v SET b = :v", values={":v": {"N": "1"}}
    )
    assert code == "ValidationException"
    assert message == 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'


def test_overlapping_paths_in_one_update_are_a_validation_exception(ddb, table):
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET a = :v REMOVE a", values={":v": {"N": "1"}})
    assert code == "ValidationException"
    assert message == (
        "Invalid UpdateExpression: Two document paths overlap with each other; "
        "must remove or rewrite one of these paths; path one: [a], path two: [a]"
    )


def test_conflicting_paths_in_one_update_are_a_validation_exception(ddb, table):
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="REMOVE a.b SET a[1] = :v", values={":v": {"N": "1"}}
    )
    assert code == "ValidationException"
    assert message == (
        "Invalid UpdateExpression: Two document paths conflict with each other; "
        "must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"
    )


@pytest.mark.parametrize(
    "expression, value, operator, operand",
    [
        ("ADD l :v", {"L": [{"S": "b"}]}, "operator: ADD", "LIST"),
        ("ADD s :v", {"S": "b"}, "operator: ADD", "STRING"),
        ("DELETE n :v", {"N": "1"}, "operator: DELETE", "NUMBER"),
        ("SET l = list_append(l, :v)", {"S": "b"}, "operator or function: list_append", "S"),
        ("SET n = n + :v", {"SS": ["x"]}, "operator or function: +", "SS"),
    ],
    ids=["add_list", "add_string", "delete_number", "list_append_string", "plus_set"],
)
def test_an_operand_of_a_type_an_action_cannot_take_is_refused_before_reading_the_item(
    ddb, table, expression, value, operator, operand
):
    code, message = code_and_message(update, ddb=ddb, table=table, expression=expression, values={":v": value})
    assert (code, message) == (
        "ValidationException",
        f"Invalid UpdateExpression: Incorrect operand type for operator or function; {operator}, operand type: {operand}",
    )


def test_adding_a_set_of_another_type_is_an_operand_of_incorrect_data_type(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "ss": {"SS": ["a"]}})
    code, message = code_and_message(update, ddb=ddb, table=table, expression="ADD ss :v", values={":v": {"NS": ["1"]}})
    assert (code, message) == ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_an_unused_expression_attribute_value_is_a_validation_exception(ddb, table):
    code, message = code_and_message(
        ddb.put_item, TableName=table, Item=KEY, ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":x": {"S": "1"}},
    )
    assert (code, message) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
    )


def test_an_unused_expression_attribute_name_is_a_validation_exception(ddb, table):
    code, message = code_and_message(
        ddb.get_item, TableName=table, Key=KEY, ProjectionExpression="a", ExpressionAttributeNames={"#x": "x"}
    )
    assert (code, message) == (
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
    )


def test_an_undefined_expression_attribute_value_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item=KEY, ConditionExpression="v = :missing")
    assert (code, message) == (
        "ValidationException",
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :missing",
    )


def test_an_undefined_expression_attribute_name_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.get_item, TableName=table, Key=KEY, ProjectionExpression="#missing")
    assert (code, message) == (
        "ValidationException",
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #missing",
    )


def test_a_reserved_word_as_an_attribute_name_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.get_item, TableName=table, Key=KEY, ProjectionExpression="name")
    assert (code, message) == (
        "ValidationException",
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name",
    )


def test_expression_attribute_values_without_an_expression_are_a_validation_exception(ddb, table):
    code, message = code_and_message(
        ddb.put_item, TableName=table, Item=KEY, ExpressionAttributeValues={":x": {"S": "1"}}
    )
    assert (code, message) == (
        "ValidationException",
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null",
    )


# --- GetItem projections -----------------------------------------------------------------


def test_projection_expression_returns_only_the_named_paths(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={**KEY, "m": {"M": {"a": {"S": "1"}, "b": {"S": "2"}}}, "l": {"L": [{"S": "x"}, {"S": "y"}]}, "z": {"S": "z"}},
    )
    item = get(ddb, table, ProjectionExpression="m.b, l[1], #p", ExpressionAttributeNames={"#p": "pk"})
    assert item == {**KEY, "m": {"M": {"b": {"S": "2"}}}, "l": {"L": [{"S": "y"}]}}


def test_projected_list_elements_come_back_compacted_in_index_order(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}]}})
    assert get(ddb, table, ProjectionExpression="l[2], l[0]") == {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}}


def test_projected_paths_under_one_list_element_are_merged_into_it(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "l": {"L": [{"M": {"a": {"S": "A"}, "b": {"S": "B"}, "c": {"S": "C"}}}]}})
    assert get(ddb, table, ProjectionExpression="l[0].a, l[0].b") == {"l": {"L": [{"M": {"a": {"S": "A"}, "b": {"S": "B"}}}]}}


def test_a_projection_naming_only_missing_attributes_returns_an_empty_item(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "a": {"S": "1"}})
    response = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="nothere")
    assert response["Item"] == {}


def test_attributes_to_get_returns_only_the_named_top_level_attributes(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "a": {"S": "1"}, "b": {"S": "2"}})
    assert get(ddb, table, AttributesToGet=["a"]) == {"a": {"S": "1"}}


def test_expression_and_legacy_parameters_cannot_be_mixed(ddb, table):
    code, message = code_and_message(
        ddb.get_item, TableName=table, Key=KEY, ProjectionExpression="a", AttributesToGet=["a"]
    )
    assert code == "ValidationException"
    assert message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
    )


# --- legacy Expected and AttributeUpdates -----------------------------------------------


def test_expected_value_must_equal_the_stored_value(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "10"}})
    code, _ = code_and_message(
        ddb.put_item, TableName=table, Item={**KEY, "v": {"N": "11"}}, Expected={"v": {"Value": {"N": "99"}}}
    )
    assert code == "ConditionalCheckFailedException"
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "11"}}, Expected={"v": {"Value": {"N": "10"}}})
    assert get(ddb, table)["v"] == {"N": "11"}


def test_expected_exists_false_requires_the_attribute_to_be_absent(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    code, _ = code_and_message(ddb.delete_item, TableName=table, Key=KEY, Expected={"v": {"Exists": False}})
    assert code == "ConditionalCheckFailedException"
    ddb.delete_item(TableName=table, Key=KEY, Expected={"w": {"Exists": False}})
    assert get(ddb, table) is None


def test_expected_comparison_operators_combine_with_conditional_operator_or(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "30"}})
    ddb.update_item(
        TableName=table,
        Key=KEY,
        Expected={
            "v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]},
            "w": {"ComparisonOperator": "NULL"},
        },
        ConditionalOperator="OR",
        AttributeUpdates={"w": {"Action": "PUT", "Value": {"S": "set"}}},
    )
    assert get(ddb, table)["w"] == {"S": "set"}


def test_expected_conditions_combine_with_and_by_default(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "30"}})
    code, _ = code_and_message(
        ddb.put_item,
        TableName=table,
        Item=KEY,
        Expected={
            "v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]},
            "w": {"ComparisonOperator": "NULL"},
        },
    )
    assert code == "ConditionalCheckFailedException"


def test_attribute_updates_put_add_and_delete(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "10"}, "gone": {"S": "x"}, "s": {"SS": ["a", "b"]}})
    response = ddb.update_item(
        TableName=table,
        Key=KEY,
        AttributeUpdates={
            "n": {"Action": "ADD", "Value": {"N": "5"}},
            "new": {"Action": "PUT", "Value": {"S": "v"}},
            "gone": {"Action": "DELETE"},
            "s": {"Action": "DELETE", "Value": {"SS": ["a"]}},
        },
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {**KEY, "n": {"N": "15"}, "new": {"S": "v"}, "s": {"SS": ["b"]}}


def test_attribute_updates_of_a_mismatched_set_type_is_a_type_mismatch(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "ss": {"SS": ["a"]}})
    code, message = code_and_message(
        ddb.update_item, TableName=table, Key=KEY, AttributeUpdates={"ss": {"Action": "ADD", "Value": {"NS": ["1"]}}}
    )
    assert (code, message) == ("ValidationException", "Type mismatch for attribute to update")


def test_expected_and_condition_expression_cannot_be_mixed(ddb, table):
    code, message = code_and_message(
        ddb.put_item, TableName=table, Item=KEY, ConditionExpression="attribute_exists(pk)",
        Expected={"n": {"Exists": False}},
    )
    assert (code, message) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
    )


def test_an_expected_comparison_with_the_wrong_number_of_values_is_a_validation_exception(ddb, table):
    code, message = code_and_message(
        ddb.put_item, TableName=table, Item=KEY, Expected={"n": {"ComparisonOperator": "EQ", "AttributeValueList": []}}
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator",
    )


def test_attribute_updates_without_an_action_puts(ddb, table):
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={"a": {"Value": {"S": "x"}}})
    assert get(ddb, table) == {**KEY, "a": {"S": "x"}}


# --- values and sizes --------------------------------------------------------------------


def test_an_item_of_exactly_400_kb_is_accepted_and_one_byte_more_is_refused(ddb, table):
    # Size counts attribute names and values: "pk" + "k" + "v" + value = 409,600 bytes.
    ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "x" * (409_600 - 4)}})
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "v": {"S": "x" * (409_600 - 3)}})
    assert (code, message) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_an_update_growing_the_item_past_400_kb_is_refused(ddb, table):
    ddb.put_item(TableName=table, Item={**KEY, "a": {"S": "x" * 300_000}})
    code, message = code_and_message(update, ddb=ddb, table=table, expression="SET b = :v", values={":v": {"S": "y" * 200_000}})
    assert (code, message) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert set(get(ddb, table)) == {"pk", "a"}


def test_an_empty_string_key_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={"pk": {"S": ""}})
    assert code == "ValidationException"
    assert message == (
        "One or more parameter values are not valid. "
        "The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"
    )


def test_a_partition_key_over_2048_bytes_is_refused_and_2048_accepted(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "x" * 2048}})
    code, message = code_and_message(ddb.put_item, TableName=table, Item={"pk": {"S": "x" * 2049}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    )


def test_a_sort_key_over_1024_bytes_is_refused_and_1024_accepted(ddb):
    name = create_table(ddb, range_key=("sk", "S"))["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "y" * 1024}})
    code, message = code_and_message(ddb.put_item, TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "y" * 1025}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )


def test_null_false_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "x": {"NULL": False}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Null attribute value types must have the value of true",
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ],
    ids=["two_types", "no_type"],
)
def test_an_attribute_value_needs_exactly_one_type(ddb_unchecked, table, value, message):
    assert code_and_message(ddb_unchecked.put_item, TableName=table, Item={**KEY, "x": value}) == ("ValidationException", message)


def test_an_empty_string_set_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "s": {"SS": []}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: An string set  may not be empty",
    )


def test_a_string_set_with_duplicate_members_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "s": {"SS": ["a", "a"]}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
    )


def test_a_number_that_is_not_numeric_is_a_validation_exception(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "n": {"N": "twelve"}})
    assert (code, message) == ("ValidationException", "The parameter cannot be converted to a numeric value: twelve")


def test_a_binary_set_with_duplicate_members_names_its_type_in_the_message(ddb, table):
    code, message = code_and_message(ddb.put_item, TableName=table, Item={**KEY, "s": {"BS": [b"b", b"b"]}})
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.",
    )


@pytest.mark.parametrize(
    "number, message",
    [
        ("1.23456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
        ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ],
    ids=["39_digits", "overflow", "underflow"],
)
def test_numbers_beyond_38_digits_or_the_exponent_range_are_refused(ddb, table, number, message):
    assert code_and_message(ddb.put_item, TableName=table, Item={**KEY, "n": {"N": number}}) == (
        "ValidationException",
        message,
    )


def test_numbers_at_the_edges_of_the_range_and_precision_are_stored_exactly(ddb, table):
    edges = {
        "big": "9.9999999999999999999999999999999999999E+125",
        "small": "1E-130",
        "digits": "1234567890123456789012345678901234567.8",
    }
    ddb.put_item(TableName=table, Item={**KEY, **{name: {"N": n} for name, n in edges.items()}})
    item = get(ddb, table)
    assert {name: Decimal(item[name]["N"]) for name in edges} == {name: Decimal(n) for name, n in edges.items()}


@pytest.mark.parametrize("spelling", ["+3", ".123", "0001.23", "1e+5", "-17E5", "0e1000"])
def test_number_spellings_dynamodb_accepts(ddb, table, spelling):
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": spelling}})
    assert Decimal(get(ddb, table)["n"]["N"]) == Decimal(spelling)


@pytest.mark.parametrize("spelling", ["NaN", "Infinity", "-Infinity", " 1", "1 ", "0x10"])
def test_number_spellings_dynamodb_refuses(ddb, table, spelling):
    assert code_and_message(ddb.put_item, TableName=table, Item={**KEY, "n": {"N": spelling}}) == (
        "ValidationException",
        f"The parameter cannot be converted to a numeric value: {spelling}",
    )


def test_arithmetic_whose_exact_result_needs_more_than_38_digits_is_refused(ddb, table):
    # DynamoDB reports this case with its overflow message (scylladb test_number.py).
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET b = :big + :one", values={":big": {"N": "1e50"}, ":one": {"N": "1"}}
    )
    assert (code, message) == (
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    )


# --- capacity and item collection metrics on indexed tables -------------------------------


@pytest.fixture
def indexed_table(ddb):
    """pk/sk (S) with GSI byG on g (KEYS_ONLY) and LSI byL on pk/l (ALL)."""
    name = unique_name()
    create_table(
        ddb,
        name,
        range_key=("sk", "S"),
        definitions=[("g", "S"), ("l", "N")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "byL", "KeySchema": key_schema("pk", "l"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    return name


def test_return_consumed_capacity_indexes_splits_a_write_by_table_and_index(ddb, indexed_table):
    response = ddb.put_item(
        TableName=indexed_table,
        Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == {
        "TableName": indexed_table,
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"byG": {"CapacityUnits": 1.0}},
    }


def test_return_item_collection_metrics_size_reports_the_collection_of_a_table_with_a_local_index(ddb, indexed_table):
    response = ddb.put_item(
        TableName=indexed_table,
        Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "l": {"N": "5"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert response["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": {"S": "a"}},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }


def test_an_index_key_of_the_wrong_type_is_a_validation_exception(ddb, indexed_table):
    code, message = code_and_message(
        ddb.put_item, TableName=indexed_table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"N": "1"}}
    )
    assert code == "ValidationException"
    assert message == (
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byG"
    )
