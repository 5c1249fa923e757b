//! How the IndexedDB store keeps items, apart from IndexedDB itself, so it is tested
//! natively: a table's items are kept as **pages**, texts of up to [`PAGE_BYTES`] holding
//! one item per line (`keyText`, a tab, the item's DynamoDB JSON, a newline; compact JSON
//! never holds a raw tab or newline). Reading a hundred thousand items as a hundred pages
//! costs IndexedDB a fraction of reading a hundred thousand rows. The journal's changes are
//! laid over the pages by an [`Overlay`]: what each table's items come to after the
//! journal, used both when the store loads and when it folds the journal into new pages.

use dynoscope_engine::Change;

/// The size a page grows to before the next one begins (an item may take it past).
pub const PAGE_BYTES: usize = 256 * 1024;

/// `(keyText, item)` rows as page texts, in the order given.
pub fn page_texts<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut pages = Vec::new();
    let mut page = String::new();
    for (key, item) in rows {
        page.push_str(key);
        page.push('\t');
        page.push_str(item);
        page.push('\n');
        if page.len() >= PAGE_BYTES {
            pages.push(std::mem::take(&mut page));
        }
    }
    if !page.is_empty() {
        pages.push(page);
    }
    pages
}

/// The `(keyText, item)` rows of a page text, or what is wrong with it.
pub fn page_rows(text: &str) -> Result<Vec<(&str, &str)>, String> {
    text.split_terminator('\n')
        .enumerate()
        .map(|(line, row)| {
            row.split_once('\t')
                .ok_or_else(|| format!("line {} of a page has no key", line + 1))
        })
        .collect()
}

/// The table a change is about (none for a setting).
pub fn table_of(change: &Change) -> Option<&str> {
    match change {
        Change::PutTable { table, .. }
        | Change::DeleteTable { table }
        | Change::PutItem { table, .. }
        | Change::DeleteItem { table, .. } => Some(table),
        Change::PutSetting { .. } => None,
    }
}

/// What the journal does to one table's items.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TableOverlay {
    pub table: String,
    /// The table was dropped: nothing stored before the drop survives.
    pub dropped: bool,
    /// Each key the journal wrote since (or without) a drop, in key order: its last item,
    /// or `None` when it was deleted last.
    pub items: Vec<(String, Option<String>)>,
}

impl TableOverlay {
    fn new(table: String) -> Self {
        TableOverlay {
            table,
            ..Self::default()
        }
    }

    /// Whether the journal wrote `key`.
    fn wrote(&self, key: &str) -> bool {
        (self.items)
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .is_ok()
    }
}

/// What the journal does to each table it touches. (Vectors, not maps: each map type
/// costs the page's first load a few KB.)
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overlay {
    pub tables: Vec<TableOverlay>,
}

impl Overlay {
    /// The overlay of `journal`'s item and table changes, taking the items' texts.
    pub fn of(journal: Vec<Vec<Change>>) -> Overlay {
        let mut overlay = Overlay::default();
        for change in journal.into_iter().flatten() {
            match change {
                Change::PutTable { table, .. } => {
                    overlay.table(table);
                }
                Change::DeleteTable { table } => {
                    let table = overlay.table(table);
                    table.dropped = true;
                    table.items.clear();
                }
                Change::PutItem { table, key, item } => {
                    overlay.table(table).items.push((key, Some(item)));
                }
                Change::DeleteItem { table, key } => overlay.table(table).items.push((key, None)),
                Change::PutSetting { .. } => {}
            }
        }
        for table in &mut overlay.tables {
            // The last word on each key: a stable sort keeps journal order among equals.
            dynoscope_engine::sorting::sort_by(&mut table.items, |a, b| a.0.cmp(&b.0));
            let mut items: Vec<(String, Option<String>)> = Vec::with_capacity(table.items.len());
            for (key, item) in table.items.drain(..) {
                match items.last_mut() {
                    Some(last) if last.0 == key => last.1 = item,
                    _ => items.push((key, item)),
                }
            }
            table.items = items;
        }
        overlay
    }

