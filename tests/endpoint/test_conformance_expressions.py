"""Conformance, round two: UpdateExpression and ConditionExpression edge cases, the
ExpressionAttributeNames/Values maps, and the expression size and operator limits.

Every expected value comes from a suite that was run against the live service, named in
the test's comment: scylladb test/alternator (test_update_expression.py,
test_condition_expression.py, test_limits.py), dynalite test/updateItem.js (asserted
against DynamoDB when written), ExtendDB tests (dual-target against Amazon DynamoDB,
captured us-east-1), and moto's aws_verified tests. Tests marked xfail(strict=True) pin
DynamoDB's behaviour where the engine still differs; the reason names the difference.
"""

import pytest
from botocore.exceptions import ClientError

from support import code_and_message, create_table, key_schema

KEY = {"pk": {"S": "k"}}
N = lambda n: {"N": str(n)}  # noqa: E731
S = lambda s: {"S": s}  # noqa: E731


def update(ddb, table, expression, values=None, names=None, key=KEY, **params):
    if values is not None:
        params["ExpressionAttributeValues"] = values
    if names is not None:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(TableName=table, Key=key, UpdateExpression=expression, **params)


def get(ddb, table, key=KEY):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def guarded_put(ddb, table, item, condition, values=None, names=None):
    """PutItem of `item` under `condition`; returns the error code, or None on success."""
    params = {"ConditionExpression": condition}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    try:
        ddb.put_item(TableName=table, Item=item, **params)
        return None
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]


# =========================================================================================
# UpdateExpression: grammar and tokens
# =========================================================================================


def test_set_reads_its_operands_before_any_action_writes(ddb, table):
    # scylla test_update_expression.py::test_update_expression_set_copy
    ddb.put_item(TableName=table, Item={**KEY, "a": S("hello")})
    assert code_and_message(update, ddb=ddb, table=table, expression="SET x = :v, y = x", values={":v": N(4)}) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
    )


def test_remove_and_set_in_one_update_read_the_value_before_it_is_removed(ddb, table):
    # scylla test_update_expression.py::test_update_expression_multi_with_copy
    ddb.put_item(TableName=table, Item={**KEY, "a": S("hello")})
    update(ddb, table, "REMOVE a SET b = a")
    assert get(ddb, table) == {**KEY, "b": S("hello")}


@pytest.mark.parametrize(
    "expression",
    ["SET _123 = :v"],
    ids=["underscore_first"],
)
def test_a_bare_attribute_name_must_be_a_letter_led_token(ddb, table, expression):
    # scylla test_update_expression.py::test_update_expression_name_token
    code, message = code_and_message(update, ddb=ddb, table=table, expression=expression, values={":v": N(1)})
    assert code == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Syntax error; token: "), message


def test_placeholders_may_start_with_a_digit_or_an_underscore(ddb, table):
    # scylla test_update_expression.py::test_update_expression_name_token
    update(
        ddb, table, "SET #123 = :_, #_ = :123",
        values={":_": N(1), ":123": N(2)}, names={"#123": "3can include any character!.#=", "#_": "y"},
    )
    assert get(ddb, table) == {**KEY, "3can include any character!.#=": N(1), "y": N(2)}


def test_a_section_repeated_after_another_section_is_refused(ddb, table):
    # scylla test_update_expression.py::test_update_expression_multi; moto test_update_item_range_key_set
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="ADD x :one SET a = :a ADD y :one", values={":one": N(1), ":a": S("l")}
    )
    assert (code, message) == (
        "ValidationException",
        'Invalid UpdateExpression: The "ADD" section can only be used once in an update expression;',
    )


def test_two_placeholders_naming_one_attribute_overlap(ddb, table):
    # scylla test_update_expression.py::test_update_expression_multi_overlap
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET #a1 = :v1, #a2 = :v2",
        values={":v1": S("yo"), ":v2": S("he")}, names={"#a1": "a", "#a2": "a"},
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths overlap with each other; "
        "must remove or rewrite one of these paths; path one: [a], path two: [a]",
    )


OVERLAPS = [
    ("set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
    ("remove c, #c.a, #d", "[c]", "[c, a]"),
]


@pytest.mark.parametrize("expression, one, two", OVERLAPS, ids=[f"case{i}" for i in range(len(OVERLAPS))])
def test_overlapping_paths_are_reported_with_both_paths(ddb, table, expression, one, two):
    # dynalite test/updateItem.js 'should return ValidationException for overlapping paths in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression=expression, names={"#c": "c", "#d": "[3]"}
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths overlap with each other; "
        f"must remove or rewrite one of these paths; path one: {one}, path two: {two}",
    )


def test_path_overlap_is_checked_before_function_operand_counts(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for overlapping paths in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)",
        names={"#c": "c", "#d": "[3]"},
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths overlap with each other; "
        "must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]",
    )


def test_conflicting_paths_are_reported_before_unused_names(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for conflicting paths in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="remove a.#c set a[1] = #d",
        names={"#b": "b", "#c": "c", "#d": "[3]"},
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths conflict with each other; "
        "must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]",
    )


