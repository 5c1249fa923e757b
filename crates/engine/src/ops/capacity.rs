//! Capacity-unit arithmetic and the `ConsumedCapacity` response member. A read unit covers
//! 4 KB read strongly (half a unit eventually), a write unit 1 KB written; sizes round up
//! per item before any halving, and an operation that touches nothing still costs one unit.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::index::IndexKind;
pub use crate::units::{Consumption, read_units, write_units};

use super::validate::ReturnCapacity;

/// `Capacity`: units consumed by one table or index.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Capacity {
    pub capacity_units: f64,
}

impl Consumption {
    fn of_kind(&self, kind: IndexKind) -> Option<BTreeMap<String, Capacity>> {
        let map: BTreeMap<String, Capacity> = self
            .indexes
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(name, _, units)| {
                (
                    name.clone(),
                    Capacity {
                        capacity_units: *units,
                    },
                )
            })
            .collect();
        (!map.is_empty()).then_some(map)
    }
}

/// `ConsumedCapacity` as single-item operations, Query and Scan return it: the total, and
/// under INDEXES the table's share and each index's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    pub table_name: String,
    pub capacity_units: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Capacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_secondary_indexes: Option<BTreeMap<String, Capacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_secondary_indexes: Option<BTreeMap<String, Capacity>>,
}

impl ConsumedCapacity {
    /// The member to return for `consumption` on `table`, or nothing for NONE.
    pub fn report(
        table: &str,
        consumption: &Consumption,
        mode: ReturnCapacity,
    ) -> Option<ConsumedCapacity> {
        let total = ConsumedCapacity {
            table_name: table.to_owned(),
            capacity_units: consumption.total(),
            table: None,
            local_secondary_indexes: None,
            global_secondary_indexes: None,
        };
        match mode {
            ReturnCapacity::None => None,
            ReturnCapacity::Total => Some(total),
            ReturnCapacity::Indexes => Some(ConsumedCapacity {
                table: Some(Capacity {
                    capacity_units: consumption.table,
                }),
                local_secondary_indexes: consumption.of_kind(IndexKind::Local),
                global_secondary_indexes: consumption.of_kind(IndexKind::Global),
                ..total
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_unit_covers_4_kb_and_eventual_reads_cost_half() {
        assert_eq!(read_units(4096, true), 1.0);
        assert_eq!(read_units(4097, true), 2.0);
        assert_eq!(read_units(4097, false), 1.0);
        assert_eq!(read_units(0, false), 0.5);
    }

    #[test]
    fn eventual_halving_applies_after_rounding() {
        // The Developer Guide's example: an 80 KB eventually consistent read costs 10.
        assert_eq!(read_units(80 * 1024, false), 10.0);
    }

    #[test]
    fn a_write_unit_covers_1_kb() {
        assert_eq!(write_units(1024), 1.0);
        assert_eq!(write_units(1025), 2.0);
        assert_eq!(write_units(0), 1.0);
    }
}
