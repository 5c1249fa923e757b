//! What Query and Scan share: the source they read (the table, or one of its indexes),
//! exclusive start keys in and last evaluated keys out, and reading one page: up to `Limit`
//! entries or 1 MB, whichever comes first, counted before any filter.

use crate::error::DynamoError;
use crate::index::{Index, IndexKind};
use crate::key::KeySchema;
use crate::partition::{IndexPosition, ItemPosition, Position, partition_hash};
use crate::table::Table;
use crate::throughput::ReadHeat;
use crate::units::Consumption;
use crate::value::{Item, item_size};

/// A Query or Scan page reads at most this many bytes.
pub const PAGE_BYTES: usize = 1024 * 1024;

/// What a Query or Scan reads.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Table(&'a Table),
    Index(&'a Table, &'a Index),
}

impl<'a> Source<'a> {
    /// The partition a Query or Scan page starting at `hash` reads: the global index's when
    /// it reads one, the table's otherwise (a local index lives with its table's items).
    pub fn partition_at(&self, hash: u64) -> u32 {
        match self {
            Source::Index(_, index) if index.definition.kind == IndexKind::Global => {
                index.entries.partition_of(hash).id
            }
            Source::Table(table) | Source::Index(table, _) => table.items().partition_of(hash).id,
        }
    }

    /// What a Query or Scan page heats with the read units it spent.
    pub fn heat(&self, consumption: &Consumption) -> ReadHeat {
        let all = consumption.total();
        match self {
            Source::Index(table, index) if index.definition.kind == IndexKind::Global => {
                let at = table
                    .indexes()
                    .iter()
                    .position(|i| i.definition.name == index.definition.name)
                    .unwrap_or(0);
                ReadHeat::GlobalIndex(at, all)
            }
            _ => ReadHeat::Table(all),
        }
    }
    /// The table itself, or the index `IndexName` names, at virtual time `now`: a global
    /// index added by UpdateTable cannot be read until its backfill is done.
    pub fn resolve(
        table: &'a Table,
        index_name: Option<&str>,
        now: u64,
    ) -> Result<Source<'a>, DynamoError> {
        let Some(name) = index_name else {
            return Ok(Source::Table(table));
        };
        let index = table.index(name).ok_or_else(|| {
            DynamoError::validation(format!(
                "The table does not have the specified index: {name}"
            ))
        })?;
        if index.definition.kind == IndexKind::Global && now < index.definition.active_from_millis {
            return Err(DynamoError::validation(
                "Cannot read from backfilling global secondary index",
            ));
        }
        Ok(Source::Index(table, index))
    }

    pub fn is_global_index(&self) -> bool {
        matches!(self, Source::Index(_, index) if index.definition.kind == IndexKind::Global)
    }

    /// The key schema entries are ordered by.
    pub fn key_schema(&self) -> &'a KeySchema {
        match self {
            Source::Table(table) => table.key_schema(),
            Source::Index(_, index) => &index.definition.key_schema,
        }
    }
}

/// Turns a start-key error into DynamoDB's start-key message.
pub fn invalid_start_key(e: DynamoError) -> DynamoError {
    DynamoError::validation(format!(
        "The provided starting key is invalid: {}",
        e.message
    ))
}

/// The table position an `ExclusiveStartKey` names on a table.
pub fn table_start(table: &Table, key: &Item) -> Result<ItemPosition, DynamoError> {
    let key = table
        .key_schema()
        .key_from_request(key)
        .map_err(invalid_start_key)?;
    Ok(Table::position_of(key))
}

/// The index position an `ExclusiveStartKey` names on an index: it carries the table's key
/// attributes and the index's.
pub fn index_start(table: &Table, index: &Index, key: &Item) -> Result<IndexPosition, DynamoError> {
    let mismatch = || {
        invalid_start_key(DynamoError::validation(
            "The provided key element does not match the schema",
        ))
    };
    let table_schema = table.key_schema();
    let index_schema = &index.definition.key_schema;
    if key
        .keys()
        .any(|name| !table_schema.is_key_attribute(name) && !index_schema.is_key_attribute(name))
    {
        return Err(mismatch());
    }
    let table_key_item: Item = crate::sorting::ordered(
        key.iter()
            .filter(|(n, _)| table_schema.is_key_attribute(n))
            .map(|(n, v)| (n.clone(), v.clone())),
    );
    let table_key = table_schema
        .key_from_request(&table_key_item)
        .map_err(|_| mismatch())?;
    let index_key = index.definition.key_of(key).ok_or_else(mismatch)?;
    Ok(IndexPosition {
        hash: partition_hash(&index_key.hash),
        index_key,
        table_key,
    })
}

/// The `LastEvaluatedKey` of an index entry: the table key and the index key.
pub fn index_entry_key(table: &Table, index: &Index, position: &IndexPosition) -> Item {
    let mut key = table.key_schema().key_item(&position.table_key);
    key.extend(index.definition.key_schema.key_item(&position.index_key));
    key
}

/// One page of entries as read, before any filter or projection.
pub struct Page<'a> {
    pub items: Vec<&'a Item>,
    /// Bytes read, for capacity: the sum of the entries' sizes.
    pub bytes: usize,
    /// Where to resume, if the walk stopped before its end.
    pub last_key: Option<Item>,
}

/// Reads entries from `walk` while `within` holds, stopping after `limit` entries or once
/// 1 MB has been read; `key_of` turns the last entry's position into its key.
pub fn read_page<'a, P: Position + 'a>(
    walk: impl Iterator<Item = (&'a P, &'a Item)>,
    within: impl Fn(&P) -> bool,
    limit: usize,
    key_of: impl Fn(&P) -> Item,
) -> Page<'a> {
    let mut page = Page {
        items: Vec::new(),
        bytes: 0,
        last_key: None,
    };
    for (position, item) in walk.take_while(|(p, _)| within(p)) {
        page.items.push(item);
        page.bytes += item_size(item);
        // DynamoDB does not look ahead: a page cut short by Limit or size always says
        // where to resume, even when nothing follows (the next page is then empty).
        if page.items.len() >= limit || page.bytes >= PAGE_BYTES {
            page.last_key = Some(key_of(position));
            break;
        }
    }
    page
}

/// What one Query or Scan page read, for the event history: the entries and bytes read
/// before any filter or projection, which the page's read units are rounded from.
pub struct PageRead<'a> {
    pub operation: &'static str,
    pub index_name: Option<&'a str>,
    pub items_read: usize,
    pub bytes_read: usize,
    pub consistent: bool,
}

impl PageRead<'_> {
    /// Records the read as a `READ` event: its sizes, the units they round to, and the units
    /// a local index spent fetching unprojected attributes from the table.
    pub fn record(self, engine: &mut crate::engine::Engine, table: &str, fetched_units: f64) {
        let now = engine.now_millis();
        engine.events.record(now, "READ", table, || {
            let detail = crate::contract::PageReadDetail {
                operation: self.operation.to_owned(),
                index_name: self.index_name.map(str::to_owned),
                items_read: self.items_read as u64,
                bytes_read: self.bytes_read as u64,
                consistent: self.consistent,
                read_units: super::capacity::read_units(self.bytes_read, self.consistent),
                table_fetch_read_units: fetched_units,
            };
            serde_json::to_value(detail).expect("a page read serialises")
        });
    }
}
