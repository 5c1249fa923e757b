"""Helpers shared by the endpoint tests: starting dynoscope-server, making clients, creating
tables, and reading the errors an SDK call raises. The pytest fixtures built on them live in
conftest.py; test modules import these functions directly (`from support import ...`).
"""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REPO = Path(__file__).resolve().parents[2]
SERVER_BIN = os.environ.get("DYNOSCOPE_SERVER_BIN", str(REPO / "target/debug/dynoscope-server"))
STARTUP_SECONDS = 30
REGION = "us-east-1"
ACCOUNT = "000000000000"


# --- the server -------------------------------------------------------------------------


class Server:
    """A running dynoscope-server: its process and base URL."""

    def __init__(self, process, url):
        self.process = process
        self.url = url
        self.host, port = url.removeprefix("http://").rsplit(":", 1)
        self.port = int(port)

    def stop(self, timeout=15):
        """Asks for a graceful shutdown (SIGTERM) and returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def start_server(extra_args=()):
    """Starts the server on a free port (`--port 0`), with `extra_args` after that, and
    waits until it accepts connections."""
    if not Path(SERVER_BIN).is_file():
        pytest.fail(f"no server binary at {SERVER_BIN}: run cargo build -p dynoscope-server")
    process = subprocess.Popen(
        [SERVER_BIN, "--port", "0", *extra_args], stdout=subprocess.PIPE, text=True
    )
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_SECONDS)
    except queue.Empty:
        process.kill()
        pytest.fail(f"dynoscope-server printed nothing within {STARTUP_SECONDS}s")
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        process.kill()
        pytest.fail(f"unexpected first line from dynoscope-server: {line!r}")
    server = Server(process, match.group(1))
    wait_until_accepting(server)
    return server


def wait_until_accepting(server):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection((server.host, server.port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise
            time.sleep(0.05)


# --- clients ----------------------------------------------------------------------------


def sdk_arguments(server, validate=True):
    """The keyword arguments that point boto3 at the server; `validate=False` turns off
    botocore's client-side parameter validation so that the server sees the request."""
    return {
        "endpoint_url": server.url,
        "region_name": REGION,
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
        "config": Config(retries={"total_max_attempts": 1}, parameter_validation=validate),
    }


def make_client(server, validate=True):
    return boto3.client("dynamodb", **sdk_arguments(server, validate))


def make_resource(server):
    return boto3.resource("dynamodb", **sdk_arguments(server))


# --- tables -----------------------------------------------------------------------------


def unique_name(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def create_table(ddb, name=None, hash_key=("pk", "S"), range_key=None, **extra):
    """Creates a table (PAY_PER_REQUEST unless a BillingMode or ProvisionedThroughput is
    given) and returns the response. `extra` goes into the request as is, so indexes,
    streams and tags can be added; their key attributes go in `definitions`."""
    name = name or unique_name()
    keys = [hash_key] + ([range_key] if range_key else [])
    definitions = extra.pop("definitions", [])
    if "BillingMode" not in extra and "ProvisionedThroughput" not in extra:
        extra["BillingMode"] = "PAY_PER_REQUEST"
    return ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in keys + definitions],
        KeySchema=[
            {"AttributeName": n, "KeyType": kind} for (n, _), kind in zip(keys, ["HASH", "RANGE"])
        ],
        **extra,
    )


def key_schema(hash_name, range_name=None):
    schema = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name:
        schema.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return schema


# --- errors -----------------------------------------------------------------------------


def client_error(call, **params):
    """The ClientError's response that `call(**params)` raises."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response


def error_of(call, **params):
    """The ClientError `call(**params)` raises, as (code, message, HTTP status)."""
    response = client_error(call, **params)
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def code_and_message(call, **params):
    """The ClientError `call(**params)` raises, as (code, message)."""
    return error_of(call, **params)[:2]


# --- raw requests and paging ------------------------------------------------------------


def raw_post(server, target, body=b"{}", headers=None):
    """POSTs with urllib; returns (status, headers, body) whatever the status."""
    all_headers = {"Content-Type": "application/x-amz-json-1.0", **(headers or {})}
    if target is not None:
        all_headers["X-Amz-Target"] = target
    request = urllib.request.Request(server.url + "/", data=body, headers=all_headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def scan_all(ddb, table, **params):
    """Every page of a Scan, following LastEvaluatedKey."""
    return pages_of(ddb.scan, TableName=table, **params)


def pages_of(call, **params):
    """Every page of a Query or Scan call, following LastEvaluatedKey."""
    pages, start = [], {}
    while True:
        page = call(**params, **start)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
