"""Point-in-time recovery and contributor insights through boto3's low-level client:
DescribeContinuousBackups/UpdateContinuousBackups and UpdateContributorInsights/
DescribeContributorInsights/ListContributorInsights, with their errors.

Expected values follow the DynamoDB API Reference (the five operations,
ContinuousBackupsDescription, PointInTimeRecoveryDescription, ContributorInsightsSummary),
the Developer Guide's CloudWatch rule names, and messages recorded against DynamoDB
("Table not found: <name>", hashicorp/terraform-provider-aws#26577; scylladb
test/alternator test_backup.py for the error codes). The contributor-insights not-found
texts have no public source and are the engine's own (docs/compatibility.md).
"""

from datetime import datetime, timedelta, timezone

import pytest

from support import code_and_message, create_table, key_schema, table_arn, unique_name


def recovery_of(ddb, name):
    description = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    return description["PointInTimeRecoveryDescription"]


def enable_recovery(ddb, name, **spec):
    return ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, **spec}
    )["ContinuousBackupsDescription"]


@pytest.fixture
def indexed_table(ddb):
    """A fresh table keyed by pk (S) and sk (S) with a global index `byG` keyed by g."""
    return create_table(
        ddb,
        range_key=("sk", "S"),
        definitions=[("g", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}}
        ],
    )["TableDescription"]["TableName"]


# --- continuous backups ---------------------------------------------------------------


def test_a_new_table_has_continuous_backups_but_no_point_in_time_recovery(ddb, table):
    assert ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"] == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }


