//! How literals are laid out, shared by both languages: a map or list stays on one line when
//! it fits in [`INLINE_WIDTH`] characters and is otherwise written one member per line,
//! indented, each followed by a comma. Strings are quoted the JSON way with `\uXXXX`
//! escapes, which JavaScript and Python read alike; characters a reader cannot see (control
//! characters, line and paragraph separators, zero-width and bidirectional formatting marks)
//! are escaped, every other character is written as itself.

use crate::literal::Literal;

/// The widest a map or list may be and still be written on one line.
pub(crate) const INLINE_WIDTH: usize = 60;

/// What differs between the languages' literals.
pub(crate) trait Syntax {
    /// One level of indentation.
    const INDENT: &'static str;
    /// The inside of a map's braces on one line: JavaScript pads them, Python does not.
    const MAP_PADDING: &'static str;
    /// Writes a literal that is not a list or a map.
    fn scalar(&self, literal: &Literal, out: &mut String);
    /// Writes a map's key (without the `: ` after it).
    fn key(&self, key: &str, out: &mut String);
}

/// Writes `literal` whose first line is already begun at indentation `depth`.
pub(crate) fn write_value<S: Syntax>(
    syntax: &S,
    literal: &Literal,
    depth: usize,
    out: &mut String,
) {
    if let Some(inline) = inline(syntax, literal, INLINE_WIDTH) {
        out.push_str(&inline);
        return;
    }
    match literal {
        Literal::Map(entries) => {
            out.push_str("{\n");
            write_entries(syntax, entries, depth + 1, out);
            indent::<S>(depth, out);
            out.push('}');
        }
        Literal::List(elements) => {
            out.push_str("[\n");
            for element in elements {
                indent::<S>(depth + 1, out);
                write_value(syntax, element, depth + 1, out);
                out.push_str(",\n");
            }
            indent::<S>(depth, out);
            out.push(']');
        }
        scalar => syntax.scalar(scalar, out),
    }
}

/// Writes a map's entries one per line at indentation `depth`, each ending with `,\n`.
pub(crate) fn write_entries<S: Syntax>(
    syntax: &S,
    entries: &[(String, Literal)],
    depth: usize,
    out: &mut String,
) {
    for (key, value) in entries {
        indent::<S>(depth, out);
        syntax.key(key, out);
        out.push_str(": ");
        write_value(syntax, value, depth, out);
        out.push_str(",\n");
    }
}

pub(crate) fn indent<S: Syntax>(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str(S::INDENT);
    }
}

/// `literal` on one line, if that takes at most `budget` characters.
fn inline<S: Syntax>(syntax: &S, literal: &Literal, budget: usize) -> Option<String> {
    let mut out = String::new();
    write_inline(syntax, literal, budget, &mut out)?;
    Some(out)
}

fn write_inline<S: Syntax>(
    syntax: &S,
    literal: &Literal,
    budget: usize,
    out: &mut String,
) -> Option<()> {
    let start = out.len();
    let within_budget = |out: &String| (out[start..].chars().count() <= budget).then_some(());
    match literal {
        Literal::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Literal::List(elements) if elements.is_empty() => out.push_str("[]"),
        Literal::Map(entries) => {
            out.push('{');
            out.push_str(S::MAP_PADDING);
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                syntax.key(key, out);
                out.push_str(": ");
                within_budget(out)?;
                write_inline(syntax, value, budget, out)?;
            }
            out.push_str(S::MAP_PADDING);
            out.push('}');
        }
        Literal::List(elements) => {
            out.push('[');
            for (i, element) in elements.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                within_budget(out)?;
                write_inline(syntax, element, budget, out)?;
            }
            out.push(']');
        }
        // A long text cannot fit, whatever its quoting: skip writing it.
        Literal::String(text) if text.len() > budget * 4 => return None,
        Literal::Bytes(bytes) if bytes.len() > budget => return None,
        scalar => syntax.scalar(scalar, out),
    }
    within_budget(out)
}

/// Writes `text` as a double-quoted string literal that JavaScript and Python both read.
pub(crate) fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_invisible(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Characters that would not show in an editor, or would reorder or break the line.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}
