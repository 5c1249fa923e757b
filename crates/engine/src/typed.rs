//! The typed Rust API: the same operations as dispatch for callers that already hold Rust
//! values, without JSON on either side. Each call applies the rules its dispatch twin does
//! (table lookup, key checks, capacity aside) so the two cannot disagree on an answer.

use crate::engine::Engine;
use crate::error::DynamoError;
use crate::value::MAX_ITEM_BYTES;
use crate::value::{Item, item_size};
use crate::write::commit_write;

impl Engine {
    /// GetItem by key attributes: the stored item, borrowed.
    pub fn get_item(&self, table: &str, key: &Item) -> Result<Option<&Item>, DynamoError> {
        let table = self
            .tables
            .get(table)
            .ok_or_else(DynamoError::resource_not_found)?;
        let key = table.key_schema().key_from_request(key)?;
        Ok(table.get(&key))
    }

    /// PutItem without a condition: stores the item and returns the one it replaced.
    pub fn put_item(&mut self, table_name: &str, item: Item) -> Result<Option<Item>, DynamoError> {
        let table = self
            .tables
            .get(table_name)
            .ok_or_else(DynamoError::resource_not_found)?;
        let key = table.key_schema().key_of_item(&item)?;
        if item_size(&item) > MAX_ITEM_BYTES {
            return Err(DynamoError::validation(
                "Item size has exceeded the maximum allowed size",
            ));
        }
        table.check_item(&item)?;
        Ok(commit_write(self, table_name, key, Some(item))
            .old
            .map(std::sync::Arc::unwrap_or_clone))
    }
}