def test_path_conflict_is_checked_before_function_operand_counts(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for conflicting paths in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="set #c[3].#d = a, #c.#d[3] = if_not_exists(a)",
        names={"#b": "b", "#c": "c", "#d": "[3]"},
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths conflict with each other; "
        "must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]",
    )


def test_a_reserved_word_is_reported_before_a_repeated_section(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for reserved keywords'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression=" set #c = :c set abOrt = true ",
        values={":c": S("a")}, names={"#c": "c"},
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt",
    )


def test_an_unknown_function_is_reported_before_a_repeated_section(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for invalid functions in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="set #c = if_not_exist(:c) set c = d",
        values={":c": S("a")}, names={"#c": "c"},
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Invalid function name; function: "), message


def test_a_section_keyword_in_operand_position_is_a_syntax_error(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for syntax errors in UpdateExpression'
    code, message = code_and_message(update, ddb=ddb, table=table, expression="set a=set")
    assert code == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Syntax error; "), message


def test_set_accepts_parenthesised_operands_and_orders_appends_by_index(ddb, table):
    # dynalite test/updateItem.js 'should update nested attributes'
    update(
        ddb, table, "set b = :b, c = :c",
        values={":b": {"M": {"a": N(1), "b": N(2), "c": N(3)}}, ":c": {"L": [N(1), N(3)]}},
    )
    response = update(
        ddb, table,
        "set b.c=((c[1])+(b.a)),b.a = pk,c[1] = pk, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a",
        values={":a": N(2), ":b": {"SS": ["a"]}}, ReturnValues="UPDATED_NEW",
    )
    assert response["Attributes"] == {"b": {"M": {"a": KEY["pk"], "c": N(4)}}, "c": {"L": [KEY["pk"], N(3), N(2)]}}
    assert get(ddb, table) == {
        **KEY,
        "b": {"M": {"a": KEY["pk"], "b": N(2), "c": N(4)}},
        "c": {"L": [N(1), KEY["pk"], N(3), N(-1), N(2), {"SS": ["a"]}]},
    }


# =========================================================================================
# UpdateExpression: functions and operand types
# =========================================================================================


def test_list_append_takes_exactly_two_operands(ddb, table):
    # scylla test_update_expression.py::test_update_expression_list_append_basic (message in its comment)
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET a = list_append(:v)", values={":v": {"L": [S("a")]}}
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; "
        "operator or function: list_append, number of operands: 1",
    )


@pytest.mark.parametrize("name", ["LIST_APPEND"])
def test_function_names_are_case_sensitive_and_unknown_names_are_named(ddb, table, name):
    # scylla test_update_expression.py::test_update_expression_list_append_basic, ::test_update_expression_unknown_function
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression=f"SET a = {name}(:x, :y)", values={":x": {"L": []}, ":y": {"L": []}}
    )
    assert (code, message) == ("ValidationException", f"Invalid UpdateExpression: Invalid function name; function: {name}")


@pytest.mark.parametrize(
    "expression", ["SET b = if_not_exists(if_not_exists(a, :v), :w)"], ids=["function_first"],
)
def test_if_not_exists_needs_a_document_path_first(ddb, table, expression):
    # scylla ::test_update_expression_if_not_exists; dynalite 'incorrect operand path type to functions'
    code, message = code_and_message(update, ddb=ddb, table=table, expression=expression, values={":v": N(3), ":w": N(6)})
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists",
    )


def test_an_undefined_value_in_if_not_exists_is_reported_first(ddb, table):
    # scylla test_update_expression.py::test_update_expression_if_not_exists (comment)
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET b = if_not_exists(:v2, :v1)", values={":v1": N(6)}
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v2",
    )


def test_plus_applies_to_a_function_result_but_not_inside_its_arguments(ddb, table):
    # scylla test_update_expression.py::test_update_expression_function_plus_nesting
    update(ddb, table, "SET b = if_not_exists(b, :v1)+:v2", values={":v1": N(2), ":v2": N(3)})
    assert get(ddb, table)["b"] == N(5)
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET c = if_not_exists(c, :v1+:v2)", values={":v1": N(5), ":v2": N(4)}
    )
    assert code == "ValidationException"
    assert message.startswith('Invalid UpdateExpression: Syntax error; token: "+"'), message


def test_only_two_operands_can_be_added(ddb, table):
    # scylla test_update_expression.py::test_update_expression_plus_basic
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET b = :a + :b + :c", values={":a": N(4), ":b": N(3), ":c": N(2)}
    )
    assert code == "ValidationException"
    assert message.startswith('Invalid UpdateExpression: Syntax error; token: "+"'), message


@pytest.mark.parametrize("index", [":i", "#i"], ids=["value_reference", "name_reference"])
def test_a_list_index_must_be_a_literal_integer(ddb, table, index):
    # scylla ::test_update_expression_nested_attribute_index_reference{,_name}
    ddb.put_item(TableName=table, Item={**KEY, "a": {"L": [S("one"), S("two")]}})
    values = {":v": S("hello"), **({":i": N(1)} if index == ":i" else {})}
    code, message = code_and_message(update, ddb=ddb, table=table, expression=f"SET a[{index}] = :v", values=values)
    assert code == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Syntax error; "), message


