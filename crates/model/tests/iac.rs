//! The infrastructure-as-code exports: CreateTable requests, AWS CLI input, CDK, SST v2, SST
//! and Terraform. Exact text for small models pins the layout; the rest pins one rule each.

use dynoscope_model::{Model, iac};
use serde_json::{Value, json};

fn model(tables: Value) -> Model {
    Model::from_value(
        json!({"format": "dynoscope-model", "version": 1, "name": "Demo", "tables": tables}),
    )
    .expect("a valid model")
}

/// One on-demand table: a partition key, a sort key and TTL.
fn small() -> Model {
    model(json!([{"definition": {
        "TableName": "notes",
        "KeySchema": [
            {"AttributeName": "userId", "KeyType": "HASH"},
            {"AttributeName": "noteId", "KeyType": "RANGE"}
        ],
        "AttributeDefinitions": [
            {"AttributeName": "userId", "AttributeType": "S"},
            {"AttributeName": "noteId", "AttributeType": "N"}
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "TimeToLiveAttribute": "expiresAt"
    }}]))
}

/// One provisioned table with a provisioned INCLUDE index, an LSI, a stream, tags and more.
fn provisioned() -> Model {
    model(json!([{"definition": {
        "TableName": "orders",
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"}
        ],
        "AttributeDefinitions": [
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
            {"AttributeName": "GSI1PK", "AttributeType": "S"},
            {"AttributeName": "created", "AttributeType": "N"}
        ],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5},
        "GlobalSecondaryIndexes": [{
            "IndexName": "GSI1",
            "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 4, "WriteCapacityUnits": 2}
        }],
        "LocalSecondaryIndexes": [{
            "IndexName": "ByCreated",
            "KeySchema": [
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "created", "KeyType": "RANGE"}
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"}
        }],
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "TableClass": "STANDARD_INFREQUENT_ACCESS",
        "DeletionProtectionEnabled": true,
        "Tags": [{"Key": "team", "Value": "shop"}],
        "TimeToLiveAttribute": "ttl",
        "PointInTimeRecoveryEnabled": true
    }}]))
}

/// A table whose attribute names need escaping in every language.
fn awkward() -> Model {
    model(json!([{"definition": {
        "TableName": "9lives",
        "KeySchema": [{"AttributeName": "say \"hi\" ${x} %{y} \\ \u{2028}", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "say \"hi\" ${x} %{y} \\ \u{2028}", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST"
    }}]))
}

// --- CreateTable and the AWS CLI ----------------------------------------------------------

#[test]
fn create_table_request_carries_what_create_table_takes_and_nothing_else() {
    let request = iac::create_table_request(&provisioned().tables[0].definition);
    let mut keys: Vec<&str> = request
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "AttributeDefinitions",
            "BillingMode",
            "DeletionProtectionEnabled",
            "GlobalSecondaryIndexes",
            "KeySchema",
            "LocalSecondaryIndexes",
            "ProvisionedThroughput",
            "StreamSpecification",
            "TableClass",
            "TableName",
            "Tags"
        ]
    );
    assert_eq!(
        request["StreamSpecification"],
        json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    );
    assert_eq!(
        request["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"],
        2
    );
}

#[test]
fn create_table_request_is_the_model_definition_without_ttl_and_pitr() {
    let spec = &provisioned().tables[0].definition;
    let mut definition = serde_json::to_value(spec).expect("serialises");
    let object = definition.as_object_mut().expect("an object");
    object.remove("TimeToLiveAttribute");
    object.remove("PointInTimeRecoveryEnabled");
    assert_eq!(iac::create_table_request(spec), definition);
}

#[test]
fn cli_json_for_one_table_is_the_create_table_request() {
    let model = small();
    let json: Value = serde_json::from_str(&iac::aws_cli_json(&model)).expect("JSON");
    assert_eq!(json, iac::create_table_request(&model.tables[0].definition));
}

