//! Key templates: the text a designer writes for a key attribute, such as
//! `USER#{userId}` or `ORDER#{orderDate}#{orderId}`. Literal text stays as written and each
//! `{name}` is replaced by the item's attribute (or an access pattern's parameter) of that
//! name. A template renders to a key value, recognises the items it produced (so items can
//! be told apart by entity), and knows its constant prefix, which is what a `begins_with`
//! key condition and a collision check need.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::ModelError;

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text kept as written.
    Literal(String),
    /// `{name}`: the value of the attribute or parameter `name`.
    Placeholder(String),
}

/// A parsed key template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    segments: Vec<Segment>,
}

impl Template {
    /// Parses `text`. Braces must pair up around a name of letters, digits, `_`, `-` or `.`,
    /// and two placeholders may not touch (nothing could tell where one ends).
    pub fn parse(text: &str) -> Result<Template, ModelError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' => {
                    let rest = &text[at + 1..];
                    let end = rest.find('}').ok_or_else(|| {
                        ModelError::whole(format!(
                            "the template \"{text}\" opens a placeholder at character {} that is never closed",
                            at + 1
                        ))
                    })?;
                    let name = &rest[..end];
                    if name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    {
                        return Err(ModelError::whole(format!(
                            "the template \"{text}\" has a placeholder \"{{{name}}}\": a placeholder names an attribute with letters, digits, '_', '-' or '.'"
                        )));
                    }
                    if literal.is_empty()
                        && matches!(segments.last(), Some(Segment::Placeholder(_)))
                    {
                        return Err(ModelError::whole(format!(
                            "the template \"{text}\" has two placeholders side by side: put a separator such as '#' between them"
                        )));
                    }
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Placeholder(name.to_owned()));
                    for _ in 0..=name.chars().count() {
                        chars.next();
                    }
                }
                '}' => {
                    return Err(ModelError::whole(format!(
                        "the template \"{text}\" closes a placeholder at character {} that was never opened",
                        at + 1
                    )));
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Template { segments })
    }

    /// The pieces, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The names of the placeholders, in order of appearance.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Placeholder(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// True when the template has no placeholder: every item gets the same value.
    pub fn is_constant(&self) -> bool {
        self.placeholders().next().is_none()
    }

    /// The literal text before the first placeholder (all of it for a constant template).
    pub fn prefix(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Literal(text)) => text,
            _ => "",
        }
    }

    /// Renders the template, asking `value` for each placeholder. Fails naming the first
    /// placeholder `value` has nothing for.
    pub fn render(&self, value: impl Fn(&str) -> Option<String>) -> Result<String, String> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Placeholder(name) => {
                    out.push_str(&value(name).ok_or_else(|| name.clone())?)
                }
            }
        }
        Ok(out)
    }

    /// The text up to the first placeholder `value` cannot fill: what a `begins_with`
    /// condition can ask for when only some parameters are known. Stops before a missing one.
    pub fn render_prefix(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Placeholder(name) => match value(name) {
                    Some(v) => out.push_str(&v),
                    None => break,
                },
            }
        }
        out
    }

    /// The placeholder values `text` was rendered from, if this template could have produced
    /// it: literals must match exactly and each placeholder takes at least one character (up
    /// to the next literal; the last takes the rest).
    pub fn capture(&self, text: &str) -> Option<BTreeMap<String, String>> {
        let mut captured = BTreeMap::new();
        let mut rest = text;
        let mut segments = self.segments.iter().peekable();
        while let Some(segment) = segments.next() {
            match segment {
                Segment::Literal(literal) => rest = rest.strip_prefix(literal.as_str())?,
                Segment::Placeholder(name) => {
                    let value = match segments.peek() {
                        Some(Segment::Literal(next)) => {
                            let end = rest.get(1..)?.find(next.as_str())? + 1;
                            &rest[..end]
                        }
                        _ => rest,
                    };
                    if value.is_empty() {
                        return None;
                    }
                    captured.insert(name.clone(), value.to_owned());
                    rest = &rest[value.len()..];
                }
            }
        }
        rest.is_empty().then_some(captured)
    }

    /// Whether some value could be rendered by both templates. Decided on the literal
    /// prefixes: when neither prefix extends the other, the two can never meet; two constant
    /// templates meet only when equal.
    pub fn may_overlap(&self, other: &Template) -> bool {
        match (self.is_constant(), other.is_constant()) {
            (true, true) => self.prefix() == other.prefix(),
            (true, false) => {
                self.prefix().starts_with(other.prefix())
                    && self.prefix().len() > other.prefix().len()
            }
            (false, true) => other.may_overlap(self),
            (false, false) => {
                self.prefix().starts_with(other.prefix())
                    || other.prefix().starts_with(self.prefix())
            }
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => f.write_str(text)?,
                Segment::Placeholder(name) => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_template_renders_literals_and_placeholders_in_order() {
        let t = Template::parse("ORDER#{orderDate}#{orderId}").unwrap();
        assert_eq!(
            t.render(values(&[("orderDate", "2026-01-02"), ("orderId", "o1")])),
            Ok("ORDER#2026-01-02#o1".to_owned())
        );
    }

    #[test]
    fn rendering_names_the_first_missing_placeholder() {
        let t = Template::parse("ORDER#{orderDate}#{orderId}").unwrap();
        assert_eq!(
            t.render(values(&[("orderId", "o1")])),
            Err("orderDate".to_owned())
        );
    }

    #[test]
    fn a_prefix_render_stops_before_the_first_unknown_placeholder() {
        let t = Template::parse("ORDER#{orderDate}#{orderId}").unwrap();
        assert_eq!(t.render_prefix(values(&[])), "ORDER#");
        assert_eq!(
            t.render_prefix(values(&[("orderDate", "2026")])),
            "ORDER#2026#"
        );
    }

    #[test]
    fn an_unclosed_brace_is_refused_with_its_position() {
        let e = Template::parse("USER#{userId").unwrap_err();
        assert!(e.message.contains("character 6"), "{e}");
    }

    #[test]
    fn touching_placeholders_are_refused() {
        assert!(Template::parse("{a}{b}").is_err());
    }

    #[test]
    fn capture_recovers_the_placeholder_values() {
        let t = Template::parse("ORDER#{orderDate}#{orderId}").unwrap();
        let got = t.capture("ORDER#2026-01-02#o#1").unwrap();
        assert_eq!(got["orderDate"], "2026-01-02");
        assert_eq!(got["orderId"], "o#1");
        assert!(t.capture("USER#1").is_none());
        assert!(t.capture("ORDER##x").is_none());
    }

    #[test]
    fn templates_with_disjoint_prefixes_never_overlap() {
        let user = Template::parse("USER#{id}").unwrap();
        let order = Template::parse("ORDER#{id}").unwrap();
        let any = Template::parse("{id}").unwrap();
        assert!(!user.may_overlap(&order));
        assert!(user.may_overlap(&any));
        assert!(
            Template::parse("PROFILE")
                .unwrap()
                .may_overlap(&Template::parse("PROFILE").unwrap())
        );
        assert!(
            !Template::parse("PROFILE")
                .unwrap()
                .may_overlap(&Template::parse("META").unwrap())
        );
        assert!(Template::parse("USER#1").unwrap().may_overlap(&user));
    }

    #[test]
    fn display_writes_the_template_back() {
        let text = "A#{x}#B#{y}";
        assert_eq!(Template::parse(text).unwrap().to_string(), text);
    }
}