LIST_APPEND_OPERANDS = [(":g", "NS")]
ALL_TYPES = {
    ":a": S("a"), ":b": N(1), ":c": {"B": b"a"}, ":d": {"BOOL": False}, ":e": {"NULL": True},
    ":f": {"SS": ["a"]}, ":g": {"NS": ["1"]}, ":h": {"BS": [b"a"]}, ":i": {"M": {}}, ":j": {"L": []},
}


@pytest.mark.parametrize("operand, type_name", LIST_APPEND_OPERANDS, ids=[t for _, t in LIST_APPEND_OPERANDS])
def test_list_append_refuses_a_literal_that_is_not_a_list(ddb, table, operand, type_name):
    # dynalite test/updateItem.js 'should return ValidationException for incorrect types to functions in UpdateExpression'
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression=f"set a = list_append({operand}, a)", values={operand: ALL_TYPES[operand]}
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator or function: list_append, operand type: {type_name}",
    )


ARITHMETIC_OPERANDS = [("set a = a - :f", "-", "SS")]


@pytest.mark.parametrize("expression, operator, type_name", ARITHMETIC_OPERANDS, ids=[f"{o}{t}" for _, o, t in ARITHMETIC_OPERANDS])
def test_arithmetic_refuses_a_literal_that_is_not_a_number(ddb, table, expression, operator, type_name):
    # dynalite test/updateItem.js 'should return ValidationException for incorrect types to functions in UpdateExpression'
    values = {k: v for k, v in ALL_TYPES.items() if k in expression}
    code, message = code_and_message(update, ddb=ddb, table=table, expression=expression, values=values)
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {type_name}",
    )


ADD_DELETE_OPERANDS = [("add", {"BOOL": False}, "BOOLEAN"), ("delete", {"M": {}}, "MAP")]


@pytest.mark.parametrize(
    "action, value, type_name", ADD_DELETE_OPERANDS, ids=[f"{a}_{t}" for a, _, t in ADD_DELETE_OPERANDS]
)
def test_add_and_delete_refuse_operands_that_are_not_sets_or_numbers(ddb, table, action, value, type_name):
    # dynalite test/updateItem.js 'should return ValidationException for incorrect types in UpdateExpression'
    code, message = code_and_message(update, ddb=ddb, table=table, expression=f"{action} a.b :a", values={":a": value})
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator: {action.upper()}, operand type: {type_name}",
    )


DATA_TYPE_MISMATCHES = [
    ("delete b.a :a", {"NS": ["1"]}), ("set e = list_append(d, if_not_exists(f, :a))", {"L": []}),
]


@pytest.mark.parametrize("expression, value", DATA_TYPE_MISMATCHES, ids=[f"case{i}" for i in range(len(DATA_TYPE_MISMATCHES))])
def test_an_action_on_a_stored_value_of_the_wrong_type_is_an_incorrect_data_type(ddb, table, expression, value):
    # dynalite test/updateItem.js 'should return ValidationException if using expression to delete/add incorrect types'
    update(
        ddb, table, "set b = :b, c = :c, d = :d",
        values={":b": {"M": {"a": {"SS": ["1"]}}}, ":c": N(1), ":d": {"NS": ["1"]}},
    )
    assert code_and_message(update, ddb=ddb, table=table, expression=expression, values={":a": value}) == (
        "ValidationException",
        "An operand in the update expression has an incorrect data type",
    )


@pytest.mark.parametrize(
    "expression",
    ["set pk = pk.b + pk[1]"],
    ids=["set_from_itself"],
)
def test_any_action_touching_the_key_is_refused_before_anything_else(ddb, table, expression):
    # dynalite test/updateItem.js 'should return ValidationException if trying to update key'
    values = {":a": {"NS": ["1"]} if "delete" in expression else N(1)} if ":a" in expression else None
    assert code_and_message(update, ddb=ddb, table=table, expression=expression, values=values) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    )


# =========================================================================================
# UpdateExpression: document paths and lists
# =========================================================================================


def test_set_past_the_end_appends_in_index_order(ddb, table):
    # scylla test_update_expression.py::test_nested_attribute_update_array_out_of_bounds
    ddb.put_item(TableName=table, Item={**KEY, "a": {"L": [S("one"), S("two"), S("three")]}})
    update(ddb, table, "SET a[7] = :v", values={":v": S("hello")})
    update(
        ddb, table, "SET a[84] = :v1, a[37] = :v2, a[17] = :v3, a[50] = :v4",
        values={":v1": S("a1"), ":v2": S("a2"), ":v3": S("a3"), ":v4": S("a4")},
    )
    assert get(ddb, table)["a"] == {"L": [S(x) for x in ["one", "two", "three", "hello", "a3", "a2", "a4", "a1"]]}


@pytest.mark.parametrize("expression", ["REMOVE a[1] SET a[3] = :v", "SET a[3] = :v REMOVE a[1]"], ids=["remove_first", "set_first"])
def test_list_indexes_in_one_update_refer_to_the_list_before_it(ddb, table, expression):
    # scylla test_update_expression.py::test_update_expression_nested_remove_list_item_original_number
    ddb.put_item(TableName=table, Item={**KEY, "a": {"L": [N(i) for i in [2, 3, 4, 5, 6, 7]]}})
    update(ddb, table, expression, values={":v": N(17)})
    assert get(ddb, table)["a"] == {"L": [N(i) for i in [2, 4, 17, 6, 7]]}


