//! The Model view's aggregate view, written as HTML in the worker (the `aggregate` panel,
//! [`crate::panels`]): a table's items grouped by partition key value (an item collection
//! per group), sorted by sort key, each row coloured by the entity whose key templates it
//! matches, through the table's key or one of its secondary indexes (only items carrying the
//! index's key attributes appear), with the data's warnings above (a hot partition key
//! value, an item collection nearing its simulated limit, large items). As a Leptos view
//! this cost the page's first load several KB; the page now only reads the items.

use std::collections::BTreeMap;

use dynoscope_codegen::html::escape;
use dynoscope_model::ModelTable;
use dynoscope_model::template::Template;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Groups shown at most, and items per group, to keep the page light.
const MAX_GROUPS: usize = 60;
const MAX_PER_GROUP: usize = 20;

/// What the page sends: the model's table (as JSON text), each entity's colour, the items
/// the engine holds, the index to show by (empty for the table's key) and the simulated
/// item collection limit.
#[derive(Deserialize)]
pub struct Input {
    pub table: String,
    #[serde(default)]
    pub colours: BTreeMap<String, String>,
    #[serde(default)]
    pub items: Vec<Map<String, Value>>,
    #[serde(default)]
    pub index: String,
    pub limit: u64,
}

/// A DynamoDB JSON scalar shown as text.
pub fn scalar(value: &Value) -> String {
    match value.as_object().and_then(|m| m.iter().next()) {
        Some((_, Value::String(s))) => s.clone(),
        Some((kind, v)) => format!("{kind}:{v}"),
        None => value.to_string(),
    }
}

/// The warnings and the item collections as HTML.
pub fn html(input: Input) -> Result<String, String> {
    let table: ModelTable =
        serde_json::from_str(&input.table).map_err(|e| format!("unreadable table: {e}"))?;
    let spec = &table.definition;
    let (pk, sk) = if input.index.is_empty() {
        (spec.partition_key(), spec.sort_key())
    } else {
        spec.index(&input.index)
            .map(|(i, _)| (i.partition_key(), i.sort_key()))
            .unwrap_or((None, None))
    };
    let mut html = String::from("<ul class=\"warnings\" data-testid=\"data-warnings\">");
    if input.index.is_empty() {
        for warning in dynoscope_model::advice::data_warnings(spec, &input.items, input.limit) {
            html.push_str(&format!(
                "<li class=\"finding warning\" data-testid=\"data-warning\">{}</li>",
                escape(&warning)
            ));
        }
    }
    html.push_str("</ul>");
    let Some(pk) = pk else {
        html.push_str("<p class=\"muted\">No key.</p>");
        return Ok(html);
    };
    let matchers = entity_matchers(&table);
    let mut groups: BTreeMap<String, Vec<&Map<String, Value>>> = BTreeMap::new();
    for item in &input.items {
        if let Some(value) = item.get(pk).map(scalar) {
            groups.entry(value).or_default().push(item);
        }
    }
    html.push_str(&format!(
        "<p class=\"muted\" data-testid=\"aggregate-summary\">{} item collections</p>\
         <div class=\"aggregate\" data-testid=\"aggregate\">",
        groups.len()
    ));
    for (key, mut members) in groups.into_iter().take(MAX_GROUPS) {
        if let Some(sk) = sk {
            members.sort_by_key(|i| i.get(sk).map(scalar).unwrap_or_default());
        }
        let size = members.len();
        html.push_str(&format!(
            "<div class=\"collection\" data-testid=\"collection\"><div class=\"collection-key\">\
             <strong>{}</strong><span class=\"muted\">{size} item{}</span></div><ul>",
            escape(&key),
            if size == 1 { "" } else { "s" }
        ));
        for item in members.into_iter().take(MAX_PER_GROUP) {
            let entity = entity_of(item, &matchers);
            let colour = entity
                .and_then(|e| input.colours.get(e))
                .map_or("#9ca3af", String::as_str);
            let sort = sk.and_then(|s| item.get(s)).map(scalar).unwrap_or_default();
            let rest: Vec<String> = item
                .iter()
                .filter(|(k, _)| k.as_str() != pk && Some(k.as_str()) != sk)
                .take(6)
                .map(|(k, v)| format!("{k}: {}", scalar(v)))
                .collect();
            html.push_str(&format!(
                "<li style=\"border-left: 4px solid {}\" title=\"{}\"><code>{}</code> <span class=\"muted\">{}</span></li>",
                escape(colour),
                escape(entity.unwrap_or_default()),
                escape(&sort),
                escape(&rest.join(" · "))
            ));
        }
        html.push_str("</ul></div>");
    }
    html.push_str("</div>");
    Ok(html)
}

