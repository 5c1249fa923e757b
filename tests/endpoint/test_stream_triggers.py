"""Stream triggers natively: an event source mapping (Dynoscope_CreateEventSourceMapping)
with a FunctionUrl has dynoscope-server POST each batch's Lambda event to a handler on
127.0.0.1, here Python's http.server in a thread, which records what it receives and
answers as the test tells it. Retries wait on the virtual clock, moved with
Dynoscope_AdvanceClock; the module has a server of its own so that moving its clock
disturbs no other test.

Expected shapes follow the Lambda guide ("Using AWS Lambda with Amazon DynamoDB", its
example event; "Configuring partial batch response with DynamoDB and Lambda"; "Retaining
discarded records for a DynamoDB event source").
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import ACCOUNT, REGION, create_table, make_client, raw_post, start_server, unique_name

WAIT_SECONDS = 15


@pytest.fixture(scope="module")
def server():
    server = start_server()
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def ddb(server):
    return make_client(server)


class Handler:
    """A function at a local URL: records each call's headers (names in lowercase) and event,
    and answers with `answer(event, calls_so_far)` -> (status, body text, extra headers)."""

    def __init__(self, answer=None):
        self.calls = []
        self.answer = answer or (lambda event, n: (200, "", {}))
        owner = self

        class Requests(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event = json.loads(body)
                status, text, headers = owner.answer(event, len(owner.calls))
                owner.calls.append(({k.lower(): v for k, v in self.headers.items()}, event))
                payload = text.encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the server gave up waiting (a timeout)

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Requests)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/invoke"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def handlers():
    """Makes handlers, closed after the test."""
    made = []

    def make(answer=None):
        made.append(Handler(answer))
        return made[-1]

    yield make
    for handler in made:
        handler.close()


def dynoscope(server, operation, request):
    """A Dynoscope_ operation; returns (status, answer)."""
    status, _, body = raw_post(server, f"DynamoDB_20120810.Dynoscope_{operation}", json.dumps(request).encode())
    return status, json.loads(body)


def ok(server, operation, request):
    status, answer = dynoscope(server, operation, request)
    assert status == 200, answer
    return answer


def stream_table(ddb):
    """A table keyed by pk (S) with a NEW_AND_OLD_IMAGES stream; returns (name, stream ARN)."""
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    table = create_table(ddb, StreamSpecification=spec)["TableDescription"]
    return table["TableName"], table["LatestStreamArn"]


def mapping(server, stream_arn, url=None, **settings):
    """A mapping of `stream_arn` from TRIM_HORIZON to a function at `url`; its description."""
    request = {
        "EventSourceArn": stream_arn,
        "FunctionName": unique_name("fn"),
        "StartingPosition": "TRIM_HORIZON",
        **({"FunctionUrl": url} if url else {}),
        **settings,
    }
    return ok(server, "CreateEventSourceMapping", request)


def put(ddb, table, pk, **attributes):
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, **attributes})


def wait_for(what, check, server=None):
    """Waits until `check()` is truthy and returns it; with `server`, moves its clock a
    minute on each try, past any retry's backoff."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        if server is not None:
            ok(server, "AdvanceClock", {"Millis": 60_000})
        time.sleep(0.1)


def invocations(server, uuid):
    """The mapping's invocations, oldest first."""
    return list(reversed(ok(server, "GetInvocations", {"UUID": uuid, "Limit": 50})["Invocations"]))


def finished(server, uuid, count):
    """The mapping's invocations once `count` of them have an outcome."""
    done = [i for i in invocations(server, uuid) if i["Status"] != "InProgress"]
    return done if len(done) >= count else None


def pks(event):
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]