def test_enabling_point_in_time_recovery_reports_the_restorable_window(ddb, table):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    description = enable_recovery(ddb, table)
    assert description["ContinuousBackupsStatus"] == "ENABLED"
    recovery = description["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    assert recovery["RecoveryPeriodInDays"] == 35
    assert isinstance(recovery["EarliestRestorableDateTime"], datetime)
    assert recovery["EarliestRestorableDateTime"] >= before
    assert recovery["LatestRestorableDateTime"] >= recovery["EarliestRestorableDateTime"]
    assert recovery_of(ddb, table)["PointInTimeRecoveryStatus"] == "ENABLED"


def test_the_recovery_period_is_kept_as_given(ddb, table):
    assert enable_recovery(ddb, table, RecoveryPeriodInDays=7)["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 7
    assert recovery_of(ddb, table)["RecoveryPeriodInDays"] == 7


def test_disabling_point_in_time_recovery_leaves_only_the_status(ddb, table):
    enable_recovery(ddb, table)
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    assert recovery_of(ddb, table) == {"PointInTimeRecoveryStatus": "DISABLED"}


@pytest.mark.parametrize("days, bound", [(0, "greater than or equal to 1"), (36, "less than or equal to 35")])
def test_the_recovery_period_is_1_to_35_days(ddb_unchecked, table, days, bound):
    code, message = code_and_message(
        ddb_unchecked.update_continuous_backups,
        TableName=table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": days},
    )
    assert code == "ValidationException"
    assert message == (
        f"1 validation error detected: Value '{days}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' "
        f"failed to satisfy constraint: Member must have value {bound}"
    )


def test_continuous_backups_of_a_missing_table_are_a_table_not_found_exception(ddb):
    name = unique_name()
    assert code_and_message(ddb.describe_continuous_backups, TableName=name) == (
        "TableNotFoundException",
        f"Table not found: {name}",
    )
    code, _ = code_and_message(
        ddb.update_continuous_backups,
        TableName=name,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    assert code == "TableNotFoundException"


def test_describe_continuous_backups_without_a_table_name_is_a_validation_exception(ddb_unchecked):
    code, message = code_and_message(ddb_unchecked.describe_continuous_backups)
    assert code == "ValidationException"
    assert "Value null at 'tableName'" in message


def test_continuous_backups_accept_the_table_arn(ddb, table):
    enable_recovery(ddb, table)
    assert recovery_of(ddb, table_arn(table))["PointInTimeRecoveryStatus"] == "ENABLED"


# --- contributor insights -------------------------------------------------------------


def test_contributor_insights_start_disabled(ddb, table):
    response = ddb.describe_contributor_insights(TableName=table)
    assert (response["TableName"], response["ContributorInsightsStatus"]) == (table, "DISABLED")
    assert "ContributorInsightsRuleList" not in response


def test_enabling_contributor_insights_answers_enabling_then_settles(ddb, indexed_table):
    response = ddb.update_contributor_insights(TableName=indexed_table, ContributorInsightsAction="ENABLE")
    assert (response["TableName"], response["ContributorInsightsStatus"]) == (indexed_table, "ENABLING")
    description = ddb.describe_contributor_insights(TableName=indexed_table)
    assert description["ContributorInsightsStatus"] == "ENABLED"
    assert description["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    assert isinstance(description["LastUpdateDateTime"], datetime)
    stamp = description["ContributorInsightsRuleList"][0].rsplit("-", 1)[1]
    assert description["ContributorInsightsRuleList"] == [
        f"DynamoDBContributorInsights-{rule}-{indexed_table}-{stamp}" for rule in ["PKC", "PKT", "SKC", "SKT"]
    ]


def test_disabling_contributor_insights_answers_disabling_then_settles(ddb, table):
    ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ENABLE")
    response = ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="DISABLE")
    assert response["ContributorInsightsStatus"] == "DISABLING"
    assert ddb.describe_contributor_insights(TableName=table)["ContributorInsightsStatus"] == "DISABLED"


def test_contributor_insights_on_a_global_index(ddb, indexed_table):
    response = ddb.update_contributor_insights(
        TableName=indexed_table, IndexName="byG", ContributorInsightsAction="ENABLE", ContributorInsightsMode="THROTTLED_KEYS"
    )
    assert (response["IndexName"], response["ContributorInsightsMode"]) == ("byG", "THROTTLED_KEYS")
    description = ddb.describe_contributor_insights(TableName=indexed_table, IndexName="byG")
    assert description["ContributorInsightsStatus"] == "ENABLED"
    assert [rule.rsplit("-", 1)[0] for rule in description["ContributorInsightsRuleList"]] == [
        f"DynamoDBContributorInsights-PKT-{indexed_table}-byG"
    ]


def test_an_unknown_index_is_a_resource_not_found_exception(ddb, table):
    code, message = code_and_message(ddb.describe_contributor_insights, TableName=table, IndexName="nope")
    assert (code, message) == ("ResourceNotFoundException", f"Requested resource not found: Index: nope for table: {table} not found")


def test_contributor_insights_of_a_missing_table_are_a_resource_not_found_exception(ddb):
    code, _ = code_and_message(ddb.update_contributor_insights, TableName=unique_name(), ContributorInsightsAction="ENABLE")
    assert code == "ResourceNotFoundException"


def test_an_unknown_action_is_a_validation_exception(ddb_unchecked, table):
    code, message = code_and_message(ddb_unchecked.update_contributor_insights, TableName=table, ContributorInsightsAction="START")
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'START' at 'contributorInsightsAction' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ENABLE, DISABLE]"
    )


def test_list_contributor_insights_covers_a_table_and_its_global_indexes(ddb, indexed_table):
    ddb.update_contributor_insights(TableName=indexed_table, IndexName="byG", ContributorInsightsAction="ENABLE")
    summaries = ddb.list_contributor_insights(TableName=indexed_table)["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in summaries] == [(None, "DISABLED"), ("byG", "ENABLED")]


def test_list_contributor_insights_pages_through_every_table(ddb, table, indexed_table):
    seen, params = [], {"MaxResults": 1}
    while True:
        page = ddb.list_contributor_insights(**params)
        assert len(page["ContributorInsightsSummaries"]) <= 1
        seen += [(s["TableName"], s.get("IndexName")) for s in page["ContributorInsightsSummaries"]]
        if "NextToken" not in page:
            break
        params["NextToken"] = page["NextToken"]
    assert (table, None) in seen
    assert [entry for entry in seen if entry[0] == indexed_table] == [(indexed_table, None), (indexed_table, "byG")]
    assert len(seen) == len(set(seen))


def test_max_results_above_100_is_a_validation_exception(ddb_unchecked):
    code, message = code_and_message(ddb_unchecked.list_contributor_insights, MaxResults=101)
    assert code == "ValidationException"
    assert "Member must have value less than or equal to 100" in message
