"""BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems through boto3's
low-level client, with the errors DynamoDB answers them with, read the way SDK users read
them: `e.response['Error']` and, for a cancelled transaction, `e.response['CancellationReasons']`.

Expected values follow the DynamoDB API Reference (BatchGetItem, BatchWriteItem,
TransactWriteItems, TransactGetItems), the Developer Guide ("Managing complex workflows with
DynamoDB transactions": idempotency, capacity) and scylladb test/alternator test_transact.py
and test_batch.py, dynalite and moto's aws_verified tests.
"""

import pytest

from support import client_error, code_and_message, create_table, pages_of, unique_name


def item(pk, **attrs):
    return {"pk": {"S": pk}, **{name: {"S": value} for name, value in attrs.items()}}


def get(ddb, table, pk):
    return ddb.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")


# --- BatchWriteItem ----------------------------------------------------------------------


def test_batch_write_item_puts_and_deletes_across_tables(ddb, table, range_table):
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "old"}, "sk": {"N": "1"}})
    response = ddb.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": item("a1", v="x")}}, {"PutRequest": {"Item": item("a2")}}],
            range_table: [{"DeleteRequest": {"Key": {"pk": {"S": "old"}, "sk": {"N": "1"}}}}],
        }
    )
    assert response["UnprocessedItems"] == {}
    assert get(ddb, table, "a1") == item("a1", v="x")
    assert "Item" not in ddb.get_item(TableName=range_table, Key={"pk": {"S": "old"}, "sk": {"N": "1"}})


def test_batch_write_item_capacity_is_rounded_per_item_and_summed_per_table(ddb, table):
    response = ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": item("a", v="x" * 500)}},
                {"PutRequest": {"Item": item("b", v="x" * 3500)}},
            ]
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 5.0}]


def test_batch_write_item_allows_at_most_25_requests(ddb, table):
    code, message = code_and_message(
        ddb.batch_write_item, RequestItems={table: [{"PutRequest": {"Item": item(f"k{i}")}} for i in range(26)]}
    )
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value ") and "at 'requestItems' failed to satisfy constraint" in message
    assert "Member must have length less than or equal to 25" in message


def test_batch_write_item_refuses_two_requests_for_one_key_and_writes_nothing(ddb, table):
    code, message = code_and_message(
        ddb.batch_write_item,
        RequestItems={table: [{"PutRequest": {"Item": item("k")}}, {"DeleteRequest": {"Key": {"pk": {"S": "k"}}}}]},
    )
    assert (code, message) == ("ValidationException", "Provided list of item keys contains duplicates")
    assert get(ddb, table, "k") is None


def test_batch_write_item_validates_the_whole_batch_before_writing(ddb, table):
    code, message = code_and_message(
        ddb.batch_write_item,
        RequestItems={table: [{"PutRequest": {"Item": item("fine")}}, {"PutRequest": {"Item": {"nokey": {"S": "x"}}}}]},
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key pk in the item",
    )
    assert get(ddb, table, "fine") is None


def test_batch_write_item_reports_a_wrong_type_key_as_not_matching_the_schema(ddb, table):
    code, message = code_and_message(ddb.batch_write_item, RequestItems={table: [{"PutRequest": {"Item": {"pk": {"N": "1"}}}}]})
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")


def test_batch_write_item_with_no_tables_is_a_validation_exception(ddb_unchecked):
    code, message = code_and_message(ddb_unchecked.batch_write_item, RequestItems={})
    assert code == "ValidationException"
    assert message.endswith("Member must have length greater than or equal to 1"), message


# --- BatchGetItem ------------------------------------------------------------------------


def test_batch_get_item_returns_found_items_per_table_and_skips_missing_ones(ddb, table, range_table):
    ddb.put_item(TableName=table, Item=item("a1", v="1"))
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "b1"}, "sk": {"N": "2"}})
    response = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [{"pk": {"S": "a1"}}, {"pk": {"S": "missing"}}]},
            range_table: {"Keys": [{"pk": {"S": "b1"}, "sk": {"N": "2"}}], "ConsistentRead": True},
        }
    )
    assert response["Responses"] == {
        table: [item("a1", v="1")],
        range_table: [{"pk": {"S": "b1"}, "sk": {"N": "2"}}],
    }
    assert response["UnprocessedKeys"] == {}


