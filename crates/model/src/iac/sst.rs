//! The SST exports. [`sst_v2`]: a stack file of SST v2 `Table` constructs (sst/constructs,
//! over the CDK), with billing, capacity, point-in-time recovery, deletion protection and table
//! class in `cdk.table`, index capacity in each index's `cdk.index`, and tags through
//! `Tags.of`. [`sst`]: an `sst.config.ts` for SST v3 and later with `sst.aws.Dynamo`
//! components; what Dynamo's own arguments cannot say (provisioned billing, capacity, table
//! class, tags, point-in-time recovery, which Dynamo turns on by default) goes into
//! `transform.table`, Pulumi's `aws.dynamodb.TableArgs`, merged over Dynamo's. SST names the
//! tables itself (per app and stage); the model's table name is kept in a comment.

use super::js::Js;
use super::{camel_case, comment_text, index_capacity, pascal_case, specs, table_capacity, unique};
use crate::model::{IndexSpec, Model, TableSpec};

/// An SST v2 stack file (`stacks/Tables.ts`): a `Tables` stack function creating one `Table`
/// per model table and returning them.
pub fn sst_v2(model: &Model) -> String {
    let ids = unique(
        specs(model)
            .map(|s| pascal_case(&s.table_name, "Table"))
            .collect(),
    );
    let vars = unique(
        specs(model)
            .map(|s| camel_case(&s.table_name, "table") + "Table")
            .collect(),
    );
    let needs_tags = specs(model).any(|s| !s.tags.is_empty());
    let mut dynamodb = Vec::new();
    if specs(model).next().is_some() {
        dynamodb.push("BillingMode");
    }
    if specs(model).any(|s| s.table_class.is_some()) {
        dynamodb.push("TableClass");
    }
    let mut out = format!(
        "// SST v2 stack for the Dynoscope model {}.\n\
         // Add it in sst.config.ts: stacks(app) {{ app.stack(Tables); }}\n\
         import {{ StackContext, Table }} from \"sst/constructs\";\n",
        comment_text(&model.name)
    );
    if !dynamodb.is_empty() {
        out.push_str(&format!(
            "import {{ {} }} from \"aws-cdk-lib/aws-dynamodb\";\n",
            dynamodb.join(", ")
        ));
    }
    if needs_tags {
        out.push_str("import { Tags } from \"aws-cdk-lib\";\n");
    }
    out.push_str("\nexport function Tables({ stack }: StackContext) {\n");
    let mut outputs = Vec::new();
    for ((spec, id), var) in specs(model).zip(&ids).zip(&vars) {
        out.push_str(&v2_table(spec, id, var));
        outputs.push((
            format!("{id}TableName"),
            Js::code(format!("{var}.tableName")),
        ));
    }
    if !outputs.is_empty() {
        out.push_str(&format!(
            "  stack.addOutputs({});\n",
            Js::object(outputs).render(2)
        ));
    }
    if vars.is_empty() {
        out.push_str("  return {};\n}\n");
    } else {
        out.push_str(&format!("  return {{ {} }};\n}}\n", vars.join(", ")));
    }
    out
}

fn v2_table(spec: &TableSpec, id: &str, var: &str) -> String {
    let mut props = Js::object([("fields", fields(spec, "string", "number", "binary"))]);
    let primary = keys(
        (spec.partition_key(), "partitionKey"),
        (spec.sort_key(), "sortKey"),
    );
    props.push("primaryIndex", primary);
    if !spec.global_secondary_indexes.is_empty() {
        let gsis = spec.global_secondary_indexes.iter();
        let gsis = gsis.map(|i| (i.index_name.clone(), v2_global_index(spec, i)));
        props.push("globalIndexes", Js::object(gsis));
    }
    if !spec.local_secondary_indexes.is_empty() {
        let lsis = spec.local_secondary_indexes.iter().map(|i| {
            let mut index = Js::object(Vec::<(String, Js)>::new());
            if let Some(sk) = i.sort_key() {
                index.push("sortKey", Js::str(sk));
            }
            index.push("projection", projection(i, "keys_only"));
            (i.index_name.clone(), index)
        });
        props.push("localIndexes", Js::object(lsis));
    }
    if let Some(view) = stream_view(spec) {
        props.push("stream", Js::str(view.to_ascii_lowercase()));
    }
    if let Some(ttl) = &spec.time_to_live_attribute {
        props.push("timeToLiveAttribute", Js::str(ttl));
    }
    props.push("cdk", Js::object([("table", v2_cdk_table(spec))]));
    let mut out = format!(
        "  // The model's table {}\n  const {var} = new Table(stack, {}, {});\n",
        comment_text(&spec.table_name),
        super::js_string(id),
        props.render(2)
    );
    for tag in &spec.tags {
        out.push_str(&format!(
            "  Tags.of({var}).add({}, {});\n",
            super::js_string(&tag.key),
            super::js_string(&tag.value)
        ));
    }
    out
}

