//! Applying an UpdateExpression to an item. Every right-hand side is read from the item as
//! it was before the update (so `SET a = b REMOVE b` copies first), then the writes happen:
//! SET, ADD and DELETE in path order (so several appends to one list land in index order,
//! as DynamoDB documents), then removals from the highest list index down, so every index
//! in the expression means a position in the original list.

use std::collections::BTreeSet;

use crate::error::DynamoError;
use crate::value::{AttributeValue, Item};

use super::ast::{Path, PathElement, SetValue, Update, UpdateOperand};
use super::eval::resolve;

const INVALID_PATH: &str =
    "The document path provided in the update expression is invalid for update";
const WRONG_TYPE: &str = "An operand in the update expression has an incorrect data type";
const MISSING: &str =
    "The provided expression refers to an attribute that does not exist in the item";

fn error(message: &str) -> DynamoError {
    DynamoError::validation(message)
}

/// What the update does at one path, computed from the original item.
enum Change {
    Write(AttributeValue),
    Remove,
}

impl Update {
    /// Applies the update to `item`: the existing item, or just its key if there was none
    /// (`existed` false, in which case REMOVE of a nested path that is not there is quietly
    /// ignored, as DynamoDB does). On error the item may be half-updated; pass a copy.
    pub fn apply(&self, item: &mut Item, existed: bool) -> Result<(), DynamoError> {
        let mut changes = self.changes(item, existed)?;
        crate::sorting::sort_by(&mut changes, |a, b| a.0.cmp(b.0));
        let (removals, writes): (Vec<_>, Vec<_>) = changes
            .into_iter()
            .partition(|(_, c)| matches!(c, Change::Remove));
        for (path, change) in writes {
            if let Change::Write(value) = change {
                write(item, path, value)?;
            }
        }
        for (path, _) in removals.into_iter().rev() {
            remove(item, path, existed)?;
        }
        Ok(())
    }

    /// Every path the update writes or removes, in clause order (SET, REMOVE, ADD,
    /// DELETE). UPDATED_OLD and UPDATED_NEW are these paths projected from the old and new
    /// item.
    pub fn target_paths(&self) -> Vec<&Path> {
        let set = self.set.iter().map(|a| &a.path);
        let add = self.add.iter().chain(&self.delete).map(|(p, _)| p);
        set.chain(&self.remove).chain(add).collect()
    }

    /// The top-level attributes the update touches (key attributes may not be among them).
    pub fn top_level_attributes(&self) -> BTreeSet<&str> {
        self.target_paths().into_iter().map(Path::top).collect()
    }

    fn changes<'u>(
        &'u self,
        item: &Item,
        existed: bool,
    ) -> Result<Vec<(&'u Path, Change)>, DynamoError> {
        let mut changes = Vec::new();
        for action in &self.set {
            changes.push((&action.path, Change::Write(set_value(&action.value, item)?)));
        }
        for path in &self.remove {
            changes.push((path, Change::Remove));
        }
        for (path, value) in &self.add {
            changes.push((path, Change::Write(add(resolve(item, path), value)?)));
        }
        for (path, value) in &self.delete {
            match resolve(item, path) {
                Some(existing) => changes.push((path, delete(existing, value)?)),
                // Nothing to delete from, but like REMOVE the path must lead somewhere.
                None => check_removable(item, path, existed)?,
            }
        }
        Ok(changes)
    }
}

fn set_value(value: &SetValue, item: &Item) -> Result<AttributeValue, DynamoError> {
    let (left, right, plus) = match value {
        SetValue::Operand(operand) => return operand_value(operand, item),
        SetValue::Plus(l, r) => (l, r, true),
        SetValue::Minus(l, r) => (l, r, false),
    };
    let (AttributeValue::N(a), AttributeValue::N(b)) =
        (operand_value(left, item)?, operand_value(right, item)?)
    else {
        return Err(error(WRONG_TYPE));
    };
    let result = if plus {
        a.checked_add(&b)
    } else {
        a.checked_sub(&b)
    };
    Ok(AttributeValue::N(result?))
}