def test_the_handler_receives_lambdas_event(server, ddb, handlers):
    handler = handlers()
    table, stream_arn = stream_table(ddb)
    created = mapping(server, stream_arn, handler.url)
    assert created["FunctionUrl"] == handler.url
    put(ddb, table, "a", n={"N": "1"})
    wait_for("the INSERT", lambda: handler.calls)
    put(ddb, table, "a", n={"N": "2"})
    wait_for("the MODIFY", lambda: len(handler.calls) == 2)

    headers, event = handler.calls[0]
    assert headers["content-type"] == "application/json"
    [record] = event["Records"]
    assert record["eventName"] == "INSERT"
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == REGION
    assert record["eventSourceARN"] == stream_arn
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert "OldImage" not in record["dynamodb"]
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert record["dynamodb"]["SequenceNumber"].isdigit()
    [modify] = handler.calls[1][1]["Records"]
    assert modify["eventName"] == "MODIFY"
    assert modify["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["n"] == {"N": "2"}

    done = wait_for("both outcomes", lambda: finished(server, created["UUID"], 2))
    assert [i["Status"] for i in done] == ["Succeeded", "Succeeded"]
    # The request id a handler sees is the invocation's.
    assert headers["lambda-runtime-aws-request-id"] == done[0]["InvocationId"]
    assert headers["lambda-runtime-invoked-function-arn"] == created["FunctionArn"]
    listed = ok(server, "ListEventSourceMappings", {"EventSourceArn": stream_arn})
    assert listed["EventSourceMappings"][0]["LastProcessingResult"] == "OK"


def test_a_failing_handler_is_retried_then_the_batch_goes_to_the_on_failure_queue(server, ddb, handlers):
    handler = handlers(lambda event, n: (500, "boom", {}))
    table, stream_arn = stream_table(ddb)
    queue = unique_name("dlq")
    created = mapping(
        server,
        stream_arn,
        handler.url,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"}},
    )
    put(ddb, table, "a")

    def received():
        return ok(server, "ReceiveFromQueue", {"QueueName": queue})["Messages"]

    [message] = wait_for("the on-failure record", received, server=server)
    assert [h["x-dynoscope-attempt"] for h, _ in handler.calls] == ["1", "2", "3"]
    assert all(pks(event) == ["a"] for _, event in handler.calls)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["DDBStreamBatchInfo"]["batchSize"] == 1
    assert record["DDBStreamBatchInfo"]["streamArn"] == stream_arn
    done = invocations(server, created["UUID"])
    assert [i["Status"] for i in done] == ["Failed"] * 3
    assert done[0]["ErrorMessage"] == "HTTPError: HTTP 500 Internal Server Error: boom"
    assert [i["Next"] for i in done] == ["Retry", "Retry", "Discarded"]


def test_a_partial_batch_response_resumes_from_the_failed_item(server, ddb, handlers):
    def answer(event, n):
        if n == 0:
            second = event["Records"][1]["dynamodb"]["SequenceNumber"]
            return 200, json.dumps({"batchItemFailures": [{"itemIdentifier": second}]}), {}
        return 200, json.dumps({"batchItemFailures": []}), {}

    handler = handlers(answer)
    table, stream_arn = stream_table(ddb)
    for pk in ["a", "b", "c"]:
        put(ddb, table, pk)
    created = mapping(server, stream_arn, handler.url, FunctionResponseTypes=["ReportBatchItemFailures"])
    wait_for("the retry", lambda: len(handler.calls) >= 2, server=server)
    assert [pks(event) for _, event in handler.calls] == [["a", "b", "c"], ["b", "c"]]
    done = wait_for("both outcomes", lambda: finished(server, created["UUID"], 2))
    assert [i["Status"] for i in done] == ["PartiallyFailed", "Succeeded"]


def test_a_function_error_header_and_lambdas_error_json_name_the_error(server, ddb, handlers):
    error = json.dumps({"errorType": "ValidationError", "errorMessage": "pk a is not allowed"})
    handler = handlers(lambda event, n: (200, error, {"X-Amz-Function-Error": "Unhandled"}))
    table, stream_arn = stream_table(ddb)
    created = mapping(server, stream_arn, handler.url, MaximumRetryAttempts=0)
    put(ddb, table, "a")
    [done] = wait_for("the outcome", lambda: finished(server, created["UUID"], 1))
    assert done["Status"] == "Failed"
    assert done["ErrorMessage"] == "ValidationError: pk a is not allowed"


def test_a_handler_past_the_function_timeout_times_out(server, ddb, handlers):
    def slow(event, n):
        time.sleep(1.5)
        return 200, "", {}

    handler = handlers(slow)
    table, stream_arn = stream_table(ddb)
    created = mapping(server, stream_arn, handler.url, FunctionTimeoutSeconds=1, MaximumRetryAttempts=0)
    put(ddb, table, "a")
    [done] = wait_for("the timeout", lambda: finished(server, created["UUID"], 1))
    assert done["ErrorMessage"] == "Sandbox.Timedout: Task timed out after 1.00 seconds"


def test_a_mapping_without_a_url_fails_as_a_missing_function(server, ddb):
    table, stream_arn = stream_table(ddb)
    created = mapping(server, stream_arn, MaximumRetryAttempts=0)
    put(ddb, table, "a")
    [done] = wait_for("the outcome", lambda: finished(server, created["UUID"], 1))
    assert done["ErrorMessage"].startswith(f"ResourceNotFoundException: Function not found: {created['FunctionArn']}")


def test_a_url_nobody_listens_on_is_reported_unreachable(server, ddb, handlers):
    handler = handlers()
    url = handler.url
    handler.close()
    table, stream_arn = stream_table(ddb)
    created = mapping(server, stream_arn, url, MaximumRetryAttempts=0)
    put(ddb, table, "a")
    [done] = wait_for("the outcome", lambda: finished(server, created["UUID"], 1))
    assert done["ErrorMessage"].startswith(f"FunctionUrlUnreachable: The function at {url} could not be reached")


@pytest.mark.parametrize(
    "url",
    ["http://example.com/", "https://localhost:3000/", "http://10.0.0.1:8080/", "http://localhost@example.com/"],
)
def test_a_function_url_off_this_machine_is_refused(server, ddb, url):
    _, stream_arn = stream_table(ddb)
    request = {"EventSourceArn": stream_arn, "FunctionName": "f", "StartingPosition": "LATEST", "FunctionUrl": url}
    status, answer = dynoscope(server, "CreateEventSourceMapping", request)
    assert status == 400
    assert answer["__type"].endswith("InvalidParameterValueException")
    assert url in answer["message"]


def test_delivered_positions_survive_a_crash_under_a_data_dir(tmp_path, handlers):
    handler = handlers()
    first = start_server("--data-dir", str(tmp_path))
    try:
        ddb = make_client(first)
        table, stream_arn = stream_table(ddb)
        created = mapping(first, stream_arn, handler.url)
        put(ddb, table, "a")
        wait_for("the outcome", lambda: finished(first, created["UUID"], 1))
    finally:
        first.process.kill()  # no graceful shutdown: only what was committed survives
        first.process.wait()
    second = start_server("--data-dir", str(tmp_path))
    try:
        put(make_client(second), table, "b")
        wait_for("the next batch", lambda: len(handler.calls) == 2)
        time.sleep(0.3)
        assert [pks(event) for _, event in handler.calls] == [["a"], ["b"]], "a was not delivered again"
    finally:
        assert second.stop() == 0