fn v2_global_index(spec: &TableSpec, index: &IndexSpec) -> Js {
    let mut props = keys(
        (index.partition_key(), "partitionKey"),
        (index.sort_key(), "sortKey"),
    );
    props.push("projection", projection(index, "keys_only"));
    if let Some(t) = index_capacity(spec, index) {
        let capacity = Js::object([
            ("readCapacity", Js::Num(t.read_capacity_units)),
            ("writeCapacity", Js::Num(t.write_capacity_units)),
        ]);
        props.push("cdk", Js::object([("index", capacity)]));
    }
    props
}

/// `cdk.table`: the CDK `TableProps` SST v2's own props do not cover.
fn v2_cdk_table(spec: &TableSpec) -> Js {
    let mut table = Js::object(Vec::<(String, Js)>::new());
    match table_capacity(spec) {
        None => table.push("billingMode", Js::code("BillingMode.PAY_PER_REQUEST")),
        Some(t) => {
            table.push("billingMode", Js::code("BillingMode.PROVISIONED"));
            table.push("readCapacity", Js::Num(t.read_capacity_units));
            table.push("writeCapacity", Js::Num(t.write_capacity_units));
        }
    }
    if let Some(enabled) = spec.point_in_time_recovery_enabled {
        let pitr = Js::object([("pointInTimeRecoveryEnabled", Js::Bool(enabled))]);
        table.push("pointInTimeRecoverySpecification", pitr);
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        table.push("deletionProtection", Js::Bool(protection));
    }
    if let Some(class) = &spec.table_class {
        table.push("tableClass", Js::code(format!("TableClass.{class}")));
    }
    table
}

/// An SST v3+ `sst.config.ts` with one `sst.aws.Dynamo` per model table.
pub fn sst(model: &Model) -> String {
    let ids = unique(
        specs(model)
            .map(|s| pascal_case(&s.table_name, "Table"))
            .collect(),
    );
    let vars = unique(
        specs(model)
            .map(|s| camel_case(&s.table_name, "table") + "Table")
            .collect(),
    );
    let mut out = format!(
        "/// <reference path=\"./.sst/platform/config.d.ts\" />\n\
         // SST app for the Dynoscope model {}.\n\n\
         export default $config({{\n  \
         app(input) {{\n    \
         return {{\n      \
         name: {},\n      \
         removal: input?.stage === \"production\" ? \"retain\" : \"remove\",\n      \
         home: \"aws\",\n    \
         }};\n  \
         }},\n  \
         async run() {{\n",
        comment_text(&model.name),
        super::js_string(&app_name(&model.name)),
    );
    let mut outputs = Vec::new();
    for ((spec, id), var) in specs(model).zip(&ids).zip(&vars) {
        out.push_str(&v3_table(spec, id, var));
        outputs.push((format!("{id}Name"), Js::code(format!("{var}.name"))));
    }
    out.push_str(&format!(
        "    return {};\n  }},\n}});\n",
        Js::object(outputs).render(4)
    ));
    out
}

fn v3_table(spec: &TableSpec, id: &str, var: &str) -> String {
    let mut props = Js::object([("fields", fields(spec, "string", "number", "binary"))]);
    let primary = keys(
        (spec.partition_key(), "hashKey"),
        (spec.sort_key(), "rangeKey"),
    );
    props.push("primaryIndex", primary);
    if !spec.global_secondary_indexes.is_empty() {
        let gsis = spec.global_secondary_indexes.iter().map(|i| {
            let mut index = keys((i.partition_key(), "hashKey"), (i.sort_key(), "rangeKey"));
            index.push("projection", projection(i, "keys-only"));
            (i.index_name.clone(), index)
        });
        props.push("globalIndexes", Js::object(gsis));
    }
    if !spec.local_secondary_indexes.is_empty() {
        let lsis = spec.local_secondary_indexes.iter().map(|i| {
            let mut index = Js::object(Vec::<(String, Js)>::new());
            if let Some(sk) = i.sort_key() {
                index.push("rangeKey", Js::str(sk));
            }
            index.push("projection", projection(i, "keys-only"));
            (i.index_name.clone(), index)
        });
        props.push("localIndexes", Js::object(lsis));
    }
    if let Some(view) = stream_view(spec) {
        props.push(
            "stream",
            Js::str(view.to_ascii_lowercase().replace('_', "-")),
        );
    }
    if let Some(ttl) = &spec.time_to_live_attribute {
        props.push("ttl", Js::str(ttl));
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        props.push("deletionProtection", Js::Bool(protection));
    }
    let table = v3_transform(spec);
    if !matches!(&table, Js::Object(entries) if entries.is_empty()) {
        props.push("transform", Js::object([("table", table)]));
    }
    format!(
        "    // The model's table {}\n    const {var} = new sst.aws.Dynamo({}, {});\n",
        comment_text(&spec.table_name),
        super::js_string(id),
        props.render(4)
    )
}