fn operand_value(operand: &UpdateOperand, item: &Item) -> Result<AttributeValue, DynamoError> {
    match operand {
        UpdateOperand::Path(path) => resolve(item, path).cloned().ok_or_else(|| error(MISSING)),
        UpdateOperand::Value(value) => Ok(value.clone()),
        UpdateOperand::IfNotExists(path, fallback) => match resolve(item, path) {
            Some(value) => Ok(value.clone()),
            None => operand_value(fallback, item),
        },
        UpdateOperand::ListAppend(a, b) => match (operand_value(a, item)?, operand_value(b, item)?)
        {
            (AttributeValue::L(mut first), AttributeValue::L(second)) => {
                first.extend(second);
                Ok(AttributeValue::L(first))
            }
            _ => Err(error(WRONG_TYPE)),
        },
    }
}

/// Members of `extra` not already in `set`, appended.
fn union<T: Clone + PartialEq>(set: &[T], extra: &[T]) -> Vec<T> {
    let mut out = set.to_vec();
    for member in extra {
        if !out.contains(member) {
            out.push(member.clone());
        }
    }
    out
}

fn add(
    existing: Option<&AttributeValue>,
    value: &AttributeValue,
) -> Result<AttributeValue, DynamoError> {
    use AttributeValue as V;
    Ok(match (existing, value) {
        (None, v) => v.clone(),
        (Some(V::N(a)), V::N(b)) => V::N(a.checked_add(b)?),
        (Some(V::SS(a)), V::SS(b)) => V::SS(union(a, b)),
        (Some(V::NS(a)), V::NS(b)) => V::NS(union(a, b)),
        (Some(V::BS(a)), V::BS(b)) => V::BS(union(a, b)),
        _ => return Err(error(WRONG_TYPE)),
    })
}

fn difference<T: Clone + PartialEq>(set: &[T], gone: &[T]) -> Vec<T> {
    set.iter().filter(|m| !gone.contains(m)).cloned().collect()
}

fn delete(existing: &AttributeValue, value: &AttributeValue) -> Result<Change, DynamoError> {
    use AttributeValue as V;
    let left = match (existing, value) {
        (V::SS(a), V::SS(b)) => V::SS(difference(a, b)),
        (V::NS(a), V::NS(b)) => V::NS(difference(a, b)),
        (V::BS(a), V::BS(b)) => V::BS(difference(a, b)),
        _ => return Err(error(WRONG_TYPE)),
    };
    let empty = match &left {
        V::SS(s) => s.is_empty(),
        V::NS(s) => s.is_empty(),
        V::BS(s) => s.is_empty(),
        _ => false,
    };
    Ok(if empty {
        Change::Remove
    } else {
        Change::Write(left)
    })
}

