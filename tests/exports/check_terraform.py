"""Parses a Terraform export with python-hcl2 and checks that its aws_dynamodb_table
resources say what the model's tables do: name, billing, capacity, keys, attributes, global
and local indexes with projections and capacity, TTL, stream, point-in-time recovery, deletion
protection, table class and tags.

Usage: python check_terraform.py MODEL.json EXPORT.tf
"""

import json
import sys

import hcl2

DEFAULT_CAPACITY = (5, 5)  # what the exports write for a provisioned table without any
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def text(value):
    """A string as Terraform reads it: quotes removed, escapes and template doubling undone
    (python-hcl2 returns some strings as written)."""
    if not isinstance(value, str):
        return value
    if len(value) >= 2 and value[0] == value[-1] == '"':
        out, i, raw = [], 0, value[1:-1]
        while i < len(raw):
            c = raw[i]
            if c == "\\" and raw[i + 1 : i + 2] == "u":
                out.append(chr(int(raw[i + 2 : i + 6], 16)))
                i += 6
            elif c == "\\":
                out.append(ESCAPES[raw[i + 1]])
                i += 2
            elif raw[i : i + 3] in ("$${", "%%{"):
                out.append(raw[i] + "{")
                i += 3
            else:
                out.append(c)
                i += 1
        return "".join(out)
    return value


def one(blocks):
    """A block that appears once (python-hcl2 gives blocks as lists)."""
    if isinstance(blocks, list):
        assert len(blocks) == 1, blocks
        return blocks[0]
    return blocks


def key(schema, role):
    return next((k["AttributeName"] for k in schema if k["KeyType"] == role), None)


def capacity(spec, index=None):
    if spec.get("BillingMode") == "PAY_PER_REQUEST":
        return None
    own = (index or {}).get("ProvisionedThroughput") or spec.get("ProvisionedThroughput")
    if not own:
        return DEFAULT_CAPACITY
    return (own["ReadCapacityUnits"], own["WriteCapacityUnits"])


def expected(spec):
    """The table as the checks compare it, from the model."""
    stream = spec.get("StreamSpecification") or {}
    table = {
        "name": spec["TableName"],
        "billing_mode": "PAY_PER_REQUEST" if capacity(spec) is None else "PROVISIONED",
        "capacity": capacity(spec),
        "hash_key": key(spec["KeySchema"], "HASH"),
        "range_key": key(spec["KeySchema"], "RANGE"),
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in spec["AttributeDefinitions"]),
        "gsis": sorted(
            (
                i["IndexName"],
                key(i["KeySchema"], "HASH"),
                key(i["KeySchema"], "RANGE"),
                i["Projection"]["ProjectionType"],
                tuple(i["Projection"].get("NonKeyAttributes", [])),
                capacity(spec, i),
            )
            for i in spec.get("GlobalSecondaryIndexes", [])
        ),
        "lsis": sorted(
            (
                i["IndexName"],
                key(i["KeySchema"], "RANGE"),
                i["Projection"]["ProjectionType"],
                tuple(i["Projection"].get("NonKeyAttributes", [])),
            )
            for i in spec.get("LocalSecondaryIndexes", [])
        ),
        "ttl": spec.get("TimeToLiveAttribute"),
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "pitr": spec.get("PointInTimeRecoveryEnabled"),
        "deletion_protection": spec.get("DeletionProtectionEnabled"),
        "table_class": spec.get("TableClass"),
        "tags": {t["Key"]: t["Value"] for t in spec.get("Tags", [])},
    }
    return table


def number(value):
    return None if value is None else int(text(value))


def found(resource):
    """The same comparison shape, from a parsed aws_dynamodb_table."""
    get = lambda name: text(resource.get(name))
    provisioned = get("billing_mode") == "PROVISIONED"
    ttl = one(resource["ttl"]) if "ttl" in resource else None
    pitr = one(resource["point_in_time_recovery"]) if "point_in_time_recovery" in resource else None
    return {
        "name": get("name"),
        "billing_mode": get("billing_mode"),
        "capacity": (number(resource.get("read_capacity")), number(resource.get("write_capacity"))) if provisioned else None,
        "hash_key": get("hash_key"),
        "range_key": get("range_key"),
        "attributes": sorted((text(a["name"]), text(a["type"])) for a in resource.get("attribute", [])),
        "gsis": sorted(
            (
                text(i["name"]),
                text(i.get("hash_key")),
                text(i.get("range_key")),
                text(i["projection_type"]),
                tuple(text(n) for n in i.get("non_key_attributes", [])),
                (number(i.get("read_capacity")), number(i.get("write_capacity"))) if provisioned else None,
            )
            for i in resource.get("global_secondary_index", [])
        ),
        "lsis": sorted(
            (
                text(i["name"]),
                text(i.get("range_key")),
                text(i["projection_type"]),
                tuple(text(n) for n in i.get("non_key_attributes", [])),
            )
            for i in resource.get("local_secondary_index", [])
        ),
        "ttl": text(ttl["attribute_name"]) if ttl and ttl.get("enabled") else None,
        "stream": get("stream_view_type") if resource.get("stream_enabled") else None,
        "pitr": pitr["enabled"] if pitr else None,
        "deletion_protection": resource.get("deletion_protection_enabled"),
        "table_class": get("table_class"),
        "tags": {text(k): text(v) for k, v in (resource.get("tags") or {}).items()},
    }


def tables(parsed):
    for block in parsed.get("resource", []):
        for kind, named in block.items():
            if text(kind) == "aws_dynamodb_table":
                for resource in named.values():
                    yield found(resource)


def main():
    model_path, tf_path = sys.argv[1:3]
    with open(model_path) as f:
        model = json.load(f)
    with open(tf_path) as f:
        parsed = hcl2.load(f)
    assert parsed.get("provider"), f"{tf_path}: no provider block"
    got = {t["name"]: t for t in tables(parsed)}
    want = {t["definition"]["TableName"]: expected(t["definition"]) for t in model["tables"]}
    problems = []
    if set(got) != set(want):
        problems.append(f"tables: {sorted(got)} in the export, {sorted(want)} in the model")
    for name in sorted(set(got) & set(want)):
        for field in want[name]:
            if got[name][field] != want[name][field]:
                problems.append(f"{name}.{field}: export {got[name][field]!r}, model {want[name][field]!r}")
    if problems:
        sys.exit(f"{tf_path} differs from {model_path}:\n  " + "\n  ".join(problems))
    print(f"{tf_path}: {len(got)} tables as in {model_path}")


if __name__ == "__main__":
    main()