/// `transform.table`: Pulumi `TableArgs` merged over the ones Dynamo builds (so a provisioned
/// table's index list is restated whole, with its capacity).
fn v3_transform(spec: &TableSpec) -> Js {
    let mut table = Js::object(Vec::<(String, Js)>::new());
    if let Some(t) = table_capacity(spec) {
        table.push("billingMode", Js::str("PROVISIONED"));
        table.push("readCapacity", Js::Num(t.read_capacity_units));
        table.push("writeCapacity", Js::Num(t.write_capacity_units));
        if !spec.global_secondary_indexes.is_empty() {
            let gsis = spec.global_secondary_indexes.iter();
            let gsis = gsis.map(|i| pulumi_global_index(spec, i)).collect();
            table.push("globalSecondaryIndexes", Js::Array(gsis));
        }
    }
    let pitr = spec.point_in_time_recovery_enabled.unwrap_or(false);
    if !pitr {
        table.push(
            "pointInTimeRecovery",
            Js::object([("enabled", Js::Bool(false))]),
        );
    }
    if let Some(class) = &spec.table_class {
        table.push("tableClass", Js::str(class));
    }
    if !spec.tags.is_empty() {
        let tags = spec.tags.iter().map(|t| (t.key.clone(), Js::str(&t.value)));
        table.push("tags", Js::object(tags));
    }
    table
}

fn pulumi_global_index(spec: &TableSpec, index: &IndexSpec) -> Js {
    let mut props = Js::object([("name", Js::str(&index.index_name))]);
    if let Some(pk) = index.partition_key() {
        props.push("hashKey", Js::str(pk));
    }
    if let Some(sk) = index.sort_key() {
        props.push("rangeKey", Js::str(sk));
    }
    props.push("projectionType", Js::str(&index.projection.projection_type));
    if !index.projection.non_key_attributes.is_empty() {
        props.push(
            "nonKeyAttributes",
            Js::strings(&index.projection.non_key_attributes),
        );
    }
    if let Some(t) = index_capacity(spec, index) {
        props.push("readCapacity", Js::Num(t.read_capacity_units));
        props.push("writeCapacity", Js::Num(t.write_capacity_units));
    }
    props
}

/// `fields`: every attribute definition with its SST type name.
fn fields(spec: &TableSpec, s: &str, n: &str, b: &str) -> Js {
    Js::object(spec.attribute_definitions.iter().map(|d| {
        let kind = match d.attribute_type.as_str() {
            "N" => n,
            "B" => b,
            _ => s,
        };
        (d.attribute_name.clone(), Js::str(kind))
    }))
}

/// An index's projection in SST's words: `"all"`, the keys-only word, or the included names.
fn projection(index: &IndexSpec, keys_only: &str) -> Js {
    match index.projection.projection_type.as_str() {
        "KEYS_ONLY" => Js::str(keys_only),
        "INCLUDE" => Js::strings(&index.projection.non_key_attributes),
        _ => Js::str("all"),
    }
}

fn stream_view(spec: &TableSpec) -> Option<&str> {
    let stream = spec
        .stream_specification
        .as_ref()
        .filter(|s| s.stream_enabled)?;
    stream.stream_view_type.as_deref()
}

/// An SST app name: lowercase letters, digits and hyphens, starting with a letter.
fn app_name(model_name: &str) -> String {
    let mut name = String::new();
    for c in model_name.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name.to_owned(),
        Some(_) => format!("model-{name}"),
        None => "model".to_owned(),
    }
}

/// An object naming a partition key and an optional sort key, under the names the
/// construct uses (`partitionKey`/`sortKey` in v2, `hashKey`/`rangeKey` now).
fn keys(hash: (Option<&str>, &str), range: (Option<&str>, &str)) -> Js {
    let mut object = Js::object(Vec::<(String, Js)>::new());
    for (name, key) in [hash, range] {
        if let Some(name) = name {
            object.push(key, Js::str(name));
        }
    }
    object
}
