"""crates/cli against the real AWS CLI: the same `aws ...` lines, in the same order, through

* the oracle: AWS CLI v1 (awscli==1.45.11 and its botocore, installed beside this interpreter
  by scripts/test-cli.sh) pointed at one fresh dynoscope-server, and
* ours: `cargo run -p dynoscope-cli --example console` (target/debug/examples/console), one
  process fed every line, each run against its own in-process engine.

Both start empty and see the same lines, so they hold the same tables and items throughout.
For each line the exit code, stdout and stderr must be equal after two kinds of mapping, both
spelt out below and nothing else:

1. What legitimately differs between a server on the wall clock and an engine on a virtual
   clock: ISO timestamps and stream labels (also inside stream ARNs), and NextToken values,
   which are compared by what they decode to, then each side resumes with its own.
2. What differs between AWS CLI v1 (the oracle) and v2 (what crates/cli imitates): exit codes
   (255 where v2 has 254 or 252, argparse's 2 where v2 has 252), v2's framing of usage errors
   and v1's note about v2 ahead of them, v1 bugs fixed in v2, v2-only options; each mapping
   names the difference, and applies only where its line says so or its pattern is unmistakable.

Run with scripts/test-cli.sh.
"""

import base64
import json
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import jmespath
import pytest

REPO = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("DYNOSCOPE_SERVER_BIN", REPO / "target/debug/dynoscope-server"))
CONSOLE_BIN = Path(os.environ.get("DYNOSCOPE_CONSOLE_BIN", REPO / "target/debug/examples/console"))
# The CLI installed with this interpreter, never one found on PATH.
AWS = Path(sys.executable).parent / "aws"
STARTUP_SECONDS = 30
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table"


# --- the corpus ---------------------------------------------------------------------------


class Line:
    """One corpus line.

    `line` runs on both sides, after `{name}` is filled with what that side captured earlier.
    `real`/`ours` replace it on one side only, where v1 and v2 need different words for the
    same request (`why` says why). `capture` maps names to JMESPath expressions over the JSON
    that side printed. `v1` lists mappings of the oracle's output into v2's, beyond the
    general ones in `to_v2`.
    """

    def __init__(self, line, *, real=None, ours=None, why=None, capture=None, v1=()):
        assert (real is None and ours is None) or why, f"say why the sides differ: {line}"
        self.line = line
        self.real = real or line
        self.ours = ours or line
        self.capture = capture or {}
        self.v1 = list(v1)

    def __repr__(self):
        return self.line


# -- mappings of the oracle's output into AWS CLI v2's, for the lines that need them --------


def v1_choices(remove=(), add=(), sort=False):
    """argparse's list of choices as v2 lists them: without what v1 offers and v2 (or
    crates/cli) does not (`remove`), with what only v2 (or the newer botocore crates/cli's
    model is written from) offers (`add`), in order or `sort`ed. Each caller says why."""

    def mapping(printed):
        head, found, tail = printed["stderr"].partition("Invalid choice, valid choices are:\n\n")
        assert found, printed["stderr"]
        listing, _, rest = tail.partition("\n\n")
        names = [name.strip() for row in listing.split("\n") for name in row.split(" | ")]
        helps = [name for name in names if name == "help"]
        names = [name for name in names if name not in remove and name != "help"] + list(add)
        names = (sorted(names) if sort else names) + helps
        rows = [" | ".join(f"{name:<40}" for name in names[i : i + 2]) for i in range(0, len(names), 2)]
        listing = "\n".join(rows)
        return dict(printed, stderr=f"{head}Invalid choice, valid choices are:\n\n{listing}\n\n{rest}")

    return mapping


def v1_shorthand_location(value):
    """v1's shorthand syntax errors print the literal text "{self._error_location()}" (a
    missing f-prefix, fixed in v2): put there what v2 prints, from v1's own parser."""
    from awscli.shorthand import ShorthandParseSyntaxError, ShorthandParser

    try:
        ShorthandParser().parse(value)
    except ShorthandParseSyntaxError as error:
        location = error._error_location()
    else:
        raise AssertionError(f"{value!r} parses")

    def mapping(printed):
        assert "{self._error_location()}" in printed["stderr"], printed["stderr"]
        return dict(printed, stderr=printed["stderr"].replace("{self._error_location()}", location))

    return mapping


def v1_cli_input_json_invalid(printed):
    """v1 reports invalid --cli-input-json with the JSON error and the text received; v2's
    CliInputJSONArgument says only "Invalid JSON received."."""
    assert printed["stderr"].startswith("\nError parsing parameter 'cli-input-json': Invalid JSON: ")
    stderr = "\nError parsing parameter 'cli-input-json': Invalid JSON received.\n"
    return dict(printed, stderr=stderr, exitCode=252)


