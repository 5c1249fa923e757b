//! `--output table`: the AWS CLI's boxed tables, 80 columns wide as when its output is not a
//! terminal. Each map is a section titled by its key; scalar members become a header row and
//! a value row (or a name/value row when there is one), containers nest one level deeper. A
//! table wider than 80 columns turns its one-row sections into name/value rows.

use super::Out;
use super::east_asian::WIDE;

const TERMINAL_WIDTH: usize = 80;

pub fn print(title: &str, data: &Out) -> String {
    let mut table = Table::default();
    if !table.build(Some(title), data, 0) {
        return String::new();
    }
    table.render()
}

#[derive(Default)]
struct Table {
    sections: Vec<Section>,
}

#[derive(Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    max_widths: Vec<usize>,
}

/// How many columns `text` takes, as the CLI counts them: two for each character whose East
/// Asian Width is wide, full-width or ambiguous, one for any other.
fn text_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let code = c as u32;
            let wide = WIDE
                .binary_search_by(|&(start, end)| {
                    if end < code {
                        std::cmp::Ordering::Less
                    } else if start > code {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_ok();
            if wide { 2 } else { 1 }
        })
        .sum()
}

impl Section {
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.update_widths(&row);
        self.rows.push(row);
    }

    fn update_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|el| text_width(el)).collect();
        } else {
            for (i, el) in row.iter().enumerate() {
                if let Some(width) = self.max_widths.get_mut(i) {
                    *width = (*width).max(text_width(el));
                }
            }
        }
    }

    /// Column widths with `padding`, scaled to fill `max_width` (Python's rounding: half to even).
    fn column_widths(&self, padding: usize, max_width: usize) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let factor = max_width as f64 / unscaled.iter().sum::<usize>() as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (factor * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self) -> usize {
        let columns: usize = self.max_widths.iter().map(|w| w + 4).sum::<usize>() + 2;
        let outer = 2 * self.indent;
        (text_width(&self.title) + 2 + outer).max(columns + outer)
    }
}

impl Table {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        self.sections.last_mut().expect("a section")
    }

    fn new_section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section {
            title: title.to_owned(),
            indent,
            ..Section::default()
        });
    }

    fn build(&mut self, title: Option<&str>, current: &Out, indent: usize) -> bool {
        if !current.is_truthy() {
            return false;
        }
        if let Some(title) = title {
            self.new_section(title, indent);
        }
        match current {
            Out::List(items) => {
                if matches!(items.first(), Some(Out::Map(_))) {
                    self.sub_table_from_list(items, indent, title.unwrap_or_default());
                } else {
                    for item in items {
                        match item {
                            Out::List(inner) if inner.iter().all(Out::is_scalar) => self
                                .current()
                                .add_row(inner.iter().map(Out::python_str).collect()),
                            // Python iterates a dict's keys, which are all scalars.
                            Out::Map(pairs) => self
                                .current()
                                .add_row(pairs.iter().map(|(k, _)| k.clone()).collect()),
                            scalar if scalar.is_scalar() => {
                                self.current().add_row(vec![scalar.python_str()])
                            }
                            other => {
                                self.build(None, other, 0);
                            }
                        }
                    }
                }
            }
            Out::Map(_) => self.sub_table_from_map(current, indent),
            _ => {}
        }
        true
    }

    fn sub_table_from_map(&mut self, current: &Out, indent: usize) {
        let (headers, more) = group_keys(std::slice::from_ref(current));
        if headers.len() == 1 {
            let value = current
                .get(&headers[0])
                .map(Out::python_str)
                .unwrap_or_default();
            self.current().add_row(vec![headers[0].clone(), value]);
        } else if !headers.is_empty() {
            let row = headers
                .iter()
                .map(|h| current.get(h).map(Out::python_str).unwrap_or_default())
                .collect();
            self.current().add_header(headers);
            self.current().add_row(row);
        }
        for key in more {
            if let Some(value) = current.get(&key) {
                self.build(Some(&key), value, indent + 1);
            }
        }
    }

    fn sub_table_from_list(&mut self, items: &[Out], indent: usize, title: &str) {
        let (headers, more) = group_keys(items);
        self.current().add_header(headers.clone());
        for (i, element) in items.iter().enumerate() {
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent);
                self.current().add_header(headers.clone());
            }
            let row = headers
                .iter()
                .map(|h| element.get(h).map(Out::python_str).unwrap_or_default())
                .collect();
            self.current().add_row(row);
            for key in &more {
                if let Some(value) = element.get(key) {
                    self.build(Some(key), value, indent + 1);
                }
            }
        }
    }

    fn render(&mut self) -> String {
        let mut width = self.max_width();
        if width > TERMINAL_WIDTH {
            self.make_vertical();
            width = self.max_width();
        }
        let mut text = format!("{}\n", "-".repeat(width));
        for section in &self.sections {
            render_section(section, width, &mut text);
        }
        text
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(Section::total_width)
            .max()
            .unwrap_or(0)
    }

    /// One-row sections with headers become rows of (header, value).
    fn make_vertical(&mut self) {
        for section in &mut self.sections {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical = Section {
                    title: section.title.clone(),
                    indent: section.indent,
                    ..Section::default()
                };
                let row = section.rows[0].clone();
                for (header, element) in section.headers.iter().zip(row) {
                    vertical.add_row(vec![header.clone(), element]);
                }
                *section = vertical;
            }
        }
    }
}

