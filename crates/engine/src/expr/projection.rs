//! ProjectionExpression results: the parts of an item the paths select, keeping the item's
//! structure. `a.b` gives `{a: {b: ...}}`; list indexes keep the selected elements, in list
//! order, as a shorter list; a path that selects nothing (missing attribute, index past the
//! end, a key of something that is not a map) contributes nothing, not an empty map.

use std::collections::BTreeMap;

use crate::value::{AttributeValue, Item};

use super::ast::{Path, PathElement};

/// The projection of `item` onto `paths` (which the parser has checked do not overlap).
pub fn project(item: &Item, paths: &[Path]) -> Item {
    let tails: Vec<&[PathElement]> = paths.iter().map(|p| p.elements.as_slice()).collect();
    project_map(item, &tails)
}

/// Groups path tails by their first element's key, in key order.
fn by_name<'p>(tails: &[&'p [PathElement]]) -> BTreeMap<&'p str, Vec<&'p [PathElement]>> {
    let mut groups: BTreeMap<&str, Vec<&[PathElement]>> = BTreeMap::new();
    for tail in tails {
        if let Some((PathElement::Name(name), rest)) = tail.split_first() {
            groups.entry(name.as_str()).or_default().push(rest);
        }
    }
    groups
}

fn by_index<'p>(tails: &[&'p [PathElement]]) -> BTreeMap<usize, Vec<&'p [PathElement]>> {
    let mut groups: BTreeMap<usize, Vec<&[PathElement]>> = BTreeMap::new();
    for tail in tails {
        if let Some((PathElement::Index(i), rest)) = tail.split_first() {
            groups.entry(*i).or_default().push(rest);
        }
    }
    groups
}

fn project_map(map: &Item, tails: &[&[PathElement]]) -> Item {
    let mut out = Item::new();
    for (name, rest) in by_name(tails) {
        if let Some(value) = map.get(name).and_then(|v| project_value(v, &rest)) {
            out.insert(name.to_owned(), value);
        }
    }
    out
}

/// What of `value` the remaining path tails select, if anything.
fn project_value(value: &AttributeValue, tails: &[&[PathElement]]) -> Option<AttributeValue> {
    if tails.iter().any(|t| t.is_empty()) {
        return Some(value.clone());
    }
    match value {
        AttributeValue::M(map) => {
            let projected = project_map(map, tails);
            (!projected.is_empty()).then_some(AttributeValue::M(projected))
        }
        AttributeValue::L(list) => {
            let projected: Vec<AttributeValue> = by_index(tails)
                .into_iter()
                .filter_map(|(i, rest)| list.get(i).and_then(|v| project_value(v, &rest)))
                .collect();
            (!projected.is_empty()).then_some(AttributeValue::L(projected))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const ITEM: &str = r#"{"p": {"S": "k"}, "b": {"S": "hello"},
        "a": {"M": {"b": {"L": [{"N": "2"}, {"N": "4"}, {"M": {"x": {"S": "hi"}, "y": {"S": "yo"}}}]}, "c": {"N": "5"}}}}"#;

    fn shows(expression: &str, expected: &str) {
        let paths =
            projection(expression).unwrap_or_else(|e| panic!("{expression}: {}", e.message));
        assert_eq!(project(&item(ITEM), &paths), item(expected), "{expression}");
    }

    #[test]
    fn top_level_paths_keep_just_those_attributes() {
        shows("b", r#"{"b": {"S": "hello"}}"#);
        shows("p, b", r#"{"p": {"S": "k"}, "b": {"S": "hello"}}"#);
        shows("nonexistent", "{}");
    }

    #[test]
    fn nested_paths_keep_the_surrounding_structure() {
        shows(
            "a.b",
            r#"{"a": {"M": {"b": {"L": [{"N": "2"}, {"N": "4"}, {"M": {"x": {"S": "hi"}, "y": {"S": "yo"}}}]}}}}"#,
        );
        shows("a.b[0]", r#"{"a": {"M": {"b": {"L": [{"N": "2"}]}}}}"#);
        shows(
            "a.b[2].y",
            r#"{"a": {"M": {"b": {"L": [{"M": {"y": {"S": "yo"}}}]}}}}"#,
        );
    }

    #[test]
    fn list_elements_come_back_in_list_order_as_a_shorter_list() {
        shows(
            "a.b[2], a.b[0]",
            r#"{"a": {"M": {"b": {"L": [{"N": "2"}, {"M": {"x": {"S": "hi"}, "y": {"S": "yo"}}}]}}}}"#,
        );
        shows(
            "a.b[0],a.b[1]",
            r#"{"a": {"M": {"b": {"L": [{"N": "2"}, {"N": "4"}]}}}}"#,
        );
    }

    #[test]
    fn several_paths_merge_into_one_item() {
        shows(
            "a.b[0],a.c",
            r#"{"a": {"M": {"b": {"L": [{"N": "2"}]}, "c": {"N": "5"}}}}"#,
        );
        shows(
            "a.c,b",
            r#"{"a": {"M": {"c": {"N": "5"}}}, "b": {"S": "hello"}}"#,
        );
        shows(
            "a.x, a.b[0], x, a.b[3].x",
            r#"{"a": {"M": {"b": {"L": [{"N": "2"}]}}}}"#,
        );
    }

    #[test]
    fn paths_that_select_nothing_contribute_nothing() {
        for text in [
            "a.b[3]",
            "a.x",
            "a.x.y",
            "a.b[3].x",
            "a.b.x",
            "a[0]",
            "a.b[0].x",
            "a.b[0][0]",
            "b.c",
            "b[0]",
        ] {
            shows(text, "{}");
        }
    }

    #[test]
    fn a_placeholder_is_one_name_even_with_dots_in_it() {
        let it = item(r#"{"a.b": {"S": "hi"}, "a": {"M": {"b": {"S": "yo"}}}}"#);
        let n = names(&[("#n", "a.b")]);
        let mut subs = Substitutions::new(Some(&n), None).unwrap();
        let paths = super::super::parse_projection("#n", &mut subs).unwrap();
        assert_eq!(project(&it, &paths), item(r#"{"a.b": {"S": "hi"}}"#));
        assert_eq!(
            project(&it, &projection("a.b").unwrap()),
            item(r#"{"a": {"M": {"b": {"S": "yo"}}}}"#)
        );
    }

    use super::super::Substitutions;
}
