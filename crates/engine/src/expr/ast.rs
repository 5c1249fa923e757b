//! The checked, substituted form of every expression: document paths with `#names`
//! replaced by real attribute names, `:values` replaced by their AttributeValues, and
//! functions known to be used correctly. Operations evaluate these; nothing here refers back
//! to the expression text or the request's placeholder maps.

use std::fmt;

use crate::value::AttributeValue;

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathElement {
    /// A map key (or, first, a top-level attribute name).
    Name(String),
    /// A list index.
    Index(usize),
}

/// A document path such as `a.b[2].c`. The first element is always a [`PathElement::Name`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path {
    pub elements: Vec<PathElement>,
}

impl Path {
    /// A top-level attribute path.
    pub fn attribute(name: impl Into<String>) -> Path {
        Path {
            elements: vec![PathElement::Name(name.into())],
        }
    }

    /// The top-level attribute the path starts at.
    pub fn top(&self) -> &str {
        match self.elements.first() {
            Some(PathElement::Name(name)) => name,
            _ => "",
        }
    }

    /// Whether the path is just a top-level attribute.
    pub fn is_top_level(&self) -> bool {
        self.elements.len() == 1
    }
}

impl fmt::Display for Path {
    /// DynamoDB's form in error messages: `[a, b, [2], c]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, element) in self.elements.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match element {
                PathElement::Name(name) => f.write_str(name)?,
                PathElement::Index(index) => write!(f, "[{index}]")?,
            }
        }
        f.write_str("]")
    }
}

/// A value-producing operand of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Path),
    Value(AttributeValue),
    /// `size(operand)`.
    Size(Box<Operand>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparator {
    /// The operator as written, and as DynamoDB names it in messages.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ne => "<>",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// The comparator with its operands swapped: `:v < a` is `a > :v`.
    pub fn flipped(self) -> Comparator {
        match self {
            Comparator::Lt => Comparator::Gt,
            Comparator::Le => Comparator::Ge,
            Comparator::Gt => Comparator::Lt,
            Comparator::Ge => Comparator::Le,
            other => other,
        }
    }
}

/// A condition: ConditionExpression, FilterExpression and KeyConditionExpression share it.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare {
        op: Comparator,
        left: Operand,
        right: Operand,
    },
    Between {
        operand: Operand,
        low: Operand,
        high: Operand,
    },
    In {
        operand: Operand,
        list: Vec<Operand>,
    },
    AttributeExists(Path),
    AttributeNotExists(Path),
    /// `attribute_type(operand, :t)`; the type is one of DynamoDB's ten descriptors. The
    /// operand is usually a path, but DynamoDB takes a value too: `attribute_type(:v, :t)`.
    AttributeType(Operand, String),
    BeginsWith(Operand, Operand),
    Contains(Operand, Operand),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
}

/// An operand on the right of a SET action.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOperand {
    Path(Path),
    Value(AttributeValue),
    /// `if_not_exists(path, operand)`.
    IfNotExists(Path, Box<UpdateOperand>),
    /// `list_append(operand, operand)`.
    ListAppend(Box<UpdateOperand>, Box<UpdateOperand>),
}

/// The right-hand side of a SET action.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Operand(UpdateOperand),
    Plus(UpdateOperand, UpdateOperand),
    Minus(UpdateOperand, UpdateOperand),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SetAction {
    pub path: Path,
    pub value: SetValue,
}

/// An UpdateExpression: its four clauses, each possibly empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Update {
    pub set: Vec<SetAction>,
    pub remove: Vec<Path>,
    /// `ADD path :value`: the value is a number or a set.
    pub add: Vec<(Path, AttributeValue)>,
    /// `DELETE path :value`: the value is a set.
    pub delete: Vec<(Path, AttributeValue)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_the_way_dynamodb_messages_show_them() {
        let path = Path {
            elements: vec![
                PathElement::Name("a".into()),
                PathElement::Index(2),
                PathElement::Name("b.c".into()),
            ],
        };
        assert_eq!(path.to_string(), "[a, [2], b.c]");
        assert_eq!(path.top(), "a");
        assert!(Path::attribute("x").is_top_level());
    }

    #[test]
    fn flipping_a_comparator_swaps_its_direction() {
        assert_eq!(Comparator::Lt.flipped(), Comparator::Gt);
        assert_eq!(Comparator::Ge.flipped(), Comparator::Le);
        assert_eq!(Comparator::Eq.flipped(), Comparator::Eq);
    }
}
