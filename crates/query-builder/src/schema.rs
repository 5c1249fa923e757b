//! What a table offers to read, from its DescribeTable: the table's key attributes and
//! each index's, with their types (S, N or B) from `AttributeDefinitions`, and which
//! sources take a consistent read (the table and its local indexes; a global index never).

use serde_json::Value;

/// One key attribute: its name and scalar type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    pub name: String,
    /// `S`, `N` or `B`.
    pub kind: String,
}

/// What a Query or Scan can read: the table or one of its indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// `None` for the table itself.
    pub index_name: Option<String>,
    pub partition: KeyAttribute,
    pub sort: Option<KeyAttribute>,
    /// A global index answers eventually consistent reads only.
    pub global: bool,
    /// The index's projection type (`ALL`, `KEYS_ONLY`, `INCLUDE`); `ALL` for the table.
    pub projection: String,
}

/// A table as the builder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    pub table_name: String,
    /// The table first, then its global indexes, then its local ones, each as described.
    pub sources: Vec<Source>,
}

impl TableShape {
    /// Reads a DescribeTable response (or its `Table` member); `None` if it has no key schema.
    pub fn from_describe(response: &Value) -> Option<TableShape> {
        let table = response.get("Table").unwrap_or(response);
        let types = |name: &str| {
            table["AttributeDefinitions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["AttributeName"] == name)
                .and_then(|d| d["AttributeType"].as_str())
                .unwrap_or("S")
                .to_owned()
        };
        let keys = |schema: &Value| -> Option<(KeyAttribute, Option<KeyAttribute>)> {
            let role = |wanted: &str| {
                schema
                    .as_array()?
                    .iter()
                    .find(|k| k["KeyType"] == wanted)
                    .and_then(|k| k["AttributeName"].as_str())
                    .map(|name| KeyAttribute {
                        name: name.to_owned(),
                        kind: types(name),
                    })
            };
            Some((role("HASH")?, role("RANGE")))
        };
        let (partition, sort) = keys(&table["KeySchema"])?;
        let mut sources = vec![Source {
            index_name: None,
            partition,
            sort,
            global: false,
            projection: "ALL".to_owned(),
        }];
        for (member, global) in [
            ("GlobalSecondaryIndexes", true),
            ("LocalSecondaryIndexes", false),
        ] {
            for index in table[member].as_array().into_iter().flatten() {
                let (Some(name), Some((partition, sort))) =
                    (index["IndexName"].as_str(), keys(&index["KeySchema"]))
                else {
                    continue;
                };
                sources.push(Source {
                    index_name: Some(name.to_owned()),
                    partition,
                    sort,
                    global,
                    projection: index["Projection"]["ProjectionType"]
                        .as_str()
                        .unwrap_or("ALL")
                        .to_owned(),
                });
            }
        }
        Some(TableShape {
            table_name: table["TableName"].as_str()?.to_owned(),
            sources,
        })
    }

    /// The source named `index` (`""` or unknown: the table).
    pub fn source(&self, index: &str) -> &Source {
        self.sources
            .iter()
            .find(|s| s.index_name.as_deref() == Some(index))
            .unwrap_or(&self.sources[0])
    }

    /// The names of every key attribute of the table and its indexes, table keys first:
    /// the columns a results grid shows before the rest.
    pub fn key_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for source in &self.sources {
            for key in std::iter::once(&source.partition).chain(&source.sort) {
                if !names.contains(&key.name.as_str()) {
                    names.push(&key.name);
                }
            }
        }
        names
    }
}
