"""The endpoint's wire protocol and robustness, as a client sees them: authentication (a
signature of the right shape by default, full SigV4 with --credentials), compressed bodies
both ways, CORS, DynamoDB's framework errors and headers, the DNS-rebinding guard, timeouts
and the connection limit.

Malformed requests go out through urllib, http.client or a raw socket; signed ones are
signed by botocore (SigV4Auth, SigV4QueryAuth). Servers with other flags than the session's
are started here with support.start_server. The expected texts are DynamoDB's, as public
suites run against the live service record them (dynalite's test/connection.js and
index.js, ScyllaDB's test/alternator test_authorization.py, test_cors.py,
test_compressed_request.py and test_compressed_response.py); where DynamoDB's answer is not
on record, docs/compatibility.md says what was chosen.
"""

import gzip
import http.client
import json
import socket
import subprocess
import time
import urllib.request
import zlib

import boto3
import botocore
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from support import (
    REGION,
    SHAPED_AUTHORIZATION,
    create_table,
    error_of,
    make_client,
    raw_post,
    sdk_arguments,
    start_server,
    unique_name,
)

JSON = "application/x-amz-json-1.0"
KEY, SECRET = "AKIDWIRETEST", "wire/secret+key"
OTHER_KEY, OTHER_SECRET = "AKIDSECOND", "second:secret"
LIST_TABLES = "DynamoDB_20120810.ListTables"


@pytest.fixture(scope="module")
def secured():
    """A server that verifies signatures against two access keys."""
    server = start_server("--credentials", f"{KEY}:{SECRET}", "--credentials", f"{OTHER_KEY}:{OTHER_SECRET}")
    yield server
    assert server.stop() == 0


def client_for(server, key, secret, **config):
    arguments = sdk_arguments(server)
    arguments.update(aws_access_key_id=key, aws_secret_access_key=secret)
    arguments["config"] = arguments["config"].merge(Config(**config))
    return boto3.client("dynamodb", **arguments)


class JsonQueryAuth(SigV4QueryAuth):
    """SigV4QueryAuth that leaves a JSON body where it is (botocore moves a query-protocol
    body into the URL), so the signature covers its hash."""

    def _modify_request_before_signing(self, request):
        data = request.data
        super()._modify_request_before_signing(request)
        request.data = data


def signed_post(server, target, body, key=KEY, secret=SECRET, headers=None, query=False):
    """POSTs `body` signed by botocore (in the header, or in the query string when `query`);
    returns (status, headers, body)."""
    request = AWSRequest(
        method="POST",
        url=server.url + "/",
        data=body,
        headers={"Content-Type": JSON, "X-Amz-Target": target, **(headers or {})},
    )
    credentials = Credentials(key, secret)
    signer = JsonQueryAuth(credentials, "dynamodb", REGION, 300) if query else SigV4Auth(credentials, "dynamodb", REGION)
    signer.add_auth(request)
    prepared = request.prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return send(prepared.url, body, dict(prepared.headers))


def send(url, body, headers, method="POST"):
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def error_body(body):
    error = json.loads(body)
    return error["__type"], error.get("message", error.get("Message"))