def test_batch_get_item_projects_with_projection_expression_and_names(ddb, table):
    ddb.put_item(TableName=table, Item=item("a", x="1", y="2", z="3"))
    response = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [{"pk": {"S": "a"}}], "ProjectionExpression": "#x, z", "ExpressionAttributeNames": {"#x": "x"}}
        }
    )
    assert response["Responses"][table] == [{"x": {"S": "1"}, "z": {"S": "3"}}]


def test_batch_get_item_projects_with_attributes_to_get(ddb, table):
    ddb.put_item(TableName=table, Item=item("a", x="1", y="2"))
    response = ddb.batch_get_item(RequestItems={table: {"Keys": [{"pk": {"S": "a"}}], "AttributesToGet": ["y"]}})
    assert response["Responses"][table] == [{"y": {"S": "2"}}]


def test_batch_get_item_cannot_mix_expression_and_legacy_projections_across_tables(ddb, table, range_table):
    code, message = code_and_message(
        ddb.batch_get_item,
        RequestItems={
            table: {"Keys": [{"pk": {"S": "a"}}], "ProjectionExpression": "pk"},
            range_table: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}], "AttributesToGet": ["pk"]},
        },
    )
    assert code == "ValidationException"
    assert message.startswith("Can not use both expression and non-expression parameters in the same request"), message


def test_batch_get_item_capacity_is_per_item_and_per_table(ddb, table, range_table):
    ddb.put_item(TableName=table, Item=item("a"))
    response = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}]},
            range_table: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}], "ConsistentRead": True},
        },
        ReturnConsumedCapacity="TOTAL",
    )
    capacity = {c["TableName"]: c["CapacityUnits"] for c in response["ConsumedCapacity"]}
    assert capacity == {table: 1.0, range_table: 1.0}, "two eventual reads of half a unit; one strong read"


def test_batch_get_item_allows_at_most_100_keys(ddb, table):
    code, message = code_and_message(
        ddb.batch_get_item, RequestItems={table: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(101)]}}
    )
    assert (code, message) == ("ValidationException", "Too many items requested for the BatchGetItem call")


def test_batch_get_item_on_a_missing_table_is_resource_not_found(ddb):
    code, message = code_and_message(ddb.batch_get_item, RequestItems={"no-such-table": {"Keys": [{"pk": {"S": "a"}}]}})
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")


# --- TransactWriteItems ------------------------------------------------------------------


@pytest.fixture
def bank(ddb):
    name = create_table(ddb)["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "alice"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "bob"}, "balance": {"N": "0"}})
    return name


def transfer(table, amount):
    value = {":a": {"N": str(amount)}}
    return [
        {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": "alice"}},
                "UpdateExpression": "SET balance = balance - :a",
                "ConditionExpression": "balance >= :a",
                "ExpressionAttributeValues": value,
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": "bob"}},
                "UpdateExpression": "SET balance = balance + :a",
                "ExpressionAttributeValues": value,
            }
        },
    ]


def balances(ddb, table):
    return tuple(get(ddb, table, who)["balance"]["N"] for who in ("alice", "bob"))


def test_a_transaction_applies_put_update_delete_and_condition_check_together(ddb, bank):
    ddb.put_item(TableName=bank, Item=item("doomed"))
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": bank, "Item": item("carol", note="new"), "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": bank, "Key": {"pk": {"S": "bob"}}, "UpdateExpression": "SET balance = :v",
                        "ExpressionAttributeValues": {":v": {"N": "5"}}}},
            {"Delete": {"TableName": bank, "Key": {"pk": {"S": "doomed"}}}},
            {"ConditionCheck": {"TableName": bank, "Key": {"pk": {"S": "alice"}}, "ConditionExpression": "balance = :h",
                                "ExpressionAttributeValues": {":h": {"N": "100"}}}},
        ]
    )
    assert get(ddb, bank, "carol") == item("carol", note="new")
    assert get(ddb, bank, "bob")["balance"] == {"N": "5"}
    assert get(ddb, bank, "doomed") is None
    assert get(ddb, bank, "alice") == {"pk": {"S": "alice"}, "balance": {"N": "100"}}, "a ConditionCheck writes nothing"