    /// The overlay of `table`, made empty if the journal has none yet.
    fn table(&mut self, table: String) -> &mut TableOverlay {
        let at = match self.tables.iter().position(|t| t.table == table) {
            Some(at) => at,
            None => {
                self.tables.push(TableOverlay::new(table));
                self.tables.len() - 1
            }
        };
        &mut self.tables[at]
    }

    /// The tables the journal touches.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(|t| t.table.as_str())
    }

    /// `table`'s rows once the journal is laid over `stored` (its rows before the
    /// journal): stored rows the journal did not touch in their order, then the journal's
    /// items in key order.
    pub fn rows<'a>(
        &'a self,
        table: &str,
        stored: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(&'a str, &'a str)> {
        let Some(overlay) = self.tables.iter().find(|t| t.table == table) else {
            return stored.into_iter().collect();
        };
        let mut rows: Vec<(&str, &str)> = Vec::new();
        if !overlay.dropped {
            rows.extend(stored.into_iter().filter(|(key, _)| !overlay.wrote(key)));
        }
        rows.extend(
            overlay
                .items
                .iter()
                .filter_map(|(key, item)| item.as_deref().map(|item| (key.as_str(), item))),
        );
        rows
    }
}

/// The tables the changes name, each once, in the order first named.
pub fn tables_named(changes: &[Vec<Change>]) -> Vec<&str> {
    let mut tables: Vec<&str> = Vec::new();
    for table in changes.iter().flatten().filter_map(table_of) {
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(table: &str, key: &str, item: &str) -> Change {
        Change::PutItem {
            table: table.into(),
            key: key.into(),
            item: item.into(),
        }
    }

    #[test]
    fn pages_give_back_their_rows_in_order() {
        let rows = [("{\"k\":1}", "{\"a\":\"x\\ty\"}"), ("{\"k\":2}", "{}")];
        let pages = page_texts(rows);
        assert_eq!(pages.len(), 1);
        assert_eq!(page_rows(&pages[0]).unwrap(), rows);
    }

    #[test]
    fn a_page_ends_once_it_reaches_the_page_size() {
        let item = "x".repeat(PAGE_BYTES / 3);
        let rows: Vec<(&str, &str)> = (0..7).map(|_| ("k", item.as_str())).collect();
        let pages = page_texts(rows.iter().copied());
        assert_eq!(pages.len(), 3);
        let read: usize = pages.iter().map(|p| page_rows(p).unwrap().len()).sum();
        assert_eq!(read, 7);
    }

    #[test]
    fn a_line_without_a_tab_is_named() {
        assert_eq!(
            page_rows("k\tv\nbroken\n").unwrap_err(),
            "line 2 of a page has no key"
        );
    }

    #[test]
    fn the_journal_replaces_and_deletes_stored_rows_and_adds_new_ones() {
        let overlay = Overlay::of(vec![
            vec![put("t", "b", "B2"), put("t", "c", "C")],
            vec![Change::DeleteItem {
                table: "t".into(),
                key: "a".into(),
            }],
        ]);
        let rows = overlay.rows("t", [("a", "A"), ("b", "B"), ("d", "D")]);
        assert_eq!(rows, [("d", "D"), ("b", "B2"), ("c", "C")]);
    }

    #[test]
    fn a_dropped_table_keeps_only_what_was_written_after_the_drop() {
        let overlay = Overlay::of(vec![vec![
            put("t", "a", "before"),
            Change::DeleteTable { table: "t".into() },
            put("t", "b", "after"),
        ]]);
        assert_eq!(overlay.rows("t", [("z", "Z")]), [("b", "after")]);
    }

    #[test]
    fn a_table_the_journal_does_not_touch_keeps_its_rows() {
        let overlay = Overlay::of(vec![vec![put("other", "a", "A")]]);
        assert_eq!(overlay.rows("t", [("z", "Z")]), [("z", "Z")]);
    }
}
