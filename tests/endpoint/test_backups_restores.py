"""On-demand backups and restores through boto3: CreateBackup, DescribeBackup, ListBackups,
DeleteBackup, RestoreTableFromBackup (with a billing override) and
RestoreTableToPointInTime (latest restorable time), and their errors. The server runs a
real-time clock with no control-plane delay, so backups are AVAILABLE and restored tables
ACTIVE at once.

Shapes follow the API Reference (BackupDetails, BackupDescription, BackupSummary,
RestoreSummary); the engine's tests pin the clocked statuses and the history rules.
"""

import pytest

from support import code_and_message, create_table, unique_name


@pytest.fixture
def filled(ddb):
    name = create_table(ddb, range_key=("sk", "N"))["TableDescription"]["TableName"]
    for n in range(1, 4):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": str(n)}})
    return name


def items_of(ddb, table):
    page = ddb.scan(TableName=table, ConsistentRead=True)
    return sorted(int(item["sk"]["N"]) for item in page["Items"])


def test_a_backup_restores_into_a_new_table_with_its_items(ddb, filled):
    details = ddb.create_backup(TableName=filled, BackupName="nightly")["BackupDetails"]
    assert details["BackupType"] == "USER"
    assert details["BackupArn"].startswith(f"arn:aws:dynamodb:us-east-1:000000000000:table/{filled}/backup/")
    ddb.put_item(TableName=filled, Item={"pk": {"S": "a"}, "sk": {"N": "9"}})
    target = unique_name("copy")
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=details["BackupArn"])
    summary = restored["TableDescription"]["RestoreSummary"]
    assert summary["SourceBackupArn"] == details["BackupArn"]
    assert items_of(ddb, target) == [1, 2, 3]


def test_describe_backup_tells_the_source_table(ddb, filled):
    arn = ddb.create_backup(TableName=filled, BackupName="nightly")["BackupDetails"]["BackupArn"]
    description = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert description["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert description["SourceTableDetails"]["TableName"] == filled
    assert description["SourceTableDetails"]["ItemCount"] == 3


def test_list_backups_pages_by_table(ddb, filled):
    arns = [ddb.create_backup(TableName=filled, BackupName=f"backup{n}")["BackupDetails"]["BackupArn"] for n in range(3)]
    first = ddb.list_backups(TableName=filled, Limit=2)
    assert [s["BackupArn"] for s in first["BackupSummaries"]] == arns[:2]
    rest = ddb.list_backups(TableName=filled, ExclusiveStartBackupArn=first["LastEvaluatedBackupArn"])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == arns[2:]


def test_a_deleted_backup_is_not_found(ddb, filled):
    arn = ddb.create_backup(TableName=filled, BackupName="gone")["BackupDetails"]["BackupArn"]
    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    code, message = code_and_message(ddb.describe_backup, BackupArn=arn)
    assert (code, message) == ("BackupNotFoundException", f"Backup not found: {arn}")


def test_a_restore_can_change_the_billing_mode(ddb, filled):
    arn = ddb.create_backup(TableName=filled, BackupName="snap")["BackupDetails"]["BackupArn"]
    target = unique_name("copy")
    ddb.restore_table_from_backup(
        TargetTableName=target,
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 4, "WriteCapacityUnits": 2},
    )
    table = ddb.describe_table(TableName=target)["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 4


def test_restoring_onto_an_existing_table_is_refused(ddb, filled):
    arn = ddb.create_backup(TableName=filled, BackupName="snap")["BackupDetails"]["BackupArn"]
    code, message = code_and_message(ddb.restore_table_from_backup, TargetTableName=filled, BackupArn=arn)
    assert (code, message) == ("TableAlreadyExistsException", f"Table already exists: {filled}")


def test_a_point_in_time_restore_needs_recovery_enabled(ddb, filled):
    code, _ = code_and_message(
        ddb.restore_table_to_point_in_time,
        SourceTableName=filled,
        TargetTableName=unique_name("then"),
        UseLatestRestorableTime=True,
    )
    assert code == "PointInTimeRecoveryUnavailableException"


def test_a_point_in_time_restore_to_the_latest_time(ddb, filled):
    ddb.update_continuous_backups(
        TableName=filled, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    target = unique_name("then")
    restored = ddb.restore_table_to_point_in_time(
        SourceTableName=filled, TargetTableName=target, UseLatestRestorableTime=True
    )
    summary = restored["TableDescription"]["RestoreSummary"]
    assert summary["SourceTableArn"].endswith(f":table/{filled}")
    # Right after enabling, the window is the instant recovery began: the items then.
    assert items_of(ddb, target) == [1, 2, 3]


def test_backups_of_a_missing_table_are_a_table_not_found_exception(ddb):
    missing = unique_name("missing")
    code, message = code_and_message(ddb.create_backup, TableName=missing, BackupName="snap")
    assert (code, message) == ("TableNotFoundException", f"Table not found: {missing}")
