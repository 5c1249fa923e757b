//! ImportTable's CSV: records split by newlines, fields by the delimiter
//! (`InputFormatOptions.Csv.Delimiter`, one of `, ; : | tab space`, a comma when not given),
//! double quotes around fields that hold the delimiter, a quote or a newline (a quote inside
//! doubled). The first line is the header unless `HeaderList` is given; then every line is
//! data and must have as many fields as the list has names. Key attributes (of the table
//! and its global indexes) take their type from `AttributeDefinitions`; every other column
//! is a string, and an empty field is left out of the item (unsourced: DynamoDB's guide
//! says only that non-key columns are strings).

use serde_json::{Map, Value};

/// The delimiters ImportTable accepts (pattern `[,;:|\t ]`).
pub const DELIMITERS: &[char] = &[',', ';', ':', '|', '\t', ' '];

/// One CSV record: its fields and the line it starts on (1-based).
#[derive(Debug, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits `text` into records. A record that opens a quote and never closes it ends the
/// text: the error names its line.
pub fn records(text: &str, delimiter: char) -> (Vec<Record>, Option<(usize, String)>) {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            match chars.next() {
                None if quoted => {
                    return (out, Some((start, "a quoted field is not closed".into())));
                }
                None => break,
                Some('"') if quoted => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                }
                Some('"') if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                Some('\n') if !quoted => {
                    line += 1;
                    break;
                }
                Some('\r') if !quoted && chars.peek() == Some(&'\n') => {}
                Some(c) if c == delimiter && !quoted => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                Some(c) => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
        }
        fields.push(field);
        let blank = fields.len() == 1 && fields[0].trim().is_empty() && !was_quoted;
        if !blank {
            out.push(Record {
                line: start,
                fields,
            });
        }
    }
    (out, None)
}

/// A record under `header` as a DynamoDB item: key columns typed by `key_types`
/// (attribute name to S, N or B), the rest strings, empty fields left out.
pub fn item(
    header: &[String],
    record: &Record,
    key_types: &[(String, String)],
) -> Result<Map<String, Value>, String> {
    if record.fields.len() != header.len() {
        return Err(format!(
            "line {}: {} fields where the header has {}",
            record.line,
            record.fields.len(),
            header.len()
        ));
    }
    let mut item = Map::new();
    for (name, value) in header.iter().zip(&record.fields) {
        if value.is_empty() {
            continue;
        }
        let kind = key_types
            .iter()
            .find(|(key, _)| key == name)
            .map_or("S", |(_, kind)| kind.as_str());
        let mut attribute = Map::new();
        attribute.insert(kind.to_owned(), Value::String(value.clone()));
        item.insert(name.clone(), Value::Object(attribute));
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(text: &str, delimiter: char) -> Vec<Vec<String>> {
        let (records, error) = records(text, delimiter);
        assert_eq!(error, None);
        records.into_iter().map(|r| r.fields).collect()
    }

    #[test]
    fn quotes_delimiters_and_newlines_inside_fields() {
        let text = "pk,note\r\na,\"x, \"\"y\"\"\nz\"\n\nb,plain\n";
        assert_eq!(
            fields(text, ','),
            vec![
                vec!["pk".to_owned(), "note".into()],
                vec!["a".into(), "x, \"y\"\nz".into()],
                vec!["b".into(), "plain".into()],
            ]
        );
    }

    #[test]
    fn other_delimiters() {
        assert_eq!(fields("a;b\n", ';'), vec![vec!["a", "b"]]);
        assert_eq!(fields("a\tb", '\t'), vec![vec!["a", "b"]]);
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let (records, error) = records("a,b\n\"open,x\n", ',');
        assert_eq!(records.len(), 1);
        assert_eq!(error.unwrap().0, 2);
    }

    #[test]
    fn keys_are_typed_and_empty_fields_left_out() {
        let header = vec!["pk".to_owned(), "n".into(), "other".into(), "gone".into()];
        let record = Record {
            line: 2,
            fields: vec!["k".into(), "12".into(), "34".into(), String::new()],
        };
        let types = vec![("pk".to_owned(), "S".to_owned()), ("n".into(), "N".into())];
        assert_eq!(
            Value::Object(item(&header, &record, &types).unwrap()),
            json!({"pk": {"S": "k"}, "n": {"N": "12"}, "other": {"S": "34"}})
        );
    }

    #[test]
    fn a_record_of_the_wrong_width_is_refused() {
        let header = vec!["a".to_owned(), "b".into()];
        let record = Record {
            line: 3,
            fields: vec!["x".into()],
        };
        assert!(item(&header, &record, &[]).unwrap_err().contains("line 3"));
    }
}
