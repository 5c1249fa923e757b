"""IAM fine-grained access through boto3: a principal set with Dynoscope_PutPrincipal is
who a request signed with its access key id acts as. Its identity policies allow or refuse
each request with DynamoDB's AccessDeniedException in AWS's words; other keys (the suite's
own "test") act as the administrator; Dynoscope_ExplainAccess names the deciding statement.
"""

import json
import uuid

import boto3
import pytest

from support import REGION, code_and_message, create_table, raw_post, sdk_arguments


def post(server, operation, body):
    status, _, answer = raw_post(server, f"DynamoDB_20120810.{operation}", json.dumps(body).encode())
    return status, json.loads(answer)


def arn(table):
    return f"arn:aws:dynamodb:{REGION}:000000000000:table/{table}"


@pytest.fixture
def table(ddb):
    name = create_table(ddb)["TableDescription"]["TableName"]
    for pk in ["alice", "bob"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "v": {"N": "1"}})
    return name


def principal(server, table, statements, name="alice"):
    """A principal with `statements`; returns a boto3 client signing with its key."""
    key = "AKID" + uuid.uuid4().hex[:12].upper()
    document = json.dumps({"Version": "2012-10-17", "Statement": statements}).replace("TABLE", arn(table))
    status, answer = post(server, "Dynoscope_PutPrincipal", {"AccessKeyId": key, "Name": name, "Policies": [document]})
    assert status == 200, answer
    arguments = {**sdk_arguments(server), "aws_access_key_id": key}
    return boto3.client("dynamodb", **arguments), key


def test_an_allowed_request_is_served(server, table):
    alice, _ = principal(server, table, [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "TABLE"}])
    assert alice.get_item(TableName=table, Key={"pk": {"S": "bob"}})["Item"]["v"] == {"N": "1"}


def test_a_request_no_policy_allows_is_access_denied_in_aws_words(server, ddb, table):
    alice, _ = principal(server, table, [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "TABLE"}])
    code, message = code_and_message(alice.delete_item, TableName=table, Key={"pk": {"S": "bob"}})
    assert code == "AccessDeniedException"
    assert message == (
        "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:DeleteItem "
        f"on resource: {arn(table)} because no identity-based policy allows the dynamodb:DeleteItem action"
    )
    assert "Item" in ddb.get_item(TableName=table, Key={"pk": {"S": "bob"}})


def test_an_explicit_deny_says_so(server, table):
    alice, _ = principal(
        server,
        table,
        [
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "dynamodb:Scan", "Resource": "TABLE"},
        ],
    )
    code, message = code_and_message(alice.scan, TableName=table)
    assert code == "AccessDeniedException"
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_leading_keys_keep_a_user_in_their_own_partition(server, table):
    alice, _ = principal(
        server,
        table,
        [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": "TABLE",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}},
            }
        ],
    )
    alice.get_item(TableName=table, Key={"pk": {"S": "alice"}})
    code, _ = code_and_message(alice.get_item, TableName=table, Key={"pk": {"S": "bob"}})
    assert code == "AccessDeniedException"
    query = {"TableName": table, "KeyConditionExpression": "pk = :p"}
    alice.query(**query, ExpressionAttributeValues={":p": {"S": "alice"}})
    code, _ = code_and_message(alice.query, **query, ExpressionAttributeValues={":p": {"S": "bob"}})
    assert code == "AccessDeniedException"


def test_the_explainer_names_the_statement_that_decided(server, table):
    _, key = principal(
        server,
        table,
        [{"Sid": "ReadOnly", "Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:Query"], "Resource": "TABLE"}],
    )
    status, explained = post(
        server,
        "Dynoscope_ExplainAccess",
        {"AccessKeyId": key, "Operation": "GetItem", "Request": {"TableName": table, "Key": {"pk": {"S": "bob"}}}},
    )
    assert status == 200, explained
    assert explained["Decision"] == "ALLOWED"
    assert explained["Authorizations"][0]["Sid"] == "ReadOnly"
    assert explained["Authorizations"][0]["ContextKeys"]["dynamodb:LeadingKeys"] == ["bob"]
    status, explained = post(
        server, "Dynoscope_ExplainAccess", {"AccessKeyId": key, "Operation": "PutItem", "Request": {"TableName": table}}
    )
    assert explained["Decision"] == "IMPLICIT_DENY"


def test_the_suites_own_key_is_the_administrator(ddb, table):
    ddb.delete_item(TableName=table, Key={"pk": {"S": "bob"}})
