"""DAX through boto3: `dynoscope-server --dax-port PORT` serves the same tables through the
simulated DAX cluster, so any DynamoDB client pointed at that port reads through the item
and query caches, as DAX's DynamoDB-compatible clients do. A read through DAX after a
write made to the table directly is stale until the entry's TTL; the main port always
answers from the table.
"""

import json
import socket

import boto3
import pytest

from support import create_table, raw_post, sdk_arguments, start_server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Port:
    """Enough of a Server for the support helpers: the DAX listener's URL."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def servers():
    port = free_port()
    server = start_server("--dax-port", str(port))
    yield server, Port(port)
    assert server.stop() == 0


@pytest.fixture
def clients(servers):
    server, dax = servers
    return boto3.client("dynamodb", **sdk_arguments(server)), boto3.client("dynamodb", **sdk_arguments(dax))


def describe_dax(server):
    status, _, body = raw_post(server, "DynamoDB_20120810.Dynoscope_DescribeDax", b"{}")
    assert status == 200, body
    return json.loads(body)


def test_a_read_through_dax_is_stale_after_a_direct_write(servers, clients):
    table_client, dax_client = clients
    table = create_table(table_client)["TableDescription"]["TableName"]
    key = {"pk": {"S": "a"}}
    table_client.put_item(TableName=table, Item={**key, "v": {"N": "1"}})
    assert dax_client.get_item(TableName=table, Key=key)["Item"]["v"] == {"N": "1"}
    table_client.put_item(TableName=table, Item={**key, "v": {"N": "2"}})
    assert dax_client.get_item(TableName=table, Key=key)["Item"]["v"] == {"N": "1"}, "the item cache is stale"
    assert table_client.get_item(TableName=table, Key=key)["Item"]["v"] == {"N": "2"}
    strong = dax_client.get_item(TableName=table, Key=key, ConsistentRead=True)
    assert strong["Item"]["v"] == {"N": "2"}, "a strongly consistent read passes through"


def test_a_write_through_dax_is_read_back_from_the_cache(clients):
    table_client, dax_client = clients
    table = create_table(table_client)["TableDescription"]["TableName"]
    key = {"pk": {"S": "b"}}
    dax_client.put_item(TableName=table, Item={**key, "v": {"N": "5"}})
    hit = dax_client.get_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert hit["Item"]["v"] == {"N": "5"}
    assert "ConsumedCapacity" not in hit, "a hit reads no capacity"


def test_the_cluster_counts_hits_and_misses(servers, clients):
    server, _ = servers
    table_client, dax_client = clients
    table = create_table(table_client)["TableDescription"]["TableName"]
    before = describe_dax(server)["Statistics"]
    dax_client.get_item(TableName=table, Key={"pk": {"S": "c"}})
    dax_client.get_item(TableName=table, Key={"pk": {"S": "c"}})
    after = describe_dax(server)["Statistics"]
    assert after["ItemMisses"] - before["ItemMisses"] == 1
    assert after["ItemHits"] - before["ItemHits"] == 1
