"""boto3 against the native endpoint: Dynoscope's DynamoDB behaviour as an SDK sees it, and
the wire protocol underneath (headers, CRC, keep-alive, shutdown).

The session's one server, the clients and the table fixtures come from conftest.py; the
helpers from support.py. Each test is named after the DynamoDB behaviour it pins and works
in tables of its own, so tests do not depend on each other's data. Run with
scripts/test-endpoint.sh.
"""

import http.client
import json
import re
import signal
import subprocess
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor

from support import SERVER_BIN, SHAPED_AUTHORIZATION, create_table, error_of, make_client, raw_post, scan_all, start_server, unique_name


# --- tables ------------------------------------------------------------------------------


def test_create_table_with_hash_and_range_key_on_demand_answers_creating(ddb):
    name = unique_name()
    description = create_table(ddb, name, range_key=("sk", "N"))["TableDescription"]
    assert description["TableName"] == name
    assert description["TableStatus"] == "CREATING"
    assert description["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert description["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert description["ProvisionedThroughput"]["WriteCapacityUnits"] == 0
    assert description["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    assert description["ItemCount"] == 0


def test_create_table_provisioned_reports_its_throughput(ddb):
    description = create_table(
        ddb,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
    )["TableDescription"]
    throughput = description["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (5, 7)
    assert "BillingModeSummary" not in description


def test_describe_table_is_active_after_creation_and_round_trips_the_key_schema(ddb):
    name = unique_name()
    create_table(ddb, name, hash_key=("id", "B"), range_key=("at", "S"))
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [
        {"AttributeName": "id", "KeyType": "HASH"},
        {"AttributeName": "at", "KeyType": "RANGE"},
    ]
    assert sorted(table["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == [
        {"AttributeName": "at", "AttributeType": "S"},
        {"AttributeName": "id", "AttributeType": "B"},
    ]


def test_list_tables_pages_with_limit_and_last_evaluated_table_name(ddb):
    prefix = unique_name("list")
    names = [f"{prefix}-{i}" for i in range(5)]
    for name in names:
        create_table(ddb, name)
    listed, start = [], {}
    while True:
        page = ddb.list_tables(Limit=2, **start)
        assert len(page["TableNames"]) <= 2
        listed += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            break
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
    assert listed == sorted(listed), "table names are listed in order"
    assert len(listed) == len(set(listed)), "no table is listed twice"
    assert [n for n in listed if n.startswith(prefix)] == names


def test_delete_table_answers_deleting_and_the_table_is_gone(ddb, table):
    assert ddb.delete_table(TableName=table)["TableDescription"]["TableStatus"] == "DELETING"
    code, _, _ = error_of(ddb.describe_table, TableName=table)
    assert code == "ResourceNotFoundException"


# --- items -------------------------------------------------------------------------------


def test_put_and_get_round_trip_every_attribute_type(ddb, table):
    item = {
        "pk": {"S": "every-type"},
        "s": {"S": "héllo ✓"},
        "n": {"N": "0042.10"},
        "negative": {"N": "-0.000500"},
        "b": {"B": bytes(range(256))},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "nothing": {"NULL": True},
        "list": {"L": [{"S": "a"}, {"N": "1.0"}, {"L": [{"BOOL": False}]}]},
        "map": {"M": {"inner": {"M": {"deep": {"N": "7"}}}, "s": {"S": ""}}},
        "ss": {"SS": ["b", "a", "c"]},
        "ns": {"NS": ["1", "2.50", "-3e2"]},
        "bs": {"BS": [b"\x00", b"\xff\xfe", b"x"]},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "every-type"}}, ConsistentRead=True)["Item"]

    assert got["s"] == {"S": "héllo ✓"}
    assert got["n"] == {"N": "42.1"}, "numbers come back normalised"
    assert got["negative"] == {"N": "-0.0005"}
    assert got["b"] == {"B": bytes(range(256))}
    assert got["yes"] == {"BOOL": True} and got["no"] == {"BOOL": False}
    assert got["nothing"] == {"NULL": True}
    assert got["list"] == {"L": [{"S": "a"}, {"N": "1"}, {"L": [{"BOOL": False}]}]}
    assert got["map"] == {"M": {"inner": {"M": {"deep": {"N": "7"}}}, "s": {"S": ""}}}
    assert sorted(got["ss"]["SS"]) == ["a", "b", "c"]
    assert sorted(got["ns"]["NS"], key=float) == ["-300", "1", "2.5"]
    assert sorted(got["bs"]["BS"]) == [b"\x00", b"x", b"\xff\xfe"]
    assert set(got) == set(item)


def test_put_item_replaces_the_whole_item(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "a": {"S": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "b": {"S": "2"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]
    assert got == {"pk": {"S": "k"}, "b": {"S": "2"}}


def test_put_item_return_values_all_old_returns_the_replaced_item(ddb, table):
    first = ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert second["Attributes"] == {"pk": {"S": "k"}, "v": {"N": "1"}}


def test_get_item_of_a_missing_item_returns_no_item(ddb, table):
    response = ddb.get_item(TableName=table, Key={"pk": {"S": "never-written"}})
    assert "Item" not in response


def test_delete_item_with_return_values_all_old_returns_the_deleted_item(ddb, range_table):
    key = {"pk": {"S": "gone"}, "sk": {"N": "1"}}
    item = {**key, "payload": {"S": "bye"}}
    ddb.put_item(TableName=range_table, Item=item)
    deleted = ddb.delete_item(TableName=range_table, Key=key, ReturnValues="ALL_OLD")
    assert deleted["Attributes"] == item
    assert "Item" not in ddb.get_item(TableName=range_table, Key=key)
    again = ddb.delete_item(TableName=range_table, Key=key, ReturnValues="ALL_OLD")
    assert "Attributes" not in again, "deleting a missing item returns nothing"


# --- scan --------------------------------------------------------------------------------


def test_scan_with_limit_and_exclusive_start_key_returns_every_item_exactly_once(ddb, range_table):
    written = {(f"p{i % 4}", i) for i in range(25)}
    for pk, sk in written:
        ddb.put_item(TableName=range_table, Item={"pk": {"S": pk}, "sk": {"N": str(sk)}})
    pages = scan_all(ddb, range_table, Limit=7)
    assert all(page["Count"] <= 7 and page["Count"] == len(page["Items"]) for page in pages)
    assert all(page["ScannedCount"] == page["Count"] for page in pages)
    seen = [(item["pk"]["S"], int(item["sk"]["N"])) for page in pages for item in page["Items"]]
    assert len(seen) == len(written), "no item is returned twice"
    assert set(seen) == written
    for page in pages[:-1]:
        assert set(page["LastEvaluatedKey"]) == {"pk", "sk"}, "the resume key is the table's key"


def test_scan_resumes_after_its_last_evaluated_key_even_once_that_item_is_deleted(ddb, table):
    for i in range(10):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    first = ddb.scan(TableName=table, Limit=4)
    ddb.delete_item(TableName=table, Key=first["LastEvaluatedKey"])
    rest = scan_all(ddb, table, ExclusiveStartKey=first["LastEvaluatedKey"])
    keys = [i["pk"]["S"] for i in first["Items"]] + [i["pk"]["S"] for p in rest for i in p["Items"]]
    assert sorted(keys) == [f"k{i}" for i in range(10)], "the rest of the table, nothing twice"


def test_parallel_scan_segments_tile_the_table(ddb, table):
    for i in range(40):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    keys = [
        item["pk"]["S"]
        for segment in range(3)
        for page in scan_all(ddb, table, Segment=segment, TotalSegments=3, Limit=5)
        for item in page["Items"]
    ]
    assert sorted(keys) == sorted(f"k{i}" for i in range(40))


def test_scan_select_count_counts_without_items(ddb, table):
    for i in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    page = ddb.scan(TableName=table, Select="COUNT")
    assert page["Count"] == 3 and "Items" not in page


def test_number_keys_match_by_value_not_by_spelling(ddb):
    name = create_table(ddb, hash_key=("n", "N"))["TableDescription"]["TableName"]
    ddb.put_item(TableName=name, Item={"n": {"N": "1E2"}, "v": {"S": "hundred"}})
    got = ddb.get_item(TableName=name, Key={"n": {"N": "100.00"}})["Item"]
    assert got == {"n": {"N": "100"}, "v": {"S": "hundred"}}


def test_scan_of_an_empty_table_returns_no_items(ddb, table):
    page = ddb.scan(TableName=table)
    assert page["Items"] == [] and page["Count"] == 0 and "LastEvaluatedKey" not in page


def test_scan_that_stops_at_limit_returns_last_evaluated_key_even_on_the_last_item(ddb, table):
    for i in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    page = ddb.scan(TableName=table, Limit=3)
    assert page["Count"] == 3
    assert "LastEvaluatedKey" in page
    rest = ddb.scan(TableName=table, Limit=3, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert rest["Count"] == 0 and "LastEvaluatedKey" not in rest


# --- batches and indexes -----------------------------------------------------------------


def test_batch_write_item_and_batch_get_item_span_tables(ddb, table):
    numbers = create_table(ddb, hash_key=("id", "N"))["TableDescription"]["TableName"]
    written = ddb.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": {"pk": {"S": k}, "v": {"S": k * 2}}}} for k in "abc"],
            numbers: [{"PutRequest": {"Item": {"id": {"N": "7"}}}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert written["UnprocessedItems"] == {}
    assert {c["TableName"]: c["CapacityUnits"] for c in written["ConsumedCapacity"]} == {table: 3.0, numbers: 1.0}
    ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": {"pk": {"S": "c"}}}}]})

    got = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [{"pk": {"S": k}} for k in "abcz"]},
            numbers: {"Keys": [{"id": {"N": "7.0"}}]},
        }
    )
    assert got["UnprocessedKeys"] == {}
    assert sorted(got["Responses"][table], key=lambda i: i["pk"]["S"]) == [
        {"pk": {"S": "a"}, "v": {"S": "aa"}},
        {"pk": {"S": "b"}, "v": {"S": "bb"}},
    ]
    assert got["Responses"][numbers] == [{"id": {"N": "7"}}]


def test_batch_get_item_with_a_duplicate_key_is_a_validation_exception(ddb, table):
    code, message, _ = error_of(
        ddb.batch_get_item, RequestItems={table: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a"}}]}}
    )
    assert (code, message) == ("ValidationException", "Provided list of item keys contains duplicates")


def test_batch_write_item_on_a_missing_table_is_resource_not_found(ddb):
    code, _, _ = error_of(ddb.batch_write_item, RequestItems={"nope": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
    assert code == "ResourceNotFoundException"


def test_a_global_secondary_index_is_sparse_and_scannable(ddb):
    name = unique_name()
    description = ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byEmail",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )["TableDescription"]
    assert [i["IndexName"] for i in description["GlobalSecondaryIndexes"]] == ["byEmail"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "u1"}, "email": {"S": "a@x"}, "age": {"N": "3"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "u2"}})
    page = ddb.scan(TableName=name, IndexName="byEmail")
    assert page["Items"] == [{"pk": {"S": "u1"}, "email": {"S": "a@x"}}], "KEYS_ONLY, and u2 has no index key"


# --- consumed capacity -------------------------------------------------------------------


def test_return_consumed_capacity_total_counts_write_and_read_units(ddb, table):
    key = {"pk": {"S": "small"}}
    put = ddb.put_item(TableName=table, Item={**key, "v": {"S": "x"}}, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}

    eventual = ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5
    strong = ddb.get_item(TableName=table, Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0

    big = {**key, "v": {"S": "x" * 3000}}  # about 3 KB: three write units
    assert ddb.put_item(TableName=table, Item=big, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"][
        "CapacityUnits"
    ] == 3.0
    deleted = ddb.delete_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert deleted["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_return_consumed_capacity_none_or_absent_returns_no_consumed_capacity(ddb, table):
    response = ddb.put_item(TableName=table, Item={"pk": {"S": "k"}}, ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in response
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})


# --- errors at SDK level -----------------------------------------------------------------


def test_get_item_on_a_missing_table_is_resource_not_found(ddb):
    code, message, status = error_of(ddb.get_item, TableName="nope", Key={"pk": {"S": "k"}})
    assert (code, message, status) == ("ResourceNotFoundException", "Requested resource not found", 400)


def test_describe_table_on_a_missing_table_names_the_table(ddb):
    code, message, _ = error_of(ddb.describe_table, TableName="nope")
    assert code == "ResourceNotFoundException"
    assert message == "Requested resource not found: Table: nope not found"


def test_creating_an_existing_table_is_resource_in_use(ddb, table):
    code, message, _ = error_of(create_table, ddb=ddb, name=table)
    assert code == "ResourceInUseException"
    assert message == f"Table already exists: {table}"


def test_put_item_without_a_key_attribute_is_a_validation_exception(ddb, table):
    code, message, _ = error_of(ddb.put_item, TableName=table, Item={"other": {"S": "x"}})
    assert code == "ValidationException"
    assert message == "One or more parameter values were invalid: Missing the key pk in the item"


def test_put_item_with_the_wrong_key_type_is_a_validation_exception(ddb, table):
    code, message, _ = error_of(ddb.put_item, TableName=table, Item={"pk": {"N": "1"}})
    assert code == "ValidationException"
    assert message == "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"


def test_get_item_with_the_wrong_key_type_is_a_validation_exception(ddb, table):
    code, message, _ = error_of(ddb.get_item, TableName=table, Key={"pk": {"N": "1"}})
    assert code == "ValidationException"
    assert message == "The provided key element does not match the schema"


def test_an_invalid_number_is_a_validation_exception(ddb, table):
    code, _, _ = error_of(ddb.put_item, TableName=table, Item={"pk": {"S": "k"}, "n": {"N": "twelve"}})
    assert code == "ValidationException"


# --- the wire protocol -------------------------------------------------------------------


def test_an_unknown_operation_is_400_unknown_operation_exception(server):
    status, _, body = raw_post(server, "DynamoDB_20120810.Frobnicate")
    assert status == 400
    assert json.loads(body)["__type"].endswith("#UnknownOperationException")


def test_a_missing_or_foreign_target_is_an_unknown_operation(server):
    for target in [None, "DynamoDBStreams_20120810.ListTables", "ListTables"]:
        status, _, body = raw_post(server, target)
        assert status == 400, target
        assert json.loads(body) == {"__type": "com.amazon.coral.service#UnknownOperationException"}


def test_a_body_that_is_not_json_is_a_serialization_exception(server):
    status, _, body = raw_post(server, "DynamoDB_20120810.ListTables", b"{not json")
    assert status == 400
    assert json.loads(body)["__type"] == "com.amazon.coral.service#SerializationException"


def test_responses_carry_a_request_id_and_the_crc32_of_the_body(server):
    status, headers, body = raw_post(server, "DynamoDB_20120810.ListTables", b"{}")
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert int(headers["x-amz-crc32"]) == zlib.crc32(body)
    assert re.fullmatch(r"[0-9A-Z]{52}", headers["x-amzn-RequestId"])
    _, second, _ = raw_post(server, "DynamoDB_20120810.ListTables", b"{}")
    assert second["x-amzn-RequestId"] != headers["x-amzn-RequestId"]


def test_application_json_content_type_is_accepted(server):
    status, _, body = raw_post(
        server, "DynamoDB_20120810.ListTables", b"{}", {"Content-Type": "application/json"}
    )
    assert status == 200 and "TableNames" in json.loads(body)


def test_a_body_over_16_mb_is_refused_with_413(server):
    status, _, _ = raw_post(server, "DynamoDB_20120810.ListTables", b" " * (16 * 1024 * 1024 + 1))
    assert status == 413


def test_get_is_a_health_check(server):
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200
        assert b"Dynoscope" in response.read()


def test_one_keep_alive_connection_serves_many_requests(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    headers = {
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Content-Type": "application/x-amz-json-1.0",
        **SHAPED_AUTHORIZATION,
    }
    connection.request("POST", "/", b"{}", headers)
    connection.getresponse().read()
    sock = connection.sock
    for _ in range(20):
        connection.request("POST", "/", b"{}", headers)
        response = connection.getresponse()
        assert response.status == 200
        response.read()
    assert connection.sock is sock, "the connection was kept open"
    connection.close()


def test_two_clients_writing_concurrently_lose_no_item(server, ddb, table):
    def put_many(client, prefix):
        for i in range(200):
            client.put_item(TableName=table, Item={"pk": {"S": f"{prefix}-{i}"}})

    clients = [make_client(server) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        writers = [pool.submit(put_many, client, f"w{n}") for n, client in enumerate(clients)]
        for writer in writers:
            writer.result()  # re-raises a writer's error
    pages = scan_all(ddb, table)
    keys = [item["pk"]["S"] for page in pages for item in page["Items"]]
    assert len(keys) == 400 and len(set(keys)) == 400


def test_sigterm_stops_the_server_with_exit_status_0():
    server = start_server()
    assert raw_post(server, "DynamoDB_20120810.ListTables")[0] == 200
    assert server.stop() == 0


def test_sigterm_sent_as_soon_as_the_server_listens_is_still_a_graceful_stop():
    # The handlers are in place before the "listening" line: a signal right after it must
    # not fall to the default action (killed by SIGTERM, status -15).
    for _ in range(5):
        process = subprocess.Popen([SERVER_BIN, "--port", "0"], stdout=subprocess.PIPE, text=True)
        assert "listening on" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
