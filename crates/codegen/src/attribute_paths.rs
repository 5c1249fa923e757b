//! Where each operation's request holds AttributeValues and timestamps, taken from the
//! DynamoDB and DynamoDB Streams service models (the members whose shape is `AttributeValue`
//! or `timestamp`; `tests/codegen/test_codegen.py` sends a request built from botocore's copy
//! of the models for every operation, with a binary value at each of these places, through
//! both SDKs and compares the bytes they send with the request). The SDKs want these in their own types, Uint8Array or bytes for a
//! binary value and a `Date` for a timestamp in JavaScript, so the code generator must know
//! them by position rather than guess them from their shape. A path is written with `.`
//! between members, `*` for every value of a map and `[]` for every element of a list:
//! `RequestItems.*[].PutRequest.Item.*` is every attribute of every item put. Every
//! operation of the models is listed, those with neither in `PLAIN_OPERATIONS`, so only an
//! operation newer than this table has its binary values guessed (`literal.rs`).

/// What sits at a position of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// An AttributeValue: `{"S": "a"}`, `{"B": "<base64>"}`, `{"M": {...}}`...
    AttributeValue,
    /// A timestamp (epoch seconds on the wire).
    Timestamp,
    /// On the way to one of the above.
    Enclosing,
    /// Plain data: no AttributeValue or timestamp at or below it.
    Plain,
}

/// One step of a request's path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Member(&'a str),
    /// An element of a list, by index (which no pattern looks at).
    Element(usize),
}

/// The AttributeValue and timestamp members of one operation's request.
struct Members {
    operation: &'static str,
    attribute_values: &'static [&'static str],
    timestamps: &'static [&'static str],
}

