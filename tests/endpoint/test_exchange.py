"""ExportTableToPointInTime, DescribeExport, ListExports, ImportTable, DescribeImport and
ListImports through boto3, on a server of this module's own started with `--s3-dir`: an
export written in DynamoDB's layout (checked file by file, manifests and checksums
included), imported back into new tables in each format, objects in each compression, CSV
with and without HeaderList, and a malformed line counted as ImportTable counts it.
Expectations follow what the service does as measured (ScyllaDB's test_export.py and
test_import.py, run against AWS; ack-api-quirks' findings of 2026-10-09).
"""

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import time

import pytest

from support import code_and_message, create_table, make_client, start_server, table_arn, unique_name

BUCKET = "exports"


@pytest.fixture(scope="module")
def s3_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("s3")
    (root / BUCKET).mkdir()
    return root


@pytest.fixture(scope="module")
def client(s3_dir):
    server = start_server("--s3-dir", str(s3_dir))
    yield make_client(server)
    assert server.stop() == 0


def pitr_table(client, items=(), **extra):
    name = create_table(client, **extra)["TableDescription"]["TableName"]
    client.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    for item in items:
        client.put_item(TableName=name, Item=item)
    return name


def wait_export(client, arn):
    for _ in range(100):
        description = client.describe_export(ExportArn=arn)["ExportDescription"]
        if description["ExportStatus"] != "IN_PROGRESS":
            return description
        time.sleep(0.05)
    raise AssertionError(f"export {arn} never ended")


def wait_import(client, arn):
    for _ in range(100):
        description = client.describe_import(ImportArn=arn)["ImportTableDescription"]
        if description["ImportStatus"] != "IN_PROGRESS":
            return description
        time.sleep(0.05)
    raise AssertionError(f"import {arn} never ended")


