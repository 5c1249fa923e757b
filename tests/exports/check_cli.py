"""Checks the AWS CLI exports against the native endpoint (dynoscope-server). For each model:
runs its `.cli.sh` script with a stand-in `aws` command that makes the same calls through boto3
(so the script's quoting and JSON reach the endpoint as the real CLI would send them), creates
each table again from `.cli.json` with `create_table(**request)` and once more from the model's
own definition, then checks that DescribeTable reports the model's table (keys, attributes,
billing, capacity, indexes, stream, table class, deletion protection), that tags, TTL and
point-in-time recovery are what the model says, and that the three tables describe alike.

Usage: python check_cli.py OUT_DIR MODEL.json...   (OUT_DIR holds NAME.cli.sh and NAME.cli.json)
Environment: DYNOSCOPE_SERVER_BIN, the server binary (default target/debug/dynoscope-server).
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("DYNOSCOPE_SERVER_BIN", str(REPO / "target/debug/dynoscope-server"))

SHIM = '''#!{python}
"""A stand-in for the AWS CLI's dynamodb commands, sending them through boto3."""
import json, os, sys, time
import boto3

client = boto3.client("dynamodb", endpoint_url=os.environ["DYNOSCOPE_ENDPOINT"],
                      region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
args = sys.argv[1:]
def option(name):
    return args[args.index(name) + 1]
match args[:2]:
    case ["dynamodb", "create-table"]:
        client.create_table(**json.loads(option("--cli-input-json")))
    case ["dynamodb", "wait"] if args[2] == "table-exists":
        client.get_waiter("table_exists").wait(TableName=option("--table-name"),
                                               WaiterConfig={{"Delay": 0.2, "MaxAttempts": 50}})
    case ["dynamodb", "update-time-to-live"]:
        client.update_time_to_live(TableName=option("--table-name"),
            TimeToLiveSpecification=json.loads(option("--time-to-live-specification")))
    case ["dynamodb", "update-continuous-backups"]:
        key, value = option("--point-in-time-recovery-specification").split("=")
        client.update_continuous_backups(TableName=option("--table-name"),
            PointInTimeRecoverySpecification={{key: value == "true"}})
    case _:
        sys.exit(f"aws stand-in: unsupported command {{args}}")
'''

VOLATILE = {
    "TableName", "TableArn", "TableId", "CreationDateTime", "LatestStreamArn",
    "LatestStreamLabel", "TableStatus", "ItemCount", "TableSizeBytes", "IndexArn",
    "IndexStatus", "IndexSizeBytes", "LastIncreaseDateTime", "LastDecreaseDateTime",
    "NumberOfDecreasesToday", "Backfilling", "LastUpdateToPayPerRequestDateTime",
}


def start_server():
    process = subprocess.Popen([SERVER, "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        process.kill()
        sys.exit(f"unexpected first line from {SERVER}: {line!r}")
    return process, match.group(1)


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def key(schema, role):
    return next((k["AttributeName"] for k in schema if k["KeyType"] == role), None)


def normalized(value):
    """A description without names, ARNs, times and counts; lists of named things sorted."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        items = [normalized(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def throughput(spec, index=None):
    if spec.get("BillingMode") == "PAY_PER_REQUEST":
        return (0, 0)
    t = (index or spec).get("ProvisionedThroughput") or spec.get("ProvisionedThroughput")
    return (t["ReadCapacityUnits"], t["WriteCapacityUnits"])


def described_throughput(description):
    t = description.get("ProvisionedThroughput", {})
    return (t.get("ReadCapacityUnits", 0), t.get("WriteCapacityUnits", 0))


def projection(p):
    return (p["ProjectionType"], sorted(p.get("NonKeyAttributes", [])))


def check_table(client, spec, problems):
    name = spec["TableName"]
    d = client.describe_table(TableName=name)["Table"]
    expect = lambda what, got, want: got == want or problems.append(f"{name}: {what} is {got!r}, the model says {want!r}")
    expect("KeySchema", d["KeySchema"], spec["KeySchema"])
    expect("AttributeDefinitions", normalized(d["AttributeDefinitions"]), normalized(spec["AttributeDefinitions"]))
    billing = d.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    expect("BillingMode", billing, spec.get("BillingMode", "PROVISIONED"))
    expect("ProvisionedThroughput", described_throughput(d), throughput(spec))
    want_gsis = {i["IndexName"]: i for i in spec.get("GlobalSecondaryIndexes", [])}
    got_gsis = {i["IndexName"]: i for i in d.get("GlobalSecondaryIndexes", [])}
    expect("global indexes", sorted(got_gsis), sorted(want_gsis))
    for index_name in set(want_gsis) & set(got_gsis):
        want, got = want_gsis[index_name], got_gsis[index_name]
        expect(f"{index_name} KeySchema", got["KeySchema"], want["KeySchema"])
        expect(f"{index_name} Projection", projection(got["Projection"]), projection(want["Projection"]))
        expect(f"{index_name} throughput", described_throughput(got), throughput(spec, want))
    want_lsis = {i["IndexName"]: i for i in spec.get("LocalSecondaryIndexes", [])}
    got_lsis = {i["IndexName"]: i for i in d.get("LocalSecondaryIndexes", [])}
    expect("local indexes", sorted(got_lsis), sorted(want_lsis))
    for index_name in set(want_lsis) & set(got_lsis):
        want, got = want_lsis[index_name], got_lsis[index_name]
        expect(f"{index_name} KeySchema", got["KeySchema"], want["KeySchema"])
        expect(f"{index_name} Projection", projection(got["Projection"]), projection(want["Projection"]))
    stream = spec.get("StreamSpecification") or {"StreamEnabled": False}
    got_stream = d.get("StreamSpecification") or {"StreamEnabled": False}
    expect("StreamSpecification", got_stream, stream if stream.get("StreamEnabled") else {"StreamEnabled": False})
    expect("TableClass", d.get("TableClassSummary", {}).get("TableClass", "STANDARD"), spec.get("TableClass", "STANDARD"))
    expect("DeletionProtectionEnabled", d.get("DeletionProtectionEnabled", False), spec.get("DeletionProtectionEnabled", False))
    tags = client.list_tags_of_resource(ResourceArn=d["TableArn"]).get("Tags", [])
    expect("Tags", normalized(tags), normalized(spec.get("Tags", [])))
    ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    got_ttl = ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") else None
    expect("TTL attribute", got_ttl, spec.get("TimeToLiveAttribute"))
    backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    pitr = backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    expect("point-in-time recovery", pitr, bool(spec.get("PointInTimeRecoveryEnabled")))
    return normalized(d)


def create_copy(client, request, name):
    request = dict(request, TableName=name)
    client.create_table(**request)
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    return normalized(client.describe_table(TableName=name)["Table"])


def check_model(client, endpoint, shim_dir, out_dir, model_path, problems):
    model = json.loads(Path(model_path).read_text())
    stem = Path(model_path).stem
    env = dict(os.environ, PATH=f"{shim_dir}:{os.environ['PATH']}", DYNOSCOPE_ENDPOINT=endpoint)
    run = subprocess.run(["bash", str(out_dir / f"{stem}.cli.sh")], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        problems.append(f"{stem}.cli.sh failed: {run.stderr.strip()}")
        return
    requests = json.loads((out_dir / f"{stem}.cli.json").read_text())
    requests = requests if isinstance(requests, list) else [requests]
    specs = [t["definition"] for t in model["tables"]]
    if [r["TableName"] for r in requests] != [s["TableName"] for s in specs]:
        problems.append(f"{stem}.cli.json: tables {[r['TableName'] for r in requests]}")
        return
    for spec, request in zip(specs, requests):
        from_script = check_table(client, spec, problems)
        from_json = create_copy(client, request, spec["TableName"] + "-json")
        model_request = {k: v for k, v in spec.items() if k not in ("TimeToLiveAttribute", "PointInTimeRecoveryEnabled")}
        from_model = create_copy(client, model_request, spec["TableName"] + "-model")
        if not from_script == from_json == from_model:
            problems.append(
                f"{spec['TableName']}: described differently when created by the script, "
                f"from .cli.json and from the model:\n{from_script}\n{from_json}\n{from_model}"
            )
    print(f"{stem}.cli.sh and {stem}.cli.json: {len(specs)} tables as in {model_path}")


def main():
    out_dir, models = Path(sys.argv[1]), sys.argv[2:]
    process, endpoint = start_server()
    problems = []
    try:
        deadline = time.monotonic() + 30
        client = boto3.client(
            "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="x", aws_secret_access_key="x",
            config=Config(retries={"max_attempts": 1}),
        )
        while True:
            try:
                client.list_tables()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as shim_dir:
            shim = Path(shim_dir) / "aws"
            shim.write_text(SHIM.format(python=sys.executable))
            shim.chmod(0o755)
            for model_path in models:
                check_model(client, endpoint, shim_dir, out_dir, model_path, problems)
    finally:
        stop_server(process)
    if problems:
        sys.exit("AWS CLI exports differ from their models:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    main()
