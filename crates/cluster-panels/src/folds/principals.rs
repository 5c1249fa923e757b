//! The IAM fold: the principals requests can be signed as (listed, edited, deleted), the
//! editor (access key id, name, identity policy documents as JSON text) whose refusals
//! show beside it in DynamoDB's words, and the policy explainer: a principal, an operation
//! and a request body (prefilled for the table shown) judged by `Dynoscope_ExplainAccess`,
//! each action on each resource with its condition keys and the deciding statement quoted
//! from its policy, and the same request sent as that principal with the real answer.

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::{
    AccessDecision, AccessExplanation, PrincipalView, PrincipalsList,
};
use serde_json::{Value, json};

use super::{Call, Drawn, Fields, Flow, Panel, button, field, key_attributes, notice};

/// The operations the explainer offers.
pub const OPERATIONS: &[&str] = &[
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactWriteItems",
];

/// Policy documents the editor shows at most.
const MAX_POLICIES: usize = 10;

pub struct Principals {
    pub table: String,
}

impl Principals {
    fn principals(flow: &Flow) -> Vec<PrincipalView> {
        flow.read::<PrincipalsList>("principals")
            .map(|l| l.principals)
            .or_else(|| serde_json::from_value(flow.memory["principals"].clone()).ok())
            .unwrap_or_default()
    }

    /// The editor's and the explainer's fields to start from: a user confined to the
    /// partition named after them in this table.
    fn defaults(&self, flow: &Flow) -> Fields {
        let arn = flow.memory["tableArn"].as_str().unwrap_or("*");
        let key = first_key(flow);
        // Written out in the order people read a policy in (serde_json sorts keys).
        let policy = format!(
            r#"{{
  "Version": "2012-10-17",
  "Statement": [{{
    "Sid": "OwnPartitionOnly",
    "Effect": "Allow",
    "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
    "Resource": {},
    "Condition": {{
      "ForAllValues:StringEquals": {{"dynamodb:LeadingKeys": ["${{aws:username}}"]}}
    }}
  }}]
}}"#,
            json!(arn)
        );
        let mut fields = Fields::new();
        fields.insert("access-key-id".into(), "AKIAALICE".into());
        fields.insert("name".into(), "alice".into());
        fields.insert("policy-0".into(), policy);
        fields.insert("operation".into(), "GetItem".into());
        fields.insert("request".into(), template(&self.table, &key, "GetItem"));
        fields
    }
}

