//! The Terraform export: a `terraform`/`provider "aws"` preamble and one `aws_dynamodb_table`
//! resource per table (name, billing_mode, read/write capacity, hash/range keys, `attribute`
//! blocks, `global_secondary_index` and `local_secondary_index` blocks, `ttl`, stream,
//! `point_in_time_recovery`, deletion protection, table class, tags), laid out as
//! `terraform fmt` would. Resource names are the table names in snake_case; strings are
//! escaped for HCL, including its `${` and `%{` template sequences.

use super::{comment_text, index_capacity, specs, table_capacity, unique};
use crate::model::{IndexSpec, Model, TableSpec};

/// A Terraform configuration (`main.tf`) for the model's tables.
pub fn terraform(model: &Model) -> String {
    let mut out = format!(
        "# Terraform configuration for the Dynoscope model {}.\n\n\
         terraform {{\n  \
         required_providers {{\n    \
         aws = {{\n      \
         source  = \"hashicorp/aws\"\n      \
         version = \">= 5.0\"\n    \
         }}\n  \
         }}\n\
         }}\n\n\
         provider \"aws\" {{\n  \
         region = \"us-east-1\"\n\
         }}\n",
        comment_text(&model.name)
    );
    let names = unique(specs(model).map(|s| resource_name(&s.table_name)).collect());
    for (spec, name) in specs(model).zip(&names) {
        out.push('\n');
        out.push_str(&table(spec, name).render(0));
    }
    out
}

/// An HCL block: a header, attributes (`key = expression`) and nested blocks.
struct Block {
    header: String,
    attributes: Vec<(String, String)>,
    blocks: Vec<Block>,
}

impl Block {
    fn new(header: impl Into<String>) -> Block {
        Block {
            header: header.into(),
            attributes: Vec::new(),
            blocks: Vec::new(),
        }
    }

    fn attr(&mut self, key: &str, expression: impl Into<String>) {
        self.attributes.push((key.to_owned(), expression.into()));
    }

    fn render(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut out = format!("{pad}{} {{\n", self.header);
        let width = self
            .attributes
            .iter()
            .map(|(k, _)| k.len())
            .max()
            .unwrap_or(0);
        for (key, expression) in &self.attributes {
            out.push_str(&format!("{pad}  {key:width$} = {expression}\n"));
        }
        for block in &self.blocks {
            out.push('\n');
            out.push_str(&block.render(indent + 2));
        }
        out.push_str(&format!("{pad}}}\n"));
        out
    }
}

fn table(spec: &TableSpec, name: &str) -> Block {
    let mut block = Block::new(format!(
        "resource \"aws_dynamodb_table\" {}",
        hcl_string(name)
    ));
    block.attr("name", hcl_string(&spec.table_name));
    match table_capacity(spec) {
        None => block.attr("billing_mode", "\"PAY_PER_REQUEST\""),
        Some(t) => {
            block.attr("billing_mode", "\"PROVISIONED\"");
            block.attr("read_capacity", t.read_capacity_units.to_string());
            block.attr("write_capacity", t.write_capacity_units.to_string());
        }
    }
    if let Some(pk) = spec.partition_key() {
        block.attr("hash_key", hcl_string(pk));
    }
    if let Some(sk) = spec.sort_key() {
        block.attr("range_key", hcl_string(sk));
    }
    push_settings(&mut block, spec);
    for definition in &spec.attribute_definitions {
        let mut attribute = Block::new("attribute");
        attribute.attr("name", hcl_string(&definition.attribute_name));
        attribute.attr("type", hcl_string(&definition.attribute_type));
        block.blocks.push(attribute);
    }
    for index in &spec.global_secondary_indexes {
        block.blocks.push(global_index(spec, index));
    }
    for index in &spec.local_secondary_indexes {
        block.blocks.push(local_index(index));
    }
    push_setting_blocks(&mut block, spec);
    block
}

fn push_settings(block: &mut Block, spec: &TableSpec) {
    let stream = spec
        .stream_specification
        .as_ref()
        .filter(|s| s.stream_enabled);
    if let Some(stream) = stream {
        block.attr("stream_enabled", "true");
        if let Some(view) = &stream.stream_view_type {
            block.attr("stream_view_type", hcl_string(view));
        }
    }
    if let Some(class) = &spec.table_class {
        block.attr("table_class", hcl_string(class));
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        block.attr("deletion_protection_enabled", protection.to_string());
    }
}

fn push_setting_blocks(block: &mut Block, spec: &TableSpec) {
    if let Some(ttl) = &spec.time_to_live_attribute {
        let mut b = Block::new("ttl");
        b.attr("attribute_name", hcl_string(ttl));
        b.attr("enabled", "true");
        block.blocks.push(b);
    }
    if let Some(enabled) = spec.point_in_time_recovery_enabled {
        let mut b = Block::new("point_in_time_recovery");
        b.attr("enabled", enabled.to_string());
        block.blocks.push(b);
    }
    if !spec.tags.is_empty() {
        let entries: Vec<String> = spec
            .tags
            .iter()
            .map(|t| format!("    {} = {}\n", hcl_string(&t.key), hcl_string(&t.value)))
            .collect();
        block.attr("tags", format!("{{\n{}  }}", entries.concat()));
    }
}

fn global_index(spec: &TableSpec, index: &IndexSpec) -> Block {
    let mut block = Block::new("global_secondary_index");
    block.attr("name", hcl_string(&index.index_name));
    if let Some(pk) = index.partition_key() {
        block.attr("hash_key", hcl_string(pk));
    }
    if let Some(sk) = index.sort_key() {
        block.attr("range_key", hcl_string(sk));
    }
    push_projection(&mut block, index);
    if let Some(t) = index_capacity(spec, index) {
        block.attr("read_capacity", t.read_capacity_units.to_string());
        block.attr("write_capacity", t.write_capacity_units.to_string());
    }
    block
}

fn local_index(index: &IndexSpec) -> Block {
    let mut block = Block::new("local_secondary_index");
    block.attr("name", hcl_string(&index.index_name));
    if let Some(sk) = index.sort_key() {
        block.attr("range_key", hcl_string(sk));
    }
    push_projection(&mut block, index);
    block
}

fn push_projection(block: &mut Block, index: &IndexSpec) {
    block.attr(
        "projection_type",
        hcl_string(&index.projection.projection_type),
    );
    if !index.projection.non_key_attributes.is_empty() {
        let names: Vec<String> = index
            .projection
            .non_key_attributes
            .iter()
            .map(|n| hcl_string(n))
            .collect();
        block.attr("non_key_attributes", format!("[{}]", names.join(", ")));
    }
}

/// A Terraform resource name: lowercase letters, digits and underscores, starting with a
/// letter (`Orders-v2` → `orders_v2`).
fn resource_name(table_name: &str) -> String {
    let mut name = String::new();
    for c in table_name.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name.to_owned(),
        Some(_) => format!("table_{name}"),
        None => "table".to_owned(),
    }
}

/// An HCL quoted string: `"` and `\` escaped, control characters as `\uNNNN`, and template
/// sequences doubled (`${` → `$${`, `%{` → `%%{`) so nothing is interpolated.
pub(crate) fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