#[test]
fn cli_json_for_several_tables_is_an_array_of_requests() {
    let mut model = small();
    model.tables.extend(provisioned().tables);
    let json: Value = serde_json::from_str(&iac::aws_cli_json(&model)).expect("JSON");
    let names: Vec<&str> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["TableName"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["notes", "orders"]);
}

#[test]
fn cli_json_keeps_create_tables_order_of_fields() {
    let text = iac::aws_cli_json(&small());
    let positions: Vec<usize> = [
        "\"TableName\"",
        "\"AttributeDefinitions\"",
        "\"KeySchema\"",
        "\"BillingMode\"",
    ]
    .iter()
    .map(|k| text.find(k).expect("present"))
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn cli_script_turns_on_ttl_and_pitr_after_creating_the_table() {
    let script = iac::aws_cli_script(&provisioned());
    let create = script.find("aws dynamodb create-table").expect("create");
    let wait = script
        .find("aws dynamodb wait table-exists --table-name 'orders'")
        .expect("wait");
    let ttl = script
        .find("update-time-to-live --table-name 'orders' --time-to-live-specification '{\"AttributeName\":\"ttl\",\"Enabled\":true}'")
        .expect("ttl");
    let pitr = script
        .find("update-continuous-backups --table-name 'orders' --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true")
        .expect("pitr");
    assert!(create < wait && wait < ttl && ttl < pitr);
}

#[test]
fn cli_script_quotes_names_for_the_shell() {
    let mut model = small();
    model.tables[0].definition.time_to_live_attribute = Some("it's".to_owned());
    let script = iac::aws_cli_script(&model);
    assert!(
        script.contains("'{\"AttributeName\":\"it'\\''s\",\"Enabled\":true}'"),
        "{script}"
    );
}

// --- CDK ------------------------------------------------------------------------------------

#[test]
fn cdk_app_for_a_small_model() {
    assert_eq!(
        iac::cdk_typescript(&small()),
        r#"// AWS CDK v2 app for the Dynoscope model Demo.
// Deploy with: npx cdk deploy (needs aws-cdk-lib and constructs).
import { App, Stack, StackProps } from "aws-cdk-lib";
import { AttributeType, Billing, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";

export class DemoStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new TableV2(this, "Notes", {
      tableName: "notes",
      partitionKey: { name: "userId", type: AttributeType.STRING },
      sortKey: { name: "noteId", type: AttributeType.NUMBER },
      billing: Billing.onDemand(),
      timeToLiveAttribute: "expiresAt",
    });
  }
}

const app = new App();
new DemoStack(app, "DemoStack");
"#
    );
}

#[test]
fn cdk_provisioned_writes_are_autoscaled_between_the_same_bounds() {
    let ts = iac::cdk_typescript(&provisioned());
    assert!(
        ts.contains(
            "      billing: Billing.provisioned({
        readCapacity: Capacity.fixed(10),
        writeCapacity: Capacity.autoscaled({ minCapacity: 5, maxCapacity: 5 }),
      }),"
        ),
        "{ts}"
    );
    assert!(ts.contains("          readCapacity: Capacity.fixed(4),\n          writeCapacity: Capacity.autoscaled({ minCapacity: 2, maxCapacity: 2 }),"), "{ts}");
}

#[test]
fn cdk_writes_indexes_stream_and_settings() {
    let ts = iac::cdk_typescript(&provisioned());
    for expected in [
        "projectionType: ProjectionType.INCLUDE,\n          nonKeyAttributes: [\"total\"],",
        "localSecondaryIndexes: [",
        "sortKey: { name: \"created\", type: AttributeType.NUMBER },\n          projectionType: ProjectionType.KEYS_ONLY,",
        "dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,",
        "timeToLiveAttribute: \"ttl\",",
        "pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },",
        "deletionProtection: true,",
        "tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,",
        "tags: [{ key: \"team\", value: \"shop\" }],",
        "import { AttributeType, Billing, Capacity, ProjectionType, StreamViewType, TableClass, TableV2 } from \"aws-cdk-lib/aws-dynamodb\";",
    ] {
        assert!(ts.contains(expected), "{expected} in\n{ts}");
    }
}