/// The table's partition key `(name, type)`, as the last draw read it.
fn first_key(flow: &Flow) -> (String, String) {
    serde_json::from_value::<Vec<(String, String)>>(flow.memory["keys"].clone())
        .ok()
        .and_then(|k| k.into_iter().next())
        .unwrap_or_else(|| ("pk".to_owned(), "S".to_owned()))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A request of `operation` on `table` for the partition `alice`, as JSON text with its
/// members in the order DynamoDB's documentation writes them.
pub fn template(table: &str, key: &(String, String), operation: &str) -> String {
    let (name, kind) = key;
    let sample = match kind.as_str() {
        "N" => "1",
        "B" => "YWxpY2U=",
        _ => "alice",
    };
    let (table, name) = (json!(table), json!(name));
    let value = format!("{{{}: {}}}", json!(kind), json!(sample));
    let key = format!("{{{name}: {value}}}");
    match operation {
        "PutItem" => format!("{{\n  \"TableName\": {table},\n  \"Item\": {key}\n}}"),
        "UpdateItem" => format!(
            "{{\n  \"TableName\": {table},\n  \"Key\": {key},\n  \"UpdateExpression\": \"SET #n = :v\",\n  \"ExpressionAttributeNames\": {{\"#n\": \"note\"}},\n  \"ExpressionAttributeValues\": {{\":v\": {{\"S\": \"hello\"}}}}\n}}"
        ),
        "Query" => format!(
            "{{\n  \"TableName\": {table},\n  \"KeyConditionExpression\": \"#k = :k\",\n  \"ExpressionAttributeNames\": {{\"#k\": {name}}},\n  \"ExpressionAttributeValues\": {{\":k\": {value}}}\n}}"
        ),
        "Scan" => format!("{{\n  \"TableName\": {table}\n}}"),
        "BatchGetItem" => {
            format!("{{\n  \"RequestItems\": {{\n    {table}: {{\"Keys\": [{key}]}}\n  }}\n}}")
        }
        "TransactWriteItems" => format!(
            "{{\n  \"TransactItems\": [\n    {{\"Put\": {{\"TableName\": {table}, \"Item\": {key}}}}}\n  ]\n}}"
        ),
        _ => format!("{{\n  \"TableName\": {table},\n  \"Key\": {key}\n}}"),
    }
}

impl Panel for Principals {
    fn first_reads(&self, _flow: &Flow) -> Vec<Call> {
        vec![
            Call::new("principals", "Dynoscope_ListPrincipals", json!({})),
            Call::new(
                "describe",
                "DescribeTable",
                json!({ "TableName": self.table }),
            ),
        ]
    }

    fn second_reads(&self, _flow: &Flow) -> Vec<Call> {
        Vec::new()
    }

    fn button(&self, flow: &mut Flow, name: &str, fields: &Fields) -> Result<Vec<Call>, String> {
        let (verb, key) = name.split_once(':').unwrap_or((name, ""));
        match verb {
            "save" => {
                let policies: Vec<&String> = (0..MAX_POLICIES)
                    .filter_map(|i| fields.get(&format!("policy-{i}")))
                    .filter(|p| !p.trim().is_empty())
                    .collect();
                let mut request = json!({
                    "AccessKeyId": fields.get("access-key-id").map(|k| k.trim()).unwrap_or(""),
                    "Name": fields.get("name").map(|n| n.trim()).unwrap_or(""),
                    "Policies": policies,
                });
                let variables = fields.get("variables").map(|v| v.trim()).unwrap_or("");
                if !variables.is_empty() {
                    request["Variables"] = serde_json::from_str(variables).map_err(|e| {
                        format!("Policy variables must be a JSON object of strings: {e}")
                    })?;
                }
                flow.memory["done"] = json!(format!(
                    "Saved: requests signed with access key id {} are now authorized as {}.",
                    request["AccessKeyId"].as_str().unwrap_or(""),
                    request["Name"].as_str().unwrap_or("")
                ));
                Ok(vec![Call::new("action", "Dynoscope_PutPrincipal", request)])
            }
            "delete" => {
                flow.memory["done"] = json!(format!(
                    "Deleted {key}: its requests now act as the account's administrator."
                ));
                Ok(vec![Call::new(
                    "action",
                    "Dynoscope_DeletePrincipal",
                    json!({ "AccessKeyId": key }),
                )])
            }
            "edit" => {
                let principal = (Self::principals(flow).into_iter())
                    .find(|p| p.access_key_id == key)
                    .ok_or_else(|| format!("No principal {key} any more."))?;
                let mut fill = fields.clone();
                fill.retain(|name, _| !name.starts_with("policy-"));
                fill.insert("access-key-id".into(), principal.access_key_id);
                fill.insert("name".into(), principal.name);
                for (i, policy) in principal.policies.iter().enumerate() {
                    fill.insert(format!("policy-{i}"), policy.clone());
                }
                fill.insert(
                    "variables".into(),
                    if principal.variables.is_empty() {
                        String::new()
                    } else {
                        serde_json::to_string(&principal.variables).unwrap_or_default()
                    },
                );
                flow.fill = Some(fill);
                Ok(Vec::new())
            }
            "add-policy" => {
                let mut fill = fields.clone();
                let next = (0..MAX_POLICIES)
                    .find(|i| !fill.contains_key(&format!("policy-{i}")))
                    .ok_or_else(|| format!("The editor holds at most {MAX_POLICIES} policies."))?;
                fill.insert(format!("policy-{next}"), String::new());
                flow.fill = Some(fill);
                Ok(Vec::new())
            }
            "new" => {
                let mut fill = self.defaults(flow);
                fill.retain(|name, _| name != "access-key-id" && name != "name");
                for (name, value) in fields {
                    if name == "operation" || name == "request" || name == "as" {
                        fill.insert(name.clone(), value.clone());
                    }
                }
                fill.insert("policy-0".into(), String::new());
                flow.fill = Some(fill);
                Ok(Vec::new())
            }
            "prefill" => {
                let operation = fields.get("operation").cloned().unwrap_or_default();
                let mut fill = fields.clone();
                fill.insert(
                    "request".into(),
                    template(&self.table, &first_key(flow), &operation),
                );
                flow.fill = Some(fill);
                Ok(Vec::new())
            }
            "explain" | "send-as" => {
                let principal = fields.get("as").cloned().unwrap_or_default();
                if principal.is_empty() {
                    return Err("Save a principal first, then pick it here.".to_owned());
                }
                let operation = fields.get("operation").cloned().unwrap_or_default();
                let request: Value =
                    serde_json::from_str(fields.get("request").map(String::as_str).unwrap_or(""))
                        .map_err(|e| format!("The request body is not JSON: {e}"))?;
                flow.memory["asked"] = json!({ "principal": principal, "operation": operation });
                let call = if verb == "explain" {
                    Call::new(
                        "action-explain",
                        "Dynoscope_ExplainAccess",
                        json!({ "AccessKeyId": principal, "Operation": operation, "Request": request }),
                    )
                } else {
                    let operation = OPERATIONS
                        .iter()
                        .find(|o| **o == operation)
                        .ok_or_else(|| format!("The explainer does not send {operation}."))?;
                    Call::new("action-send", operation, request)
                        .with(json!({ "accessKeyId": principal }))
                };
                Ok(vec![call])
            }
            other => Err(format!("This fold has no button {other}.")),
        }
    }

    fn after_button(&self, flow: &mut Flow) {
        if let Some(outcome) = flow.got.get("action-explain").cloned() {
            flow.memory["explained"] = outcome;
            flow.memory["sent"] = Value::Null;
            return;
        }
        if let Some(outcome) = flow.got.get("action-send").cloned() {
            flow.memory["sent"] = outcome;
            return;
        }
        let done = flow.memory["done"].as_str().unwrap_or("Done.").to_owned();
        flow.notice = notice(flow, &done);
        if flow.notice.contains("bx-refusal") {
            // Keep what was typed beside its refusal.
            flow.forms = false;
        }
    }

    fn draw(&self, flow: &mut Flow, fields: &Fields, _offset: i64) -> Drawn {
        if let Some(describe) = flow.ok("describe").cloned() {
            let describe = &describe;
            flow.memory["tableArn"] = describe["Table"]["TableArn"].clone();
            flow.memory["keys"] = json!(key_attributes(describe));
        }
        let principals = Self::principals(flow);
        flow.memory["principals"] = json!(principals);
        let mut hosts = vec![
            (
                "[data-bx-body=\"principals\"]".to_owned(),
                list_html(&principals, flow),
            ),
            (
                "[data-bx-explained=\"principals\"]".to_owned(),
                explained_html(flow, &principals),
            ),
        ];
        if flow.forms {
            let fill = match &flow.fill {
                Some(fill) => fill.clone(),
                None if fields.is_empty() => self.defaults(flow),
                None => fields.clone(),
            };
            hosts.push((
                "[data-bx-forms=\"principals\"]".to_owned(),
                forms_html(&principals, &fill),
            ));
        }
        hosts.push((
            "[data-bx-notice=\"principals\"]".to_owned(),
            flow.notice.clone(),
        ));
        Drawn { hosts, poll: false }
    }
}

/// The principals as a table with their buttons.
fn list_html(principals: &[PrincipalView], flow: &Flow) -> String {
    if let Some(error) = flow.error("principals") {
        return format!("<p class=\"error\" role=\"alert\">{}</p>", escape(&error));
    }
    if principals.is_empty() {
        return "<p class=\"muted\" data-testid=\"principals-none\">No principals: every request acts as the account's administrator. Save one below, then sign requests with its access key id (send's {accessKeyId}, or an SDK client's credentials).</p>".to_owned();
    }
    let rows: String = (principals.iter())
        .map(|p| {
            format!(
                "<tr data-testid=\"principal-row\" data-key=\"{k}\"><td><code>{k}</code></td><td>{}</td><td><code>{}</code></td><td title=\"Identity policy documents\">{}</td><td>{}{}</td></tr>",
                escape(&p.name),
                escape(&p.arn),
                p.policies.len(),
                button(&format!("edit:{}", p.access_key_id), "Edit", "small"),
                button(&format!("delete:{}", p.access_key_id), "Delete", "small danger"),
                k = escape(&p.access_key_id),
            )
        })
        .collect();
    format!(
        "<table class=\"bx-table\" data-testid=\"principals\"><caption>Principals: a request signed with one's access key id is authorized against its policies</caption>\
         <thead><tr><th scope=\"col\">Access key id</th><th scope=\"col\">Name</th><th scope=\"col\">User ARN</th><th scope=\"col\">Policies</th><th scope=\"col\"></th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

/// The editor and the explainer's form.
fn forms_html(principals: &[PrincipalView], fields: &Fields) -> String {
    let mut policies = String::new();
    for i in 0..MAX_POLICIES {
        let name = format!("policy-{i}");
        let Some(text) = fields.get(&name) else {
            if i == 0 {
                policies += &textarea(&name, "Policy 1", "", 10);
            }
            continue;
        };
        policies += &textarea(&name, &format!("Policy {}", i + 1), text, 10);
    }
    let chosen = fields.get("as").map(String::as_str).unwrap_or("");
    let principal_options: String = (principals.iter())
        .map(|p| {
            format!(
                "<option value=\"{k}\"{}>{} ({k})</option>",
                if p.access_key_id == chosen {
                    " selected"
                } else {
                    ""
                },
                escape(&p.name),
                k = escape(&p.access_key_id)
            )
        })
        .collect();
    let operation = fields
        .get("operation")
        .map(String::as_str)
        .unwrap_or("GetItem");
    let operation_options: String = (OPERATIONS.iter())
        .map(|o| {
            format!(
                "<option{}>{o}</option>",
                if *o == operation { " selected" } else { "" }
            )
        })
        .collect();
    format!(
        "<div class=\"bx-forms bx-iam\">\
         <fieldset data-testid=\"principal-editor\"><legend>Principal</legend>{}{}{policies}\
         <details class=\"bx-variables\"><summary>Policy variables</summary>{}\
         <p class=\"muted\">Values for variables beyond ${{aws:username}} (the name) and ${{aws:userid}} (the access key id), as JSON: {{\"cognito-identity.amazonaws.com:sub\": \"us-east-1:1234\"}}.</p></details>\
         <div class=\"button-row\">{}{}{}</div><div data-bx-notice=\"principals\"></div></fieldset>\
         <fieldset data-testid=\"explainer\"><legend>Policy explainer</legend>\
         <label>As <select name=\"as\" data-testid=\"bx-as\">{principal_options}</select></label>\
         <label>Operation <select name=\"operation\" data-testid=\"bx-operation\" data-bx-change=\"prefill\">{operation_options}</select></label>\
         {}<div class=\"button-row\">{}{}</div></fieldset></div>",
        field("Access key id", "access-key-id", fields, "AKIAALICE"),
        field("Name", "name", fields, "alice"),
        textarea(
            "variables",
            "Variables",
            fields.get("variables").map(String::as_str).unwrap_or(""),
            2
        ),
        button("save", "Save principal", "small"),
        button("add-policy", "Add another policy", "small"),
        button("new", "New principal", "small"),
        textarea(
            "request",
            "Request",
            fields.get("request").map(String::as_str).unwrap_or(""),
            8
        ),
        button("explain", "Explain", "small"),
        button("send-as", "Send as this principal", "small"),
    )
}

fn textarea(name: &str, label: &str, text: &str, rows: u32) -> String {
    format!(
        "<label class=\"bx-text\">{} <textarea name=\"{n}\" rows=\"{rows}\" spellcheck=\"false\" data-testid=\"bx-{n}\">{}</textarea></label>",
        escape(label),
        escape(text),
        n = escape(name)
    )
}

/// The explainer's answer and what sending the request as the principal came to.
fn explained_html(flow: &Flow, principals: &[PrincipalView]) -> String {
    let mut out = String::new();
    let explained = &flow.memory["explained"];
    if let Some(error) = explained.get("error") {
        out += &format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            escape(&super::error_text(error))
        );
    } else if let Some(answer) = explained.get("ok")
        && let Ok(explanation) = serde_json::from_value::<AccessExplanation>(answer.clone())
    {
        let key = flow.memory["asked"]["principal"].as_str().unwrap_or("");
        let principal = principals.iter().find(|p| p.access_key_id == key);
        out += &explanation_html(&explanation, principal, &flow.memory["asked"]);
    }
    let sent = &flow.memory["sent"];
    match (sent.get("ok"), sent.get("error")) {
        (Some(response), _) => {
            out += &format!(
                "<div class=\"bx-sent\" data-testid=\"sent-as\" data-ok=\"true\"><p class=\"ok\">Sent as {}: DynamoDB answered</p><pre>{}</pre></div>",
                escape(flow.memory["asked"]["principal"].as_str().unwrap_or("")),
                escape(&pretty(response))
            );
        }
        (_, Some(error)) => {
            out += &format!(
                "<div class=\"bx-sent\" data-testid=\"sent-as\" data-ok=\"false\"><p class=\"error\" role=\"alert\">Sent as {}: {}</p></div>",
                escape(flow.memory["asked"]["principal"].as_str().unwrap_or("")),
                escape(&super::error_text(error))
            );
        }
        _ => {}
    }
    out
}

fn decision_words(decision: AccessDecision) -> (&'static str, &'static str) {
    match decision {
        AccessDecision::Allowed => ("ALLOWED", "a statement allows it and none denies it"),
        AccessDecision::ExplicitDeny => (
            "EXPLICIT_DENY",
            "a statement denies it; a deny wins over any allow",
        ),
        AccessDecision::ImplicitDeny => (
            "IMPLICIT_DENY",
            "no statement allows it, so it is denied by default",
        ),
        AccessDecision::Administrator => (
            "ADMINISTRATOR",
            "the access key names no principal: the request acts as the account's administrator",
        ),
    }
}

/// The decision, then each action on each resource with its condition keys and the
/// deciding statement, quoted.
fn explanation_html(
    explanation: &AccessExplanation,
    principal: Option<&PrincipalView>,
    asked: &Value,
) -> String {
    let (word, why) = decision_words(explanation.decision);
    let mut out = format!(
        "<div class=\"bx-explained\" data-testid=\"explanation\" data-decision=\"{word}\"><p class=\"bx-decision {}\"><strong>{word}</strong>: {} sent as {} {}: {why}.</p>",
        if explanation.decision == AccessDecision::Allowed
            || explanation.decision == AccessDecision::Administrator
        {
            "ok"
        } else {
            "error"
        },
        escape(asked["operation"].as_str().unwrap_or("")),
        escape(explanation.principal.as_deref().unwrap_or("this key")),
        if matches!(
            explanation.decision,
            AccessDecision::Allowed | AccessDecision::Administrator
        ) {
            "would run"
        } else {
            "would be refused"
        },
    );
    for auth in &explanation.authorizations {
        let (word, why) = decision_words(auth.decision);
        let keys: String = (auth.context_keys.iter())
            .map(|(k, v)| {
                format!(
                    "<li><code>{}</code> = {}</li>",
                    escape(k),
                    if v.is_empty() {
                        "absent".to_owned()
                    } else {
                        v.iter()
                            .map(|s| format!("<code>{}</code>", escape(s)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )
            })
            .collect();
        let keys = if keys.is_empty() {
            "<p class=\"muted\">No condition keys.</p>".to_owned()
        } else {
            format!("<ul class=\"bx-keys\">{keys}</ul>")
        };
        let deciding = match (auth.policy, auth.statement) {
            (Some(p), Some(s)) => {
                let quoted = principal
                    .and_then(|pr| pr.policies.get(p))
                    .and_then(|text| serde_json::from_str::<Value>(text).ok())
                    .map(|doc| {
                        let statement = match &doc["Statement"] {
                            Value::Array(list) => list.get(s).cloned().unwrap_or_default(),
                            single => single.clone(),
                        };
                        format!("<pre>{}</pre>", escape(&pretty(&statement)))
                    })
                    .unwrap_or_default();
                format!(
                    "<p data-testid=\"deciding-statement\">Decided by policy {}, statement {}{}</p>{quoted}",
                    p + 1,
                    s + 1,
                    auth.sid
                        .as_ref()
                        .map(|sid| format!(" (Sid <strong>{}</strong>)", escape(sid)))
                        .unwrap_or_default()
                )
            }
            _ => "<p data-testid=\"deciding-statement\">No statement applies.</p>".to_owned(),
        };
        out += &format!(
            "<section class=\"bx-auth\" data-testid=\"authorization\" data-decision=\"{word}\"><h5><code>{}</code> on <code>{}</code>: {word}</h5><p class=\"muted\">{why}.</p>{keys}{deciding}</section>",
            escape(&auth.action),
            escape(&auth.resource),
        );
    }
    out + "</div>"
}
