//! The engine's two builds, and which requests need the larger one. The browser page's first
//! load carries the engine without the `extras` feature; everything else (backups and
//! restores, exports and imports, resource policies, Kinesis destinations, PartiQL, tagging,
//! contributor insights, global tables, DAX, IAM principals, transaction conflicts,
//! multi-attribute index keys, stream triggers) is in the
//! full build, which the page loads the first time a request needs it. [`needs_full`] tells
//! from a request alone whether it does, so the page can switch before serving it rather
//! than serve it wrongly. It is compiled in both builds; the full build never needs to ask.

use crate::contract::RequestOptions;
use crate::persist::Snapshot;

/// Operations only the full build serves.
pub const FULL_ONLY_OPERATIONS: &[&str] = &[
    "ExecuteStatement",
    "BatchExecuteStatement",
    "ExecuteTransaction",
    "TagResource",
    "UntagResource",
    "ListTagsOfResource",
    "UpdateContributorInsights",
    "DescribeContributorInsights",
    "ListContributorInsights",
    "CreateBackup",
    "DeleteBackup",
    "DescribeBackup",
    "ListBackups",
    "RestoreTableFromBackup",
    "RestoreTableToPointInTime",
    "ExportTableToPointInTime",
    "DescribeExport",
    "ListExports",
    "ImportTable",
    "DescribeImport",
    "ListImports",
    "PutResourcePolicy",
    "GetResourcePolicy",
    "DeleteResourcePolicy",
    "EnableKinesisStreamingDestination",
    "DisableKinesisStreamingDestination",
    "UpdateKinesisStreamingDestination",
    "DescribeKinesisStreamingDestination",
    "UpdateTableReplicaAutoScaling",
    "DescribeTableReplicaAutoScaling",
    "CreateGlobalTable",
    "UpdateGlobalTable",
    "DescribeGlobalTable",
    "ListGlobalTables",
    "DescribeGlobalTableSettings",
    "UpdateGlobalTableSettings",
    "Dynoscope_PutPrincipal",
    "Dynoscope_ListPrincipals",
    "Dynoscope_DeletePrincipal",
    "Dynoscope_ExplainAccess",
    "Dynoscope_SetDax",
    "Dynoscope_DescribeDax",
    "Dynoscope_SetRegionAvailability",
    "Dynoscope_DescribeRegions",
    "Dynoscope_CreateEventSourceMapping",
    "Dynoscope_ListEventSourceMappings",
    "Dynoscope_DeleteEventSourceMapping",
    "Dynoscope_GetInvocations",
    "Dynoscope_ReceiveFromQueue",
];

/// Members of requests the smaller build serves that only the full build understands.
const FULL_ONLY_MEMBERS: &[(&str, &[&str])] = &[
    ("CreateTable", &["ResourcePolicy"]),
    (
        "UpdateTable",
        &[
            "ReplicaUpdates",
            "GlobalTableWitnessUpdates",
            "MultiRegionConsistency",
        ],
    ),
    (
        "Dynoscope_SetSimulation",
        &["TransactionMillis", "GlobalReplicationLag"],
    ),
];

/// Settings only the full build keeps, by the start of their names: principals, backups,
/// replications in flight, the stream journal, stream triggers (mappings and queues).
const FULL_ONLY_SETTINGS: &[&str] = &[
    "principal:",
    "backup:",
    "replication:",
    "stream-record:",
    "trigger:",
];

/// The setting of exports and imports, which the full build always stores: it needs the
/// full build once it lists one.
const EXCHANGE_SETTING: &str = "exchange";

/// Members of a stored table definition only the full build has.
const FULL_ONLY_DEFINITION_MEMBERS: &[&str] = &[
    "restore_summary",
    "resource_policy",
    "stream_resource_policy",
    "kinesis_destinations",
    "replicas",
    "strong_consistency",
    "auto_scaling",
    "region",
];

/// Whether restoring `snapshot` needs the full build: it holds what only the full build
/// keeps (a setting above, a table of another region, a definition member above), which
/// the smaller build would drop or misread.
pub fn snapshot_needs_full(snapshot: &Snapshot) -> bool {
    let definition_needs_full = |state: &String| {
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(state.as_bytes())
            .is_ok_and(|members| {
                (FULL_ONLY_DEFINITION_MEMBERS.iter()).any(|m| members.contains_key(*m))
            })
    };
    let setting_needs_full = |(name, value): &(String, String)| {
        FULL_ONLY_SETTINGS.iter().any(|p| name.starts_with(p))
            || (name == EXCHANGE_SETTING
                && serde_json::from_slice::<serde_json::Value>(value.as_bytes()).is_ok_and(|v| {
                    (v.as_object().into_iter().flat_map(|m| m.values()))
                        .any(|jobs| jobs.as_array().is_some_and(|j| !j.is_empty()))
                }))
    };
    snapshot.settings.iter().any(setting_needs_full)
        || snapshot.items.iter().any(|(table, _)| table.contains('/'))
        || snapshot.tables.iter().any(definition_needs_full)
}

/// Whether serving `operation` with `body`, sent with `options` to an engine whose home
/// region is `home_region`, needs the full build. Errs on the side of yes: a body that
/// merely mentions a full-only member counts, since the full build serves everything the
/// smaller one does.
pub fn needs_full(
    operation: &str,
    body: &[u8],
    options: &RequestOptions,
    home_region: &str,
) -> bool {
    FULL_ONLY_OPERATIONS.contains(&operation)
        || !options.is_default_for(home_region)
        || FULL_ONLY_MEMBERS
            .iter()
            .filter(|(op, _)| *op == operation)
            .flat_map(|(_, members)| members.iter())
            .any(|member| mentions(body, member))
        || (matches!(operation, "CreateTable" | "UpdateTable")
            && mentions(body, "KeySchema")
            && has_multi_attribute_key(body))
}