def test_a_transaction_spans_tables(ddb, bank, range_table):
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": bank, "Item": item("dave")}},
            {"Put": {"TableName": range_table, "Item": {"pk": {"S": "dave"}, "sk": {"N": "1"}}}},
        ]
    )
    assert get(ddb, bank, "dave") is not None
    assert "Item" in ddb.get_item(TableName=range_table, Key={"pk": {"S": "dave"}, "sk": {"N": "1"}})


def test_a_failed_condition_cancels_everything_with_reasons_in_action_order(ddb, bank):
    response = client_error(ddb.transact_write_items, TransactItems=transfer(bank, 500))
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"
    )
    assert response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    assert balances(ddb, bank) == ("100", "0")


def test_every_failed_condition_is_reported_not_only_the_first(ddb, bank):
    response = client_error(
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": bank, "Item": item("p1")}},
            {"ConditionCheck": {"TableName": bank, "Key": {"pk": {"S": "p2"}}, "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": bank, "Item": item("p3"), "ConditionExpression": "attribute_exists(pk)"}},
        ],
    )
    assert [reason["Code"] for reason in response["CancellationReasons"]] == ["None", "ConditionalCheckFailed", "ConditionalCheckFailed"]
    assert "Message" not in response["CancellationReasons"][0]
    assert get(ddb, bank, "p1") is None


def test_return_values_on_condition_check_failure_puts_the_item_in_the_cancellation_reason(ddb, bank):
    actions = transfer(bank, 500)
    actions[0]["Update"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    response = client_error(ddb.transact_write_items, TransactItems=actions)
    assert response["CancellationReasons"][0] == {
        "Code": "ConditionalCheckFailed",
        "Message": "The conditional request failed",
        "Item": {"pk": {"S": "alice"}, "balance": {"N": "100"}},
    }


def test_return_values_on_condition_check_failure_none_leaves_the_item_out(ddb, bank):
    actions = transfer(bank, 500)
    actions[0]["Update"]["ReturnValuesOnConditionCheckFailure"] = "NONE"
    response = client_error(ddb.transact_write_items, TransactItems=actions)
    assert response["CancellationReasons"][0] == {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}


@pytest.mark.parametrize("value", ["none", "dog"])
def test_an_unknown_return_values_on_condition_check_failure_fails_the_whole_request(ddb, bank, value):
    actions = transfer(bank, 500)
    actions[0]["Update"]["ReturnValuesOnConditionCheckFailure"] = value
    code, message = code_and_message(ddb.transact_write_items, TransactItems=actions)
    assert code == "ValidationException"
    assert "returnValuesOnConditionCheckFailure" in message, message


@pytest.mark.parametrize("action", ["put_item_key", "update_key"])
def test_an_action_with_a_key_of_the_wrong_type_cancels_with_a_validation_error_reason(ddb, bank, action):
    wrong = (
        {"Put": {"TableName": bank, "Item": {"pk": {"N": "7"}}}}
        if action == "put_item_key"
        else {"Update": {"TableName": bank, "Key": {"pk": {"N": "7"}}, "UpdateExpression": "SET a = :v",
                         "ExpressionAttributeValues": {":v": {"N": "1"}}}}
    )
    response = client_error(
        ddb.transact_write_items,
        TransactItems=[wrong, {"Put": {"TableName": bank, "Item": item("fine"), "ConditionExpression": "attribute_exists(pk)"}}],
    )
    assert response["Error"]["Code"] == "TransactionCanceledException"
    reasons = response["CancellationReasons"]
    assert reasons[0]["Code"] == "ValidationError" and "Message" in reasons[0]
    assert reasons[1] == {"Code": "None"}, "actions are validated before any condition is checked"


def test_an_empty_string_key_in_a_transaction_fails_the_whole_request(ddb, bank):
    code, message = code_and_message(
        ddb.transact_write_items,
        TransactItems=[{"Update": {"TableName": bank, "Key": {"pk": {"S": ""}}, "UpdateExpression": "SET a = :v",
                                   "ExpressionAttributeValues": {":v": {"N": "1"}}}}],
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    )


def test_an_update_that_cannot_apply_cancels_with_a_validation_error_reason(ddb, bank):
    response = client_error(
        ddb.transact_write_items,
        TransactItems=[
            {"Update": {"TableName": bank, "Key": {"pk": {"S": "alice"}}, "UpdateExpression": "SET balance = nothere + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}
        ],
    )
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "The provided expression refers to an attribute that does not exist in the item"}
    ]


def test_an_unused_expression_attribute_name_fails_the_whole_request_not_one_action(ddb, bank):
    code, message = code_and_message(
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": bank, "Item": item("x"), "ConditionExpression": "attribute_exists(pk)",
                     "ExpressionAttributeNames": {"#xyz": "x"}}}
        ],
    )
    assert (code, message) == (
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#xyz}",
    )