def exchange(server, raw, timeout=5):
    """Sends raw bytes on a fresh connection and returns everything read until it closes."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


# --- authentication without --credentials: a signature of the right shape -------------------


def test_a_request_without_authorization_is_missing_its_authentication_token(server):
    status, _, body = raw_post(server, LIST_TABLES, signed=False)
    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }


def test_an_authorization_that_is_not_aws4_is_missing_its_authentication_token(server):
    status, _, body = raw_post(server, LIST_TABLES, signed=False, headers={"Authorization": "AWS4"})
    assert (status, error_body(body)[0]) == (400, "com.amazon.coral.service#MissingAuthenticationTokenException")


def test_an_incomplete_authorization_header_names_what_it_lacks(server):
    status, _, body = raw_post(server, LIST_TABLES, signed=False, headers={"Authorization": "AWS4-"})
    assert status == 400
    assert error_body(body) == (
        "com.amazon.coral.service#IncompleteSignatureException",
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=AWS4-",
    )


def test_an_incomplete_query_string_signature_names_what_it_lacks(server):
    url = server.url + "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z"
    status, _, body = send(url, b"{}", {"Content-Type": JSON, "X-Amz-Target": LIST_TABLES})
    assert status == 400
    assert error_body(body) == (
        "com.amazon.coral.service#IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters.",
    )


def test_a_signature_in_both_header_and_query_string_is_invalid(server):
    url = server.url + "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    headers = {"Content-Type": JSON, "X-Amz-Target": LIST_TABLES, **SHAPED_AUTHORIZATION}
    status, _, body = send(url, b"{}", headers)
    assert status == 400
    assert error_body(body) == (
        "com.amazon.coral.service#InvalidSignatureException",
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )


def test_without_credentials_any_keys_are_accepted(server):
    assert "TableNames" in client_for(server, "any", "thing").list_tables()


def test_the_health_check_needs_no_authentication(server):
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200


# --- authentication with --credentials: SigV4 verified --------------------------------------


def test_a_client_signing_with_a_configured_key_is_served(secured):
    for key, secret in [(KEY, SECRET), (OTHER_KEY, OTHER_SECRET)]:
        ddb = client_for(secured, key, secret)
        table = create_table(ddb)["TableDescription"]["TableName"]
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "x" * 100}})
        assert ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]["v"]["S"] == "x" * 100


def test_an_unknown_access_key_is_an_unrecognized_client(secured):
    code, message, status = error_of(client_for(secured, "AKIDNOBODY", SECRET).list_tables)
    assert (code, message, status) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        400,
    )


def test_a_wrong_secret_is_an_invalid_signature(secured):
    code, message, status = error_of(client_for(secured, KEY, "not-the-secret").list_tables)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert message == (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )


def test_a_body_changed_after_signing_is_an_invalid_signature(secured):
    request = AWSRequest(method="POST", url=secured.url + "/", data=b"{}", headers={"Content-Type": JSON, "X-Amz-Target": LIST_TABLES})
    SigV4Auth(Credentials(KEY, SECRET), "dynamodb", REGION).add_auth(request)
    prepared = request.prepare()
    headers = {k: v for k, v in prepared.headers.items() if k.lower() != "content-length"}
    status, _, body = send(prepared.url, b'{"Limit":1}', headers)
    assert (status, error_body(body)[0]) == (400, "com.amazon.coral.service#InvalidSignatureException")


def test_an_old_signature_is_expired(secured):
    headers = {
        "Content-Type": JSON,
        "X-Amz-Target": "DynamoDB_20120810.DescribeEndpoints",
        "X-Amz-Date": "20170101T010101Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=alternator/2/3/4/aws4_request SignedHeaders=x-amz-date;host Signature=123",
    }
    status, _, body = send(secured.url + "/", b"{}", headers)
    kind, message = error_body(body)
    assert (status, kind) == (400, "com.amazon.coral.service#InvalidSignatureException")
    assert message.startswith("Signature expired: 20170101T010101Z is now earlier than ")
    assert message.endswith(" - 15 min.)")


def test_a_signature_from_the_future_is_not_yet_current(secured):
    headers = {
        "Content-Type": JSON,
        "X-Amz-Target": LIST_TABLES,
        "X-Amz-Date": "30200101T010101Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=alternator/2/3/4/aws4_request SignedHeaders=x-amz-date;host Signature=123",
    }
    _, _, body = send(secured.url + "/", b"{}", headers)
    assert error_body(body)[1].startswith("Signature not yet current: 30200101T010101Z is still later than ")


def test_the_authorization_parts_may_be_separated_by_commas_only(secured):
    request = AWSRequest(method="POST", url=secured.url + "/", data=b"{}", headers={"Content-Type": JSON, "X-Amz-Target": LIST_TABLES})
    SigV4Auth(Credentials(KEY, SECRET), "dynamodb", REGION).add_auth(request)
    prepared = request.prepare()
    headers = dict(prepared.headers)
    words = headers["Authorization"].split()
    headers["Authorization"] = words[0] + " " + "".join(words[1:])
    assert send(prepared.url, prepared.body, headers)[0] == 200


def test_a_presigned_query_string_is_verified(secured):
    status, _, body = signed_post(secured, LIST_TABLES, b'{"Limit":2}', query=True)
    assert status == 200, body
    status, _, body = signed_post(secured, LIST_TABLES, b"{}", secret="wrong", query=True)
    assert (status, error_body(body)[0]) == (400, "com.amazon.coral.service#InvalidSignatureException")


def test_an_unsigned_payload_declared_in_a_signed_header_is_accepted(secured):
    status, _, body = signed_post(secured, LIST_TABLES, b"{}", headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert status == 200, body


def test_the_signature_covers_the_compressed_body(secured):
    status, _, body = signed_post(secured, LIST_TABLES, gzip.compress(b'{"Limit":3}'), headers={"Content-Encoding": "gzip"})
    assert status == 200, body
    assert "TableNames" in json.loads(body)


# --- compressed requests --------------------------------------------------------------------


def compressing_client(server):
    """A boto3 client that gzips every request body, as botocore does for operations with
    the requestcompression trait (DynamoDB's have none, so the model is patched)."""
    ddb = client_for(server, KEY, SECRET, request_min_compression_size_bytes=1)
    for operation in ddb.meta.service_model._service_description["operations"].values():
        operation["requestcompression"] = {"encodings": ["gzip"]}
    return ddb


def test_boto3_gzip_compressed_requests_are_served(secured):
    ddb = compressing_client(secured)
    table = create_table(ddb)["TableDescription"]["TableName"]
    item = {"pk": {"S": "k"}, "long": {"S": "y" * 10000}}
    ddb.put_item(TableName=table, Item=item)
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "k"}}, ConsistentRead=True)["Item"] == item