def v1_cli_input_json_not_a_map(printed):
    """v1 fails on a --cli-input-json that is not an object with Python's AttributeError; v2
    checks first: "Invalid type: expecting map, received <class '...'>" (a ParamError)."""
    match = re.fullmatch(r"\n'(\w+)' object has no attribute 'keys'\n", printed["stderr"])
    assert match, printed["stderr"]
    stderr = (
        "\nError parsing parameter '--cli-input-json': Invalid type: expecting map, "
        f"received <class '{match.group(1)}'>\n"
    )
    return dict(printed, stderr=stderr, exitCode=252)


def v1_commands(printed):
    """The DynamoDB commands: crates/cli's model, botocore 1.44.5's, has five commands v1's
    botocore 1.43.11 lacks."""
    return v1_choices(add=NEWER_BOTOCORE_COMMANDS, sort=True)(printed)


def v1_waiters(printed):
    """The DynamoDB waiters: crates/cli's model, botocore 1.44.5's, has one v1's lacks."""
    return v1_choices(add=["bulk-operation-completed"], sort=True)(printed)


def v1_output_choices(printed):
    """--output's choices: v1 has json, text and table; v2 adds yaml, yaml-stream and off."""
    return v1_choices(add=["yaml", "yaml-stream", "off"])(printed)


# v1 runs on botocore 1.43.11, crates/cli's model is botocore 1.44.5's, which has these
# DynamoDB operations more.
NEWER_BOTOCORE_COMMANDS = [
    "cancel-bulk-operation",
    "describe-bulk-operation",
    "list-bulk-operations",
    "search-vectors",
    "start-bulk-put-items",
]

# Values used on both sides.
KEY_A = '{":p": {"S": "a"}}'
ITEM_ALL_TYPES = (
    '{"artist": {"S": "Björk"}, "song": {"S": "Jóga"}, "year": {"N": "1997"}, '
    '"genre": {"S": "pop"}, "tags": {"SS": ["art", "électro"]}, "score": {"N": "9.5"}, '
    '"ratings": {"NS": ["1", "2.5"]}, "live": {"BOOL": false}, "notes": {"NULL": true}, '
    '"credits": {"L": [{"S": "Mark Bell"}, {"N": "3"}]}, '
    '"meta": {"M": {"label": {"S": "One Little Indian"}, "cat": {"N": "202"}}}, '
    '"cover": {"B": "%s"}, "stems": {"BS": ["%s", "%s"]}}'
)
# The same bytes as AWS CLI v2 reads blobs (base64, its default cli_binary_format) and as v1
# reads them (raw text, which it base64-encodes itself; v1 has no base64 input mode).
ITEM_ALL_TYPES_V2 = ITEM_ALL_TYPES % ("aGVsbG8gd29ybGQ=", "QUJD", "eHl6")
ITEM_ALL_TYPES_V1 = ITEM_ALL_TYPES % ("hello world", "ABC", "xyz")
BLOBS_WHY = "v2 reads blob values as base64 by default, v1 as raw bytes: the same bytes written each way"

MUSIC_TABLE = (
    "aws dynamodb create-table --table-name music"
    " --attribute-definitions AttributeName=artist,AttributeType=S AttributeName=song,AttributeType=S"
    " AttributeName=year,AttributeType=N AttributeName=genre,AttributeType=S"
    " --key-schema AttributeName=artist,KeyType=HASH AttributeName=song,KeyType=RANGE"
    " --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5"
    " --global-secondary-indexes 'IndexName=by-genre,KeySchema=[{AttributeName=genre,KeyType=HASH},"
    "{AttributeName=year,KeyType=RANGE}],Projection={ProjectionType=ALL},"
    "ProvisionedThroughput={ReadCapacityUnits=2,WriteCapacityUnits=2}'"
    " --local-secondary-indexes 'IndexName=by-year,KeySchema=[{AttributeName=artist,KeyType=HASH},"
    "{AttributeName=year,KeyType=RANGE}],Projection={ProjectionType=KEYS_ONLY}'"
)
EVENTS_QUERY = f"aws dynamodb query --table-name events --key-condition-expression 'pk = :p' --expression-attribute-values '{KEY_A}'"
BATCH_PUT = json.dumps(
    {
        "events": [
            {"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": str(n)}, "v": {"S": word}}}}
            for n, word in enumerate(["one", "two", "three", "four", "five"], start=1)
        ]
        + [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}, "v": {"S": "bee"}}}}]
    }
)