def test_removing_a_missing_leaf_index_or_attribute_changes_nothing(ddb, table):
    # scylla test_update_expression.py::test_nested_attribute_remove_missing_leaf, ::..._remove_list_item_after_end
    item = {**KEY, "a": {"M": {"x": N(3)}}, "b": {"L": [S("hi")]}}
    ddb.put_item(TableName=table, Item=item)
    update(ddb, table, "REMOVE a.y")
    update(ddb, table, "REMOVE b[7]")
    update(ddb, table, "REMOVE c")
    assert get(ddb, table) == item


@pytest.mark.parametrize(
    "value, expression, left",
    [({"M": {"b": N(1)}}, "REMOVE a.b", {"M": {}}), ({"L": [N(1)]}, "REMOVE a[0]", {"L": []})],
    ids=["map", "list"],
)
def test_removing_the_only_member_leaves_an_empty_document(ddb, table, value, expression, left):
    # scylla test_update_expression.py::test_update_expression_nested_remove_singleton_{map,list}
    ddb.put_item(TableName=table, Item={**KEY, "a": value})
    update(ddb, table, expression)
    assert get(ddb, table)["a"] == left


INVALID_PATHS = ["REMOVE a.c", "SET a[0] = :v"]


@pytest.mark.parametrize("expression", INVALID_PATHS)
def test_a_path_through_a_scalar_or_missing_attribute_is_invalid_for_update(ddb, table, expression):
    # scylla test_update_expression.py::test_nested_attribute_update_bad_path_dot, ::..._bad_path_array
    ddb.put_item(TableName=table, Item={**KEY, "a": S("hello"), "b": {"L": [S("hi")]}})
    values = {":v": N(7)} if ":v" in expression else None
    assert code_and_message(update, ddb=ddb, table=table, expression=expression, values=values) == (
        "ValidationException",
        "The document path provided in the update expression is invalid for update",
    )


DOCUMENT_PATHS = [
    "set c[1] = :a, #1 = :a", "add d.#1 :a",
    "delete c[1] :a set #1 = :a", "delete y.a :a set #1 = :a",
]


@pytest.mark.parametrize("expression", DOCUMENT_PATHS)
def test_every_action_through_a_mistyped_document_path_is_invalid_for_update(ddb, table, expression):
    # dynalite test/updateItem.js 'should return ValidationException if trying to update non-existent nested attribute in existing item'
    update(ddb, table, "set b = pk, c = :c, d = :d", values={":c": {"M": {"1": S("a")}}, ":d": {"L": [S("a"), S("b")]}})
    assert code_and_message(
        update, ddb=ddb, table=table, expression=expression, names={"#1": "1"}, values={":a": {"SS": ["a"]}}
    ) == ("ValidationException", "The document path provided in the update expression is invalid for update")


# =========================================================================================
# UpdateExpression against secondary index keys
# =========================================================================================