def test_a_deflate_body_is_served(server):
    status, _, body = raw_post(server, LIST_TABLES, zlib.compress(b"{}"), headers={"Content-Encoding": "deflate"})
    assert status == 200, body


def test_concatenated_gzip_members_are_one_body(server):
    body = gzip.compress(b'{"Lim') + gzip.compress(b'it":2}')
    assert raw_post(server, LIST_TABLES, body, headers={"Content-Encoding": "gzip"})[0] == 200


@pytest.mark.parametrize("body", [b'{"Limit":2}', b"", gzip.compress(b'{"Limit":2}')[:-1]], ids=["plain", "empty", "cut"])
def test_a_body_that_does_not_decompress_is_a_500(server, body):
    status, _, payload = raw_post(server, LIST_TABLES, body, headers={"Content-Encoding": "gzip"})
    assert status == 500
    assert error_body(payload)[0] == "com.amazonaws.dynamodb.v20120810#InternalServerError"


def test_an_unknown_content_encoding_is_a_500(server):
    assert raw_post(server, LIST_TABLES, b"{}", headers={"Content-Encoding": "garbage"})[0] == 500


def test_a_zip_bomb_is_refused_at_16_mb_inflated(server):
    bomb = gzip.compress(b'{"Limit":2' + b" " * (20 * 1024 * 1024) + b"}")
    assert len(bomb) < 100_000
    status, headers, body = raw_post(server, LIST_TABLES, bomb, headers={"Content-Encoding": "gzip"})
    assert status == 413
    assert headers["Content-Type"] == JSON
    assert error_body(body)[0] == "com.amazon.coral.service#RequestEntityTooLargeException"


# --- compressed responses -------------------------------------------------------------------