/// The container holding the last element of `path`, which must exist.
fn parent_mut<'a>(item: &'a mut Item, path: &Path) -> Option<&'a mut AttributeValue> {
    let (first, rest) = path.elements.split_first()?;
    let rest = &rest[..rest.len().checked_sub(1)?];
    let PathElement::Name(name) = first else {
        return None;
    };
    let mut current = item.get_mut(name)?;
    for element in rest {
        current = match (element, current) {
            (PathElement::Name(name), AttributeValue::M(map)) => map.get_mut(name)?,
            (PathElement::Index(i), AttributeValue::L(list)) => list.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

fn write(item: &mut Item, path: &Path, value: AttributeValue) -> Result<(), DynamoError> {
    if let [PathElement::Name(name)] = path.elements.as_slice() {
        item.insert(name.clone(), value);
        return Ok(());
    }
    let parent = parent_mut(item, path).ok_or_else(|| error(INVALID_PATH))?;
    match (path.elements.last(), parent) {
        (Some(PathElement::Name(key)), AttributeValue::M(map)) => {
            map.insert(key.clone(), value);
        }
        (Some(PathElement::Index(i)), AttributeValue::L(list)) => match list.get_mut(*i) {
            Some(slot) => *slot = value,
            None => list.push(value),
        },
        _ => return Err(error(INVALID_PATH)),
    }
    Ok(())
}

/// What REMOVE and DELETE require of a path that holds nothing: in an item that exists,
/// everything above the last element is there, and is a map for a name or a list for an
/// index. (`DELETE c[1] :s` where `c` is a map, or `DELETE y.a :s` where there is no `y`, is
/// invalid; `DELETE m.x :s` where `m` is a map without `x` does nothing.)
fn check_removable(item: &Item, path: &Path, existed: bool) -> Result<(), DynamoError> {
    let Some((last, above)) = path.elements.split_last() else {
        return Ok(());
    };
    if above.is_empty() {
        return Ok(());
    }
    let parent = resolve(
        item,
        &Path {
            elements: above.to_vec(),
        },
    );
    match (parent, last) {
        (Some(AttributeValue::M(_)), PathElement::Name(_))
        | (Some(AttributeValue::L(_)), PathElement::Index(_)) => Ok(()),
        (None, _) if !existed => Ok(()),
        _ => Err(error(INVALID_PATH)),
    }
}

fn remove(item: &mut Item, path: &Path, existed: bool) -> Result<(), DynamoError> {
    if let [PathElement::Name(name)] = path.elements.as_slice() {
        item.remove(name);
        return Ok(());
    }
    let Some(parent) = parent_mut(item, path) else {
        return if existed {
            Err(error(INVALID_PATH))
        } else {
            Ok(())
        };
    };
    match (path.elements.last(), parent) {
        (Some(PathElement::Name(key)), AttributeValue::M(map)) => {
            map.remove(key);
        }
        (Some(PathElement::Index(i)), AttributeValue::L(list)) => {
            if *i < list.len() {
                list.remove(*i);
            }
        }
        _ => return Err(error(INVALID_PATH)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    const VALUES: &str = r#"{":v": {"S": "hello"}, ":n": {"N": "3"}, ":one": {"N": "1"}, ":l": {"L": [{"N": "4"}, {"S": "x"}]},
        ":ss": {"SS": ["pig", "dog"]}, ":ns": {"NS": ["5"]}, ":big": {"N": "1e50"}, ":huge": {"N": "9e125"}}"#;

    /// Applies `text` to `before` (an existing item) and returns the result as JSON.
    fn run(before: &str, text: &str) -> Result<String, String> {
        run_on(before, text, true)
    }

    fn run_on(before: &str, text: &str, existed: bool) -> Result<String, String> {
        let mut it = item(before);
        update(text, VALUES)
            .apply(&mut it, existed)
            .map_err(|e| e.message)?;
        Ok(crate::value::item_to_json(&it))
    }

    fn same(before: &str, text: &str, after: &str) {
        assert_eq!(
            run(before, text),
            Ok(crate::value::item_to_json(&item(after))),
            "{text}"
        );
    }

    #[test]
    fn set_writes_top_level_and_nested_attributes() {
        same(
            r#"{"p": {"S": "k"}}"#,
            "SET b = :n",
            r#"{"p": {"S": "k"}, "b": {"N": "3"}}"#,
        );
        same(
            r#"{"a": {"M": {"b": {"N": "3"}, "c": {"N": "4"}}}}"#,
            "SET a.c = :v, a.d = :n",
            r#"{"a": {"M": {"b": {"N": "3"}, "c": {"S": "hello"}, "d": {"N": "3"}}}}"#,
        );
        same(
            r#"{"a": {"M": {"c": {"L": [{"S": "hi"}, {"M": {"x": {"M": {"y": {"L": [{"N": "3"}, {"N": "5"}]}}}}}]}}}}"#,
            "SET a.c[1].x.y[1] = :n",
            r#"{"a": {"M": {"c": {"L": [{"S": "hi"}, {"M": {"x": {"M": {"y": {"L": [{"N": "3"}, {"N": "3"}]}}}}}]}}}}"#,
        );
    }

    #[test]
    fn set_beyond_the_end_of_a_list_appends_in_index_order() {
        let list = r#"{"a": {"L": [{"S": "one"}, {"S": "two"}, {"S": "three"}]}}"#;
        same(
            list,
            "SET a[7] = :v",
            r#"{"a": {"L": [{"S": "one"}, {"S": "two"}, {"S": "three"}, {"S": "hello"}]}}"#,
        );
        same(
            list,
            "SET a[1] = :v",
            r#"{"a": {"L": [{"S": "one"}, {"S": "hello"}, {"S": "three"}]}}"#,
        );
        same(
            list,
            "SET a[84] = :v, a[37] = :n, a[17] = :one",
            r#"{"a": {"L": [{"S": "one"}, {"S": "two"}, {"S": "three"}, {"N": "1"}, {"N": "3"}, {"S": "hello"}]}}"#,
        );
    }

    #[test]
    fn right_hand_sides_read_the_item_before_the_update() {
        same(
            r#"{"a": {"S": "x"}}"#,
            "REMOVE a SET b = a",
            r#"{"b": {"S": "x"}}"#,
        );
        same(
            r#"{"b": {"S": "x"}}"#,
            "SET c = b REMOVE b",
            r#"{"c": {"S": "x"}}"#,
        );
        assert_eq!(
            run(r#"{"p": {"S": "k"}}"#, "SET x = :n, y = x"),
            Err(
                "The provided expression refers to an attribute that does not exist in the item"
                    .into()
            )
        );
    }

    #[test]
    fn copying_a_missing_attribute_is_an_error() {
        let missing = Err(
            "The provided expression refers to an attribute that does not exist in the item"
                .to_string(),
        );
        assert_eq!(run(r#"{"a": {"S": "x"}}"#, "SET c = z"), missing);
        assert_eq!(run(r#"{"a": {"S": "x"}}"#, "SET z = z"), missing);
        assert_eq!(run(r#"{"a": {"S": "x"}}"#, "SET c = z + :n"), missing);
        assert_eq!(
            run(r#"{"a": {"S": "x"}}"#, "SET c = list_append(z, :l)"),
            missing
        );
        same(r#"{"a": {"S": "x"}}"#, "SET a = a", r#"{"a": {"S": "x"}}"#);
    }

    #[test]
    fn plus_and_minus_do_exact_arithmetic() {
        same(
            r#"{"a": {"N": "2"}}"#,
            "SET a = a + :n",
            r#"{"a": {"N": "5"}}"#,
        );
        same(
            r#"{"a": {"N": "2"}}"#,
            "SET b = :n - a",
            r#"{"a": {"N": "2"}, "b": {"N": "1"}}"#,
        );
        same(
            r#"{"a": {"N": "0.1"}}"#,
            "SET a = a + a",
            r#"{"a": {"N": "0.2"}}"#,
        );
        same(
            r#"{}"#,
            "SET b = if_not_exists(b, :one) + :n",
            r#"{"b": {"N": "4"}}"#,
        );
    }

    #[test]
    fn arithmetic_on_non_numbers_has_an_incorrect_data_type() {
        let wrong =
            Err("An operand in the update expression has an incorrect data type".to_string());
        assert_eq!(run(r#"{"a": {"S": "2"}}"#, "SET a = a + :n"), wrong);
        assert_eq!(run(r#"{"a": {"L": []}}"#, "SET a = :n - a"), wrong);
    }

    #[test]
    fn arithmetic_that_overflows_or_loses_precision_is_refused() {
        let overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
        assert_eq!(run("{}", "SET a = :huge + :huge"), Err(overflow.into()));
        assert_eq!(run("{}", "SET a = :big + :one"), Err(overflow.into()));
    }

    #[test]
    fn list_append_concatenates_lists() {
        same(
            r#"{"a": {"L": [{"S": "hi"}]}}"#,
            "SET a = list_append(a, :l)",
            r#"{"a": {"L": [{"S": "hi"}, {"N": "4"}, {"S": "x"}]}}"#,
        );
        same(
            r#"{"a": {"L": [{"S": "hi"}]}}"#,
            "SET b = list_append(:l, a)",
            r#"{"a": {"L": [{"S": "hi"}]}, "b": {"L": [{"N": "4"}, {"S": "x"}, {"S": "hi"}]}}"#,
        );
        same(
            "{}",
            "SET a = list_append(if_not_exists(a, :l), :l)",
            r#"{"a": {"L": [{"N": "4"}, {"S": "x"}, {"N": "4"}, {"S": "x"}]}}"#,
        );
        assert_eq!(
            run(r#"{"b": {"SS": ["x"]}}"#, "SET a = list_append(b, :l)"),
            Err("An operand in the update expression has an incorrect data type".into())
        );
    }

    #[test]
    fn if_not_exists_prefers_the_existing_value() {
        same(
            r#"{"a": {"N": "2"}}"#,
            "SET a = if_not_exists(a, :n)",
            r#"{"a": {"N": "2"}}"#,
        );
        same(
            r#"{"a": {"N": "2"}}"#,
            "SET b = if_not_exists(c, :n)",
            r#"{"a": {"N": "2"}, "b": {"N": "3"}}"#,
        );
        same(
            r#"{"a": {"N": "2"}}"#,
            "SET b = if_not_exists(a, :n)",
            r#"{"a": {"N": "2"}, "b": {"N": "2"}}"#,
        );
    }

    #[test]
    fn remove_deletes_attributes_map_keys_and_list_elements() {
        same(
            r#"{"a": {"M": {"b": {"N": "3"}, "c": {"L": [{"S": "hi"}, {"M": {"x": {"M": {"y": {"L": [{"N": "3"}, {"N": "5"}, {"N": "7"}]}}}, "q": {"N": "2"}}}]}}}}"#,
            "REMOVE a.c[1].x.y[1], a.c[1].q",
            r#"{"a": {"M": {"b": {"N": "3"}, "c": {"L": [{"S": "hi"}, {"M": {"x": {"M": {"y": {"L": [{"N": "3"}, {"N": "7"}]}}}}}]}}}}"#,
        );
        same(
            r#"{"a": {"M": {"b": {"N": "1"}}}}"#,
            "REMOVE a.b",
            r#"{"a": {"M": {}}}"#,
        );
        same(
            r#"{"a": {"L": [{"N": "1"}]}}"#,
            "REMOVE a[0]",
            r#"{"a": {"L": []}}"#,
        );
        same(
            r#"{"a": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]}}"#,
            "REMOVE a[1], a[2]",
            r#"{"a": {"L": [{"N": "0"}, {"N": "3"}, {"N": "4"}]}}"#,
        );
    }

    #[test]
    fn remove_of_something_not_there_does_nothing() {
        let it = r#"{"a": {"M": {"x": {"N": "3"}}}, "b": {"L": [{"S": "hi"}]}}"#;
        same(it, "REMOVE a.y", it);
        same(it, "REMOVE b[7]", it);
        same(it, "REMOVE c", it);
    }

    #[test]
    fn list_indexes_mean_positions_in_the_original_list() {
        let list = r#"{"a": {"L": [{"N": "2"}, {"N": "3"}, {"N": "4"}, {"N": "5"}, {"N": "6"}, {"N": "7"}]}}"#;
        let after =
            r#"{"a": {"L": [{"N": "2"}, {"N": "4"}, {"N": "17"}, {"N": "6"}, {"N": "7"}]}}"#;
        let values = r#"{":val": {"N": "17"}}"#;
        for text in ["REMOVE a[1] SET a[3] = :val", "SET a[3] = :val REMOVE a[1]"] {
            let mut it = item(list);
            update(text, values).apply(&mut it, true).unwrap();
            assert_eq!(it, item(after), "{text}");
        }
    }

    #[test]
    fn a_path_through_a_missing_or_wrong_container_is_invalid_for_update() {
        let invalid = Err(
            "The document path provided in the update expression is invalid for update".to_string(),
        );
        let it = r#"{"a": {"S": "hello"}, "b": {"L": [{"S": "hi"}]}}"#;
        for text in [
            "SET a.c = :n",
            "SET b.c = :n",
            "SET c.c = :n",
            "REMOVE a.c",
            "REMOVE b.c",
            "REMOVE c.c",
            "SET a[0] = :n",
            "SET c[0] = :n",
            "REMOVE a[0]",
            "REMOVE c[0]",
            "SET b[5].x = :n",
        ] {
            assert_eq!(run(it, text), invalid, "{text}");
        }
        assert_eq!(run_on("{}", "SET c.c = :n", false), invalid);
    }

    #[test]
    fn remove_of_a_nested_path_from_a_missing_item_is_ignored() {
        assert_eq!(
            run_on(r#"{"p": {"S": "k"}}"#, "REMOVE x.y, z[0]", false),
            Ok(r#"{"p":{"S":"k"}}"#.into())
        );
    }

    #[test]
    fn add_adds_numbers_and_unions_sets() {
        same(r#"{"a": {"N": "3"}}"#, "ADD a :n", r#"{"a": {"N": "6"}}"#);
        same(r#"{}"#, "ADD b :n", r#"{"b": {"N": "3"}}"#);
        same(
            r#"{"a": {"SS": ["dog", "cat"]}}"#,
            "ADD a :ss",
            r#"{"a": {"SS": ["dog", "cat", "pig"]}}"#,
        );
        same(r#"{}"#, "ADD a :ss", r#"{"a": {"SS": ["pig", "dog"]}}"#);
        same(
            r#"{"m": {"M": {}}}"#,
            "ADD m.n :one",
            r#"{"m": {"M": {"n": {"N": "1"}}}}"#,
        );
    }

    #[test]
    fn add_to_an_attribute_of_another_type_is_an_incorrect_data_type() {
        let wrong =
            Err("An operand in the update expression has an incorrect data type".to_string());
        assert_eq!(run(r#"{"a": {"S": "hi"}}"#, "ADD a :n"), wrong);
        assert_eq!(run(r#"{"a": {"NS": ["1"]}}"#, "ADD a :ss"), wrong);
        assert_eq!(run(r#"{"a": {"L": []}}"#, "ADD a :ns"), wrong);
    }

    #[test]
    fn delete_removes_set_members_and_the_attribute_when_none_are_left() {
        same(
            r#"{"a": {"SS": ["dog", "cat", "mouse"]}}"#,
            "DELETE a :ss",
            r#"{"a": {"SS": ["cat", "mouse"]}}"#,
        );
        same(
            r#"{"a": {"SS": ["dog", "pig"]}, "b": {"S": "hi"}}"#,
            "DELETE a :ss",
            r#"{"b": {"S": "hi"}}"#,
        );
        same(
            r#"{"b": {"S": "hi"}}"#,
            "DELETE a :ss",
            r#"{"b": {"S": "hi"}}"#,
        );
        assert_eq!(
            run(r#"{"a": {"NS": ["5"]}}"#, "DELETE a :ss"),
            Err("An operand in the update expression has an incorrect data type".into())
        );
    }

    #[test]
    fn delete_through_an_invalid_document_path_is_invalid_for_update() {
        let invalid = Err(
            "The document path provided in the update expression is invalid for update".to_string(),
        );
        let it = r#"{"c": {"M": {"1": {"S": "a"}}}, "d": {"L": [{"S": "a"}]}, "s": {"S": "x"}}"#;
        for text in [
            "DELETE c[1] :ss",
            "DELETE y.a :ss",
            "DELETE y[0] :ss",
            "DELETE d.x :ss",
            "DELETE s.x :ss",
            "DELETE c.x.y :ss",
        ] {
            assert_eq!(run(it, text), invalid, "{text}");
        }
        // A path that leads somewhere but holds nothing is left alone, as REMOVE does.
        for text in ["DELETE c.x :ss", "DELETE d[5] :ss", "DELETE z :ss"] {
            same(it, text, it);
        }
        // So is any path in an item that did not exist.
        assert_eq!(run_on("{}", "DELETE y.a :ss", false), Ok("{}".into()));
    }

    #[test]
    fn the_update_reports_the_paths_it_touches() {
        let u = update(
            "SET a.b = :n, c = :n REMOVE d[1] ADD e :n DELETE f :ss",
            VALUES,
        );
        let paths: Vec<String> = u.target_paths().iter().map(|p| p.to_string()).collect();
        assert_eq!(paths, ["[a, b]", "[c]", "[d, [1]]", "[e]", "[f]"]);
        assert_eq!(
            u.top_level_attributes().into_iter().collect::<Vec<_>>(),
            ["a", "c", "d", "e", "f"]
        );
    }
}