/// For each entity, its parsed table key templates.
fn entity_matchers(table: &ModelTable) -> Vec<(&str, Vec<(&str, Template)>)> {
    table
        .entities
        .iter()
        .map(|e| {
            let templates = (e.keys.iter())
                .filter(|k| {
                    (table.definition.key_schema.iter()).any(|s| s.attribute_name == k.attribute)
                })
                .filter_map(|k| {
                    Template::parse(&k.template)
                        .ok()
                        .map(|t| (k.attribute.as_str(), t))
                })
                .collect();
            (e.name.as_str(), templates)
        })
        .collect()
}

/// The entity an item belongs to: the first whose table key templates all match.
fn entity_of<'a>(
    item: &Map<String, Value>,
    matchers: &'a [(&'a str, Vec<(&'a str, Template)>)],
) -> Option<&'a str> {
    matchers
        .iter()
        .find(|(_, templates)| {
            !templates.is_empty()
                && templates.iter().all(|(attribute, t)| {
                    item.get(*attribute)
                        .map(scalar)
                        .is_some_and(|v| t.capture(&v).is_some())
                })
        })
        .map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled e-commerce sample's first table, with its own items.
    fn sample() -> (ModelTable, Vec<Map<String, Value>>) {
        let text = dynoscope_model::samples::json("ecommerce").expect("bundled");
        let model = dynoscope_model::Model::from_json(text).expect("a sample reads");
        let table = model.tables.into_iter().next().expect("a table");
        let items = dynoscope_model::convert::items_of(&table).expect("items");
        (table, items)
    }

    #[test]
    fn items_group_by_partition_key_coloured_by_entity() {
        let (table, items) = sample();
        let colours: BTreeMap<String, String> = (table.entities.iter())
            .map(|e| (e.name.clone(), "#123456".to_owned()))
            .collect();
        let html = html(Input {
            table: serde_json::to_string(&table).unwrap(),
            colours,
            items: items.clone(),
            index: String::new(),
            limit: dynoscope_model::advice::ITEM_COLLECTION_LIMIT,
        })
        .unwrap();
        let pk = table.definition.partition_key().unwrap();
        let groups: std::collections::BTreeSet<String> =
            items.iter().filter_map(|i| i.get(pk).map(scalar)).collect();
        assert!(
            html.contains(&format!("{} item collections", groups.len())),
            "{html}"
        );
        assert_eq!(
            html.matches("data-testid=\"collection\"").count(),
            groups.len().min(MAX_GROUPS)
        );
        assert!(html.contains("border-left: 4px solid #123456"));
        assert!(
            html.contains("data-testid=\"data-warning\""),
            "the sample's hot key warns"
        );
    }

    #[test]
    fn an_unknown_index_has_no_key() {
        let (table, items) = sample();
        let html = html(Input {
            table: serde_json::to_string(&table).unwrap(),
            colours: BTreeMap::new(),
            items,
            index: "nothing".into(),
            limit: 1,
        })
        .unwrap();
        assert!(html.ends_with("<p class=\"muted\">No key.</p>"));
        assert!(!html.contains("data-warning\""));
    }
}