def test_two_actions_on_one_item_are_a_validation_exception(ddb, bank):
    code, message = code_and_message(
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": bank, "Item": item("alice")}},
            {"ConditionCheck": {"TableName": bank, "Key": {"pk": {"S": "alice"}}, "ConditionExpression": "attribute_exists(pk)"}},
        ],
    )
    assert (code, message) == ("ValidationException", "Transaction request cannot include multiple operations on one item")


def test_a_condition_check_needs_a_condition_expression(ddb_unchecked, bank):
    code, message = code_and_message(
        ddb_unchecked.transact_write_items,
        TransactItems=[{"ConditionCheck": {"TableName": bank, "Key": {"pk": {"S": "alice"}}}}],
    )
    assert code == "ValidationException"
    assert "conditionexpression" in message.lower(), message


def test_more_than_100_write_actions_are_a_validation_exception(ddb, bank):
    code, message = code_and_message(
        ddb.transact_write_items,
        TransactItems=[{"Put": {"TableName": bank, "Item": item(f"k{i}")}} for i in range(101)],
    )
    assert code == "ValidationException"
    assert "transactItems" in message and "Member must have length less than or equal to 100" in message


def test_an_empty_transaction_is_a_validation_exception(ddb_unchecked):
    code, message = code_and_message(ddb_unchecked.transact_write_items, TransactItems=[])
    assert code == "ValidationException"
    assert "transactItems" in message and "Member must have length greater than or equal to 1" in message


def count(ddb, table):
    return sum(page["Count"] for page in pages_of(ddb.scan, TableName=table, Select="COUNT"))


def test_a_transaction_of_more_than_4_mb_is_a_validation_exception(ddb, table):
    big = "x" * 100_000
    code, message = code_and_message(
        ddb.transact_write_items,
        TransactItems=[{"Put": {"TableName": table, "Item": item(f"k{i}", v=big)}} for i in range(50)],
    )
    assert code == "ValidationException"
    assert "size cannot exceed" in message, message
    assert count(ddb, table) == 0


def test_a_transaction_of_about_3_mb_is_accepted(ddb, table):
    big = "x" * 100_000
    ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item(f"k{i}", v=big)}} for i in range(30)]
    )
    assert count(ddb, table) == 30


def test_a_transaction_on_a_missing_table_is_resource_not_found(ddb):
    code, _ = code_and_message(
        ddb.transact_write_items, TransactItems=[{"Put": {"TableName": "no-such-table", "Item": item("a")}}]
    )
    assert code == "ResourceNotFoundException"


