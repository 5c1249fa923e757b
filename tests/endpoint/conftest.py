"""Fixtures shared by every endpoint test module: ONE dynoscope-server per session (the
binary named by DYNOSCOPE_SERVER_BIN, default target/debug/dynoscope-server, on a port the
OS picks), boto3 clients and a resource pointed at it, and fresh tables. Each test works in
tables of its own, so tests do not depend on each other's data. Run with
scripts/test-endpoint.sh.
"""

import os

import pytest

from support import create_table, make_client, make_resource, start_server


@pytest.fixture(scope="session")
def server():
    # DYNOSCOPE_SERVER_ARGS="--data-dir DIR" runs the suite on the durable path.
    server = start_server(*os.environ.get("DYNOSCOPE_SERVER_ARGS", "").split())
    yield server
    assert server.stop() == 0, "the server should exit 0 after SIGTERM"


@pytest.fixture(scope="session")
def ddb(server):
    """A low-level boto3 DynamoDB client."""
    return make_client(server)


@pytest.fixture(scope="session")
def ddb_unchecked(server):
    """A client without botocore's parameter validation, for requests the SDK would refuse
    before sending (so that the server's own validation answers)."""
    return make_client(server, validate=False)


@pytest.fixture(scope="session")
def dynamodb(server):
    """boto3's high-level resource API."""
    return make_resource(server)


@pytest.fixture
def table(ddb):
    """A fresh table keyed by pk (S)."""
    return create_table(ddb)["TableDescription"]["TableName"]


@pytest.fixture
def range_table(ddb):
    """A fresh table keyed by pk (S) and sk (N)."""
    return create_table(ddb, range_key=("sk", "N"))["TableDescription"]["TableName"]