@pytest.fixture
def gsi_table(ddb):
    """pk/sk (S) with a GSI keyed by c (S) / d (S)."""
    return create_table(
        ddb,
        range_key=("sk", "S"),
        definitions=[("c", "S"), ("d", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "index4", "KeySchema": key_schema("c", "d"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )["TableDescription"]["TableName"]


def test_setting_an_index_key_to_a_literal_of_another_type_is_a_type_mismatch(ddb, gsi_table):
    # dynalite test/updateItem.js 'should return ValidationException if trying to update wrong type on index'
    key = {"pk": S("a"), "sk": S("b")}
    assert code_and_message(update, ddb=ddb, table=gsi_table, key=key, expression="SET c = :n", values={":n": N(1)}) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key c Expected: S Actual: N IndexName: index4",
    )


def test_copying_a_value_of_another_type_into_an_index_key_is_refused(ddb, gsi_table):
    # dynalite test/updateItem.js 'should return ValidationException if trying to update existing index'
    key = {"pk": S("a"), "sk": S("b")}
    update(ddb, gsi_table, "SET e = :a", key=key, values={":a": N(1)})
    assert code_and_message(update, ddb=ddb, table=gsi_table, key=key, expression="SET c = e") == (
        "ValidationException",
        "The update expression attempted to update the secondary index key to unsupported type",
    )


def test_an_index_key_cannot_be_reached_through_a_document_path(ddb, gsi_table):
    # dynalite test/updateItem.js 'should return ValidationException if trying to update index map'
    key = {"pk": S("a"), "sk": S("b")}
    assert code_and_message(update, ddb=ddb, table=gsi_table, key=key, expression="set d[1] = :a", values={":a": N(1)}) == (
        "ValidationException",
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: d",
    )


# =========================================================================================
# ConditionExpression: comparisons
# =========================================================================================

BASE = {
    "pk": S("p1"), "n": N(5), "num": N(9), "flag": {"BOOL": True}, "s": S("x"),
    "nu": {"NULL": True}, "sset": {"SS": ["a", "b"]}, "lst": {"L": [S("a")]},
}
NON_ORDERABLE = {
    "BOOL": {"BOOL": True}, "NULL": {"NULL": True}, "SS": {"SS": ["a", "b"]},
    "NS": {"NS": ["1", "2"]}, "L": {"L": [S("a")]}, "M": {"M": {"k": S("a")}},
}


@pytest.fixture
def probe(ddb, table):
    ddb.put_item(TableName=table, Item=BASE)
    return table


@pytest.mark.parametrize(
    "operator, type_name",
    [("<", "NULL"), (">=", "M")],
    ids=["lt_NULL", "ge_M"],
)
def test_an_ordering_comparison_with_a_literal_that_has_no_order_is_refused(ddb, probe, operator, type_name):
    # ExtendDB tests/test_expr_operand_type_and_size.py::TestOrderingOperandType; scylla ::test_update_condition_lt
    assert guarded_put(ddb, probe, BASE, f"n {operator} :v", {":v": NON_ORDERABLE[type_name]}) == (
        "ValidationException",
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {type_name}",
    )


@pytest.mark.parametrize(
    "condition", ["attribute_not_exists(zzz) OR n > :bool"],
    ids=["or_short_circuit"],
)
def test_literal_operand_types_are_checked_even_where_evaluation_would_not_reach(ddb, probe, condition):
    # ExtendDB tests/test_expr_operand_type_and_size.py::test_validated_upfront_across_short_circuit_and_not
    code, message = guarded_put(ddb, probe, BASE, condition, {":bool": {"BOOL": True}})
    assert code == "ValidationException" and "Incorrect operand type" in message


@pytest.mark.parametrize(
    "condition, values",
    [("sset > n", None)],
    ids=["stored_set_against_a_path"],
)
def test_a_path_that_resolves_to_an_unordered_type_compares_false(ddb, probe, condition, values):
    # ExtendDB tests/test_expr_operand_type_and_size.py::test_non_orderable_document_path_does_not_reject
    assert guarded_put(ddb, probe, BASE, condition, values)[0] == "ConditionalCheckFailedException"


@pytest.mark.parametrize("operator, holds", [("=", False), ("<>", True)])
def test_two_missing_attributes_are_unequal_and_unordered(ddb, table, operator, holds):
    # scylla test_condition_expression.py::test_update_condition_{eq,ne}_two_unset, ::..._comparison_two_unset
    ddb.put_item(TableName=table, Item=KEY)
    outcome = guarded_put(ddb, table, KEY, f"q {operator} z")
    assert (outcome is None) == holds, outcome


def test_between_two_missing_bounds_is_false(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_comparison_two_unset
    ddb.put_item(TableName=table, Item=KEY)
    assert guarded_put(ddb, table, KEY, "q between z and x")[0] == "ConditionalCheckFailedException"


def test_between_literal_bounds_in_the_wrong_order_are_refused(ddb, probe):
    # scylla ::test_update_condition_between; dynalite test/query.js 'BETWEEN args are in the incorrect order'
    code, message = guarded_put(ddb, probe, BASE, "n BETWEEN :a AND :b", {":a": N(2), ":b": N(1)})
    assert code == "ValidationException"
    assert (
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        "lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"
    ) in message


def test_between_bounds_read_from_the_item_in_the_wrong_order_are_just_false(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_between
    item = {**KEY, "a": N(1), "two": N(2)}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "a BETWEEN two AND :v", {":v": N(1)})[0] == "ConditionalCheckFailedException"


def test_in_needs_at_least_one_value(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_in
    code, message = guarded_put(ddb, probe, BASE, "n IN ()")
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: Syntax error; "), message


def test_in_may_list_values_of_different_types(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_in
    assert guarded_put(ddb, probe, BASE, "n IN (:x, :y)", {":x": S("dog"), ":y": N(5)}) is None


def test_a_condition_on_nested_paths_compares_their_values(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_nested_attributes
    item = {**KEY, "b": {"M": {"x": N(1), "y": {"L": [N(-1), N(2), N(0)]}}}}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "b.x < b.y[1]") is None
    assert guarded_put(ddb, table, item, "b.x < b.y[0]")[0] == "ConditionalCheckFailedException"
    assert guarded_put(ddb, table, item, "b.z < b.y[100]")[0] == "ConditionalCheckFailedException"


def test_binary_values_compare_as_unsigned_bytes(ddb, table):
    # scylla test_condition_expression.py::test_condition_expression_unsigned_bytes
    item = {**KEY, "b": {"B": bytes([127])}}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "b < :v", {":v": {"B": bytes([128])}}) is None
    assert guarded_put(ddb, table, item, "b between :lo and :hi", {":lo": {"B": bytes([126])}, ":hi": {"B": bytes([128])}}) is None


def test_a_not_equal_condition_on_the_key_creates_an_item_only_once(ddb, table):
    # scylla test_condition_expression.py::test_update_item_condition_key_ne
    ddb.update_item(TableName=table, Key=KEY, ConditionExpression="pk <> :p", ExpressionAttributeValues={":p": KEY["pk"]})
    assert get(ddb, table) == KEY
    code, _ = code_and_message(
        ddb.update_item, TableName=table, Key=KEY, ConditionExpression="pk <> :p", ExpressionAttributeValues={":p": KEY["pk"]}
    )
    assert code == "ConditionalCheckFailedException"


def test_an_empty_condition_expression_is_refused(ddb, table):
    # dynalite test/updateItem.js 'should return ValidationException for empty ConditionExpression'
    assert code_and_message(ddb.put_item, TableName=table, Item=KEY, ConditionExpression="") == (
        "ValidationException",
        "Invalid ConditionExpression: The expression can not be empty;",
    )


def test_names_and_values_used_only_by_a_short_circuited_branch_count_as_used(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_unused_entries_short_circuit
    ddb.put_item(TableName=table, Item={**KEY, "a": N(1)})
    update(
        ddb, table, "SET #name1 = :val3", ConditionExpression="#name1 = :val1 OR #name2 = :val2",
        values={":val1": N(1), ":val2": N(2), ":val3": N(3)}, names={"#name1": "a", "#name2": "b"},
    )
    assert get(ddb, table) == {**KEY, "a": N(3)}


# =========================================================================================
# ConditionExpression: functions
# =========================================================================================


def test_attribute_exists_needs_a_document_path(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_attribute_exists
    code, message = guarded_put(ddb, probe, BASE, "attribute_exists (:val)", {":val": N(3)})
    assert code == "ValidationException" and "path" in message, message


def test_a_bare_operand_is_not_a_condition(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_single_value_attribute
    code, message = guarded_put(ddb, probe, BASE, "n")
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: Syntax error; "), message


def test_attribute_types_second_operand_must_be_a_value(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_attribute_type_second_arg
    assert guarded_put(ddb, probe, BASE, "attribute_type (n, s)")[0] == "ValidationException"


def test_an_unknown_attribute_type_name_is_refused_and_named(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_attribute_type_unknown
    code, message = guarded_put(ddb, probe, BASE, "attribute_type (n, :type)", {":type": S("DOG")})
    assert code == "ValidationException" and "DOG" in message, message


def test_attribute_type_also_accepts_a_value_as_its_first_operand(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_attribute_type
    assert guarded_put(ddb, probe, BASE, "attribute_type (:val, :type)", {":val": N(0), ":type": S("N")}) is None


@pytest.mark.parametrize("attribute", ["zzz"], ids=["missing"])
def test_begins_with_a_number_literal_is_refused_even_on_a_missing_attribute(ddb, probe, attribute):
    # scylla test_condition_expression.py::test_update_condition_begins_with
    assert guarded_put(ddb, probe, BASE, f"begins_with({attribute}, :arg)", {":arg": N(2)})[0] == "ValidationException"


def test_begins_with_works_with_the_operands_reversed(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_begins_with
    item = {**KEY, "a": S("hello")}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "begins_with(:str, a)", {":str": S("hellohi")}) is None
    assert guarded_put(ddb, table, item, "begins_with(zzz, :str)", {":str": S("d")})[0] == "ConditionalCheckFailedException"


def test_contains_finds_substrings_of_binaries_and_documents_in_lists(ddb, table):
    # scylla test_condition_expression.py::test_update_condition_contains
    item = {**KEY, "d": {"B": b"hi there"}, "e": {"L": [S("hi"), {"NS": ["1", "2"]}, {"L": [N(3), N(4)]}]}}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "contains(d, :arg)", {":arg": {"B": b"here"}}) is None
    assert guarded_put(ddb, table, item, "contains(d, :arg)", {":arg": {"B": b"dog"}})[0] == "ConditionalCheckFailedException"
    assert guarded_put(ddb, table, item, "contains(e, :arg)", {":arg": {"NS": ["1", "2"]}}) is None
    assert guarded_put(ddb, table, item, "contains(e, :arg)", {":arg": {"L": [N(3), N(4)]}}) is None


def test_contains_refuses_the_same_path_on_both_sides(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_contains_same_attribute
    assert guarded_put(ddb, probe, BASE, "contains(s, s)")[0] == "ValidationException"


@pytest.mark.parametrize(
    "value, size",
    [({"B": b"hi there"}, 8), ({"M": {"x": N(2), "y": {"M": {"m": N(3), "n": N(4)}}}}, 2)],
    ids=["binary_bytes", "map_entries"],
)
def test_size_counts_what_its_type_holds(ddb, table, value, size):
    # scylla test_condition_expression.py::test_update_condition_size
    item = {**KEY, "a": value}
    ddb.put_item(TableName=table, Item=item)
    assert guarded_put(ddb, table, item, "size(a) = :n", {":n": N(size)}) is None


@pytest.mark.parametrize("attribute", ["num"], ids=["number"])
def test_size_of_a_type_without_a_size_makes_the_comparison_false(ddb, probe, attribute):
    # scylla ::test_update_condition_size; ExtendDB ::TestSizeUnsupportedTypes
    assert guarded_put(ddb, probe, BASE, f"size({attribute}) > :z", {":z": N(0)})[0] == "ConditionalCheckFailedException"


def test_size_of_a_type_without_a_size_is_unequal_to_anything(ddb, probe):
    # ExtendDB tests/test_expr_operand_type_and_size.py::test_size_on_number_inequality_evaluates_true
    assert guarded_put(ddb, probe, BASE, "size(num) <> :z", {":z": N(0)}) is None


def test_size_takes_one_operand(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_size
    code, message = guarded_put(ddb, probe, BASE, "size(s, s) = :arg", {":arg": N(5)})
    assert code == "ValidationException" and "2" in message, message


@pytest.mark.parametrize(
    "condition, function",
    [("size(s)", "size"), ("attribute_exists(s) < :val", "attribute_exists")],
    ids=["size_alone", "attribute_exists_compared"],
)
def test_functions_used_in_the_wrong_role_are_refused(ddb, probe, condition, function):
    # scylla test_condition_expression.py::test_update_condition_size_alone, ::..._attribute_exists_in_comparison
    values = {":val": N(1)} if ":val" in condition else None
    assert guarded_put(ddb, probe, BASE, condition, values) == (
        "ValidationException",
        f"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: {function}",
    )


def test_an_unknown_condition_function_is_named(ddb, probe):
    # scylla test_condition_expression.py::test_update_condition_other_funcs
    assert guarded_put(ddb, probe, BASE, "dog(s) = :arg", {":arg": N(5)}) == (
        "ValidationException",
        "Invalid ConditionExpression: Invalid function name; function: dog",
    )


@pytest.mark.parametrize("function", ["if_not_exists", "list_append"])
def test_update_functions_are_not_allowed_in_a_condition(ddb, probe, function):
    # scylla test_condition_expression.py::test_update_condition_other_funcs ('ValidationException.*not allowed')
    assert guarded_put(ddb, probe, BASE, f"{function}(s, s) = :arg", {":arg": N(5)}) == (
        "ValidationException",
        f"Invalid ConditionExpression: The function is not allowed in a condition expression; function: {function}",
    )


# =========================================================================================
# ExpressionAttributeNames and ExpressionAttributeValues maps
# =========================================================================================


@pytest.mark.parametrize("key", ["#a-b"], ids=["invalid_character"])
def test_a_malformed_name_placeholder_is_a_syntax_error_on_the_key(ddb_unchecked, table, key):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_name_key_prefix_only, ::test_name_key_invalid_char
    assert code_and_message(
        ddb_unchecked.get_item, TableName=table, Key=KEY, ProjectionExpression="#a", ExpressionAttributeNames={key: "foo"}
    ) == ("ValidationException", f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"')


@pytest.mark.parametrize("key", [":"], ids=["prefix_only"])
def test_a_malformed_value_placeholder_is_a_syntax_error_on_the_key(ddb_unchecked, table, key):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_value_key_prefix_only, ::test_value_key_invalid_char
    assert code_and_message(
        ddb_unchecked.scan, TableName=table, FilterExpression="foo = :v", ExpressionAttributeValues={key: S("x")}
    ) == ("ValidationException", f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"')


def test_a_placeholder_of_255_bytes_is_accepted(ddb, table):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_name_key_too_long (the limit is 255)
    ddb.put_item(TableName=table, Item={**KEY, "foo": S("a")})
    name = "#" + "a" * 254
    item = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=name, ExpressionAttributeNames={name: "foo"})["Item"]
    assert item == {"foo": S("a")}


def test_a_name_placeholder_over_255_bytes_is_too_long(ddb_unchecked, table):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_name_key_too_long
    assert code_and_message(
        ddb_unchecked.get_item, TableName=table, Key=KEY, ProjectionExpression="#a",
        ExpressionAttributeNames={"#" + "a" * 255: "foo"},
    ) == (
        "ValidationException",
        "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; "
        "size of key: 256",
    )


def test_a_value_placeholder_over_255_bytes_is_too_long(ddb_unchecked, table):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_value_key_too_long
    assert code_and_message(
        ddb_unchecked.scan, TableName=table, FilterExpression="foo = :v", ExpressionAttributeValues={":" + "a" * 255: S("x")}
    ) == (
        "ValidationException",
        "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;",
    )


def test_a_placeholder_cannot_stand_for_an_empty_name(ddb_unchecked, table):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_name_empty_mapped_value
    assert code_and_message(
        ddb_unchecked.get_item, TableName=table, Key=KEY, ProjectionExpression="#a", ExpressionAttributeNames={"#a": ""}
    ) == ("ValidationException", "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a")


def test_an_empty_expression_value_names_its_placeholder(ddb_unchecked, table):
    # ExtendDB tests/test_expression_attribute_map_validation.py::test_value_empty_attribute_value
    assert code_and_message(
        ddb_unchecked.scan, TableName=table, FilterExpression="foo = :v", ExpressionAttributeValues={":v": {}}
    ) == (
        "ValidationException",
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
        "must contain exactly one of the supported datatypes for key :v",
    )


def test_an_empty_set_in_expression_values_is_reported_as_an_invalid_value(ddb, table):
    # moto tests/test_dynamodb/test_dynamodb_update_expressions.py::test_update_item_add_empty_set (aws_verified)
    ddb.put_item(TableName=table, Item=KEY)
    code, message = code_and_message(update, ddb=ddb, table=table, expression="ADD stringset :emptySet", values={":emptySet": {"SS": []}})
    assert code == "ValidationException"
    assert message.startswith(
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty"
    ), message
    assert get(ddb, table) == KEY


@pytest.mark.parametrize("parameter", ["ExpressionAttributeNames"])
def test_an_empty_placeholder_map_is_refused(ddb_unchecked, table, parameter):
    # dynalite test/updateItem.js 'empty ExpressionAttributeNames/Values'; moto test_empty_expressionattributenames_with_projection
    params = {"ExpressionAttributeNames": {"#a": "a"}, "ExpressionAttributeValues": {":v": N(1)}, parameter: {}}
    code, message = code_and_message(
        ddb_unchecked.update_item, TableName=table, Key=KEY, UpdateExpression="SET #a = :v", **params
    )
    assert (code, message) == ("ValidationException", f"{parameter} must not be empty")


def test_update_item_values_without_expressions_name_both_expressions(ddb_unchecked, table):
    # dynalite test/updateItem.js 'should return ValidationException if ExpressionAttributeValues but no ConditionExpression'
    assert code_and_message(
        ddb_unchecked.update_item, TableName=table, Key=KEY, ExpressionAttributeValues={":b": S("a")}
    ) == (
        "ValidationException",
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
    )


# =========================================================================================
# Expression size and complexity limits
# =========================================================================================


def test_each_expression_may_be_4096_bytes_and_not_one_more(ddb, table):
    # scylla test_limits.py::test_limit_expression_len
    ddb.put_item(TableName=table, Item={**KEY, "a": N(1)})
    spaces = " " * 4085
    update(ddb, table, f"SET{spaces}a = :val", values={":val": N(1)})
    code, message = code_and_message(update, ddb=ddb, table=table, expression=f"SET {spaces}a = :val", values={":val": N(1)})
    assert (code, message) == (
        "ValidationException",
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; expression size: 4097",
    )


@pytest.mark.parametrize("kind", ["ProjectionExpression", "FilterExpression"])
def test_every_expression_kind_reports_its_size_past_4096_bytes(ddb, table, kind):
    # scylla test_limits.py::test_limit_expression_len (message from ::test_limit_expression_len_crash1's comment)
    spaces = " " * 4085
    if kind == "ProjectionExpression":
        call = lambda: ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="x" * 4097)  # noqa: E731
    elif kind == "ConditionExpression":
        call = lambda: ddb.put_item(  # noqa: E731
            TableName=table, Item=KEY, ConditionExpression=f"a {spaces} = :oldval", ExpressionAttributeValues={":oldval": N(2)}
        )
    else:
        call = lambda: ddb.scan(  # noqa: E731
            TableName=table, FilterExpression=f"a {spaces} = :theval", ExpressionAttributeValues={":theval": N(2)}
        )
    assert code_and_message(call) == (
        "ValidationException",
        f"Invalid {kind}: Expression size has exceeded the maximum allowed size; expression size: 4097",
    )


def test_expression_size_is_checked_before_syntax(ddb, table):
    # scylla test_limits.py::test_limit_expression_len_crash3
    code, message = code_and_message(ddb.put_item, TableName=table, Item=KEY, ConditionExpression="(" * 15000)
    assert (code, message) == (
        "ValidationException",
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 15000",
    )


def test_a_condition_may_have_300_operators_and_not_301(ddb, table):
    # scylla test_limits.py::test_deeply_nested_expression_2
    ddb.put_item(TableName=table, Item={**KEY, "a": N(1), "b": N(2)})
    nested = lambda depth: "a<b " + "or (a<b " * depth + ")" * depth  # noqa: E731
    update(ddb, table, "SET z = :val", ConditionExpression=nested(149), values={":val": N(1)})
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET z = :val", ConditionExpression=nested(150), values={":val": N(1)}
    )
    assert (code, message) == (
        "ValidationException",
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301",
    )


def test_not_counts_as_an_operator(ddb, table):
    # scylla test_limits.py::test_deeply_nested_expression_4
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET z = :val", ConditionExpression="not " * 1000 + "a<b",
        values={":val": N(2)},
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: The expression contains too many operators"), message


def test_deeply_nested_unknown_functions_are_reported_by_name(ddb, table):
    # scylla test_limits.py::test_deeply_nested_expression_5 (DynamoDB's message in its comment)
    depth = 1355
    assert code_and_message(
        update, ddb=ddb, table=table, expression="SET z = :val", ConditionExpression="a < " + "f(" * depth + "b" + ")" * depth,
        values={":val": N(2)},
    ) == ("ValidationException", "Invalid ConditionExpression: Invalid function name; function: f")


def test_deeply_redundant_parentheses_are_reported_as_redundant(ddb, table):
    # scylla test_limits.py::test_deeply_nested_expression_3 (DynamoDB's message in its comment)
    depth = 2046
    code, message = code_and_message(
        update, ddb=ddb, table=table, expression="SET z = :val", ConditionExpression="(" * depth + "a<b" + ")" * depth,
        values={":val": N(2)},
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: The expression has redundant parentheses"), message
