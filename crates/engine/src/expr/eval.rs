//! Evaluating conditions against an item, with DynamoDB's type rules. A missing attribute or
//! a comparison between different types is simply false, never an error: `=` needs both
//! sides present and equal (deep equality for lists and maps, order-free for sets), `<>` is
//! its negation, ordering works on S (UTF-8 bytes), N (numerically) and B (unsigned bytes)
//! only, and `size` yields nothing for numbers, booleans and nulls.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::number::Number;
use crate::value::{AttributeValue, Item};

use super::ast::{Comparator, Condition, Operand, Path, PathElement};

/// The value at `path` in `item`, if there is one.
pub fn resolve<'a>(item: &'a Item, path: &Path) -> Option<&'a AttributeValue> {
    let mut elements = path.elements.iter();
    let mut current = match elements.next()? {
        PathElement::Name(name) => item.get(name)?,
        PathElement::Index(_) => return None,
    };
    for element in elements {
        current = match (element, current) {
            (PathElement::Name(name), AttributeValue::M(map)) => map.get(name)?,
            (PathElement::Index(i), AttributeValue::L(list)) => list.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

/// DynamoDB equality: same type and same value; sets compare as sets.
pub fn values_equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (a, b) {
        (V::L(x), V::L(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (V::M(x), V::M(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        (V::SS(x), V::SS(y)) => same_members(x, y),
        (V::NS(x), V::NS(y)) => same_members(x, y),
        (V::BS(x), V::BS(y)) => same_members(x, y),
        _ => a == b,
    }
}

fn same_members<T: PartialEq>(x: &[T], y: &[T]) -> bool {
    x.len() == y.len() && x.iter().all(|m| y.contains(m))
}

/// Ordering for the types that have one (S, N, B, each only against itself).
pub fn compare_values(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::N(x), AttributeValue::N(y)) => Some(x.cmp(y)),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// What `size()` gives for a value: bytes of S and B, members of sets, elements of L and M.
pub fn size_of(value: &AttributeValue) -> Option<usize> {
    Some(match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::SS(s) => s.len(),
        AttributeValue::NS(s) => s.len(),
        AttributeValue::BS(s) => s.len(),
        AttributeValue::L(l) => l.len(),
        AttributeValue::M(m) => m.len(),
        AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null => return None,
    })
}

fn operand_value<'a>(operand: &'a Operand, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
    match operand {
        Operand::Path(path) => resolve(item, path).map(Cow::Borrowed),
        Operand::Value(value) => Some(Cow::Borrowed(value)),
        Operand::Size(inner) => {
            let size = size_of(operand_value(inner, item)?.as_ref())?;
            Some(Cow::Owned(AttributeValue::N(Number::from_i64(size as i64))))
        }
    }
}

fn compare(op: Comparator, a: &AttributeValue, b: &AttributeValue) -> bool {
    match op {
        Comparator::Eq => values_equal(a, b),
        Comparator::Ne => !values_equal(a, b),
        _ => compare_values(a, b).is_some_and(|ordering| match op {
            Comparator::Lt => ordering == Ordering::Less,
            Comparator::Le => ordering != Ordering::Greater,
            Comparator::Gt => ordering == Ordering::Greater,
            _ => ordering != Ordering::Less,
        }),
    }
}

fn begins_with(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::S(x), AttributeValue::S(y)) => x.starts_with(y.as_str()),
        (AttributeValue::B(x), AttributeValue::B(y)) => x.starts_with(y),
        _ => false,
    }
}

fn contains(haystack: &AttributeValue, needle: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (haystack, needle) {
        (V::S(s), V::S(sub)) => s.contains(sub.as_str()),
        (V::B(b), V::B(sub)) => sub.is_empty() || b.windows(sub.len()).any(|w| w == sub.as_slice()),
        (V::SS(set), V::S(m)) => set.contains(m),
        (V::NS(set), V::N(m)) => set.contains(m),
        (V::BS(set), V::B(m)) => set.contains(m),
        (V::L(list), _) => list.iter().any(|e| values_equal(e, needle)),
        _ => false,
    }
}

impl Condition {
    /// Whether `item` satisfies the condition. A missing item is an empty one.
    pub fn evaluate(&self, item: &Item) -> bool {
        let value = |operand| operand_value(operand, item);
        match self {
            Condition::Compare { op, left, right } => match (value(left), value(right)) {
                (Some(a), Some(b)) => compare(*op, &a, &b),
                _ => *op == Comparator::Ne,
            },
            Condition::Between { operand, low, high } => {
                match (value(operand), value(low), value(high)) {
                    (Some(v), Some(l), Some(h)) => {
                        compare(Comparator::Ge, &v, &l) && compare(Comparator::Le, &v, &h)
                    }
                    _ => false,
                }
            }
            Condition::In { operand, list } => value(operand).is_some_and(|v| {
                list.iter()
                    .any(|o| value(o).is_some_and(|w| values_equal(&v, &w)))
            }),
            Condition::AttributeExists(path) => resolve(item, path).is_some(),
            Condition::AttributeNotExists(path) => resolve(item, path).is_none(),
            Condition::AttributeType(operand, t) => {
                value(operand).is_some_and(|v| v.type_name() == t)
            }
            Condition::BeginsWith(a, b) => match (value(a), value(b)) {
                (Some(a), Some(b)) => begins_with(&a, &b),
                _ => false,
            },
            Condition::Contains(a, b) => match (value(a), value(b)) {
                (Some(a), Some(b)) => contains(&a, &b),
                _ => false,
            },
            Condition::And(a, b) => a.evaluate(item) && b.evaluate(item),
            Condition::Or(a, b) => a.evaluate(item) || b.evaluate(item),
            Condition::Not(inner) => !inner.evaluate(item),
        }
    }

    /// The top-level attributes the condition reads (FilterExpression may not name keys).
    pub fn top_level_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.collect_paths(&mut |p: &Path| names.push(p.top()));
        crate::sorting::sort(&mut names);
        names.dedup();
        names
    }

    fn collect_paths<'a>(&'a self, out: &mut impl FnMut(&'a Path)) {
        fn operand<'a>(o: &'a Operand, out: &mut impl FnMut(&'a Path)) {
            match o {
                Operand::Path(p) => out(p),
                Operand::Size(inner) => operand(inner, out),
                Operand::Value(_) => {}
            }
        }
        match self {
            Condition::Compare { left, right, .. }
            | Condition::BeginsWith(left, right)
            | Condition::Contains(left, right) => {
                operand(left, out);
                operand(right, out);
            }
            Condition::Between {
                operand: o,
                low,
                high,
            } => {
                for x in [o, low, high] {
                    operand(x, out);
                }
            }
            Condition::In { operand: o, list } => {
                operand(o, out);
                list.iter().for_each(|x| operand(x, out));
            }
            Condition::AttributeExists(p) | Condition::AttributeNotExists(p) => out(p),
            Condition::AttributeType(o, _) => operand(o, out),
            Condition::And(a, b) | Condition::Or(a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            Condition::Not(inner) => inner.collect_paths(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    const ITEM: &str = r#"{
        "n": {"N": "5"}, "s": {"S": "cat"}, "b": {"B": "AQL/"}, "t": {"BOOL": true}, "z": {"NULL": true},
        "l": {"L": [{"S": "x"}, {"N": "2"}, {"L": [{"S": "y"}]}]},
        "m": {"M": {"k": {"S": "v"}, "deep": {"M": {"x": {"N": "1"}}}}},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ==", "Ag=="]},
        "u": {"S": "h\u00e9llo"}, "e0": {"S": ""}
    }"#;

    /// Evaluates `text` against ITEM with the given placeholder values.
    fn holds(text: &str, values: &str) -> bool {
        condition(text, values).evaluate(&item(ITEM))
    }

    #[test]
    fn equality_holds_for_every_type_against_itself() {
        for attr in ["n", "s", "b", "t", "z", "l", "m", "ss", "ns", "bs"] {
            assert!(
                !holds(&format!("{attr} = {attr}_copy"), "{}"),
                "{attr} vs missing copy"
            );
        }
        let values = r#"{":n": {"N": "5.0"}, ":s": {"S": "cat"}, ":b": {"B": "AQL/"}, ":t": {"BOOL": true},
            ":z": {"NULL": true}, ":l": {"L": [{"S": "x"}, {"N": "2"}, {"L": [{"S": "y"}]}]},
            ":m": {"M": {"deep": {"M": {"x": {"N": "1.00"}}}, "k": {"S": "v"}}},
            ":ss": {"SS": ["b", "a"]}, ":ns": {"NS": ["2", "1"]}, ":bs": {"BS": ["Ag==", "AQ=="]}}"#;
        for attr in ["n", "s", "b", "t", "z", "l", "m", "ss", "ns", "bs"] {
            let text = format!("{attr} = :{attr} AND NOT {attr} <> :{attr}");
            let mut v = item(values);
            v.retain(|k, _| k == &format!(":{attr}"));
            let json = crate::value::item_to_json(&v);
            assert!(holds(&text, &json), "{text}");
        }
    }

    #[test]
    fn comparisons_between_different_types_are_false_not_errors() {
        assert!(!holds("n = :v", r#"{":v": {"S": "5"}}"#));
        assert!(holds("n <> :v", r#"{":v": {"S": "5"}}"#));
        assert!(!holds("s < :v", r#"{":v": {"N": "5"}}"#));
        assert!(!holds(
            "ss = :v",
            r#"{":v": {"L": [{"S": "a"}, {"S": "b"}]}}"#
        ));
        assert!(!holds("t = :v", r#"{":v": {"N": "1"}}"#));
    }

    #[test]
    fn set_equality_ignores_order_but_not_members() {
        assert!(holds("ss = :v", r#"{":v": {"SS": ["b", "a"]}}"#));
        assert!(!holds("ss = :v", r#"{":v": {"SS": ["a"]}}"#));
        assert!(!holds("ss = :v", r#"{":v": {"SS": ["a", "c"]}}"#));
    }

    #[test]
    fn a_missing_attribute_is_never_equal_and_always_unequal() {
        assert!(!holds("q = :v", r#"{":v": {"N": "1"}}"#));
        assert!(!holds("q = z2", "{}"));
        assert!(holds("q <> :v", r#"{":v": {"N": "1"}}"#));
        assert!(holds("q <> z2", "{}"));
        for op in ["<", "<=", ">", ">="] {
            assert!(
                !holds(&format!("q {op} :v"), r#"{":v": {"N": "1"}}"#),
                "{op}"
            );
            assert!(
                !holds(&format!(":v {op} q"), r#"{":v": {"N": "1"}}"#),
                "{op}"
            );
        }
        assert!(!holds(
            "q BETWEEN :a AND :b",
            r#"{":a": {"N": "1"}, ":b": {"N": "9"}}"#
        ));
    }

    #[test]
    fn strings_order_by_utf8_bytes() {
        assert!(holds("s > :v", r#"{":v": {"S": "Cat"}}"#));
        assert!(holds("s < :v", r#"{":v": {"S": "dog"}}"#));
        assert!(holds("s <= :v", r#"{":v": {"S": "cat"}}"#));
        assert!(
            holds("u > :v", r#"{":v": {"S": "hz"}}"#),
            "é (0xC3) sorts after z"
        );
    }

    #[test]
    fn numbers_order_numerically() {
        assert!(holds("n > :v", r#"{":v": {"N": "-10"}}"#));
        assert!(holds("n < :v", r#"{":v": {"N": "10"}}"#));
        assert!(holds("n >= :v", r#"{":v": {"N": "5.000"}}"#));
        assert!(!holds("n > :v", r#"{":v": {"N": "5"}}"#));
    }

    #[test]
    fn binary_orders_as_unsigned_bytes() {
        // b is 0x01 0x02 0xFF.
        assert!(holds("b > :v", r#"{":v": {"B": "AQIA"}}"#));
        assert!(holds("b < :v", r#"{":v": {"B": "AgAA"}}"#));
    }

    #[test]
    fn ordering_other_types_from_the_item_is_false() {
        for attr in ["l", "m", "ss", "t", "z"] {
            assert!(
                !holds(&format!("{attr} < :v"), r#"{":v": {"N": "1"}}"#),
                "{attr}"
            );
            assert!(
                !holds(&format!(":v < {attr}"), r#"{":v": {"N": "1"}}"#),
                "{attr}"
            );
        }
    }

    #[test]
    fn between_is_inclusive_and_typed() {
        let v = |lo: &str, hi: &str| format!(r#"{{":a": {{"N": "{lo}"}}, ":b": {{"N": "{hi}"}}}}"#);
        assert!(holds("n BETWEEN :a AND :b", &v("5", "5")));
        assert!(holds("n BETWEEN :a AND :b", &v("1", "9")));
        assert!(!holds("n BETWEEN :a AND :b", &v("6", "9")));
        assert!(!holds("s BETWEEN :a AND :b", &v("1", "9")));
        assert!(holds(
            "s between :a and :b",
            r#"{":a": {"S": "a"}, ":b": {"S": "d"}}"#
        ));
    }

    #[test]
    fn in_matches_any_listed_value() {
        assert!(holds(
            "n IN (:a, :b)",
            r#"{":a": {"S": "5"}, ":b": {"N": "5"}}"#
        ));
        assert!(!holds("n IN (:a)", r#"{":a": {"S": "5"}}"#));
        assert!(holds("l[0] IN (:a, s)", r#"{":a": {"S": "x"}}"#));
        assert!(!holds("q IN (q2, :a)", r#"{":a": {"S": "x"}}"#));
    }

    #[test]
    fn attribute_exists_follows_nested_paths() {
        assert!(holds("attribute_exists(m.deep.x)", "{}"));
        assert!(holds("attribute_exists(l[2][0])", "{}"));
        assert!(!holds("attribute_exists(l[3])", "{}"));
        assert!(!holds("attribute_exists(l.x)", "{}"));
        assert!(!holds("attribute_exists(m[0])", "{}"));
        assert!(holds("attribute_not_exists(q)", "{}"));
        assert!(!holds("attribute_not_exists(n)", "{}"));
        assert!(
            holds("attribute_exists(z)", "{}"),
            "a NULL attribute exists"
        );
    }

    #[test]
    fn attribute_type_compares_the_type_descriptor() {
        for (attr, t) in [
            ("n", "N"),
            ("s", "S"),
            ("b", "B"),
            ("t", "BOOL"),
            ("z", "NULL"),
            ("l", "L"),
            ("m", "M"),
            ("ss", "SS"),
            ("ns", "NS"),
            ("bs", "BS"),
        ] {
            let values = format!(r#"{{":t": {{"S": "{t}"}}}}"#);
            assert!(
                holds(&format!("attribute_type({attr}, :t)"), &values),
                "{attr}"
            );
            assert!(!holds("attribute_type(q, :t)", &values));
        }
        assert!(!holds("attribute_type(n, :t)", r#"{":t": {"S": "S"}}"#));
    }

    #[test]
    fn begins_with_works_on_strings_and_binary_only() {
        assert!(holds("begins_with(s, :p)", r#"{":p": {"S": "ca"}}"#));
        assert!(holds("begins_with(s, :p)", r#"{":p": {"S": ""}}"#));
        assert!(!holds("begins_with(s, :p)", r#"{":p": {"S": "at"}}"#));
        assert!(holds("begins_with(b, :p)", r#"{":p": {"B": "AQI="}}"#));
        assert!(!holds("begins_with(ss, :p)", r#"{":p": {"S": "a"}}"#));
        assert!(!holds("begins_with(s, :p)", r#"{":p": {"B": "AQI="}}"#));
        assert!(!holds("begins_with(q, :p)", r#"{":p": {"S": "a"}}"#));
    }

    #[test]
    fn contains_finds_substrings_set_members_and_list_elements() {
        assert!(holds("contains(s, :v)", r#"{":v": {"S": "at"}}"#));
        assert!(!holds("contains(s, :v)", r#"{":v": {"S": "dog"}}"#));
        assert!(holds("contains(ss, :v)", r#"{":v": {"S": "a"}}"#));
        assert!(!holds("contains(ss, :v)", r#"{":v": {"S": "c"}}"#));
        assert!(holds("contains(ns, :v)", r#"{":v": {"N": "2.0"}}"#));
        assert!(holds("contains(bs, :v)", r#"{":v": {"B": "Ag=="}}"#));
        assert!(holds("contains(l, :v)", r#"{":v": {"N": "2"}}"#));
        assert!(holds("contains(l, :v)", r#"{":v": {"L": [{"S": "y"}]}}"#));
        assert!(!holds("contains(l, :v)", r#"{":v": {"S": "y"}}"#));
        assert!(holds("contains(b, :v)", r#"{":v": {"B": "Av8="}}"#));
        assert!(!holds("contains(ns, :v)", r#"{":v": {"S": "1"}}"#));
        assert!(!holds("contains(q, :v)", r#"{":v": {"S": "1"}}"#));
        assert!(holds("contains(s, e0)", "{}"));
    }

    #[test]
    fn size_counts_bytes_members_and_elements() {
        let n = |k: i64| format!(r#"{{":n": {{"N": "{k}"}}}}"#);
        assert!(holds("size(s) = :n", &n(3)));
        assert!(holds("size(u) = :n", &n(6)), "héllo is 6 UTF-8 bytes");
        assert!(holds("size(b) = :n", &n(3)));
        assert!(holds("size(ss) = :n", &n(2)));
        assert!(holds("size(l) = :n", &n(3)));
        assert!(holds("size(m) = :n", &n(2)));
        assert!(holds("size(l[2]) < :n", &n(2)));
        assert!(holds("size(e0) = :n", &n(0)));
    }

    #[test]
    fn size_of_a_number_boolean_null_or_missing_attribute_compares_false() {
        for attr in ["n", "t", "z", "q"] {
            assert!(
                !holds(&format!("size({attr}) >= :n"), r#"{":n": {"N": "0"}}"#),
                "{attr}"
            );
            assert!(
                !holds(&format!("size({attr}) = :n"), r#"{":n": {"N": "1"}}"#),
                "{attr}"
            );
        }
    }

    #[test]
    fn boolean_connectives_combine_results() {
        let v = r#"{":a": {"N": "5"}, ":b": {"S": "dog"}}"#;
        assert!(holds("n = :a OR s = :b", v));
        assert!(!holds("n = :a AND s = :b", v));
        assert!(holds("NOT (n = :a AND s = :b)", v));
        assert!(holds("NOT s = :b AND n = :a", v));
        assert!(!holds("NOT NOT s = :b", v));
    }

    #[test]
    fn a_condition_on_a_missing_item_sees_no_attributes() {
        let c = condition(
            "attribute_not_exists(pk) AND NOT pk = :v",
            r#"{":v": {"S": "x"}}"#,
        );
        assert!(c.evaluate(&Default::default()));
    }

    #[test]
    fn top_level_names_lists_every_attribute_read() {
        let c = condition_with(
            "a.b = :v AND (size(c[1]) > :v OR attribute_exists(#x) OR a IN (:v, e))",
            r#"{":v": {"N": "1"}}"#,
            &[("#x", "d")],
        )
        .unwrap();
        assert_eq!(c.top_level_names(), ["a", "c", "d", "e"]);
    }
}