ITEMS = [
    {"pk": {"S": "a"}, "n": {"N": "600"}, "b": {"B": b"\x00\x01\xfe\xff"}, "ss": {"SS": ["x", "y"]},
     "m": {"M": {"l": {"L": [{"NULL": True}, {"BOOL": False}, {"N": "-17.5"}]}}}},
    {"pk": {"S": "quote\" é"}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x00"]}, "e": {"S": ""}},
    {"pk": {"S": "plain"}},
]


def wire(item):
    """An item as DynamoDB JSON on the wire: binary base64-encoded, sets sorted."""
    def value(v):
        (tag, inner), = v.items()
        if tag == "B":
            return {"B": base64.b64encode(inner).decode()}
        if tag == "BS":
            return {"BS": sorted(base64.b64encode(b).decode() for b in inner)}
        if tag in ("SS", "NS"):
            return {tag: sorted(inner)}
        if tag == "L":
            return {"L": [value(x) for x in inner]}
        if tag == "M":
            return {"M": {k: value(x) for k, x in inner.items()}}
        return {tag: inner}
    return {k: value(v) for k, v in item.items()}


def scanned(client, table):
    return sorted((wire(i) for i in client.scan(TableName=table)["Items"]), key=lambda i: json.dumps(i, sort_keys=True))


def b64md5(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def export_folder(s3_dir, description):
    export_id = description["ExportArn"].rsplit("/", 1)[1]
    prefix = description.get("S3Prefix")
    folder = s3_dir / description["S3Bucket"]
    if prefix:
        folder = folder / prefix
    return folder / "AWSDynamoDB" / export_id


def test_an_export_is_written_in_dynamodbs_layout(client, s3_dir):
    table = pitr_table(client, ITEMS)
    started = client.export_table_to_point_in_time(
        TableArn=table_arn(table), S3Bucket=BUCKET, S3Prefix="dira/dirb"
    )["ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS"
    assert started["ExportFormat"] == "DYNAMODB_JSON"
    assert "ExportType" not in started
    final = wait_export(client, started["ExportArn"])
    assert final["ExportStatus"] == "COMPLETED"
    assert final["ItemCount"] == len(ITEMS)
    assert final["BilledSizeBytes"] > 0

    folder = export_folder(s3_dir, final)
    assert {p.name for p in folder.iterdir()} == {
        "_started", "data", "manifest-files.json", "manifest-files.md5",
        "manifest-summary.json", "manifest-summary.md5",
    }
    assert (folder / "_started").read_bytes() == b""
    for manifest in ("manifest-files", "manifest-summary"):
        body = (folder / f"{manifest}.json").read_bytes()
        assert (folder / f"{manifest}.md5").read_text().strip() == b64md5(body)
    summary = json.loads((folder / "manifest-summary.json").read_text())
    assert final["ExportManifest"] == f"dira/dirb/AWSDynamoDB/{folder.name}/manifest-summary.json"
    assert summary["version"] == "2020-06-30"
    assert summary["exportArn"] == final["ExportArn"]
    assert summary["tableArn"] == table_arn(table)
    assert summary["s3Bucket"] == BUCKET and summary["s3Prefix"] == "dira/dirb"
    assert summary["itemCount"] == len(ITEMS)
    assert summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["manifestFilesS3Key"] == f"dira/dirb/AWSDynamoDB/{folder.name}/manifest-files.json"
    for key in ("startTime", "endTime", "tableId", "exportTime", "s3SseAlgorithm", "s3SseKmsKeyId", "billedSizeBytes"):
        assert key in summary

    exported = []
    for line in (folder / "manifest-files.json").read_text().splitlines():
        entry = json.loads(line)
        data = (s3_dir / BUCKET / entry["dataFileS3Key"]).read_bytes()
        assert entry["dataFileS3Key"].endswith(".json.gz")
        assert entry["md5Checksum"] == b64md5(data)
        assert entry["etag"].endswith("-1")
        lines = gzip.decompress(data).decode().splitlines()
        assert entry["itemCount"] == len(lines)
        exported += [json.loads(l)["Item"] for l in lines]
    for item in exported:
        for v in item.values():
            for tag in ("SS", "NS", "BS"):
                if tag in v:
                    v[tag].sort()
    by_text = lambda i: json.dumps(i, sort_keys=True)
    assert sorted(exported, key=by_text) == sorted((wire(i) for i in ITEMS), key=by_text)


def test_an_export_imports_back_in_each_format(client, s3_dir):
    table = pitr_table(client, ITEMS)
    for export_format in ("DYNAMODB_JSON", "ION"):
        final = wait_export(client, client.export_table_to_point_in_time(
            TableArn=table_arn(table), S3Bucket=BUCKET, ExportFormat=export_format,
            ExportType="FULL_EXPORT",
        )["ExportDescription"]["ExportArn"])
        assert final["ExportStatus"] == "COMPLETED"
        assert final["ExportType"] == "FULL_EXPORT"
        folder = export_folder(s3_dir, final)
        data_files = list((folder / "data").iterdir())
        assert data_files and all(p.name.endswith(".ion.gz" if export_format == "ION" else ".json.gz") for p in data_files)
        if export_format == "ION":
            assert gzip.decompress(data_files[0].read_bytes()).decode().startswith("$ion_1_0 {Item:{")
        target = unique_name("imported")
        started = client.import_table(
            S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": f"AWSDynamoDB/{folder.name}/data/"},
            InputFormat=export_format, InputCompressionType="GZIP",
            TableCreationParameters={
                "TableName": target, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            },
        )["ImportTableDescription"]
        done = wait_import(client, started["ImportArn"])
        assert done["ImportStatus"] == "COMPLETED", done
        assert done["ProcessedItemCount"] == done["ImportedItemCount"] == len(ITEMS)
        assert done["ErrorCount"] == 0
        assert scanned(client, target) == scanned(client, table)
        assert client.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE"


def put_object(s3_dir, key, body):
    path = s3_dir / BUCKET / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


def import_from(client, prefix, input_format="DYNAMODB_JSON", compression=None, options=None, keys=(("pk", "S"),)):
    request = {
        "S3BucketSource": {"S3Bucket": BUCKET, "S3KeyPrefix": prefix},
        "InputFormat": input_format,
        "TableCreationParameters": {
            "TableName": unique_name("imp"), "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in keys],
            "KeySchema": [{"AttributeName": n, "KeyType": k} for (n, _), k in zip(keys, ("HASH", "RANGE"))],
        },
    }
    if compression:
        request["InputCompressionType"] = compression
    if options:
        request["InputFormatOptions"] = options
    started = client.import_table(**request)["ImportTableDescription"]
    return wait_import(client, started["ImportArn"])


LINES = "".join(json.dumps({"Item": {"pk": {"S": f"k{i}"}, "v": {"N": str(i)}}}) + "\n" for i in range(3)).encode()


@pytest.mark.parametrize("compression", [None, "NONE", "GZIP", "ZSTD"])
def test_objects_are_read_in_each_compression(client, s3_dir, compression):
    if compression == "ZSTD" and not shutil.which("zstd"):
        pytest.skip("no zstd command to write the object with")
    body = {
        "GZIP": lambda: gzip.compress(LINES),
        "ZSTD": lambda: subprocess.run(["zstd", "-q", "-c"], input=LINES, capture_output=True, check=True).stdout,
    }.get(compression, lambda: LINES)()
    prefix = f"compressed/{compression}/"
    put_object(s3_dir, prefix + "part-1", body)
    put_object(s3_dir, prefix + "part-2", b"")  # an empty object is no item and no error
    done = import_from(client, prefix, compression=compression)
    assert done["ImportStatus"] == "COMPLETED", done
    assert done["InputCompressionType"] == (compression or "NONE")
    assert done["ImportedItemCount"] == 3
    assert done["ProcessedSizeBytes"] == len(LINES), "counted before compression"


def test_csv_with_its_own_header(client, s3_dir):
    put_object(s3_dir, "csv/header/a.csv", b'pk,sk,note\nx,1,"a, b"\ny,2,\n')
    done = import_from(client, "csv/header/", "CSV", keys=(("pk", "S"), ("sk", "N")))
    assert done["ImportStatus"] == "COMPLETED", done
    assert "InputFormatOptions" not in done
    items = scanned(client, done["TableCreationParameters"]["TableName"])
    assert items == [
        {"note": {"S": "a, b"}, "pk": {"S": "x"}, "sk": {"N": "1"}},
        {"pk": {"S": "y"}, "sk": {"N": "2"}},
    ]


def test_csv_with_a_header_list_and_a_delimiter(client, s3_dir):
    put_object(s3_dir, "csv/list/a.csv", b"x;1;first\ny;2;second\n")
    options = {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "note"]}}
    done = import_from(client, "csv/list/", "CSV", options=options, keys=(("pk", "S"), ("sk", "N")))
    assert done["ImportStatus"] == "COMPLETED", done
    assert done["InputFormatOptions"] == options
    assert done["ImportedItemCount"] == 2, "with a HeaderList the first line is data"


def test_a_malformed_line_is_counted_and_fails_the_import(client, s3_dir):
    good = [json.dumps({"Item": {"pk": {"S": f"g{i}"}}}) for i in range(2)]
    put_object(s3_dir, "bad/1-good.json", ("\n".join(good) + "\n\n  \n").encode())
    # The first line that is not an item abandons the rest of its object.
    put_object(s3_dir, "bad/2-bad.json", b'{"Item": \n{"Item": {"pk": {"S": "never read"}}}\n')
    put_object(s3_dir, "bad/3-nokey.json", b'{"Item": {"other": {"S": "x"}}}\n{"Item": {"pk": {"S": "after"}}}\n')
    done = import_from(client, "bad/")
    assert done["ImportStatus"] == "FAILED"
    assert done["FailureCode"] == "ItemValidationError"
    assert done["FailureMessage"].startswith("Some of the items failed validation checks")
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (5, 3, 2)
    table = done["TableCreationParameters"]["TableName"]
    assert client.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    assert [i["pk"]["S"] for i in scanned(client, table)] == ["after", "g0", "g1"]


def test_a_missing_bucket_fails_the_import_and_creates_no_table(client):
    name = unique_name("nobucket")
    started = client.import_table(
        S3BucketSource={"S3Bucket": "no-such-bucket"}, InputFormat="CSV",
        TableCreationParameters={
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        },
    )["ImportTableDescription"]
    done = wait_import(client, started["ImportArn"])
    assert done["ImportStatus"] == "FAILED"
    assert done["FailureCode"] == "S3NoSuchBucket"
    assert code_and_message(client.describe_table, TableName=name)[0] == "ResourceNotFoundException"


def test_importing_into_an_existing_table_is_refused(client, s3_dir):
    table = create_table(client)["TableDescription"]["TableName"]
    assert code_and_message(
        client.import_table,
        S3BucketSource={"S3Bucket": BUCKET}, InputFormat="CSV",
        TableCreationParameters={
            "TableName": table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        },
    ) == ("ResourceInUseException", f"Table already exists: {table}")


def test_an_export_needs_point_in_time_recovery(client):
    table = create_table(client)["TableDescription"]["TableName"]
    assert code_and_message(
        client.export_table_to_point_in_time, TableArn=table_arn(table), S3Bucket=BUCKET
    ) == ("PointInTimeRecoveryUnavailableException", f"Point in time recovery is not enabled for table '{table}'")


def test_exports_to_a_missing_bucket_fail(client):
    table = pitr_table(client)
    final = wait_export(client, client.export_table_to_point_in_time(
        TableArn=table_arn(table), S3Bucket="no-such-bucket"
    )["ExportDescription"]["ExportArn"])
    assert final["ExportStatus"] == "FAILED"
    assert final["FailureCode"] == "S3NoSuchBucket"
    assert "bucket does not exist" in final["FailureMessage"]


def test_describe_and_list(client):
    table = pitr_table(client)
    arns = [
        client.export_table_to_point_in_time(TableArn=table_arn(table), S3Bucket=BUCKET)["ExportDescription"]["ExportArn"]
        for _ in range(3)
    ]
    first = client.list_exports(TableArn=table_arn(table), MaxResults=2)
    assert [s["ExportArn"] for s in first["ExportSummaries"]] == arns[:0:-1]
    rest = client.list_exports(TableArn=table_arn(table), MaxResults=2, NextToken=first["NextToken"])
    assert [s["ExportArn"] for s in rest["ExportSummaries"]] == arns[:1]
    assert "NextToken" not in rest
    assert code_and_message(client.describe_export, ExportArn=table_arn(table))[0] == "ValidationException"
    unknown = f"{table_arn(table)}/export/01800000000000-0badf00d"
    assert code_and_message(client.describe_export, ExportArn=unknown)[0] == "ExportNotFoundException"
    unknown = f"{table_arn(table)}/import/01800000000000-0badf00d"
    assert code_and_message(client.describe_import, ImportArn=unknown)[0] == "ImportNotFoundException"
    listed = client.list_imports(PageSize=1)
    assert len(listed["ImportSummaryList"]) == 1
    assert len(listed["NextToken"]) == 112