CORPUS = [
    # -- tables: provisioned with a GSI and an LSI, on demand, a binary key ---------------
    Line(MUSIC_TABLE),
    Line(
        "aws dynamodb create-table --table-name events --attribute-definitions"
        " AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N"
        " --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE"
        " --billing-mode PAY_PER_REQUEST --output text"
    ),
    Line(
        "aws dynamodb create-table --table-name blobs --attribute-definitions AttributeName=id,AttributeType=B"
        " --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST --output table"
        " --query 'TableDescription.{Name: TableName, Status: TableStatus, Keys: KeySchema, Billing: BillingModeSummary.BillingMode}'"
    ),
    Line(
        "aws dynamodb create-table --table-name events --attribute-definitions AttributeName=pk,AttributeType=S"
        " --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST"
    ),
    Line("aws dynamodb describe-table --table-name music"),
    Line("aws dynamodb describe-table --table-name music --output text"),
    Line(
        "aws dynamodb describe-table --table-name music --output table --query"
        " 'Table.{Name: TableName, Keys: KeySchema, Attributes: AttributeDefinitions,"
        " GSI: GlobalSecondaryIndexes[].{Name: IndexName, Status: IndexStatus, Keys: KeySchema, Projection: Projection.ProjectionType},"
        " LSI: LocalSecondaryIndexes[].{Name: IndexName, Keys: KeySchema},"
        " Throughput: ProvisionedThroughput.{Read: ReadCapacityUnits, Write: WriteCapacityUnits}}'"
    ),
    Line("aws dynamodb describe-table --table-name events --query 'Table.[TableName, TableStatus, ItemCount]' --output table"),
    Line("aws dynamodb describe-table --table-name nope"),
    Line("aws dynamodb list-tables"),
    Line("aws dynamodb list-tables --output text"),
    Line("aws dynamodb list-tables --output table"),
    Line("aws dynamodb list-tables --max-items 2", capture={"tables_token": "NextToken"}),
    Line("aws dynamodb list-tables --starting-token {tables_token}"),
    Line("aws dynamodb list-tables --max-items 1 --output text"),
    Line("aws dynamodb list-tables --page-size 1"),
    Line("aws dynamodb list-tables --page-size 1 --max-items 2 --output text"),
    # -- items: every attribute type, JSON and shorthand, non-ASCII text -------------------
    Line(
        f"aws dynamodb put-item --table-name music --item '{ITEM_ALL_TYPES_V2}' --return-consumed-capacity TOTAL",
        real=f"aws dynamodb put-item --table-name music --item '{ITEM_ALL_TYPES_V1}' --return-consumed-capacity TOTAL",
        why=BLOBS_WHY,
    ),
    Line("aws dynamodb put-item --table-name music --item artist={S=Björk},song={S=Hyperballad},year={N=1995},genre={S=pop}"),
    Line("aws dynamodb put-item --table-name music --item 'artist={S=Radiohead},song={S=Airbag},year={N=1997},genre={S=rock},tags={SS=[alt,rock]}'"),
    Line("aws dynamodb put-item --table-name music --item 'artist={S=Radiohead},song={S=Reckoner},year={N=2007},genre={S=rock}'"),
    Line("aws dynamodb put-item --table-name music --item 'artist={S=日本},song={S=歌},year={N=2001},genre={S=jpop}'"),
    Line(
        "aws dynamodb put-item --table-name blobs --item id={B=aGk=},note={S=hi} --return-values ALL_OLD",
        real="aws dynamodb put-item --table-name blobs --item id={B=hi},note={S=hi} --return-values ALL_OLD",
        why=BLOBS_WHY,
    ),
    Line(
        "aws dynamodb put-item --table-name blobs --item id={B=bye},note={S=raw} --cli-binary-format raw-in-base64-out",
        real="aws dynamodb put-item --table-name blobs --item id={B=bye},note={S=raw}",
        why="--cli-binary-format raw-in-base64-out is v2's option for what v1 always does",
    ),
    Line("aws dynamodb scan --table-name blobs --output text"),
    Line("aws dynamodb get-item --table-name music --key '{\"artist\": {\"S\": \"Björk\"}, \"song\": {\"S\": \"Jóga\"}}'"),
    Line("aws dynamodb get-item --table-name music --key artist={S=Björk},song={S=Jóga} --output text"),
    Line("aws dynamodb get-item --table-name music --key artist={S=Björk},song={S=Jóga} --output table"),
    Line(
        "aws dynamodb get-item --table-name music --key artist={S=Björk},song={S=Jóga}"
        " --projection-expression '#y, tags, meta.label' --expression-attribute-names '{\"#y\": \"year\"}' --consistent-read"
    ),
    Line("aws dynamodb get-item --table-name music --key 'artist={S=日本},song={S=歌}' --output table"),
    Line("aws dynamodb get-item --table-name music --key artist={S=nobody},song={S=none}"),
    Line(
        "aws dynamodb update-item --table-name music --key artist={S=Radiohead},song={S=Airbag}"
        " --update-expression 'SET #p = if_not_exists(#p, :z) + :one, album = :a' --expression-attribute-names '{\"#p\": \"plays\"}'"
        " --expression-attribute-values '{\":z\": {\"N\": \"0\"}, \":one\": {\"N\": \"1\"}, \":a\": {\"S\": \"OK Computer\"}}'"
        " --return-values ALL_NEW"
    ),
    Line(
        "aws dynamodb update-item --table-name music --key artist={S=Radiohead},song={S=Airbag}"
        " --update-expression 'SET plays = plays + :one' --expression-attribute-values '{\":one\": {\"N\": \"1\"}}'"
        " --return-values UPDATED_NEW --output text"
    ),
    Line(
        "aws dynamodb put-item --table-name music --item artist={S=Radiohead},song={S=Airbag},year={N=1997}"
        " --condition-expression 'attribute_not_exists(artist)'"
    ),
    Line(
        "aws dynamodb update-item --table-name music --key artist={S=Radiohead},song={S=Airbag}"
        " --update-expression 'SET plays = :v' --condition-expression 'plays > :big'"
        " --expression-attribute-values '{\":v\": {\"N\": \"0\"}, \":big\": {\"N\": \"100\"}}'"
        " --return-values-on-condition-check-failure ALL_OLD"
    ),
    Line("aws dynamodb delete-item --table-name music --key artist={S=Radiohead},song={S=Reckoner} --return-values ALL_OLD"),
    Line("aws dynamodb delete-item --table-name music --key artist={S=Radiohead},song={S=Reckoner} --return-values ALL_OLD"),
    # -- batches and transactions -------------------------------------------------------
    Line(f"aws dynamodb batch-write-item --request-items '{BATCH_PUT}'"),
    Line(
        "aws dynamodb batch-write-item --request-items '{\"events\": [{\"DeleteRequest\": {\"Key\": {\"pk\": {\"S\": \"b\"}, \"sk\": {\"N\": \"1\"}}}}]}'"
        " --return-consumed-capacity TOTAL --output text"
    ),
    Line(
        "aws dynamodb batch-get-item --request-items '{\"events\": {\"Keys\": [{\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}},"
        " {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"2\"}}], \"ProjectionExpression\": \"sk, v\"}}'"
    ),
    Line(
        "aws dynamodb batch-get-item --request-items '{\"events\": {\"Keys\": [{\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"3\"}}]}}' --output text"
    ),
    Line(
        "aws dynamodb transact-write-items --transact-items '[{\"Put\": {\"TableName\": \"events\", \"Item\": {\"pk\": {\"S\": \"t\"}, \"sk\": {\"N\": \"1\"}}}},"
        " {\"Update\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}}, \"UpdateExpression\": \"SET n = :n\","
        " \"ExpressionAttributeValues\": {\":n\": {\"N\": \"7\"}}}}]' --return-consumed-capacity TOTAL"
    ),
    Line(
        "aws dynamodb transact-write-items --transact-items '[{\"ConditionCheck\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}},"
        " \"ConditionExpression\": \"attribute_not_exists(pk)\"}}, {\"Delete\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"2\"}}}}]'"
    ),
    Line(
        "aws dynamodb transact-get-items --transact-items '[{\"Get\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}}}},"
        " {\"Get\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"zz\"}, \"sk\": {\"N\": \"1\"}}}}]'"
    ),
    Line(
        "aws dynamodb transact-get-items --transact-items '{\"Get\": {\"TableName\": \"events\", \"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}}}}' --output table"
    ),
    # -- query and scan: paging, counts, filters, --query ---------------------------------
    Line(EVENTS_QUERY),
    Line(EVENTS_QUERY + " --page-size 2 --output text"),
    Line(EVENTS_QUERY + " --page-size 2 --max-items 3", capture={"query_token": "NextToken"}),
    Line(EVENTS_QUERY + " --page-size 2 --starting-token {query_token}"),
    Line(EVENTS_QUERY + " --page-size 2 --max-items 3 --output text"),
    Line(EVENTS_QUERY + " --max-items 2 --query '{count: Count, first: Items[0].v.S, last: Items[-1].sk.N, token: NextToken}'"),
    Line(
        "aws dynamodb query --table-name events --key-condition-expression 'pk = :p AND sk > :s'"
        " --expression-attribute-values '{\":p\": {\"S\": \"a\"}, \":s\": {\"N\": \"2\"}}' --limit 2"
    ),
    Line(EVENTS_QUERY + " --select COUNT"),
    Line(EVENTS_QUERY + " --select COUNT --page-size 2 --output text"),
    Line(EVENTS_QUERY + " --no-scan-index-forward --max-items 2 --query 'Items[].sk.N'"),
    Line(
        "aws dynamodb query --table-name music --index-name by-genre --key-condition-expression 'genre = :g'"
        " --expression-attribute-values '{\":g\": {\"S\": \"pop\"}}' --query 'Items[].[artist.S, song.S, year.N]' --output text"
    ),
    Line(
        "aws dynamodb query --table-name music --index-name by-year --key-condition-expression 'artist = :a AND #y < :y'"
        " --expression-attribute-names '{\"#y\": \"year\"}' --expression-attribute-values '{\":a\": {\"S\": \"Björk\"}, \":y\": {\"N\": \"2000\"}}'"
    ),
    Line("aws dynamodb scan --table-name events"),
    Line("aws dynamodb scan --table-name events --filter-expression 'sk >= :s' --expression-attribute-values '{\":s\": {\"N\": \"4\"}}' --output table"),
    Line("aws dynamodb scan --table-name events --page-size 2 --filter-expression 'sk >= :s' --expression-attribute-values '{\":s\": {\"N\": \"4\"}}'"),
    Line(
        "aws dynamodb scan --table-name events --page-size 2 --filter-expression 'sk >= :s'"
        " --expression-attribute-values '{\":s\": {\"N\": \"4\"}}' --output text"
    ),
    Line("aws dynamodb scan --table-name events --no-paginate --limit 2"),
    Line("aws dynamodb scan --table-name events --no-paginate --limit 2 --output text"),
    Line("aws dynamodb scan --table-name events --page-size 2 --max-items 3 --query 'Items[].v.S' --output text"),
    Line("aws dynamodb scan --table-name events --select COUNT --page-size 2"),
    Line("aws dynamodb scan --table-name events --select COUNT --output table"),
    Line("aws dynamodb scan --table-name events --max-items 0"),
    Line("aws dynamodb scan --table-name events --page-size 2 --max-items -1 --query '[Items[].sk.N, Count, NextToken]'"),
    Line("aws dynamodb scan --table-name events --page-size 2 --max-items 3", capture={"scan_token": "NextToken"}),
    Line(
        "aws dynamodb scan --table-name events --page-size 2 --max-items 1 --starting-token {scan_token}",
        capture={"scan_token_2": "NextToken"},
    ),
    Line("aws dynamodb scan --table-name events --page-size 2 --starting-token {scan_token_2} --output text"),
    Line("aws dynamodb scan --table-name music --query 'sort_by(Items, &year.N)[].{song: song.S, year: year.N}'"),
    Line("aws dynamodb scan --table-name music --query 'Items[?year.N > `\"2000\"`].song.S | sort(@)'"),
    # -- PartiQL --------------------------------------------------------------------------
    Line("aws dynamodb execute-statement --statement 'SELECT * FROM events WHERE pk = ? AND sk = ?' --parameters '[{\"S\": \"a\"}, {\"N\": \"2\"}]'"),
    Line(
        "aws dynamodb execute-statement --statement \"INSERT INTO events VALUE {'pk': ?, 'sk': ?, 'v': ?}\""
        " --parameters '[{\"S\": \"p\"}, {\"N\": \"1\"}, {\"S\": \"partiql\"}]'"
    ),
    Line("aws dynamodb execute-statement --statement \"SELECT v FROM events WHERE pk = 'p'\" --output text"),
    Line("aws dynamodb execute-statement --statement \"INSERT INTO events VALUE {'pk': 'p', 'sk': 1}\""),
    # -- time to live, tags, limits ------------------------------------------------------
    Line("aws dynamodb update-time-to-live --table-name events --time-to-live-specification Enabled=true,AttributeName=expires"),
    Line("aws dynamodb describe-time-to-live --table-name events"),
    Line("aws dynamodb describe-time-to-live --table-name events --output text"),
    Line(f"aws dynamodb tag-resource --resource-arn {ARN}/events --tags Key=team,Value=data Key=env,Value=test"),
    Line(f"aws dynamodb list-tags-of-resource --resource-arn {ARN}/events"),
    Line(f"aws dynamodb list-tags-of-resource --resource-arn {ARN}/events --output table"),
    Line(f"aws dynamodb untag-resource --resource-arn {ARN}/events --tag-keys env"),
    Line(f"aws dynamodb list-tags-of-resource --resource-arn {ARN}/events --output text"),
    Line("aws dynamodb wait table-exists --table-name music"),
    Line("aws dynamodb wait table-not-exists --table-name never-made"),
    Line("aws dynamodb wait table-gone --table-name music", v1=[v1_waiters]),
    Line("aws dynamodb describe-limits"),
    Line("aws dynamodb describe-limits --output text"),
    Line("aws dynamodb describe-limits --output table"),
    # -- streams ------------------------------------------------------------------------------
    Line(
        "aws dynamodb update-table --table-name events --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"
        " --query 'TableDescription.StreamSpecification'"
    ),
    Line("aws dynamodb put-item --table-name events --item pk={S=s},sk={N=1},v={S=streamed}"),
    Line("aws dynamodb update-item --table-name events --key pk={S=s},sk={N=1} --update-expression 'SET v = :v' --expression-attribute-values '{\":v\": {\"S\": \"changed\"}}'"),
    Line("aws dynamodbstreams list-streams", capture={"stream_arn": "Streams[0].StreamArn"}),
    Line("aws dynamodbstreams list-streams --output text"),
    Line(
        "aws dynamodbstreams describe-stream --stream-arn {stream_arn} --query"
        " 'StreamDescription.{Status: StreamStatus, View: StreamViewType, Table: TableName, Keys: KeySchema, Shards: length(Shards)}'"
    ),
    Line(
        "aws dynamodbstreams describe-stream --stream-arn {stream_arn}",
        capture={"shard_id": "StreamDescription.Shards[0].ShardId"},
    ),
    Line(
        "aws dynamodbstreams get-shard-iterator --stream-arn {stream_arn} --shard-id {shard_id} --shard-iterator-type TRIM_HORIZON",
        capture={"iterator": "ShardIterator"},
    ),
    Line(
        "aws dynamodbstreams get-records --shard-iterator {iterator} --query"
        " 'Records[].{event: eventName, source: eventSource, keys: dynamodb.Keys, new: dynamodb.NewImage, old: dynamodb.OldImage, view: dynamodb.StreamViewType}'"
    ),
    Line(
        "aws dynamodbstreams get-records --shard-iterator {iterator} --output text"
        " --query 'Records[].[eventName, dynamodb.Keys.pk.S, dynamodb.NewImage.v.S]'"
    ),
    # -- what the CLI refuses before sending anything -----------------------------------
    Line("aws dynamodb put-item --table-name music"),
    Line("aws dynamodb put-item --bogus --table-name music"),
    Line("aws dynamodb list-tables --colour red"),
    Line("aws --foo dynamodb list-tables --bar"),
    Line("aws dynamodb describe-table --table-name"),
    Line("aws dynamodb put-itme --table-name music", v1=[v1_commands]),
    Line("aws dynamodbstreams list-stream"),
    Line("aws dynamodb scan --table-name events --output jsn", v1=[v1_output_choices]),
    Line("aws dynamodb put-item --table-name music --item '{\"artist\": '"),
    Line("aws dynamodb get-item --table-name music --key '{\"pk\": {\"S\": \"a\"},}'"),
    Line("aws dynamodb get-item --table-name music --key '{\"pk\": {\"S\": \"a\"}} x'"),
    Line("aws dynamodb get-item --table-name music --key '{pk: 1}'"),
    Line("aws dynamodb get-item --table-name music --key '{\"pk\" {\"S\": \"a\"}}'"),
    Line("aws dynamodb batch-write-item --request-items '[1]'"),
    Line("aws dynamodb get-item --table-name music --key artist", v1=[v1_shorthand_location("artist")]),
    Line("aws dynamodb get-item --table-name music --key '{\"artist\": {\"S\": 1}, \"song\": {\"Q\": \"x\"}}'"),
    Line("aws dynamodb scan --table-name events --limit 0"),
    Line("aws dynamodb scan --table-name events --page-size 0"),
    Line("aws dynamodb scan --table-name events --limit abc"),
    Line("aws dynamodb update-table --table-name events --provisioned-throughput ReadCapacityUnits=x,WriteCapacityUnits=1"),
    Line("aws dynamodb scan --table-name events --no-paginate --page-size 2"),
    Line("aws dynamodb scan --table-name events --limit 1 --max-items 2"),
    Line("aws dynamodb scan --table-name events --starting-token a___b___c"),
    Line("aws dynamodb scan --table-name events --starting-token garbage"),
    Line("aws dynamodb scan --cli-input-json '{\"TableName\": \"events\", \"Limit\": \"x\"}'"),
    Line("aws dynamodb describe-table --cli-input-json '{\"TableName\": \"events\", \"Bogus\": 1}'"),
    Line("aws dynamodb describe-table --cli-input-json '{\"TableName\": '", v1=[v1_cli_input_json_invalid]),
    Line("aws dynamodb describe-table --cli-input-json '[1]'", v1=[v1_cli_input_json_not_a_map]),
    Line("aws dynamodb list-tables --query 'TableNames[0'"),
    Line("aws dynamodb list-tables --query 'foo[bar]'"),
    Line("aws dynamodb list-tables --query 'a ^ b'"),
    Line("aws dynamodb list-tables --query '{b: TableNames[0], a: LastEvaluatedTableName}'"),
    Line("aws dynamodb list-tables --query 'length(nope)'"),
    Line("aws dynamodb delete-table --table-name blobs --query TableDescription.TableStatus --output text"),
]


