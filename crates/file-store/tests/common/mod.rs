//! What the store's tests share: changes to commit (directories and the controlled backend
//! are in the crate's `testing` module).

#![allow(dead_code)]

use dynoscope_engine::Change;
pub use dynoscope_file_store::testing::{TempDir, controlled_store};

pub fn put_table(table: &str) -> Change {
    Change::PutTable {
        table: table.into(),
        state: format!(r#"{{"name":"{table}"}}"#),
    }
}

pub fn put_item(table: &str, key: &str, value: &str) -> Change {
    Change::PutItem {
        table: table.into(),
        key: format!(r#"{{"pk":{{"S":"{key}"}}}}"#),
        item: format!(r#"{{"pk":{{"S":"{key}"}},"v":{{"S":"{value}"}}}}"#),
    }
}

pub fn delete_item(table: &str, key: &str) -> Change {
    Change::DeleteItem {
        table: table.into(),
        key: format!(r#"{{"pk":{{"S":"{key}"}}}}"#),
    }
}
