#!/usr/bin/env python3
"""Writes the AWS CLI's view of DynamoDB that the in-page CLI reads (crates/cli/model/*.json).

From botocore's service models (the .venv's pinned botocore, the same data the AWS CLI reads)
it keeps, without any documentation text: every operation with its command name, its options
(the CLI's kebab-case names, made by botocore's own xform_name) and its input and output
shapes; every shape's type, members, required members, list member, map key and value, and
min constraint; the paginators; and the waiters (`aws dynamodb wait ...`) with their acceptors. Run it again after raising botocore in
tools/python/requirements.txt:  .venv/bin/python scripts/cli-model.py
"""
import json
import pathlib

import botocore
import botocore.session
from botocore import xform_name

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "cli" / "model"


def shape_entry(shape):
    entry = {"type": shape.type_name}
    if shape.type_name == "structure":
        entry["members"] = [[name, member.name] for name, member in shape.members.items()]
        required = shape.required_members
        if required:
            entry["required"] = list(required)
    elif shape.type_name == "list":
        entry["member"] = shape.member.name
    elif shape.type_name == "map":
        entry["key"] = shape.key.name
        entry["value"] = shape.value.name
    if "min" in shape.metadata:
        entry["min"] = shape.metadata["min"]
    if getattr(shape, "enum", None):
        entry["enum"] = list(shape.enum)
    return entry


def collect(shape, shapes):
    if shape is None or shape.name in shapes:
        return
    shapes[shape.name] = shape_entry(shape)
    if shape.type_name == "structure":
        for member in shape.members.values():
            collect(member, shapes)
    elif shape.type_name == "list":
        collect(shape.member, shapes)
    elif shape.type_name == "map":
        collect(shape.key, shapes)
        collect(shape.value, shapes)


def service(name, cli_name):
    session = botocore.session.get_session()
    model = session.get_service_model(name)
    try:
        paginators = session.get_paginator_model(name)._paginator_config
    except Exception:
        paginators = {}
    try:
        waiters = session.get_waiter_model(name)
        waiter_entries = {
            waiter_name: {
                "command": xform_name(waiter_name, "-"),
                "operation": waiters.get_waiter(waiter_name).operation,
                "maxAttempts": waiters.get_waiter(waiter_name).max_attempts,
                "acceptors": [
                    {k: v for k, v in (("state", a.state), ("matcher", a.matcher),
                                       ("argument", a.argument), ("expected", a.expected))
                     if v is not None}
                    for a in waiters.get_waiter(waiter_name).acceptors
                ],
            }
            for waiter_name in waiters.waiter_names
        }
    except Exception:
        waiter_entries = {}
    shapes, operations = {}, {}
    for op_name in model.operation_names:
        op = model.operation_model(op_name)
        collect(op.input_shape, shapes)
        collect(op.output_shape, shapes)
        entry = {
            "command": xform_name(op_name, "-"),
            "input": op.input_shape.name if op.input_shape else None,
            "output": op.output_shape.name if op.output_shape else None,
            "options": [
                [xform_name(member, "-"), member]
                for member in (op.input_shape.members if op.input_shape else {})
            ],
        }
        if op_name in paginators:
            entry["paginator"] = paginators[op_name]
        operations[op_name] = entry
    return {
        "service": cli_name,
        "botocore": botocore.__version__,
        "targetPrefix": model.metadata["targetPrefix"],
        "operations": operations,
        "shapes": shapes,
        "waiters": waiter_entries,
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("dynamodb", "dynamodbstreams"):
        data = service(name, name)
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
        print(f"{path}: {len(data['operations'])} operations, {len(data['shapes'])} shapes")


if __name__ == "__main__":
    main()
