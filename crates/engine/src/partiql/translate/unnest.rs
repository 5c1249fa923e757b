//! Result shaping: an item read with a ProjectionExpression reshaped the way
//! ExecuteStatement returns it, each selected path's value under its last name.

use crate::expr::{Path as DocPath, PathElement};
use crate::value::{AttributeValue, Item};

/// Reshapes an item read with a ProjectionExpression the way ExecuteStatement returns it:
/// each selected path's value becomes a top-level attribute named by the path's last map
/// key, list indexes appended (`SELECT a.b.c` gives `c`, `SELECT a.b[2]` gives `b[2]`).
/// List elements are matched in index order against the densely packed projected lists.
pub fn unnest(item: &Item, paths: &[DocPath]) -> Item {
    #[derive(Default)]
    struct Node {
        children: Vec<(PathElement, Node)>,
    }
    let mut root = Node::default();
    for path in paths {
        let mut node = &mut root;
        for element in &path.elements {
            let at = match node.children.iter().position(|(e, _)| e == element) {
                Some(at) => at,
                None => {
                    node.children.push((element.clone(), Node::default()));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[at].1;
        }
    }
    enum Doc<'a> {
        Map(&'a Item),
        List(&'a [AttributeValue]),
    }
    fn as_doc(value: &AttributeValue) -> Option<Doc<'_>> {
        match value {
            AttributeValue::M(m) => Some(Doc::Map(m)),
            AttributeValue::L(l) => Some(Doc::List(l)),
            _ => None,
        }
    }
    fn walk(doc: Doc<'_>, node: &Node, parent: &str, out: &mut Item) {
        let mut indexes: Vec<(usize, &Node)> = node
            .children
            .iter()
            .filter_map(|(e, n)| {
                if let PathElement::Index(i) = e {
                    Some((*i, n))
                } else {
                    None
                }
            })
            .collect();
        crate::sorting::sort_by_key(&mut indexes, |(i, _)| *i);
        for (dense, (index, child)) in indexes.into_iter().enumerate() {
            let Doc::List(list) = &doc else { break };
            let Some(value) = list.get(dense) else { break };
            let name = format!("{parent}[{index}]");
            visit(value, child, name, out);
        }
        for (element, child) in &node.children {
            let PathElement::Name(key) = element else {
                continue;
            };
            let Doc::Map(map) = &doc else { break };
            if let Some(value) = map.get(key) {
                visit(value, child, key.clone(), out);
            }
        }
    }
    fn visit(value: &AttributeValue, node: &Node, name: String, out: &mut Item) {
        if node.children.is_empty() {
            out.insert(name, value.clone());
        } else if let Some(doc) = as_doc(value) {
            walk(doc, node, &name, out);
        }
    }
    let mut out = Item::new();
    walk(Doc::Map(item), &root, "", &mut out);
    out
}