def test_transactional_writes_cost_double_with_the_write_split_reported(ddb, bank):
    response = ddb.transact_write_items(TransactItems=transfer(bank, 1), ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": bank, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}]


def test_a_repeated_client_request_token_succeeds_without_writing_again(ddb, bank):
    token = unique_name("token")
    ddb.transact_write_items(TransactItems=transfer(bank, 10), ClientRequestToken=token)
    replay = ddb.transact_write_items(TransactItems=transfer(bank, 10), ClientRequestToken=token)
    assert replay["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert balances(ddb, bank) == ("90", "10")


def test_a_replayed_transaction_reports_the_read_cost_of_its_items(ddb, bank):
    ddb.put_item(TableName=bank, Item=item("big", v="x" * 1500))
    actions = [{"Update": {"TableName": bank, "Key": {"pk": {"S": "big"}}, "UpdateExpression": "SET n = :one",
                           "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    token = unique_name("token")
    first = ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token, ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"] == [{"TableName": bank, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}]
    replay = ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token, ReturnConsumedCapacity="TOTAL")
    assert replay["ConsumedCapacity"] == [{"TableName": bank, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]


def test_a_client_request_token_reused_with_other_parameters_is_an_idempotent_parameter_mismatch(ddb, bank):
    token = unique_name("token")
    ddb.transact_write_items(TransactItems=transfer(bank, 10), ClientRequestToken=token)
    code, _ = code_and_message(ddb.transact_write_items, TransactItems=transfer(bank, 20), ClientRequestToken=token)
    assert code == "IdempotentParameterMismatchException"
    assert balances(ddb, bank) == ("90", "10")


def test_without_a_client_request_token_a_repeated_transaction_applies_twice(ddb, bank):
    ddb.transact_write_items(TransactItems=transfer(bank, 10))
    ddb.transact_write_items(TransactItems=transfer(bank, 10))
    assert balances(ddb, bank) == ("80", "20")


def test_a_client_request_token_longer_than_36_characters_is_a_validation_exception(ddb_unchecked, bank):
    code, message = code_and_message(
        ddb_unchecked.transact_write_items, TransactItems=transfer(bank, 1), ClientRequestToken="x" * 37
    )
    assert code == "ValidationException"
    assert "clientRequestToken" in message, message


# --- TransactGetItems --------------------------------------------------------------------


def test_transact_get_items_returns_items_in_request_order_with_empty_entries_for_missing_ones(ddb, bank):
    response = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": bank, "Key": {"pk": {"S": "bob"}}}},
            {"Get": {"TableName": bank, "Key": {"pk": {"S": "nobody"}}}},
            {"Get": {"TableName": bank, "Key": {"pk": {"S": "alice"}}, "ProjectionExpression": "#b",
                     "ExpressionAttributeNames": {"#b": "balance"}}},
        ]
    )
    assert response["Responses"] == [
        {"Item": {"pk": {"S": "bob"}, "balance": {"N": "0"}}},
        {},
        {"Item": {"balance": {"N": "100"}}},
    ]


def test_transact_get_items_costs_two_read_units_per_item(ddb, bank):
    response = ddb.transact_get_items(
        TransactItems=[{"Get": {"TableName": bank, "Key": {"pk": {"S": who}}}} for who in ("alice", "bob", "nobody")],
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["ConsumedCapacity"] == [{"TableName": bank, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}]


def test_transact_get_items_allows_at_most_100_actions(ddb, bank):
    code, message = code_and_message(
        ddb.transact_get_items,
        TransactItems=[{"Get": {"TableName": bank, "Key": {"pk": {"S": f"k{i}"}}}} for i in range(101)],
    )
    assert code == "ValidationException"
    assert "transactItems" in message and "Member must have length less than or equal to 100" in message


def test_transact_get_items_with_a_missing_expression_attribute_name_is_a_validation_exception(ddb, bank):
    code, message = code_and_message(
        ddb.transact_get_items,
        TransactItems=[{"Get": {"TableName": bank, "Key": {"pk": {"S": "alice"}}, "ProjectionExpression": "#zz"}}],
    )
    assert code == "ValidationException"
    assert message == (
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #zz"
    )
