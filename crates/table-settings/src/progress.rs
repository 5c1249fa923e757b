//! What is still changing, for the top of "Table details": a table UPDATING, a global
//! index CREATING (backfilling from the table's items) or DELETING. DescribeTable says only
//! that an index is backfilling; how far it has come is the virtual clock's: an index the
//! page created is ACTIVE once the engine's control-plane delay has passed since, so the
//! page keeps when it sent the request and the delay then ([`Backfill`]), and the share of
//! that time gone by is the backfill's progress.

use dynoscope_codegen::html::escape;
use serde_json::Value;

use crate::current::Current;

/// An index creation the page sent: which index, when on the virtual clock, and how long
/// the engine's control plane then took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backfill<'a> {
    pub index: &'a str,
    pub started_millis: u64,
    pub delay_millis: u64,
}

impl<'a> Backfill<'a> {
    /// Reads `{index, clock, simulation}`: the index name, and the `Dynoscope_DescribeClock`
    /// and `Dynoscope_DescribeSimulation` responses read just before the request was sent.
    pub fn from_json(value: &'a Value) -> Option<Backfill<'a>> {
        Some(Backfill {
            index: value["index"].as_str()?,
            started_millis: value["clock"]["Clock"]["NowMillis"].as_u64()?,
            delay_millis: value["simulation"]["Engine"]["ControlPlaneMillis"].as_u64()?,
        })
    }

    /// The share of the backfill done at `now_millis`, in percent (0 to 100).
    pub fn percent(&self, now_millis: u64) -> u64 {
        if self.delay_millis == 0 {
            return 100;
        }
        let gone = now_millis.saturating_sub(self.started_millis);
        (gone.min(self.delay_millis) * 100) / self.delay_millis
    }
}

/// Seconds with one decimal: `2.5 s`.
fn seconds(millis: u64) -> String {
    format!("{}.{} s", millis / 1000, (millis % 1000) / 100)
}

/// The "In progress" section, or nothing when the table and its indexes are all ACTIVE.
/// `now_millis` is the virtual clock's time (`Dynoscope_DescribeClock`), when known.
pub fn progress_html(
    current: &Current,
    backfill: Option<&Backfill>,
    now_millis: Option<u64>,
) -> String {
    let mut items = String::new();
    if current.status != "ACTIVE" {
        items += &format!(
            "<li>The table is {}: another change waits until it is ACTIVE again.</li>",
            escape(&current.status)
        );
    }
    for index in current.indexes.iter().filter(|i| i.status != "ACTIVE") {
        let name = escape(&index.name);
        let known = backfill
            .filter(|b| b.index == index.name)
            .zip(now_millis)
            .filter(|_| index.status == "CREATING");
        items += &match known {
            Some((b, now)) => {
                let percent = b.percent(now);
                let gone = now.saturating_sub(b.started_millis).min(b.delay_millis);
                format!(
                    "<li data-testid=\"details-backfill\">Index {name}: {}, backfilling from the table's items: \
                     <progress max=\"100\" value=\"{percent}\">{percent}%</progress> {percent}% \
                     ({} of {} on the virtual clock). It answers reads once ACTIVE.</li>",
                    escape(&index.status),
                    seconds(gone),
                    seconds(b.delay_millis)
                )
            }
            None if index.backfilling => format!(
                "<li data-testid=\"details-backfill\">Index {name}: {}, backfilling from the table's items. It answers reads once ACTIVE.</li>",
                escape(&index.status)
            ),
            None => format!("<li>Index {name}: {}.</li>", escape(&index.status)),
        };
    }
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<section class=\"details-section\" data-testid=\"details-progress\" aria-live=\"polite\"><h3>In progress</h3><ul>{items}</ul></section>"
    )
}