/// The scalar keys and the container keys across `maps`, each sorted.
fn group_keys(maps: &[Out]) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for map in maps {
        if let Out::Map(pairs) = map {
            for (key, value) in pairs {
                let bucket = if value.is_scalar() {
                    &mut headers
                } else {
                    &mut more
                };
                if !bucket.contains(key) {
                    bucket.push(key.clone());
                }
            }
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

fn render_section(section: &Section, width: usize, text: &mut String) {
    let bars = "|".repeat(section.indent);
    let mut line = |body: String| {
        text.push_str(&bars);
        text.push_str(&body);
        text.push_str(&bars);
        text.push('\n');
    };
    let width = width - section.indent * 2;
    if !section.title.is_empty() {
        line(center(&section.title, width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            line(format!("+{}+", "-".repeat(width.saturating_sub(2))));
        }
    }
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, width);
        line(line_break(&widths));
        let mut header = String::new();
        for (i, (w, h)) in widths.iter().zip(&section.headers).enumerate() {
            header.push_str(&center(h, *w, if i == 0 { "|" } else { "" }, "|"));
        }
        line(header);
    }
    if !section.rows.is_empty() {
        let widths = section.column_widths(4, width);
        if widths.is_empty() {
            return;
        }
        line(line_break(&widths));
        for row in &section.rows {
            let mut body = String::new();
            for (i, (w, el)) in widths.iter().zip(row).enumerate() {
                body.push_str(&align_left(el, *w, if i == 0 { "|" } else { "" }, "|"));
            }
            line(body);
        }
        line(line_break(&widths));
    }
}

fn line_break(widths: &[usize]) -> String {
    let mut parts = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            parts.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            parts.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    parts
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let text_length = text_width(text) as i64;
    let length = length as i64;
    let start = length.div_euclid(2) - text_length.div_euclid(2) - 1;
    let so_far = left.len() as i64 + start + text_length;
    format!(
        "{left}{}{text}{}{right}",
        spaces(start),
        spaces(length - right.len() as i64 - so_far)
    )
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let text_length = text_width(text) as i64;
    let length = length as i64;
    let needed = text_length + 2 + left.len() as i64 + right.len() as i64;
    let padding = if length - needed >= 0 { 2 } else { 0 };
    let so_far = left.len() as i64 + padding + text_length;
    format!(
        "{left}{}{text}{}{right}",
        spaces(padding),
        spaces(length - so_far - right.len() as i64)
    )
}
