//! On-demand backups as the engine keeps them: the table's definition and every item at the
//! moment CreateBackup ran, with the backup's name, ARN and times. A backup is CREATING for
//! the control-plane delay after it is made, then AVAILABLE. Each backup is persisted as
//! the engine setting `backup:<arn>` (its definition and items as DynamoDB JSON), so it
//! survives a reload like the tables do, and costs the store what the items cost.

use serde::{Deserialize, Serialize};

use crate::table::TableDefinition;
use crate::value::Item;

/// The setting name prefix under which backups are stored.
pub const SETTING_PREFIX: &str = "backup:";

/// One backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Backup {
    pub arn: String,
    pub name: String,
    pub created_at_millis: u64,
    /// CREATING until then, AVAILABLE after.
    pub available_at_millis: u64,
    /// The source table's definition when the backup was made.
    pub definition: TableDefinition,
    pub items: Vec<Item>,
    /// The items' size as DescribeTable's TableSizeBytes counts it.
    pub size_bytes: u64,
}

impl Backup {
    pub fn status(&self, now_millis: u64) -> &'static str {
        if now_millis < self.available_at_millis {
            "CREATING"
        } else {
            "AVAILABLE"
        }
    }

    /// The setting this backup is stored under.
    pub fn setting_name(&self) -> String {
        format!("{SETTING_PREFIX}{}", self.arn)
    }

    /// The stored form: the backup as JSON.
    pub fn to_setting(&self) -> String {
        serde_json::to_string(self).expect("a backup always serialises")
    }

    /// A backup read back from its setting; None if it cannot be read (a newer build may
    /// have written it).
    pub fn from_setting(value: &str) -> Option<Backup> {
        serde_json::from_slice(value.as_bytes()).ok()
    }
}

/// A backup's ARN: the table's, `/backup/`, the creation time in milliseconds (14 digits, zero-padded)
/// and eight hex digits, as DynamoDB writes them.
pub fn backup_arn(table_arn: &str, created_at_millis: u64, random: u64) -> String {
    format!(
        "{table_arn}/backup/{created_at_millis:014}-{:08x}",
        random & 0xffff_ffff
    )
}
