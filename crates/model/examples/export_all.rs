//! Writes every infrastructure export of a model file, for checking them with the real tools
//! (scripts/test-exports.sh), and compares a CloudFormation template with a model.
//!
//! Usage:
//!   export_all MODEL.json OUT_DIR
//!     writes OUT_DIR/NAME.cfn.yaml, .cfn.json, .cdk.ts, .sst2.ts, .sst.config.ts, .tf,
//!     .cli.json and .cli.sh, NAME being MODEL's file stem
//!   export_all --compare MODEL.json TEMPLATE
//!     imports TEMPLATE (YAML or JSON) and checks that its tables define what MODEL's do,
//!     order and defaults aside; exits 1 with the differences otherwise

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dynoscope_model::model::TableSpec;
use dynoscope_model::{Model, cloudformation, iac};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, model, template] if flag == "--compare" => compare(model, template),
        [model, out] => export_all(model, Path::new(out)),
        _ => Err(
            "usage: export_all MODEL.json OUT_DIR | export_all --compare MODEL.json TEMPLATE"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("export_all: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read_model(path: &str) -> Result<Model, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    Model::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

fn export_all(model_path: &str, out: &Path) -> Result<(), String> {
    let model = read_model(model_path)?;
    let stem = Path::new(model_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{model_path}: no file name"))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let files = [
        ("cfn.yaml", cloudformation::export_yaml(&model)),
        ("cfn.json", cloudformation::export_json(&model)),
        ("cdk.ts", iac::cdk_typescript(&model)),
        ("sst2.ts", iac::sst_v2(&model)),
        ("sst.config.ts", iac::sst(&model)),
        ("tf", iac::terraform(&model)),
        ("cli.json", iac::aws_cli_json(&model)),
        ("cli.sh", iac::aws_cli_script(&model)),
    ];
    for (extension, text) in files {
        let path: PathBuf = out.join(format!("{stem}.{extension}"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn compare(model_path: &str, template_path: &str) -> Result<(), String> {
    let model = read_model(model_path)?;
    let text =
        std::fs::read_to_string(template_path).map_err(|e| format!("{template_path}: {e}"))?;
    let imported = cloudformation::import(&text).map_err(|e| format!("{template_path}: {e}"))?;
    let mut differences = Vec::new();
    if imported.tables.len() != model.tables.len() {
        differences.push(format!(
            "{} tables in the template, {} in the model",
            imported.tables.len(),
            model.tables.len()
        ));
    }
    for table in &model.tables {
        let name = &table.definition.table_name;
        match imported.table(name) {
            None => differences.push(format!("table {name}: not in the template")),
            Some(found) => {
                let (want, got) = (normalized(&table.definition), normalized(&found.definition));
                if want != got {
                    differences.push(format!(
                        "table {name}:\n  model:    {}\n  template: {}",
                        serde_json::to_string(&want).unwrap_or_default(),
                        serde_json::to_string(&got).unwrap_or_default()
                    ));
                }
            }
        }
    }
    if differences.is_empty() {
        println!("{template_path}: the tables of {model_path}");
        Ok(())
    } else {
        Err(format!(
            "{template_path} differs from {model_path}:\n{}",
            differences.join("\n")
        ))
    }
}

/// A definition with DynamoDB's defaults spelled out and its lists in a fixed order, so two
/// ways of writing the same table compare equal.
fn normalized(spec: &TableSpec) -> TableSpec {
    let mut spec = spec.clone();
    spec.billing_mode
        .get_or_insert_with(|| "PROVISIONED".to_owned());
    spec.attribute_definitions
        .sort_by(|a, b| a.attribute_name.cmp(&b.attribute_name));
    spec.tags.sort_by(|a, b| a.key.cmp(&b.key));
    spec.global_secondary_indexes
        .sort_by(|a, b| a.index_name.cmp(&b.index_name));
    spec.local_secondary_indexes
        .sort_by(|a, b| a.index_name.cmp(&b.index_name));
    for index in spec
        .global_secondary_indexes
        .iter_mut()
        .chain(spec.local_secondary_indexes.iter_mut())
    {
        index.projection.non_key_attributes.sort();
    }
    if spec
        .stream_specification
        .as_ref()
        .is_some_and(|s| !s.stream_enabled)
    {
        spec.stream_specification = None;
    }
    if spec.point_in_time_recovery_enabled == Some(false) {
        spec.point_in_time_recovery_enabled = None;
    }
    if spec.deletion_protection_enabled == Some(false) {
        spec.deletion_protection_enabled = None;
    }
    if spec.table_class.as_deref() == Some("STANDARD") {
        spec.table_class = None;
    }
    spec
}
