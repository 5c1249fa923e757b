//! What the learner filled in: the builder's form, read from the HTML form's fields by
//! name (`operation`, `index`, `pk`, `sk-op`, `sk`, `sk2`, `filter-N-attribute`,
//! `filter-N-op`, `filter-N-type`, `filter-N-value`, `filter-N-value2`, `projection`,
//! `select`, `limit`, `descending`, `consistent`, `segment`, `total-segments`, `via-dax`), with a
//! checkbox present only when ticked, as a browser submits a form. Every field stays text
//! until [`crate::request`] reads it, so whatever was typed is kept and shown again.

use std::collections::BTreeMap;

/// The operators a filter offers: DynamoDB's comparators and the functions that take one
/// attribute.
pub const FILTER_OPERATORS: &[&str] = &[
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "BETWEEN",
    "begins_with",
    "contains",
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
];

/// The operators a sort key condition offers (`begins_with` only on strings and binary).
pub const SORT_OPERATORS: &[&str] = &["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"];

/// The types a filter's value may be typed as.
pub const VALUE_TYPES: &[&str] = &["S", "N", "B", "BOOL", "NULL"];

/// One filter condition; the conditions are joined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub attribute: String,
    pub operator: String,
    /// `S`, `N`, `B`, `BOOL` or `NULL`.
    pub kind: String,
    pub value: String,
    /// The upper bound of BETWEEN.
    pub value2: String,
}

impl Filter {
    /// How many values the operator takes: none, one, or two (BETWEEN).
    pub fn operands(&self) -> usize {
        match self.operator.as_str() {
            "attribute_exists" | "attribute_not_exists" => 0,
            "BETWEEN" => 2,
            _ => 1,
        }
    }
}

/// The whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// `Query` or `Scan`.
    pub operation: String,
    /// The index read; empty for the table.
    pub index: String,
    pub partition_value: String,
    /// Empty for no sort key condition.
    pub sort_operator: String,
    pub sort_value: String,
    pub sort_value2: String,
    pub filters: Vec<Filter>,
    /// Attribute names, separated by commas; empty for whole items.
    pub projection: String,
    /// Empty (whole items), `ALL_PROJECTED_ATTRIBUTES` or `COUNT`.
    pub select: String,
    pub limit: String,
    pub descending: bool,
    pub consistent: bool,
    pub segment: String,
    pub total_segments: String,
    /// Sent through the simulated DAX cluster (`{via: "dax"}`), not straight to the table.
    pub via_dax: bool,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            operation: "Query".to_owned(),
            index: String::new(),
            partition_value: String::new(),
            sort_operator: String::new(),
            sort_value: String::new(),
            sort_value2: String::new(),
            filters: Vec::new(),
            projection: String::new(),
            select: String::new(),
            limit: String::new(),
            descending: false,
            consistent: false,
            segment: String::new(),
            total_segments: String::new(),
            via_dax: false,
        }
    }
}

impl Form {
    /// Reads the form's fields; a field missing is empty (a checkbox, unticked).
    pub fn from_fields(fields: &BTreeMap<String, String>) -> Form {
        let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let mut filters = Vec::new();
        for n in 0.. {
            let field = |part: &str| fields.get(&format!("filter-{n}-{part}")).cloned();
            let Some(attribute) = field("attribute") else {
                break;
            };
            filters.push(Filter {
                attribute,
                operator: field("op").unwrap_or_else(|| "=".to_owned()),
                kind: field("type").unwrap_or_else(|| "S".to_owned()),
                value: field("value").unwrap_or_default(),
                value2: field("value2").unwrap_or_default(),
            });
        }
        let operation = match text("operation").as_str() {
            "Scan" => "Scan",
            _ => "Query",
        };
        Form {
            operation: operation.to_owned(),
            index: text("index"),
            partition_value: text("pk"),
            sort_operator: text("sk-op"),
            sort_value: text("sk"),
            sort_value2: text("sk2"),
            filters,
            projection: text("projection"),
            select: text("select"),
            limit: text("limit"),
            descending: fields.contains_key("descending"),
            consistent: fields.contains_key("consistent"),
            segment: text("segment"),
            total_segments: text("total-segments"),
            via_dax: fields.contains_key("via-dax"),
        }
    }

    /// Applies one of the form's own buttons: `add-filter`, or `remove-filter-N`.
    pub fn act(&mut self, action: &str) {
        if action == "add-filter" {
            self.filters.push(Filter {
                operator: "=".to_owned(),
                kind: "S".to_owned(),
                ..Filter::default()
            });
        } else if let Some(n) = action
            .strip_prefix("remove-filter-")
            .and_then(|n| n.parse::<usize>().ok())
            && n < self.filters.len()
        {
            self.filters.remove(n);
        }
    }

    /// Whether the form is a Query (not a Scan).
    pub fn is_query(&self) -> bool {
        self.operation == "Query"
    }
}