/// Whether `body` has the member name `member` anywhere (as a quoted JSON string).
fn mentions(body: &[u8], member: &str) -> bool {
    let quoted = format!("\"{member}\"");
    body.windows(quoted.len()).any(|w| w == quoted.as_bytes())
}

/// Whether some key schema in `body` has more than one HASH or more than one RANGE element:
/// a global index's multi-attribute key.
fn has_multi_attribute_key(body: &[u8]) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(members) => members.iter().any(|(name, v)| {
                (name == "KeySchema" && v.as_array().is_some_and(|schema| multi(schema))) || walk(v)
            }),
            serde_json::Value::Array(values) => values.iter().any(walk),
            _ => false,
        }
    }
    fn multi(schema: &[serde_json::Value]) -> bool {
        let count = |kind: &str| {
            (schema.iter())
                .filter(|e| e.get("KeyType").and_then(|k| k.as_str()) == Some(kind))
                .count()
        };
        count("HASH") > 1 || count("RANGE") > 1
    }
    serde_json::from_slice(body).is_ok_and(|v: serde_json::Value| walk(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(operation: &str, body: &str) -> bool {
        needs_full(
            operation,
            body.as_bytes(),
            &RequestOptions::default(),
            "us-east-1",
        )
    }

    #[test]
    #[cfg(feature = "extras")]
    fn every_full_only_operation_is_served_by_the_full_build() {
        for operation in FULL_ONLY_OPERATIONS {
            assert!(
                crate::OPERATIONS.contains(operation),
                "{operation} is not served"
            );
        }
    }

    #[test]
    #[cfg(feature = "extras")]
    fn full_only_settings_are_named_as_their_modules_name_them() {
        for prefix in [
            crate::iam::SETTING_PREFIX,
            crate::backup::SETTING_PREFIX,
            crate::regions::SETTING_PREFIX,
            crate::stream::journal::PREFIX,
            crate::triggers::SETTING_PREFIX,
        ] {
            assert!(FULL_ONLY_SETTINGS.contains(&prefix), "{prefix} is missing");
        }
        assert_eq!(EXCHANGE_SETTING, crate::ops::exchange::SETTING);
    }

    #[test]
    #[cfg(feature = "extras")]
    fn a_snapshot_of_a_global_table_needs_the_full_build() {
        let mut engine = crate::Engine::new(crate::EngineConfig::default());
        let create = r#"{"TableName":"tab","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#;
        engine.dispatch("CreateTable", create.as_bytes()).unwrap();
        let mut store = crate::MemoryStore::new();
        store.apply(&engine.stored_state());
        assert!(!snapshot_needs_full(&store.snapshot()));
        let replica =
            r#"{"TableName":"tab","ReplicaUpdates":[{"Create":{"RegionName":"eu-west-1"}}]}"#;
        engine.dispatch("UpdateTable", replica.as_bytes()).unwrap();
        store.apply(&engine.stored_state());
        assert!(snapshot_needs_full(&store.snapshot()));
    }

    #[test]
    fn a_snapshot_with_a_principal_needs_the_full_build() {
        let snapshot = Snapshot {
            settings: vec![("principal:AKID".into(), "{}".into())],
            ..Snapshot::default()
        };
        assert!(snapshot_needs_full(&snapshot));
    }

    #[test]
    fn ordinary_requests_need_only_the_smaller_build() {
        assert!(!needs(
            "GetItem",
            r#"{"TableName":"t","Key":{"pk":{"S":"a"}}}"#
        ));
        assert!(!needs(
            "CreateTable",
            r#"{"TableName":"t","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}"#
        ));
    }

    #[test]
    fn a_full_only_operation_needs_the_full_build() {
        assert!(needs(
            "CreateBackup",
            r#"{"TableName":"t","BackupName":"b"}"#
        ));
    }

    #[test]
    fn a_full_only_member_needs_the_full_build() {
        assert!(needs(
            "UpdateTable",
            r#"{"TableName":"t","ReplicaUpdates":[{"Create":{"RegionName":"eu-west-1"}}]}"#
        ));
        assert!(needs(
            "Dynoscope_SetSimulation",
            r#"{"TransactionMillis":500}"#
        ));
    }

    #[test]
    fn a_multi_attribute_index_key_needs_the_full_build() {
        assert!(needs(
            "CreateTable",
            r#"{"TableName":"t","GlobalSecondaryIndexes":[{"IndexName":"i","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"b","KeyType":"HASH"}]}]}"#
        ));
    }

    #[test]
    fn another_region_dax_or_a_principal_needs_the_full_build() {
        let body = br#"{"TableName":"t"}"#;
        let with = |options: RequestOptions| needs_full("Scan", body, &options, "us-east-1");
        assert!(!with(RequestOptions {
            region: Some("us-east-1".into()),
            ..RequestOptions::default()
        }));
        assert!(with(RequestOptions {
            region: Some("eu-west-1".into()),
            ..RequestOptions::default()
        }));
        assert!(with(RequestOptions {
            via: Some(crate::contract::Via::Dax),
            ..RequestOptions::default()
        }));
        assert!(with(RequestOptions {
            access_key_id: Some("AKIDEXAMPLE".into()),
            ..RequestOptions::default()
        }));
    }
}
