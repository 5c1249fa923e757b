//! CloudFormation export and import: round trips, intrinsic functions, errors with paths and
//! hostile input.

use dynoscope_model::cloudformation::{self, MAX_INPUT_BYTES};
use dynoscope_model::{Model, ModelError};
use serde_json::{Value, json};

/// A model with every table setting the export writes.
fn shop() -> Model {
    Model::from_value(json!({
        "format": "dynoscope-model",
        "version": 1,
        "name": "Shop",
        "tables": [
            {"definition": {
                "TableName": "shop-orders",
                "KeySchema": [
                    {"AttributeName": "PK", "KeyType": "HASH"},
                    {"AttributeName": "SK", "KeyType": "RANGE"}
                ],
                "AttributeDefinitions": [
                    {"AttributeName": "PK", "AttributeType": "S"},
                    {"AttributeName": "SK", "AttributeType": "S"},
                    {"AttributeName": "GSI1PK", "AttributeType": "S"},
                    {"AttributeName": "total", "AttributeType": "N"},
                    {"AttributeName": "on", "AttributeType": "B"}
                ],
                "BillingMode": "PROVISIONED",
                "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5},
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "GSI1",
                        "KeySchema": [
                            {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                            {"AttributeName": "total", "KeyType": "RANGE"}
                        ],
                        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["yes", "it's \"x\""]},
                        "ProvisionedThroughput": {"ReadCapacityUnits": 4, "WriteCapacityUnits": 2}
                    },
                    {
                        "IndexName": "ByOn",
                        "KeySchema": [{"AttributeName": "on", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "KEYS_ONLY"},
                        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
                    }
                ],
                "LocalSecondaryIndexes": [{
                    "IndexName": "ByTotal",
                    "KeySchema": [
                        {"AttributeName": "PK", "KeyType": "HASH"},
                        {"AttributeName": "total", "KeyType": "RANGE"}
                    ],
                    "Projection": {"ProjectionType": "ALL"}
                }],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                "TableClass": "STANDARD_INFREQUENT_ACCESS",
                "DeletionProtectionEnabled": true,
                "Tags": [{"Key": "team", "Value": "checkout"}, {"Key": "n", "Value": "2010-09-09"}],
                "TimeToLiveAttribute": "expiresAt",
                "PointInTimeRecoveryEnabled": false
            }},
            {"definition": {
                "TableName": "Customers",
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
                "BillingMode": "PAY_PER_REQUEST"
            }}
        ]
    }))
    .expect("a valid model")
}

fn definitions(model: &Model) -> Vec<Value> {
    model
        .tables
        .iter()
        .map(|t| serde_json::to_value(&t.definition).expect("serialises"))
        .collect()
}

fn import(text: &str) -> Model {
    cloudformation::import(text).unwrap_or_else(|e| panic!("import failed: {e}\n{text}"))
}

fn notes(text: &str) -> Vec<String> {
    cloudformation::import_with_report(text).expect("imports").1
}

fn error(text: &str) -> ModelError {
    cloudformation::import(text).expect_err("the import should be refused")
}

fn table_name(text: &str) -> String {
    import(text).tables[0].definition.table_name.clone()
}

/// A template with one table around `name` (YAML source for TableName).
fn with_table_name(name: &str) -> String {
    format!(
        "Parameters:\n  Env:\n    Type: String\n    Default: dev\n  Bare:\n    Type: String\n\
         Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      \
         TableName: {name}\n      BillingMode: PAY_PER_REQUEST\n      \
         KeySchema: [{{AttributeName: pk, KeyType: HASH}}]\n      \
         AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]\n"
    )
}

const MINIMAL: &str = "Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
";

// --- round trips -----------------------------------------------------------------------

#[test]
fn yaml_export_imports_back_to_the_same_table_definitions() {
    let model = shop();
    let back = import(&cloudformation::export_yaml(&model));
    assert_eq!(definitions(&back), definitions(&model));
}

#[test]
fn json_export_imports_back_to_the_same_table_definitions() {
    let model = shop();
    let back = import(&cloudformation::export_json(&model));
    assert_eq!(definitions(&back), definitions(&model));
}

#[test]
fn unmodeled_table_properties_survive_import_and_export() {
    let template = format!("{MINIMAL}      SSESpecification:\n        SSEEnabled: true\n");
    let model = import(&template);
    assert_eq!(
        model.tables[0].extra["cloudFormation"],
        json!({"SSESpecification": {"SSEEnabled": true}})
    );
    let again = import(&cloudformation::export_yaml(&model));
    assert_eq!(again.tables[0].extra, model.tables[0].extra);
}