def get_raw(server, ddb, table, accept):
    """A GetItem of the table's 5 KB item, the response body as sent (not decompressed)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": "big"}}}).encode()
    headers = {"Content-Type": JSON, "X-Amz-Target": "DynamoDB_20120810.GetItem", **SHAPED_AUTHORIZATION}
    if accept is not None:
        headers["Accept-Encoding"] = accept
    connection.request("POST", "/", body, headers)
    response = connection.getresponse()
    return response, response.read()


@pytest.fixture
def big_item_table(ddb):
    table = create_table(ddb)["TableDescription"]["TableName"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "x": {"S": "x" * 5000}})
    return table


@pytest.mark.parametrize("accept, coding, inflate", [("gzip", "gzip", gzip.decompress), ("deflate", "deflate", zlib.decompress), ("gzip;q=0.5, deflate", "deflate", zlib.decompress)])
def test_a_large_response_is_compressed_when_accepted_and_its_crc_covers_the_compressed_bytes(server, ddb, big_item_table, accept, coding, inflate):
    response, body = get_raw(server, ddb, big_item_table, accept)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == coding
    assert int(response.getheader("x-amz-crc32")) == zlib.crc32(body)
    assert int(response.getheader("Content-Length")) == len(body)
    assert json.loads(inflate(body))["Item"]["x"]["S"] == "x" * 5000


@pytest.mark.parametrize("accept", [None, "identity", "br", "gzip;q=0"])
def test_a_response_is_not_compressed_unless_gzip_or_deflate_is_accepted(server, ddb, big_item_table, accept):
    response, body = get_raw(server, ddb, big_item_table, accept)
    assert response.getheader("Content-Encoding") is None
    assert json.loads(body)["Item"]["x"]["S"] == "x" * 5000


def test_a_small_response_is_not_compressed(server):
    _, headers, _ = raw_post(server, "DynamoDB_20120810.DescribeEndpoints", headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] is None


# --- framework errors and non-JSON paths ----------------------------------------------------


def test_a_member_of_the_wrong_type_is_a_serialization_exception_with_dynamodbs_text(server):
    ddb = make_client(server, validate=False)
    code, message, status = error_of(ddb.list_tables, Limit="5")
    assert (code, message, status) == ("SerializationException", "STRING_VALUE cannot be converted to Integer", 400)
    body = json.dumps({"TableName": "t", "Item": {"pk": {"N": 123}}}).encode()
    status, _, payload = raw_post(server, "DynamoDB_20120810.PutItem", body)
    assert json.loads(payload) == {
        "__type": "com.amazon.coral.service#SerializationException",
        "Message": "NUMBER_VALUE cannot be converted to String",
    }


def test_a_body_that_is_not_json_is_a_bare_serialization_exception_before_authentication(server):
    status, _, body = raw_post(server, LIST_TABLES, b"hi", signed=False)
    assert status == 400
    assert json.loads(body) == {"__type": "com.amazon.coral.service#SerializationException"}


def test_an_unknown_operation_is_answered_before_authentication(server):
    status, _, body = raw_post(server, "DynamoDB_20120810.ListTable", signed=False)
    assert status == 400
    assert json.loads(body) == {"__type": "com.amazon.coral.service#UnknownOperationException"}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_get_dynamodbs_404(server, method):
    status, headers, body = send(server.url + "/", None, {}, method=method)
    assert status == 404
    assert body == b"<UnknownOperationException/>\n"
    assert headers["x-amz-crc32"] == "3552371480"


def test_a_body_with_a_foreign_content_type_gets_dynamodbs_404(server):
    status, _, body = raw_post(server, LIST_TABLES, headers={"Content-Type": "text/plain"})
    assert (status, body) == (404, b"<UnknownOperationException/>\n")


def test_a_body_over_16_mb_is_a_413_in_json(server):
    status, headers, body = raw_post(server, LIST_TABLES, b" " * (16 * 1024 * 1024 + 1))
    assert status == 413
    assert headers["Content-Type"] == JSON
    assert int(headers["x-amz-crc32"]) == zlib.crc32(body)
    assert error_body(body)[0] == "com.amazon.coral.service#RequestEntityTooLargeException"


def test_malformed_chunked_encoding_is_answered_in_json(server):
    head = (
        f"POST / HTTP/1.1\r\nHost: localhost:{server.port}\r\nContent-Type: {JSON}\r\n"
        f"X-Amz-Target: {LIST_TABLES}\r\nTransfer-Encoding: chunked\r\n"
        f"Authorization: {SHAPED_AUTHORIZATION['Authorization']}\r\nX-Amz-Date: 20260101T000000Z\r\n\r\n"
    )
    received = exchange(server, head.encode() + b"2\r\n{}\r\nzz\r\n\r\n")
    status_line, _, rest = received.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 400 Bad Request", received
    body = rest.split(b"\r\n\r\n", 1)[1]
    assert json.loads(body)["__type"] == "com.amazon.coral.service#SerializationException"


def test_a_chunked_body_is_read_whole(server):
    head = (
        f"POST / HTTP/1.1\r\nHost: localhost:{server.port}\r\nContent-Type: {JSON}\r\nConnection: close\r\n"
        f"X-Amz-Target: {LIST_TABLES}\r\nTransfer-Encoding: chunked\r\n"
        f"Authorization: {SHAPED_AUTHORIZATION['Authorization']}\r\nX-Amz-Date: 20260101T000000Z\r\n\r\n"
    )
    received = exchange(server, head.encode() + b"5\r\n{\"Lim\r\n6\r\nit\":1}\r\n0\r\n\r\n")
    assert received.startswith(b"HTTP/1.1 200 OK"), received


# --- headers --------------------------------------------------------------------------------


def test_answers_carry_dynamodbs_headers(server):
    for target, expected in [(LIST_TABLES, 200), ("DynamoDB_20120810.Nope", 400)]:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request("POST", "/", b"{}", {"Content-Type": JSON, "X-Amz-Target": target, **SHAPED_AUTHORIZATION})
        response = connection.getresponse()
        body = response.read()
        assert response.status == expected
        assert response.getheader("Server") == "Server"
        assert response.getheader("Connection") == "keep-alive"
        assert response.getheader("Content-Type") == JSON
        assert int(response.getheader("Content-Length")) == len(body)
        assert int(response.getheader("x-amz-crc32")) == zlib.crc32(body)
        assert len(response.getheader("x-amzn-RequestId")) == 52
        assert response.getheader("Date")
        connection.close()


def test_connection_close_is_honoured(server):
    _, headers, _ = raw_post(server, LIST_TABLES, headers={"Connection": "close"})
    assert headers["Connection"] == "close"


def test_describe_endpoints_is_answered_through_boto3(ddb):
    endpoints = ddb.describe_endpoints()["Endpoints"]
    assert endpoints and endpoints[0]["CachePeriodInMinutes"] > 0
    assert endpoints[0]["Address"]


# --- CORS -----------------------------------------------------------------------------------


def test_a_preflight_echoes_the_requested_headers_and_method(server):
    headers = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-target",
    }
    status, answer, body = send(server.url + "/", None, headers, method="OPTIONS")
    assert (status, body) == (200, b"")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert answer["Access-Control-Allow-Methods"] == "POST"
    assert answer["Access-Control-Allow-Headers"] == headers["Access-Control-Request-Headers"]
    assert answer["Access-Control-Max-Age"] == "172800"
    assert answer["Content-Length"] == "0"
    assert len(answer["x-amzn-RequestId"]) == 52


def test_a_cross_origin_request_is_allowed_and_may_read_the_request_id(server):
    for target in [LIST_TABLES, "DynamoDB_20120810.Nope"]:
        _, headers, _ = raw_post(server, target, headers={"Origin": "http://localhost:3000"})
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "x-amzn-RequestId" in headers["Access-Control-Expose-Headers"].split(",")
        assert headers["Access-Control-Max-Age"] is None


def test_a_request_without_origin_gets_no_cors_headers(server):
    _, headers, _ = raw_post(server, LIST_TABLES)
    assert not [name for name in headers if name.lower().startswith("access-control-")]


# --- DNS rebinding and the bind address -----------------------------------------------------


def test_a_loopback_server_refuses_a_foreign_host_name(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.putrequest("POST", "/", skip_host=True)
    for name, value in {"Host": f"rebind.example:{server.port}", "Content-Type": JSON, "X-Amz-Target": LIST_TABLES, "Content-Length": "2", **SHAPED_AUTHORIZATION}.items():
        connection.putheader(name, value)
    connection.endheaders(b"{}")
    response = connection.getresponse()
    error = json.loads(response.read())
    assert response.status == 403
    assert error["__type"] == "com.amazon.coral.service#AccessDeniedException"
    assert f"rebind.example:{server.port}" in error["Message"] and "DNS rebinding" in error["Message"]


def test_a_loopback_server_answers_localhost_by_name(server):
    arguments = {**sdk_arguments(server), "endpoint_url": f"http://localhost:{server.port}"}
    assert "TableNames" in boto3.client("dynamodb", **arguments).list_tables()


def test_listening_beyond_loopback_warns_and_serves_any_host_name():
    open_server = start_server("--host", "0.0.0.0", stderr=subprocess.PIPE)
    try:
        open_server.url = f"http://127.0.0.1:{open_server.port}"
        open_server.host = "127.0.0.1"
        connection = http.client.HTTPConnection("127.0.0.1", open_server.port, timeout=10)
        connection.putrequest("POST", "/", skip_host=True)
        for name, value in {"Host": "db.internal", "Content-Type": JSON, "X-Amz-Target": LIST_TABLES, "Content-Length": "2", **SHAPED_AUTHORIZATION}.items():
            connection.putheader(name, value)
        connection.endheaders(b"{}")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        assert open_server.stop() == 0
    warning = open_server.process.stderr.read()
    assert "WARNING: listening on 0.0.0.0" in warning


# --- timeouts and the connection limit ------------------------------------------------------


@pytest.fixture(scope="module")
def impatient():
    server = start_server("--idle-timeout", "0.5", "--header-timeout", "0.5", "--body-timeout", "0.5")
    yield server
    assert server.stop() == 0


def test_an_idle_connection_is_closed(impatient):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as sock:
        began = time.monotonic()
        assert sock.recv(10) == b""
        assert 0.3 < time.monotonic() - began < 4


def test_a_head_that_does_not_finish_is_dropped(impatient):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\n")
        began = time.monotonic()
        assert sock.recv(10) == b""
        assert time.monotonic() - began < 4


def test_a_body_that_does_not_arrive_is_a_408_in_json(impatient):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as sock:
        head = f"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: {JSON}\r\nX-Amz-Target: {LIST_TABLES}\r\nContent-Length: 10\r\n\r\n{{}}"
        sock.sendall(head.encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 408"), received
    assert b"RequestTimeoutException" in received


def test_a_request_served_keeps_its_connection_until_idle(impatient):
    connection = http.client.HTTPConnection(impatient.host, impatient.port, timeout=5)
    headers = {"Content-Type": JSON, "X-Amz-Target": LIST_TABLES, **SHAPED_AUTHORIZATION}
    for _ in range(3):
        connection.request("POST", "/", b"{}", headers)
        assert connection.getresponse().read().startswith(b'{"TableNames"')
        time.sleep(0.2)
    connection.close()


def test_connections_past_the_limit_wait_for_a_free_slot():
    limited = start_server("--max-connections", "1")
    try:
        first = socket.create_connection((limited.host, limited.port), timeout=5)
        first.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert first.recv(4096).startswith(b"HTTP/1.1 200")
        second = socket.create_connection((limited.host, limited.port), timeout=5)
        second.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        second.settimeout(0.5)
        with pytest.raises(socket.timeout):
            second.recv(4096)
        first.close()
        second.settimeout(5)
        assert second.recv(4096).startswith(b"HTTP/1.1 200")
        second.close()
    finally:
        assert limited.stop() == 0
