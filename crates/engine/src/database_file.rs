//! The whole-database file: a [`Snapshot`] as JSON lines, what the browser app exports and
//! imports. The first line is a header naming the format and counting each kind of record
//! (`{"format":"dynoscope-database","version":1,"tables":T,"settings":S,"items":I}`); then one
//! line per table definition (`{"table":{...}}`), per engine setting
//! (`{"setting":"name","value":...}`) and per item (`{"table":"name","item":{...}}`, DynamoDB
//! JSON). Records are read back as JSON values, so their members may come back in another
//! order (which no reader depends on). Lines are read one at a time ([`DatabaseFileReader`]) so a caller can show progress;
//! a line that is not what it should be is named by its number, and a file that ends before
//! the header's counts are met is refused as truncated. Checking that the records make a
//! database (definitions that parse, items with their table's key) is [`crate::Engine::restore`]'s.

use serde::Deserialize;
use serde_json::Value;

use crate::persist::Snapshot;

/// The header's `format`.
pub const FORMAT: &str = "dynoscope-database";
/// The version this engine writes and reads.
pub const VERSION: u64 = 1;

/// The file's lines for `snapshot`, header first, each without its newline.
pub fn lines(snapshot: &Snapshot) -> impl Iterator<Item = String> + '_ {
    let header = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "tables": snapshot.tables.len(),
        "settings": snapshot.settings.len(),
        "items": snapshot.items.len(),
    })
    .to_string();
    let tables = (snapshot.tables.iter()).map(|state| format!("{{\"table\":{}}}", compact(state)));
    let settings = snapshot.settings.iter().map(|(name, value)| {
        format!(
            "{{\"setting\":{},\"value\":{}}}",
            Value::from(name.as_str()),
            compact(value)
        )
    });
    let items = snapshot.items.iter().map(|(table, item)| {
        format!(
            "{{\"table\":{},\"item\":{}}}",
            Value::from(table.as_str()),
            compact(item)
        )
    });
    std::iter::once(header)
        .chain(tables)
        .chain(settings)
        .chain(items)
}

/// Stored JSON text on one line: the engine writes it compact, but a value that is not
/// (or is not JSON at all, kept as a string) is rewritten so the line stays one line.
fn compact(text: &str) -> String {
    if !text.contains(['\n', '\r'])
        && serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes()).is_ok()
    {
        return text.to_owned();
    }
    match serde_json::from_slice::<Value>(text.as_bytes()) {
        Ok(value) => value.to_string(),
        Err(_) => Value::from(text).to_string(),
    }
}

/// What went wrong reading a database file, with the line it was on (1-based; 0 for the
/// file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u64,
    tables: usize,
    settings: usize,
    items: usize,
}

/// Reads a database file a line at a time ([`DatabaseFileReader::line`]), then hands over
/// the snapshot ([`DatabaseFileReader::finish`]).
#[derive(Debug, Default)]
pub struct DatabaseFileReader {
    line: usize,
    expected: Option<(usize, usize, usize)>,
    snapshot: Snapshot,
}

impl DatabaseFileReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> usize {
        self.line
    }

    /// Records the header promises (tables, settings and items together), once it is read.
    pub fn records_expected(&self) -> Option<usize> {
        self.expected.map(|(t, s, i)| t + s + i)
    }

    /// Reads the next line (without its newline; blank lines are skipped).
    pub fn line(&mut self, text: &str) -> Result<(), FileError> {
        self.line += 1;
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            return Ok(());
        }
        let error = |message: String| FileError {
            line: self.line,
            message,
        };
        let Some((tables, settings, items)) = self.expected else {
            let header: Header = serde_json::from_slice(text.as_bytes()).map_err(|_| {
                error(format!(
                    "this is not a Dynoscope database file: it must begin with \
                     {{\"format\":\"{FORMAT}\",\"version\":{VERSION},...}}"
                ))
            })?;
            if header.format != FORMAT {
                return Err(error(format!(
                    "this is not a Dynoscope database file: its format is \"{}\", not \"{FORMAT}\"",
                    header.format
                )));
            }
            if header.version != VERSION {
                return Err(error(format!(
                    "the file is version {} of the format; this version of Dynoscope reads version {VERSION}",
                    header.version
                )));
            }
            self.expected = Some((header.tables, header.settings, header.items));
            return Ok(());
        };
        let record: serde_json::Map<String, Value> = serde_json::from_slice(text.as_bytes())
            .map_err(|e| error(format!("the line is not a JSON object: {e}")))?;
        let snapshot = &mut self.snapshot;
        match (
            record.get("table"),
            record.get("item"),
            record.get("setting"),
        ) {
            (Some(state @ Value::Object(_)), None, None) if record.len() == 1 => {
                snapshot.tables.push(state.to_string());
            }
            (Some(Value::String(table)), Some(item @ Value::Object(_)), None)
                if record.len() == 2 =>
            {
                snapshot.items.push((table.clone(), item.to_string()));
            }
            (None, None, Some(Value::String(name))) if record.len() == 2 => {
                let value = record
                    .get("value")
                    .ok_or_else(|| error(format!("the setting \"{name}\" has no \"value\"")))?;
                snapshot.settings.push((name.clone(), value.to_string()));
            }
            _ => {
                return Err(error(
                    "expected {\"table\":{...}}, {\"setting\":\"name\",\"value\":...} or \
                     {\"table\":\"name\",\"item\":{...}}"
                        .to_owned(),
                ));
            }
        }
        let counts = (
            snapshot.tables.len(),
            snapshot.settings.len(),
            snapshot.items.len(),
        );
        if counts.0 > tables || counts.1 > settings || counts.2 > items {
            return Err(error(format!(
                "the header promises {tables} tables, {settings} settings and {items} items, and \
                 the file holds more"
            )));
        }
        Ok(())
    }

    /// The snapshot read, once every record the header promised is there.
    pub fn finish(self) -> Result<Snapshot, FileError> {
        let whole = |message: String| FileError { line: 0, message };
        let Some((tables, settings, items)) = self.expected else {
            return Err(whole("the file is empty".to_owned()));
        };
        let s = &self.snapshot;
        if (s.tables.len(), s.settings.len(), s.items.len()) != (tables, settings, items) {
            return Err(whole(format!(
                "the file is truncated: the header promises {tables} tables, {settings} settings \
                 and {items} items, and it holds {}, {} and {}",
                s.tables.len(),
                s.settings.len(),
                s.items.len()
            )));
        }
        Ok(self.snapshot)
    }
}

/// Reads a whole database file at once.
pub fn read(text: &str) -> Result<Snapshot, FileError> {
    let mut reader = DatabaseFileReader::new();
    for line in text.split('\n') {
        reader.line(line)?;
    }
    reader.finish()
}
