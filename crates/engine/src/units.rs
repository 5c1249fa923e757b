//! Capacity units: a read unit covers 4 KB read strongly (half a unit eventually), a write
//! unit 1 KB written; sizes round up per item before any halving, and an operation that
//! touches nothing still costs one unit. [`Consumption`] is what one request consumed, on
//! the table and on each index; throughput admits it, operations report it.

use crate::index::IndexKind;

const READ_UNIT_BYTES: usize = 4096;
const WRITE_UNIT_BYTES: usize = 1024;

/// Read units for `bytes` read in one item (or one Query/Scan page, summed first).
pub fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(READ_UNIT_BYTES).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}

/// Write units for an item of `bytes` (the larger of before and after for overwrites).
pub fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(WRITE_UNIT_BYTES).max(1) as f64
}

/// What one request consumed: units on the table itself and on each index it touched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consumption {
    pub table: f64,
    pub indexes: Vec<(String, IndexKind, f64)>,
}

impl Consumption {
    pub fn table(units: f64) -> Self {
        Consumption {
            table: units,
            indexes: Vec::new(),
        }
    }

    pub fn total(&self) -> f64 {
        self.table + self.indexes.iter().map(|(_, _, u)| u).sum::<f64>()
    }
}
