//! The AWS CLI exports. `aws dynamodb create-table --cli-input-json` takes one CreateTable
//! request, so [`aws_cli_json_table`] writes one table's; [`aws_cli_json`] writes the model's
//! single table exactly that way, and for several tables a JSON array of those objects (one
//! element per `create-table` call; the CLI itself takes one). [`aws_cli_script`] is the
//! runnable form: a bash script that creates every table, waits for it, then applies what
//! CreateTable cannot carry (TTL, point-in-time recovery).

use super::tree::Tree;
use super::{create_table_tree, specs};
use crate::model::{Model, TableSpec};

/// CreateTable's request for one table, as pretty JSON for `--cli-input-json`.
pub fn aws_cli_json_table(spec: &TableSpec) -> String {
    create_table_tree(spec).to_json()
}

/// The model's CreateTable input: the object itself for a one-table model, else a JSON array
/// with one object per table.
pub fn aws_cli_json(model: &Model) -> String {
    let mut requests: Vec<Tree> = specs(model).map(create_table_tree).collect();
    if requests.len() == 1 {
        requests.remove(0).to_json()
    } else {
        Tree::List(requests).to_json()
    }
}

/// A bash script that creates the model's tables with the AWS CLI and then turns on TTL and
/// point-in-time recovery where the model asks for them.
pub fn aws_cli_script(model: &Model) -> String {
    let mut out = String::from(
        "#!/usr/bin/env bash\n\
         # Creates the tables of a Dynoscope model with the AWS CLI v2.\n\
         set -euo pipefail\n",
    );
    for spec in specs(model) {
        out.push_str(&table_commands(spec));
    }
    out
}

fn table_commands(spec: &TableSpec) -> String {
    let name = shell_quote(&spec.table_name);
    let mut out = format!(
        "\naws dynamodb create-table --cli-input-json \"$(cat <<'DYNOSCOPE_JSON'\n{}DYNOSCOPE_JSON\n)\"\n\
         aws dynamodb wait table-exists --table-name {name}\n",
        aws_cli_json_table(spec)
    );
    if let Some(ttl) = &spec.time_to_live_attribute {
        let specification = Tree::map([
            ("Enabled", Tree::Bool(true)),
            ("AttributeName", Tree::str(ttl)),
        ]);
        out.push_str(&format!(
            "aws dynamodb update-time-to-live --table-name {name} --time-to-live-specification {}\n",
            shell_quote(&specification.to_value().to_string())
        ));
    }
    if let Some(enabled) = spec.point_in_time_recovery_enabled {
        out.push_str(&format!(
            "aws dynamodb update-continuous-backups --table-name {name} \
             --point-in-time-recovery-specification PointInTimeRecoveryEnabled={enabled}\n"
        ));
    }
    out
}

/// A single-quoted shell word (`'` written as `'\''`).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