#[test]
fn model_description_becomes_the_template_description_and_back() {
    let mut model = shop();
    model.description = "Orders and customers".to_owned();
    let back = import(&cloudformation::export_yaml(&model));
    assert_eq!(back.description, "Orders and customers");
}

// --- the export's shape ----------------------------------------------------------------

fn exported(model: &Model) -> Value {
    serde_json::from_str(&cloudformation::export_json(model)).expect("the JSON export parses")
}

#[test]
fn export_has_one_table_resource_per_table_with_its_properties() {
    let template = exported(&shop());
    assert_eq!(template["AWSTemplateFormatVersion"], "2010-09-09");
    let orders = &template["Resources"]["ShopOrdersTable"];
    assert_eq!(orders["Type"], "AWS::DynamoDB::Table");
    let props = &orders["Properties"];
    assert_eq!(props["TableName"], "shop-orders");
    assert_eq!(
        props["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    );
    assert_eq!(
        props["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"],
        4
    );
    assert_eq!(
        props["GlobalSecondaryIndexes"][1]["Projection"],
        json!({"ProjectionType": "KEYS_ONLY"})
    );
    assert_eq!(props["LocalSecondaryIndexes"][0]["IndexName"], "ByTotal");
    assert_eq!(
        props["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": false})
    );
    assert_eq!(props["DeletionProtectionEnabled"], true);
    assert_eq!(props["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert_eq!(
        template["Resources"]["CustomersTable"]["Properties"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
}

#[test]
fn stream_is_exported_as_its_view_type_only() {
    let props = &exported(&shop())["Resources"]["ShopOrdersTable"]["Properties"];
    assert_eq!(
        props["StreamSpecification"],
        json!({"StreamViewType": "NEW_AND_OLD_IMAGES"})
    );
}

#[test]
fn a_disabled_stream_is_not_exported() {
    let mut model = shop();
    model.tables[0]
        .definition
        .stream_specification
        .as_mut()
        .expect("stream")
        .stream_enabled = false;
    let props = &exported(&model)["Resources"]["ShopOrdersTable"]["Properties"];
    assert!(props.get("StreamSpecification").is_none());
}

#[test]
fn ttl_is_exported_enabled_with_its_attribute() {
    let props = &exported(&shop())["Resources"]["ShopOrdersTable"]["Properties"];
    assert_eq!(
        props["TimeToLiveSpecification"],
        json!({"AttributeName": "expiresAt", "Enabled": true})
    );
}

#[test]
fn outputs_give_each_tables_name_arn_and_stream_arn() {
    let outputs = &exported(&shop())["Outputs"];
    assert_eq!(
        outputs["ShopOrdersTableName"]["Value"],
        json!({"Ref": "ShopOrdersTable"})
    );
    assert_eq!(
        outputs["ShopOrdersTableArn"]["Value"],
        json!({"Fn::GetAtt": ["ShopOrdersTable", "Arn"]})
    );
    assert!(outputs.get("ShopOrdersTableStreamArn").is_some());
    assert!(outputs.get("CustomersTableStreamArn").is_none());
}

#[test]
fn yaml_export_writes_short_form_intrinsics() {
    let yaml = cloudformation::export_yaml(&shop());
    assert!(yaml.contains("    Value: !Ref ShopOrdersTable\n"), "{yaml}");
    assert!(
        yaml.contains("    Value: !GetAtt ShopOrdersTable.Arn\n"),
        "{yaml}"
    );
}

#[test]
fn yaml_export_quotes_strings_a_yaml_1_1_reader_would_retype() {
    let yaml = cloudformation::export_yaml(&shop());
    for quoted in [
        "\"2010-09-09\"",
        "AttributeName: \"on\"",
        "AttributeType: \"N\"",
        "- \"yes\"",
        "Key: \"n\"",
    ] {
        assert!(yaml.contains(quoted), "{quoted} in\n{yaml}");
    }
    assert!(yaml.contains("Type: AWS::DynamoDB::Table\n"), "{yaml}");
}

#[test]
fn logical_ids_are_alphanumeric_and_unique() {
    let mut model = shop();
    let mut copy = model.tables[1].clone();
    copy.definition.table_name = "customers".to_owned();
    model.tables.push(copy.clone());
    copy.definition.table_name = "9-lives".to_owned();
    model.tables.push(copy);
    let ids = cloudformation::logical_ids(&model);
    assert_eq!(
        ids,
        [
            "ShopOrdersTable",
            "CustomersTable",
            "CustomersTable2",
            "Table9LivesTable"
        ]
    );
    let template = exported(&model);
    assert_eq!(
        template["Resources"].as_object().expect("resources").len(),
        4
    );
}

// --- intrinsic functions ----------------------------------------------------------------

#[test]
fn ref_to_a_parameter_takes_its_default() {
    assert_eq!(table_name(&with_table_name("!Ref Env")), "dev");
}

#[test]
fn ref_to_a_parameter_without_default_takes_the_parameter_name_and_notes_it() {
    let template = with_table_name("!Ref Bare");
    assert_eq!(table_name(&template), "Bare");
    assert!(
        notes(&template)
            .iter()
            .any(|n| n.contains("Ref Bare (no Default)"))
    );
}

#[test]
fn sub_substitutes_pseudo_parameters_and_parameters() {
    let template = with_table_name("!Sub \"${AWS::StackName}-orders-${Env}-${!Literal}\"");
    assert_eq!(table_name(&template), "stack-orders-dev-${Literal}");
}

#[test]
fn sub_with_a_variable_map_uses_its_variables() {
    let template = with_table_name("!Sub [\"${Prefix}-orders\", {Prefix: !Ref Env}]");
    assert_eq!(table_name(&template), "dev-orders");
}

#[test]
fn join_select_and_split_are_evaluated() {
    let template = with_table_name("!Join [\"-\", [a, !Select [1, !Split [\",\", \"x,orders\"]]]]");
    assert_eq!(table_name(&template), "a-orders");
}

#[test]
fn find_in_map_reads_the_mappings() {
    let template = with_table_name("!FindInMap [Names, !Ref Env, table]").replace(
        "Resources:",
        "Mappings:\n  Names:\n    dev:\n      table: dev-orders\nResources:",
    );
    assert_eq!(table_name(&template), "dev-orders");
}

#[test]
fn if_follows_a_condition_the_parameter_defaults_decide() {
    let template = with_table_name("!If [IsProd, prod-orders, dev-orders]").replace(
        "Resources:",
        "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:",
    );
    assert_eq!(table_name(&template), "dev-orders");
}

#[test]
fn if_on_an_undecidable_condition_takes_its_first_branch_and_notes_it() {
    let template = with_table_name("!If [Unknown, first, second]");
    assert_eq!(table_name(&template), "first");
    assert!(
        notes(&template)
            .iter()
            .any(|n| n.contains("Fn::If Unknown"))
    );
}

#[test]
fn no_value_removes_the_property() {
    let template = format!("{MINIMAL}      TableClass: !Ref AWS::NoValue\n");
    assert_eq!(import(&template).tables[0].definition.table_class, None);
}

#[test]
fn get_att_gives_resource_dot_attribute() {
    assert_eq!(
        table_name(&with_table_name("!GetAtt Other.Name")),
        "Other.Name"
    );
}

#[test]
fn numbers_and_booleans_may_be_strings_or_parameters() {
    let template = format!(
        "Parameters:\n  Rcu:\n    Type: Number\n    Default: 7\n{}      \
         ProvisionedThroughput: {{ReadCapacityUnits: !Ref Rcu, WriteCapacityUnits: \"3\"}}\n      \
         DeletionProtectionEnabled: \"true\"\n",
        MINIMAL
    );
    let spec = import(&template).tables[0].definition.clone();
    let throughput = spec.provisioned_throughput.expect("throughput");
    assert_eq!(
        (
            throughput.read_capacity_units,
            throughput.write_capacity_units
        ),
        (7, 3)
    );
    assert_eq!(spec.deletion_protection_enabled, Some(true));
}

#[test]
fn json_templates_use_long_form_intrinsics() {
    let template = json!({
        "Parameters": {"Env": {"Type": "String", "Default": "qa"}},
        "Resources": {"Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": {"Fn::Sub": "${Env}-orders"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]
        }}}
    });
    assert_eq!(table_name(&template.to_string()), "qa-orders");
}

// --- what an import reads and reports ----------------------------------------------------

#[test]
fn other_resources_are_ignored_and_reported() {
    let template = format!("{MINIMAL}  Queue:\n    Type: AWS::SQS::Queue\n");
    let (model, notes) = cloudformation::import_with_report(&template).expect("imports");
    assert_eq!(model.tables.len(), 1);
    assert!(
        notes.contains(
            &"Resources.Queue (AWS::SQS::Queue): not a DynamoDB table, ignored".to_owned()
        )
    );
}

#[test]
fn a_table_without_table_name_is_named_after_its_logical_id() {
    let template = MINIMAL.replace("      TableName: orders\n", "");
    assert_eq!(table_name(&template), "Orders");
    assert!(notes(&template).iter().any(|n| n.contains("no TableName")));
}

#[test]
fn a_global_table_is_read_from_its_first_replica() {
    let template = "Resources:
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: global
      BillingMode: PROVISIONED
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: g, AttributeType: N}]
      WriteProvisionedThroughputSettings:
        WriteCapacityAutoScalingSettings: {MinCapacity: 5, MaxCapacity: 20}
      GlobalSecondaryIndexes:
        - IndexName: G
          KeySchema: [{AttributeName: g, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          WriteProvisionedThroughputSettings:
            WriteCapacityAutoScalingSettings: {MinCapacity: 2, MaxCapacity: 2}
      Replicas:
        - Region: eu-west-1
          ReadProvisionedThroughputSettings: {ReadCapacityUnits: 8}
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
          TableClass: STANDARD
          GlobalSecondaryIndexes:
            - IndexName: G
              ReadProvisionedThroughputSettings: {ReadCapacityUnits: 3}
        - Region: us-east-1
";
    let (model, notes) = cloudformation::import_with_report(template).expect("imports");
    let spec = &model.tables[0].definition;
    let throughput = spec.provisioned_throughput.expect("throughput");
    assert_eq!(
        (
            throughput.read_capacity_units,
            throughput.write_capacity_units
        ),
        (8, 5)
    );
    let index = spec.global_secondary_indexes[0]
        .provisioned_throughput
        .expect("index throughput");
    assert_eq!(
        (index.read_capacity_units, index.write_capacity_units),
        (3, 2)
    );
    assert_eq!(spec.point_in_time_recovery_enabled, Some(true));
    assert!(
        notes
            .iter()
            .any(|n| n.contains("first replica (eu-west-1); replicas in 2 regions"))
    );
    assert!(notes.iter().any(|n| n.contains("autoscaled 5..20")));
}

#[test]
fn a_serverless_simple_table_becomes_a_hash_key_table() {
    let template = "Transform: AWS::Serverless-2016-10-31
Resources:
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: userId, Type: Number}
";
    let spec = import(template).tables[0].definition.clone();
    assert_eq!(spec.partition_key(), Some("userId"));
    assert_eq!(spec.attribute_type("userId"), Some("N"));
    assert!(spec.is_on_demand());
}

// --- errors name their place ----------------------------------------------------------

#[test]
fn a_wrong_key_type_is_refused_at_its_path() {
    let e = error(&MINIMAL.replace("KeyType: HASH", "KeyType: PRIMARY"));
    assert_eq!(
        e.to_string(),
        "Resources.Orders.Properties.KeySchema[0].KeyType: expected HASH or RANGE, found \"PRIMARY\""
    );
}

#[test]
fn a_missing_projection_type_is_refused_at_its_path() {
    let template = format!(
        "{MINIMAL}      GlobalSecondaryIndexes:\n        - IndexName: G\n          \
         KeySchema: [{{AttributeName: pk, KeyType: HASH}}]\n          Projection: {{}}\n"
    );
    let e = error(&template);
    assert_eq!(
        e.location,
        "Resources.Orders.Properties.GlobalSecondaryIndexes[0].Projection.ProjectionType"
    );
    assert_eq!(e.message, "missing");
}

#[test]
fn a_key_attribute_missing_from_attribute_definitions_is_refused() {
    let e = error(&MINIMAL.replace(
        "AttributeName: pk\n          AttributeType",
        "AttributeName: other\n          AttributeType",
    ));
    assert_eq!(
        e.location,
        "Resources.Orders.Properties.KeySchema[0].AttributeName"
    );
    assert_eq!(e.message, "\"pk\" is not in AttributeDefinitions");
}

#[test]
fn capacity_must_be_a_whole_number() {
    let template = format!(
        "{MINIMAL}      ProvisionedThroughput: {{ReadCapacityUnits: lots, WriteCapacityUnits: 1}}\n"
    );
    let e = error(&template);
    assert_eq!(
        e.to_string(),
        "Resources.Orders.Properties.ProvisionedThroughput.ReadCapacityUnits: expected a whole number, found \"lots\""
    );
}

#[test]
fn a_template_without_resources_is_refused() {
    assert_eq!(
        error("AWSTemplateFormatVersion: '2010-09-09'\n").location,
        "Resources"
    );
}

#[test]
fn a_template_without_tables_is_refused() {
    let e = error("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n");
    assert_eq!(e.location, "Resources");
}

#[test]
fn invalid_json_is_refused_with_the_json_error() {
    let e = error("{\"Resources\": ");
    assert!(e.message.starts_with("not valid JSON"), "{e}");
}

#[test]
fn invalid_yaml_is_refused_with_the_yaml_error() {
    let e = error("Resources: [unclosed\n");
    assert!(e.message.starts_with("not valid YAML"), "{e}");
}

#[test]
fn duplicate_keys_are_refused() {
    let e = error(&format!("{MINIMAL}Resources: {{}}\n"));
    assert!(e.message.contains("duplicate key \"Resources\""), "{e}");
}

#[test]
fn several_yaml_documents_are_refused() {
    let e = error(&format!("{MINIMAL}---\n{MINIMAL}"));
    assert!(e.message.contains("one YAML document"), "{e}");
}

// --- hostile input -------------------------------------------------------------------------

#[test]
fn input_over_the_size_cap_is_refused() {
    let text = format!("{MINIMAL}#{}\n", "x".repeat(MAX_INPUT_BYTES));
    assert!(error(&text).message.contains("the most Dynoscope reads"));
}

#[test]
fn deep_yaml_flow_nesting_is_refused() {
    let text = format!("Resources: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(cloudformation::import(&text).is_err());
}

#[test]
fn deep_yaml_block_nesting_is_refused_at_the_depth_cap() {
    let nested: String = (0..300)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    let e = error(&format!("Resources:\n{nested}"));
    assert_eq!(
        e.message,
        "the template nests deeper than 128 levels at line 129"
    );
}

#[test]
fn a_recursive_alias_is_refused() {
    let e = error("Resources: &r\n  T: *r\n");
    assert!(
        e.message
            .starts_with("an alias to an unknown or unfinished anchor"),
        "{e}"
    );
}

#[test]
fn deep_json_nesting_is_refused() {
    let text = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(cloudformation::import(&text).is_err());
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str(&format!(
        "Resources: *a11\n{}",
        &MINIMAL["Resources:\n".len()..]
    ));
    assert!(cloudformation::import(&text).is_err());
}

#[test]
fn a_wide_alias_expansion_is_stopped_by_the_value_budget() {
    let anchor = vec!["x"; 50_000].join(", ");
    let aliases = vec!["*big"; 100_000].join(", ");
    let text = format!("big: &big [{anchor}]\nmany: [{aliases}]\n{MINIMAL}");
    let e = error(&text);
    assert!(
        e.message.contains("values") || e.message.contains("repetition limit"),
        "{e}"
    );
}

/// Pseudo-random YAML-ish text (a fixed linear congruential sequence, so failures repeat).
fn scrambled(seed: u64, length: usize) -> String {
    const PIECES: [&str; 24] = [
        "Resources:",
        "\n",
        "  ",
        "- ",
        ": ",
        "!Ref ",
        "!Sub ",
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\"",
        "'",
        "#",
        "? ",
        "---\n",
        "Type: AWS::DynamoDB::Table",
        "x",
        "5",
        "|\n",
        "%",
    ];
    let mut state = seed;
    (0..length)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            PIECES[(state >> 33) as usize % PIECES.len()]
        })
        .collect()
}

#[test]
fn scrambled_yaml_never_panics() {
    for seed in 0..2_000 {
        let text = scrambled(seed, 40);
        let _ = cloudformation::import_with_report(&text);
    }
}

#[test]
fn odd_input_is_refused_without_panicking() {
    let inputs = [
        "",
        " ",
        "~",
        "null",
        "[]",
        "{}",
        "5",
        "!Ref",
        "!Ref x",
        "Resources: 5",
        "Resources: []",
        "Resources:\n  T: 5\n",
        "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: 5\n",
        "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: !If [a]\n",
        "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub [\"${\"]\n",
        "Resources:\n  T:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties:\n      Replicas: []\n",
        "? [a]\n: b\n",
        "\u{feff}{",
        "{\"Resources\": {\"T\": {\"Type\": 7}}}",
        "*alias",
        "Conditions:\n  A: {Condition: A}\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !If [A, x, y]\n",
    ];
    for input in inputs {
        assert!(
            cloudformation::import(input).is_err(),
            "{input:?} should be refused"
        );
    }
}
