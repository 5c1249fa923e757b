"""Transaction conflicts through boto3, on a server of their own with a transaction window
(Dynoscope_SetSimulation TransactionMillis): a write transaction holds its items for the
window; a single-item write of a held item is a TransactionConflictException, a transaction
including one is cancelled with a TransactionConflict reason, a token still in progress is
a TransactionInProgressException, and the window ending lets everything through again.
"""

import json

import pytest

from support import code_and_message, create_table, make_client, raw_post, start_server

WINDOW = 60_000


def post(server, operation, body):
    status, _, answer = raw_post(server, f"DynamoDB_20120810.{operation}", json.dumps(body).encode())
    assert status == 200, answer
    return json.loads(answer)


@pytest.fixture(scope="module")
def windowed():
    server = start_server()
    post(server, "Dynoscope_SetSimulation", {"TransactionMillis": WINDOW})
    yield server
    assert server.stop() == 0


@pytest.fixture
def ddb(windowed):
    return make_client(windowed)


@pytest.fixture
def table(ddb):
    return create_table(ddb)["TableDescription"]["TableName"]


def put(table, pk):
    return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "v": {"N": "1"}}}}


def test_a_put_of_a_held_item_is_a_transaction_conflict(ddb, table):
    ddb.transact_write_items(TransactItems=[put(table, "a")])
    code, message = code_and_message(ddb.put_item, TableName=table, Item={"pk": {"S": "a"}})
    assert (code, message) == ("TransactionConflictException", "Transaction is ongoing for the item")


def test_a_transaction_with_a_held_item_is_cancelled_with_a_conflict_reason(ddb, table):
    ddb.transact_write_items(TransactItems=[put(table, "a")])
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as caught:
        ddb.transact_write_items(TransactItems=[put(table, "b"), put(table, "a")])
    reasons = [r["Code"] for r in caught.value.response["CancellationReasons"]]
    assert reasons == ["None", "TransactionConflict"]
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "b"}})


def test_a_repeated_token_while_its_transaction_holds_is_in_progress(ddb, table):
    ddb.transact_write_items(TransactItems=[put(table, "a")], ClientRequestToken=f"{table}-token")
    with pytest.raises(ddb.exceptions.TransactionInProgressException):
        ddb.transact_write_items(TransactItems=[put(table, "a")], ClientRequestToken=f"{table}-token")


def test_the_window_ending_lets_writes_through(windowed, ddb, table):
    ddb.transact_write_items(TransactItems=[put(table, "a")])
    post(windowed, "Dynoscope_AdvanceClock", {"Millis": WINDOW})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})


def test_the_window_is_described(windowed):
    assert post(windowed, "Dynoscope_DescribeSimulation", {})["Engine"]["TransactionMillis"] == WINDOW
