//! What a table is now, read from its DescribeTable and DescribeTimeToLive responses: its
//! status, how it pays for throughput, its stream, its TTL attribute, the types of the
//! attributes its keys use, and each global index with its status and capacity. A table
//! whose description has no `BillingModeSummary` is provisioned, as DynamoDB leaves the
//! summary out for tables that were never on demand.

use serde_json::Value;

/// How a table (or a global index) pays for throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// PAY_PER_REQUEST.
    OnDemand,
    /// PROVISIONED, with its read and write capacity units.
    Provisioned { read: u64, write: u64 },
}

impl Billing {
    /// DynamoDB's name for the mode: `PROVISIONED` or `PAY_PER_REQUEST`.
    pub fn mode(self) -> &'static str {
        match self {
            Billing::OnDemand => "PAY_PER_REQUEST",
            Billing::Provisioned { .. } => "PROVISIONED",
        }
    }
}

/// One global secondary index as DescribeTable shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalIndex {
    pub name: String,
    /// `CREATING`, `ACTIVE`, `UPDATING` or `DELETING`.
    pub status: String,
    pub backfilling: bool,
    /// The partition key's name, then the sort key's, if any.
    pub keys: Vec<String>,
    /// Provisioned read and write units (zero on demand).
    pub read: u64,
    pub write: u64,
}

/// The table as its descriptions show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub table: String,
    /// `ACTIVE`, `UPDATING`, ...
    pub status: String,
    pub billing: Billing,
    /// The stream's view type, when a stream is enabled.
    pub stream: Option<String>,
    /// The TTL attribute, when TTL is enabled (or being enabled).
    pub ttl: Option<String>,
    /// `AttributeDefinitions`: every key attribute's name and type.
    pub attributes: Vec<(String, String)>,
    pub indexes: Vec<GlobalIndex>,
    /// The local indexes' names (fixed at creation, shown but not edited).
    pub local_indexes: Vec<String>,
}

impl Current {
    /// Reads a DescribeTable response (or its `Table`) and a DescribeTimeToLive response;
    /// `None` without a table name.
    pub fn from_describe(describe: &Value, ttl: &Value) -> Option<Current> {
        let t = describe.get("Table").unwrap_or(describe);
        let table = t["TableName"].as_str()?.to_owned();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        let units = |of: &Value, member: &str| of["ProvisionedThroughput"][member].as_u64();
        let billing = match t["BillingModeSummary"]["BillingMode"].as_str() {
            Some("PAY_PER_REQUEST") => Billing::OnDemand,
            _ => Billing::Provisioned {
                read: units(t, "ReadCapacityUnits").unwrap_or(0),
                write: units(t, "WriteCapacityUnits").unwrap_or(0),
            },
        };
        let stream = (t["StreamSpecification"]["StreamEnabled"].as_bool() == Some(true))
            .then(|| text(&t["StreamSpecification"]["StreamViewType"]));
        let ttl_description = &ttl["TimeToLiveDescription"];
        let ttl = match ttl_description["TimeToLiveStatus"].as_str() {
            Some("ENABLED" | "ENABLING") => Some(text(&ttl_description["AttributeName"])),
            _ => None,
        };
        let attributes = t["AttributeDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| (text(&d["AttributeName"]), text(&d["AttributeType"])))
            .collect();
        let names = |member: &str| t[member].as_array().into_iter().flatten();
        let indexes = names("GlobalSecondaryIndexes")
            .map(|i| GlobalIndex {
                name: text(&i["IndexName"]),
                status: i["IndexStatus"].as_str().unwrap_or("ACTIVE").to_owned(),
                backfilling: i["Backfilling"].as_bool() == Some(true),
                keys: i["KeySchema"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|k| text(&k["AttributeName"]))
                    .collect(),
                read: units(i, "ReadCapacityUnits").unwrap_or(0),
                write: units(i, "WriteCapacityUnits").unwrap_or(0),
            })
            .collect();
        let local_indexes = names("LocalSecondaryIndexes")
            .map(|i| text(&i["IndexName"]))
            .collect();
        Some(Current {
            table,
            status: t["TableStatus"].as_str().unwrap_or("ACTIVE").to_owned(),
            billing,
            stream,
            ttl,
            attributes,
            indexes,
            local_indexes,
        })
    }

    /// The global index called `name`.
    pub fn index(&self, name: &str) -> Option<&GlobalIndex> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The type (`S`, `N`, `B`) the table already gives attribute `name`, if a key uses it.
    pub fn attribute_type(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, kind)| kind.as_str())
    }

    /// Whether anything is still changing: the table not ACTIVE, or an index not ACTIVE.
    pub fn changing(&self) -> bool {
        self.status != "ACTIVE" || self.indexes.iter().any(|i| i.status != "ACTIVE")
    }
}
