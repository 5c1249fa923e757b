//! UpdateTable's `ReplicaUpdates` (global tables, version 2019.11.21; `extras` only): a
//! replica created in another region (the definition with its own ARN, id and stream, and
//! every item, CREATING for the control-plane delay), updated (its overrides) or deleted;
//! every member's definition keeps the group. With `MultiRegionConsistency: STRONG` and
//! `GlobalTableWitnessUpdates` the new group is a multi-Region strong consistency (MRSC)
//! one, checked against DynamoDB's rules for it (`crate::mrsc`). Replication itself is
//! `crate::regions`'.

use serde::Deserialize;
use serde_json::Value;

use super::validate::Violations;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::mrsc::{StrongConsistency, Witness};
use crate::regions::ReplicaSetting;
use crate::table::{BillingMode, StreamSettings, Table};
use crate::value::Item;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaUpdateArg {
    pub create: Option<ReplicaActionArg>,
    pub update: Option<ReplicaActionArg>,
    pub delete: Option<ReplicaActionArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaActionArg {
    pub region_name: Option<String>,
    #[serde(rename = "KMSMasterKeyId")]
    pub kms_master_key_id: Option<String>,
    pub provisioned_throughput_override: Option<ThroughputOverrideArg>,
    pub global_secondary_indexes: Option<Vec<ReplicaIndexArg>>,
    pub table_class_override: Option<String>,
}

/// One of `GlobalTableWitnessUpdates`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WitnessUpdateArg {
    pub create: Option<WitnessActionArg>,
    pub delete: Option<WitnessActionArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WitnessActionArg {
    pub region_name: Option<String>,
}

/// What an UpdateTable request asks of the table's replication group.
pub(crate) struct GroupChange<'a> {
    pub replicas: &'a [ReplicaUpdateArg],
    pub consistency: Option<&'a str>,
    pub witnesses: &'a [WitnessUpdateArg],
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputOverrideArg {
    pub read_capacity_units: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaIndexArg {
    pub index_name: Option<String>,
    pub provisioned_throughput_override: Option<ThroughputOverrideArg>,
}

/// AWS's answer when ReplicaUpdates names the table's own region (quoted in aws-cli issue
/// 4906 and aws-cdk issue 6287).
pub(crate) const LOCAL_REGION: &str = "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.";

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Create,
    Update,
    Delete,
}

/// Checks the shape of `ReplicaUpdates`, `MultiRegionConsistency` and
/// `GlobalTableWitnessUpdates` (the "N validation errors detected" part).
pub(crate) fn check_shape(v: &mut Violations, change: &GroupChange) {
    v.one_of(
        "multiRegionConsistency",
        change.consistency,
        &["EVENTUAL", "STRONG"],
    );
    for (i, update) in change.witnesses.iter().enumerate() {
        for (name, action) in [("create", &update.create), ("delete", &update.delete)] {
            if let Some(action) = action {
                let field = format!("globalTableWitnessUpdates.{}.member.{name}", i + 1);
                v.not_null(&format!("{field}.regionName"), &action.region_name);
            }
        }
    }
    for (i, update) in change.replicas.iter().enumerate() {
        for (name, action) in [
            ("create", &update.create),
            ("update", &update.update),
            ("delete", &update.delete),
        ] {
            let Some(action) = action else { continue };
            let field = format!("replicaUpdates.{}.member.{name}", i + 1);
            v.not_null(&format!("{field}.regionName"), &action.region_name);
            v.one_of(
                &format!("{field}.tableClassOverride"),
                action.table_class_override.as_deref(),
                &["STANDARD", "STANDARD_INFREQUENT_ACCESS"],
            );
            if let Some(read) = (action.provisioned_throughput_override.as_ref())
                .and_then(|t| t.read_capacity_units)
            {
                v.at_least(
                    &format!("{field}.provisionedThroughputOverride.readCapacityUnits"),
                    Some(read),
                    1,
                );
            }
        }
    }
}

fn setting_of(action: &ReplicaActionArg, region: &str, active_from_millis: u64) -> ReplicaSetting {
    let read = |t: &Option<ThroughputOverrideArg>| {
        t.as_ref()
            .and_then(|t| t.read_capacity_units)
            .map(|n| n.max(1) as u64)
    };
    ReplicaSetting {
        region_name: region.to_owned(),
        active_from_millis,
        kms_master_key_id: action.kms_master_key_id.clone(),
        read_capacity_override: read(&action.provisioned_throughput_override),
        table_class_override: action.table_class_override.clone(),
        index_read_overrides: (action.global_secondary_indexes.iter().flatten())
            .filter_map(|i| {
                Some((
                    i.index_name.clone()?,
                    read(&i.provisioned_throughput_override)?,
                ))
            })
            .collect(),
    }
}

/// UpdateTable with `ReplicaUpdates` on `name` (found and ACTIVE in the current region):
/// creates, updates or deletes replicas in other regions. Answers the table UPDATING.
pub(crate) fn update_replicas(
    engine: &mut Engine,
    name: &str,
    change: &GroupChange,
    other_changes: bool,
) -> Result<Value, DynamoError> {
    let updates = change.replicas;
    if other_changes {
        return Err(DynamoError::validation(
            "ReplicaUpdates cannot be combined with other changes in one UpdateTable request",
        ));
    }
    let here = engine.config.region.clone();
    let definition = engine.tables[name].definition.clone();
    let mut group: Vec<ReplicaSetting> = definition.replicas.clone();
    let member =
        |group: &[ReplicaSetting], region: &str| group.iter().any(|r| r.region_name == region);
    // Read every action before any takes effect.
    let mut actions = Vec::new();
    for update in updates {
        let action = match (&update.create, &update.update, &update.delete) {
            (Some(a), None, None) => (Action::Create, a),
            (None, Some(a), None) => (Action::Update, a),
            (None, None, Some(a)) => (Action::Delete, a),
            _ => {
                return Err(DynamoError::validation(
                    "One of ReplicationGroupUpdate.Create, ReplicationGroupUpdate.Update, or ReplicationGroupUpdate.Delete must be specified",
                ));
            }
        };
        let region = action.1.region_name.clone().unwrap_or_default();
        if region == here {
            return Err(DynamoError::validation(LOCAL_REGION));
        }
        match action.0 {
            Action::Create => {
                let taken = member(&group, &region)
                    || actions.iter().any(|(a, r, _): &(Action, String, _)| {
                        *a == Action::Create && *r == region
                    })
                    || engine.in_region(&region, |e| {
                        e.tables.contains_key(name) || e.deleting.contains_key(name)
                    });
                if taken {
                    return Err(DynamoError::validation(format!(
                        "Failed to create a the new replica of table with name: '{name}' because one or more replicas already existed as tables."
                    )));
                }
                for index in action.1.global_secondary_indexes.iter().flatten() {
                    let index_name = index.index_name.as_deref().unwrap_or_default();
                    if definition.index(index_name).is_none() {
                        return Err(DynamoError::index_not_found(name, index_name));
                    }
                }
            }
            Action::Update | Action::Delete => {
                if !member(&group, &region) {
                    return Err(DynamoError::validation(format!(
                        "Update global table operation failed because one or more replicas were not part of the global table: {region}"
                    )));
                }
            }
        }
        actions.push((action.0, region, action.1));
    }
    let now = engine.now_millis();
    let delay = engine.config.control_plane_millis;
    let strong = check_consistency(engine, name, change, &actions, now + delay)?;
    if let Some(strong) = &strong {
        let table = engine.tables.get_mut(name).expect("found");
        table.definition.strong_consistency = Some(strong.clone());
    }
    // A table made global streams its changes (NEW_AND_OLD_IMAGES unless a stream is on);
    // MRSC does not replicate through streams, so it leaves them as they are.
    let strong_now = engine.tables[name].definition.strong_consistency.is_some();
    if !strong_now && definition.stream.as_ref().is_none_or(|s| !s.enabled) {
        let label = crate::clock::iso8601_millis(now);
        let stream = engine.streams.unique(StreamSettings {
            enabled: true,
            view_type: "NEW_AND_OLD_IMAGES".into(),
            arn: format!("{}/stream/{label}", definition.arn),
            label,
        });
        engine
            .tables
            .get_mut(name)
            .expect("found")
            .definition
            .stream = Some(stream);
        crate::stream::sync(engine);
    }
    if group.is_empty() {
        group.push(ReplicaSetting {
            region_name: here.clone(),
            active_from_millis: definition.created_at_millis + definition.creating_for_millis,
            kms_master_key_id: None,
            read_capacity_override: None,
            table_class_override: None,
            index_read_overrides: Vec::new(),
        });
    }
    let mut members_before: Vec<String> = group.iter().map(|r| r.region_name.clone()).collect();
    let mut deleted: Vec<String> = Vec::new();
    for (action, region, arg) in actions {
        match action {
            Action::Create => {
                let setting = setting_of(arg, &region, now + delay);
                create_replica(engine, name, &region, &setting);
                group.push(setting);
                members_before.push(region);
            }
            Action::Update => {
                let setting = (group.iter_mut())
                    .find(|r| r.region_name == region)
                    .expect("a member");
                let active = setting.active_from_millis;
                let updated = setting_of(arg, &region, active);
                if updated.kms_master_key_id.is_some() {
                    setting.kms_master_key_id = updated.kms_master_key_id;
                }
                if updated.read_capacity_override.is_some() {
                    setting.read_capacity_override = updated.read_capacity_override;
                }
                if updated.table_class_override.is_some() {
                    setting.table_class_override = updated.table_class_override;
                }
                if !updated.index_read_overrides.is_empty() {
                    setting.index_read_overrides = updated.index_read_overrides;
                }
            }
            Action::Delete => {
                group.retain(|r| r.region_name != region);
                deleted.push(region.clone());
                engine.in_region(&region, |engine| drop_replica(engine, name));
            }
        }
    }
    if group.len() <= 1 {
        group.clear();
    }
    engine.set_group(name, &members_before, &group);
    if !deleted.is_empty() {
        engine.update_members(name, &members_before, |d| {
            for region in &deleted {
                d.auto_scaling.forget_region(region);
            }
        });
    }
    let table = engine.tables.get_mut(name).expect("found");
    table.definition.updating_until_millis = now + delay;
    let definition = table.definition.clone();
    engine.record_table(&definition);
    Ok(super::tables::describe(
        &engine.tables[name],
        "UPDATING",
        now,
    ))
}

/// Checks what the request asks of the group's consistency mode and witness against
/// DynamoDB's rules for MRSC (the table's `name` is in the current region; `actions` are
/// its ReplicaUpdates, read). `Some` is the setting of a group made MRSC now.
fn check_consistency(
    engine: &Engine,
    name: &str,
    change: &GroupChange,
    actions: &[(Action, String, &ReplicaActionArg)],
    witness_active_from: u64,
) -> Result<Option<StrongConsistency>, DynamoError> {
    let here = &engine.config.region;
    let definition = &engine.tables[name].definition;
    let global = !definition.replicas.is_empty();
    let strong_now = definition.strong_consistency.is_some();
    let regions = |of: Action| -> Vec<&str> {
        (actions.iter())
            .filter(|(a, _, _)| *a == of)
            .map(|(_, r, _)| r.as_str())
            .collect()
    };
    let (creates, deletes) = (regions(Action::Create), regions(Action::Delete));
    if change.witnesses.len() > 1 {
        return Err(DynamoError::validation(
            "You can create or delete only one witness per UpdateTable operation",
        ));
    }
    let (mut witness_create, mut witness_delete) = (None, None);
    for update in change.witnesses {
        match (&update.create, &update.delete) {
            (Some(a), None) => witness_create = a.region_name.as_deref(),
            (None, Some(a)) => witness_delete = a.region_name.as_deref(),
            _ => {
                return Err(DynamoError::validation(
                    "One of GlobalTableWitnessGroupUpdate.Create or GlobalTableWitnessGroupUpdate.Delete must be specified",
                ));
            }
        }
    }
    let wants_strong = change.consistency == Some("STRONG");
    if change.consistency.is_some() && creates.is_empty() {
        return Err(DynamoError::validation(MODE_NEEDS_CREATE));
    }
    if change.consistency.is_some() && global && wants_strong != strong_now {
        return Err(DynamoError::validation(MODE_FIXED));
    }
    if strong_now {
        if !creates.is_empty() || witness_create.is_some() {
            return Err(DynamoError::validation(THREE_REGIONS));
        }
        let witness = definition
            .strong_consistency
            .as_ref()
            .and_then(|s| s.witness.as_ref());
        if let Some(region) = witness_delete
            && witness.is_none_or(|w| w.region_name != region)
        {
            return Err(DynamoError::validation(format!(
                "{region} is not the witness region of the global table"
            )));
        }
        // What is deleted must leave a single-Region table.
        let others = crate::mrsc::other_members(definition, here);
        let leaving = deletes.len() + usize::from(witness_delete.is_some());
        if leaving > 0 && leaving != others.len() {
            return Err(DynamoError::validation(SINGLE_REGION_ONLY));
        }
        return Ok(None);
    }
    if witness_delete.is_some() || (witness_create.is_some() && !wants_strong) {
        return Err(DynamoError::validation(WITNESS_NEEDS_STRONG));
    }
    if !wants_strong {
        return Ok(None);
    }
    // A new MRSC group: three regions of one region set, from an empty table without TTL or
    // local secondary indexes.
    let mut members: Vec<&str> = vec![here];
    members.extend(&creates);
    if members.len() + usize::from(witness_create.is_some()) != crate::mrsc::REGIONS {
        return Err(DynamoError::validation(THREE_REGIONS));
    }
    if let Some(witness) = witness_create
        && members.contains(&witness)
    {
        return Err(DynamoError::validation(
            "The witness must be in a different Region than the replicas",
        ));
    }
    let Some(set) = crate::mrsc::region_set(here) else {
        return Err(DynamoError::validation(format!(
            "Multi-Region strong consistency is not supported in the region {here}"
        )));
    };
    if let Some(outside) = (members.iter().chain(&witness_create)).find(|r| !set.contains(r)) {
        return Err(DynamoError::validation(format!(
            "The regions of a global table configured for multi-Region strong consistency must belong to one region set ({}); {outside} does not",
            set.join(", ")
        )));
    }
    let table = &engine.tables[name];
    if table.items().walk(0, None).next().is_some() {
        return Err(DynamoError::validation(
            "A table must be empty to be made a global table with multi-Region strong consistency",
        ));
    }
    if definition.ttl.as_ref().is_some_and(|t| t.enabled) {
        return Err(DynamoError::validation(crate::mrsc::TTL_UNSUPPORTED));
    }
    if (definition.indexes.iter()).any(|i| i.kind == crate::index::IndexKind::Local) {
        return Err(DynamoError::validation(
            "Local secondary indexes are not supported on tables configured for multi-Region strong consistency",
        ));
    }
    Ok(Some(StrongConsistency {
        witness: witness_create.map(|region| Witness {
            region_name: region.to_owned(),
            active_from_millis: witness_active_from,
        }),
    }))
}

/// The messages of the MRSC rules: none of them is public (see docs/compatibility.md).
const MODE_NEEDS_CREATE: &str = "MultiRegionConsistency can be specified only when creating a global table with one or more Create actions in ReplicaUpdates";
const MODE_FIXED: &str =
    "The consistency mode of a global table cannot be changed after it is created";
const THREE_REGIONS: &str = "A global table configured for multi-Region strong consistency must span exactly three regions: three replicas, or two replicas and a witness";
const SINGLE_REGION_ONLY: &str = "Replicas and the witness of a global table configured for multi-Region strong consistency can be deleted only all together, converting the remaining replica to a single-Region table";
const WITNESS_NEEDS_STRONG: &str = "GlobalTableWitnessUpdates can be used only when creating a global table with MultiRegionConsistency STRONG, or to delete its witness together with a replica";

/// Makes the replica of `name` (current region) in `region`: its definition with its own
/// ARN, id and stream, every item, CREATING for the control-plane delay.
fn create_replica(engine: &mut Engine, name: &str, region: &str, setting: &ReplicaSetting) {
    let source = &engine.tables[name];
    let items: Vec<Item> = (source.items().walk(0, None))
        .map(|(_, item)| item.clone())
        .collect();
    let mut definition = source.definition.clone();
    let now = engine.now_millis();
    let arn = format!(
        "arn:aws:dynamodb:{region}:{}:table/{name}",
        engine.config.account_id
    );
    definition.table_id = engine.rng.uuid();
    for index in &mut definition.indexes {
        index.arn = format!("{arn}/index/{}", index.name);
        index.active_from_millis = 0;
    }
    if let Some(stream) = &mut definition.stream {
        stream.label = crate::clock::iso8601_millis(now);
        stream.arn = format!("{arn}/stream/{}", stream.label);
    }
    definition.arn = arn;
    definition.created_at_millis = now;
    definition.creating_for_millis = setting.active_from_millis.saturating_sub(now);
    definition.updating_until_millis = 0;
    definition.point_in_time_recovery = None;
    definition.contributor_insights = None;
    definition.index_contributor_insights.clear();
    definition.tags.clear();
    definition.restore_summary = None;
    definition.resource_policy = None;
    definition.stream_resource_policy = None;
    definition.kinesis_destinations.clear();
    definition.throughput_history = Default::default();
    if let Some(class) = &setting.table_class_override {
        definition.table_class = Some(class.clone());
    }
    if let Some(key) = &setting.kms_master_key_id {
        definition.sse_kms_key_arn = Some(key.clone());
    }
    if let (
        Some(read),
        BillingMode::Provisioned {
            write_capacity_units,
            ..
        },
    ) = (setting.read_capacity_override, definition.billing)
    {
        definition.billing = BillingMode::Provisioned {
            read_capacity_units: read,
            write_capacity_units,
        };
    }
    engine.in_region(region, |engine| {
        if let Some(stream) = definition.stream.take() {
            definition.stream = Some(engine.streams.unique(stream));
        }
        engine
            .tables
            .insert(name.to_owned(), Table::new(definition.clone()));
        engine.record_table(&definition);
        crate::write::load_items(engine, name, items).expect("the source's items are keyed");
        crate::stream::sync(engine);
    });
}

/// Removes the replica of `name` in the current region (ReplicaUpdates' Delete).
fn drop_replica(engine: &mut Engine, name: &str) {
    let Some(removed) = engine.tables.remove(name) else {
        return;
    };
    engine.pitr.remove(name);
    engine.forget_replica(name);
    let delay = engine.config.control_plane_millis;
    if delay > 0 {
        let now = engine.now_millis();
        engine
            .deleting
            .insert(name.to_owned(), (removed, now + delay));
    }
    let table = engine.log.stored_name(name);
    engine.record(|| crate::persist::Change::DeleteTable { table });
    crate::stream::sync(engine);
}