#[test]
fn cdk_strings_are_escaped_and_ids_are_valid() {
    let ts = iac::cdk_typescript(&awkward());
    assert!(
        ts.contains(
            r#"        name: "say \"hi\" ${x} %{y} \\ \u2028",
        type: AttributeType.STRING,"#
        ),
        "{ts}"
    );
    assert!(ts.contains("new TableV2(this, \"Table9lives\", {"), "{ts}");
}

// --- SST ------------------------------------------------------------------------------------

#[test]
fn sst_v2_stack_for_a_small_model() {
    assert_eq!(
        iac::sst_v2(&small()),
        r#"// SST v2 stack for the Dynoscope model Demo.
// Add it in sst.config.ts: stacks(app) { app.stack(Tables); }
import { StackContext, Table } from "sst/constructs";
import { BillingMode } from "aws-cdk-lib/aws-dynamodb";

export function Tables({ stack }: StackContext) {
  // The model's table notes
  const notesTable = new Table(stack, "Notes", {
    fields: { userId: "string", noteId: "number" },
    primaryIndex: { partitionKey: "userId", sortKey: "noteId" },
    timeToLiveAttribute: "expiresAt",
    cdk: { table: { billingMode: BillingMode.PAY_PER_REQUEST } },
  });
  stack.addOutputs({ NotesTableName: notesTable.tableName });
  return { notesTable };
}
"#
    );
}

#[test]
fn sst_v2_puts_capacity_in_cdk_props_and_tags_through_tags_of() {
    let ts = iac::sst_v2(&provisioned());
    for expected in [
        "projection: [\"total\"],\n        cdk: { index: { readCapacity: 4, writeCapacity: 2 } },",
        "projection: \"keys_only\"",
        "stream: \"new_and_old_images\",",
        "billingMode: BillingMode.PROVISIONED,\n        readCapacity: 10,\n        writeCapacity: 5,",
        "pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },",
        "tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,",
        "Tags.of(ordersTable).add(\"team\", \"shop\");",
        "import { Tags } from \"aws-cdk-lib\";",
    ] {
        assert!(ts.contains(expected), "{expected} in\n{ts}");
    }
}

#[test]
fn sst_config_for_a_small_model() {
    assert_eq!(
        iac::sst(&small()),
        r#"/// <reference path="./.sst/platform/config.d.ts" />
// SST app for the Dynoscope model Demo.

export default $config({
  app(input) {
    return {
      name: "demo",
      removal: input?.stage === "production" ? "retain" : "remove",
      home: "aws",
    };
  },
  async run() {
    // The model's table notes
    const notesTable = new sst.aws.Dynamo("Notes", {
      fields: { userId: "string", noteId: "number" },
      primaryIndex: { hashKey: "userId", rangeKey: "noteId" },
      ttl: "expiresAt",
      transform: { table: { pointInTimeRecovery: { enabled: false } } },
    });
    return { NotesName: notesTable.name };
  },
});
"#
    );
}

#[test]
fn sst_restates_a_provisioned_tables_indexes_with_capacity_in_its_transform() {
    let ts = iac::sst(&provisioned());
    for expected in [
        "globalIndexes: { GSI1: { hashKey: \"GSI1PK\", projection: [\"total\"] } },",
        "localIndexes: {\n        ByCreated: { rangeKey: \"created\", projection: \"keys-only\" },",
        "stream: \"new-and-old-images\",",
        "deletionProtection: true,",
        "billingMode: \"PROVISIONED\",\n          readCapacity: 10,\n          writeCapacity: 5,",
        "name: \"GSI1\",\n              hashKey: \"GSI1PK\",\n              projectionType: \"INCLUDE\",\n              nonKeyAttributes: [\"total\"],\n              readCapacity: 4,\n              writeCapacity: 2,",
        "tableClass: \"STANDARD_INFREQUENT_ACCESS\",",
        "tags: { team: \"shop\" },",
    ] {
        assert!(ts.contains(expected), "{expected} in\n{ts}");
    }
    assert!(
        !ts.contains("pointInTimeRecovery:"),
        "Dynamo turns it on already:\n{ts}"
    );
}