# --- the two sides ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    if not SERVER_BIN.is_file():
        pytest.fail(f"no server binary at {SERVER_BIN}: run scripts/test-cli.sh")
    process = subprocess.Popen([str(SERVER_BIN), "--port", "0"], stdout=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        match = re.search(r"listening on (http://\S+)", lines.get(timeout=STARTUP_SECONDS))
    except queue.Empty:
        match = None
    if not match:
        process.kill()
        pytest.fail("dynoscope-server did not say where it listens")
    url = match.group(1)
    host, port = url.removeprefix("http://").rsplit(":", 1)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def real_cli(server, tmp_path_factory):
    """Runs one line with the real AWS CLI against the server."""
    config = tmp_path_factory.mktemp("aws") / "config"
    # iso8601 timestamps as v2 prints them (v1's default is the raw epoch number).
    config.write_text("[default]\nregion = us-east-1\ncli_timestamp_format = iso8601\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("PYTHONPATH",)
    }
    env.update(
        AWS_ENDPOINT_URL=server,
        AWS_ACCESS_KEY_ID="fake",
        AWS_SECRET_ACCESS_KEY="fake",
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(config.parent / "credentials"),
        AWS_PAGER="",
        AWS_MAX_ATTEMPTS="1",
        PYTHONUTF8="1",
    )
    assert AWS.is_file(), f"no aws beside {sys.executable}: run scripts/test-cli.sh"

    def run(line):
        words = shlex.split(line)
        assert words[0] == "aws", line
        done = subprocess.run([str(AWS), *words[1:]], env=env, capture_output=True, timeout=120)
        return {
            "exitCode": done.returncode,
            "stdout": done.stdout.decode("utf-8"),
            "stderr": done.stderr.decode("utf-8"),
        }

    return run


@pytest.fixture(scope="module")
def our_cli():
    """Runs one line through the console, which keeps its engine from line to line."""
    if not CONSOLE_BIN.is_file():
        pytest.fail(f"no console at {CONSOLE_BIN}: run scripts/test-cli.sh")
    process = subprocess.Popen(
        [str(CONSOLE_BIN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
    )

    def run(line):
        assert "\n" not in line, line
        process.stdin.write(line.encode("utf-8") + b"\n")
        answer = process.stdout.readline()
        assert answer, f"the console printed nothing for {line!r}"
        return json.loads(answer)

    yield run
    process.stdin.close()
    assert process.wait(timeout=15) == 0


@pytest.fixture(scope="module")
def results(real_cli, our_cli):
    """Every line of the corpus through both sides, in order: (real, ours) after the
    mappings, and the NextTokens each printed."""
    captured = {"real": {}, "ours": {}}
    out = []
    for entry in CORPUS:
        printed = {}
        for side, run, line in (("real", real_cli, entry.real), ("ours", our_cli, entry.ours)):
            filled = fill(line, captured[side])
            printed[side] = run(filled)
            for name, expression in entry.capture.items():
                captured[side][name] = capture(printed[side]["stdout"], expression)
                if captured[side][name] is None:
                    printed[side]["missing"] = name
        real = to_v2(printed["real"], entry)
        out.append((normalise(real), normalise(printed["ours"])))
    return out


def fill(line, values):
    """`{name}` in `line` replaced by the value this side captured (others left as they are)."""

    def value(match):
        name = match.group(1)
        if name not in values:
            return match.group(0)
        found = values[name]
        return shlex.quote(found if isinstance(found, str) else json.dumps(found))

    return re.sub(r"\{([a-z_0-9]+)\}", value, line)


def capture(stdout, expression):
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    return jmespath.search(expression, data)


# --- normalising -------------------------------------------------------------------------

# An ISO 8601 time (CreationDateTime and the like), or a stream label (also inside a stream's
# ARN): the server's wall clock against the engine's virtual one.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00)?")
# A shard's ID carries its creation time in milliseconds; a shard iterator is an opaque string
# minted from the shard, the time and a hash of both.
SHARD_TIME = re.compile(r"shardId-\d{20}-")
SHARD_ITERATOR = re.compile(r'("(?:Next)?ShardIterator": ")[^"]+')
NEXT_TOKEN = re.compile(r'("NextToken": "|NEXTTOKEN\t|\|  NextToken\s+\|  )([A-Za-z0-9+/=]+)')


def normalise(printed):
    """Clock parts replaced by placeholders; NextToken values by what they decode to."""
    out = dict(printed)
    for stream in ("stdout", "stderr"):  # "missing" (a failed capture) is kept as it is
        text = TIME.sub("<time>", printed[stream])
        text = SHARD_TIME.sub("shardId-<time>-", text)
        text = SHARD_ITERATOR.sub(r"\1<shard-iterator>", text)
        text = NEXT_TOKEN.sub(lambda m: m.group(1) + decoded_token(m.group(2)), text)
        out[stream] = text
    return out


def decoded_token(token):
    """A paging token as what it carries (botocore's tokens are base64 JSON); the bytes may be
    written differently, the content may not."""
    try:
        return "<token " + json.dumps(json.loads(base64.b64decode(token)), sort_keys=True) + ">"
    except ValueError:
        return "<token " + token + ">"


# --- AWS CLI v1 into v2 -----------------------------------------------------------------

# v1 puts a note about v2 where argparse prints "usage: ".
V1_NOTE = re.compile(r"usage: \rNote: AWS CLI version 2, the latest major version.*?\n\n", re.S)
USAGE = (
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n"
)


def to_v2(printed, entry):
    """The oracle's output as AWS CLI v2 prints the same outcome."""
    code, stderr = printed["exitCode"], V1_NOTE.sub("", printed["stderr"])
    if code == 2 and stderr.startswith(USAGE + "aws: error: "):
        # argparse errors: v1 lets argparse print them and exit 2; v2 raises them to its
        # ParamValidationErrorsHandler, which prints them between newlines, a blank line
        # before "aws: error:", and exits 252.
        code, stderr = 252, "\n" + USAGE + "\n" + stderr[len(USAGE) :] + "\n"
    elif code == 255 and stderr.startswith(USAGE + "\nUnknown options: "):
        # UnknownArgumentError: v2's handler adds the newlines around it and exits 252.
        code, stderr = 252, "\n" + stderr + "\n"
    elif code == 255 and stderr.startswith("\nAn error occurred ("):
        # A service error: v1 exits 255, v2 254 (CLIENT_ERROR_RC).
        code = 254
    elif code == 255 and stderr.startswith(
        ("\nParameter validation failed:\n", "\nError parsing parameter ", "\nBad value for --query ")
    ):
        # botocore's and the CLI's own validation: v1 exits 255, v2 252.
        code = 252
    elif code == 255 and stderr.startswith("\nError during pagination: Cannot specify --no-paginate"):
        # v1 raises botocore's PaginationError ("Error during pagination: ..."); v2 its own
        # ParamValidationError with the same message, exit code 252.
        code, stderr = 252, "\n" + stderr[len("\nError during pagination: ") :]
    mapped = dict(printed, exitCode=code, stderr=stderr)
    for mapping in entry.v1:
        mapped = mapping(mapped)
    return mapped


# --- the comparison -------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(CORPUS)), ids=[f"{i:03}" for i in range(len(CORPUS))])
def test_line(results, index):
    real, ours = results[index]
    line = CORPUS[index].line
    # What a later line needs from this one must be there on both sides.
    assert "missing" not in real and "missing" not in ours, f"nothing to capture: {line}"
    assert ours["exitCode"] == real["exitCode"], f"{line}\nstderr (AWS CLI): {real['stderr']}\nstderr (ours): {ours['stderr']}"
    assert ours["stdout"] == real["stdout"], line
    assert ours["stderr"] == real["stderr"], line


def test_the_corpus_covers_every_output_format():
    formats = {"json": 0, "text": 0, "table": 0}
    for entry in CORPUS:
        words = shlex.split(entry.line)
        output = words[words.index("--output") + 1] if "--output" in words else "json"
        if output in formats:
            formats[output] += 1
    assert len(CORPUS) >= 60 and all(count >= 5 for count in formats.values()), formats


def test_each_side_resumes_with_its_own_token(results):
    """The lines after a capture of NextToken resume with the token that side printed; the
    two must have printed a token each (same content, checked with the line itself)."""
    for index, entry in enumerate(CORPUS):
        if "NextToken" in entry.capture.values():
            real, ours = results[index]
            assert "<token " in real["stdout"] and "<token " in ours["stdout"], entry.line