const MEMBERS: &[Members] = &[
    Members {
        operation: "BatchExecuteStatement",
        attribute_values: &["Statements[].Parameters[]"],
        timestamps: &[],
    },
    Members {
        operation: "BatchGetItem",
        attribute_values: &["RequestItems.*.Keys[].*"],
        timestamps: &[],
    },
    Members {
        operation: "BatchWriteItem",
        attribute_values: &[
            "RequestItems.*[].PutRequest.Item.*",
            "RequestItems.*[].DeleteRequest.Key.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "DeleteItem",
        attribute_values: &[
            "Key.*",
            "Expected.*.Value",
            "Expected.*.AttributeValueList[]",
            "ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "ExecuteStatement",
        attribute_values: &["Parameters[]"],
        timestamps: &[],
    },
    Members {
        operation: "ExecuteTransaction",
        attribute_values: &["TransactStatements[].Parameters[]"],
        timestamps: &[],
    },
    Members {
        operation: "ExportTableToPointInTime",
        attribute_values: &["FilterSpecification.ExpressionAttributeValues.*"],
        timestamps: &[
            "ExportTime",
            "IncrementalExportSpecification.ExportFromTime",
            "IncrementalExportSpecification.ExportToTime",
        ],
    },
    Members {
        operation: "GetItem",
        attribute_values: &["Key.*"],
        timestamps: &[],
    },
    Members {
        operation: "GetShardIterator",
        attribute_values: &[],
        timestamps: &["Timestamp"],
    },
    Members {
        operation: "ListBackups",
        attribute_values: &[],
        timestamps: &["TimeRangeLowerBound", "TimeRangeUpperBound"],
    },
    Members {
        operation: "PutItem",
        attribute_values: &[
            "Item.*",
            "Expected.*.Value",
            "Expected.*.AttributeValueList[]",
            "ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "Query",
        attribute_values: &[
            "KeyConditions.*.AttributeValueList[]",
            "QueryFilter.*.AttributeValueList[]",
            "ExclusiveStartKey.*",
            "ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "RestoreTableToPointInTime",
        attribute_values: &[],
        timestamps: &["RestoreDateTime"],
    },
    Members {
        operation: "Scan",
        attribute_values: &[
            "ScanFilter.*.AttributeValueList[]",
            "ExclusiveStartKey.*",
            "ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "SearchVectors",
        attribute_values: &["ExpressionAttributeValues.*", "SearchVector[]"],
        timestamps: &[],
    },
    Members {
        operation: "TransactGetItems",
        attribute_values: &["TransactItems[].Get.Key.*"],
        timestamps: &[],
    },
    Members {
        operation: "TransactWriteItems",
        attribute_values: &[
            "TransactItems[].ConditionCheck.Key.*",
            "TransactItems[].ConditionCheck.ExpressionAttributeValues.*",
            "TransactItems[].Put.Item.*",
            "TransactItems[].Put.ExpressionAttributeValues.*",
            "TransactItems[].Delete.Key.*",
            "TransactItems[].Delete.ExpressionAttributeValues.*",
            "TransactItems[].Update.Key.*",
            "TransactItems[].Update.ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
    Members {
        operation: "UpdateItem",
        attribute_values: &[
            "Key.*",
            "AttributeUpdates.*.Value",
            "Expected.*.Value",
            "Expected.*.AttributeValueList[]",
            "ExpressionAttributeValues.*",
        ],
        timestamps: &[],
    },
];

/// The operations whose requests hold neither AttributeValues nor timestamps.
const PLAIN_OPERATIONS: &[&str] = &[
    "CancelBulkOperation",
    "CreateBackup",
    "CreateGlobalTable",
    "CreateTable",
    "DeleteBackup",
    "DeleteResourcePolicy",
    "DeleteTable",
    "DescribeBackup",
    "DescribeBulkOperation",
    "DescribeContinuousBackups",
    "DescribeContributorInsights",
    "DescribeEndpoints",
    "DescribeExport",
    "DescribeGlobalTable",
    "DescribeGlobalTableSettings",
    "DescribeImport",
    "DescribeKinesisStreamingDestination",
    "DescribeLimits",
    "DescribeStream",
    "DescribeTable",
    "DescribeTableReplicaAutoScaling",
    "DescribeTimeToLive",
    "DisableKinesisStreamingDestination",
    "EnableKinesisStreamingDestination",
    "GetRecords",
    "GetResourcePolicy",
    "ImportTable",
    "ListBulkOperations",
    "ListContributorInsights",
    "ListExports",
    "ListGlobalTables",
    "ListImports",
    "ListStreams",
    "ListTables",
    "ListTagsOfResource",
    "PutResourcePolicy",
    "RestoreTableFromBackup",
    "StartBulkPutItems",
    "TagResource",
    "UntagResource",
    "UpdateContinuousBackups",
    "UpdateContributorInsights",
    "UpdateGlobalTable",
    "UpdateGlobalTableSettings",
    "UpdateKinesisStreamingDestination",
    "UpdateTable",
    "UpdateTableReplicaAutoScaling",
    "UpdateTimeToLive",
];

/// The positions of one operation's request, or `None` for an operation this table does
/// not know (newer than it, or not DynamoDB's).
pub(crate) struct Schema {
    members: &'static Members,
}

impl Schema {
    pub fn of(operation: &str) -> Option<Self> {
        const NONE: &Members = &Members {
            operation: "",
            attribute_values: &[],
            timestamps: &[],
        };
        if PLAIN_OPERATIONS.contains(&operation) {
            return Some(Self { members: NONE });
        }
        MEMBERS
            .iter()
            .find(|m| m.operation == operation)
            .map(|members| Self { members })
    }

    /// What sits at `path` (the steps from the request's top).
    pub fn position(&self, path: &[Step<'_>]) -> Position {
        let mut position = Position::Plain;
        let patterns = [
            (self.members.attribute_values, Position::AttributeValue),
            (self.members.timestamps, Position::Timestamp),
        ];
        for (patterns, kind) in patterns {
            for pattern in patterns {
                match matches(pattern, path) {
                    Match::Whole => return kind,
                    Match::Prefix => position = Position::Enclosing,
                    Match::No => {}
                }
            }
        }
        position
    }
}

enum Match {
    Whole,
    Prefix,
    No,
}

/// Whether `path` is the whole of `pattern`, a beginning of it, or neither.
fn matches(pattern: &str, path: &[Step<'_>]) -> Match {
    let mut steps = path.iter();
    for part in pattern.split('.') {
        let member = part.trim_end_matches("[]");
        let elements = (part.len() - member.len()) / 2;
        let Some(step) = steps.next() else {
            return Match::Prefix;
        };
        let member_matches = match step {
            Step::Member(name) => member == "*" || member == *name,
            Step::Element(_) => false,
        };
        if !member_matches {
            return Match::No;
        }
        for _ in 0..elements {
            match steps.next() {
                None => return Match::Prefix,
                Some(Step::Element(_)) => {}
                Some(Step::Member(_)) => return Match::No,
            }
        }
    }
    if steps.next().is_none() {
        Match::Whole
    } else {
        Match::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_listed_once() {
        let names: Vec<&str> = MEMBERS
            .iter()
            .map(|m| m.operation)
            .chain(PLAIN_OPERATIONS.iter().copied())
            .collect();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(name), "{name}");
        }
    }

    #[test]
    fn a_pattern_matches_members_map_values_and_list_elements() {
        use Step::{Element, Member};
        let schema = Schema::of("BatchWriteItem").unwrap();
        let put = [
            Member("RequestItems"),
            Member("t"),
            Element(0),
            Member("PutRequest"),
            Member("Item"),
            Member("pk"),
        ];
        assert_eq!(schema.position(&put), Position::AttributeValue);
        assert_eq!(schema.position(&put[..5]), Position::Enclosing);
        assert_eq!(schema.position(&put[..3]), Position::Enclosing);
        assert_eq!(
            schema.position(&[Member("ReturnConsumedCapacity")]),
            Position::Plain
        );
        let mut deeper = put.to_vec();
        deeper.push(Member("S"));
        assert_eq!(schema.position(&deeper), Position::Plain);
        let wrong = [Member("RequestItems"), Member("t"), Member("PutRequest")];
        assert_eq!(schema.position(&wrong), Position::Plain);
    }
}