// --- Terraform ------------------------------------------------------------------------------

#[test]
fn terraform_for_a_small_model() {
    assert_eq!(
        iac::terraform(&small()),
        r#"# Terraform configuration for the Dynoscope model Demo.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_dynamodb_table" "notes" {
  name         = "notes"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "userId"
  range_key    = "noteId"

  attribute {
    name = "userId"
    type = "S"
  }

  attribute {
    name = "noteId"
    type = "N"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }
}
"#
    );
}

#[test]
fn terraform_writes_capacity_indexes_and_settings() {
    let tf = iac::terraform(&provisioned());
    for expected in [
        "  billing_mode                = \"PROVISIONED\"\n  read_capacity               = 10\n  write_capacity              = 5\n",
        "  global_secondary_index {\n    name               = \"GSI1\"\n    hash_key           = \"GSI1PK\"\n    projection_type    = \"INCLUDE\"\n    non_key_attributes = [\"total\"]\n    read_capacity      = 4\n    write_capacity     = 2\n  }",
        "  local_secondary_index {\n    name            = \"ByCreated\"\n    range_key       = \"created\"\n    projection_type = \"KEYS_ONLY\"\n  }",
        "  stream_enabled              = true\n  stream_view_type            = \"NEW_AND_OLD_IMAGES\"\n",
        "  table_class                 = \"STANDARD_INFREQUENT_ACCESS\"\n",
        "  deletion_protection_enabled = true\n",
        "  point_in_time_recovery {\n    enabled = true\n  }",
        "  tags                        = {\n    \"team\" = \"shop\"\n  }",
    ] {
        assert!(tf.contains(expected), "{expected} in\n{tf}");
    }
}

#[test]
fn terraform_strings_escape_quotes_and_template_sequences() {
    let tf = iac::terraform(&awkward());
    assert!(
        tf.contains(r#"  hash_key     = "say \"hi\" $${x} %%{y} \\ "#),
        "{tf}"
    );
    assert!(
        tf.contains("resource \"aws_dynamodb_table\" \"table_9lives\" {"),
        "{tf}"
    );
}

// --- rules shared by the exports --------------------------------------------------------------

#[test]
fn names_that_collide_once_made_identifiers_get_numbered() {
    let mut model = small();
    let mut copy = model.tables[0].clone();
    copy.definition.table_name = "Notes".to_owned();
    model.tables.push(copy);
    assert!(iac::cdk_typescript(&model).contains("new TableV2(this, \"Notes2\", {"));
    assert!(iac::terraform(&model).contains("resource \"aws_dynamodb_table\" \"notes2\" {"));
    assert!(iac::sst(&model).contains("const notesTable2 = new sst.aws.Dynamo(\"Notes2\", {"));
}

#[test]
fn a_provisioned_table_without_throughput_gets_five_units_everywhere() {
    let mut model = small();
    model.tables[0].definition.billing_mode = None;
    assert!(iac::cdk_typescript(&model).contains("Capacity.fixed(5)"));
    assert!(iac::sst_v2(&model).contains("readCapacity: 5,"));
    assert!(iac::sst(&model).contains("readCapacity: 5,"));
    assert!(iac::terraform(&model).contains("read_capacity  = 5"));
}

#[test]
fn an_empty_model_still_gives_valid_files() {
    let empty = model(json!([]));
    assert!(iac::cdk_typescript(&empty).ends_with("new DemoStack(app, \"DemoStack\");\n"));
    assert!(iac::sst_v2(&empty).contains("  return {};\n}\n"));
    assert_eq!(iac::aws_cli_json(&empty), "[]\n");
}
