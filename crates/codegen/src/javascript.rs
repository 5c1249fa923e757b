//! The request as a program for the AWS SDK for JavaScript v3: an ES module that imports the
//! client and the operation's command from `@aws-sdk/client-dynamodb` (or
//! `@aws-sdk/client-dynamodb-streams`), sends the command with top-level await and logs the
//! response. Binary values become `Uint8Array`s decoded with `atob` (Node 16 and browsers
//! alike) and timestamps `Date`s, the types the SDK's serializers expect; keys are bare
//! identifiers where JavaScript allows it, two spaces indent as Prettier would.

use crate::layout::{self, Syntax};
use crate::literal::{Literal, Timestamp};
use crate::operation::{Operation, Service};

pub(crate) fn program(operation: &Operation<'_>, request: &[(String, Literal)]) -> String {
    let (client, package) = match operation.service {
        Service::DynamoDb => ("DynamoDBClient", "@aws-sdk/client-dynamodb"),
        Service::Streams => ("DynamoDBStreamsClient", "@aws-sdk/client-dynamodb-streams"),
    };
    let command = format!("{}Command", operation.name);
    let mut out = format!(
        "import {{ {client}, {command} }} from \"{package}\";\n\
         \n\
         const client = new {client}({{}});\n\
         const response = await client.send(new {command}({{"
    );
    if request.is_empty() {
        out.push('}');
    } else {
        out.push('\n');
        layout::write_entries(&JavaScript, request, 1, &mut out);
        out.push('}');
    }
    out.push_str("));\nconsole.log(JSON.stringify(response, null, 2));\n");
    out
}

struct JavaScript;

impl Syntax for JavaScript {
    const INDENT: &'static str = "  ";
    const MAP_PADDING: &'static str = " ";

    fn scalar(&self, literal: &Literal, out: &mut String) {
        match literal {
            Literal::Null => out.push_str("null"),
            Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Literal::Number(n) => out.push_str(n),
            Literal::String(text) => layout::quote(text, out),
            Literal::Bytes(bytes) => {
                use base64::Engine as _;
                let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                out.push_str(&format!(
                    "Uint8Array.from(atob(\"{base64}\"), (c) => c.charCodeAt(0))"
                ));
            }
            Literal::Timestamp(Timestamp::Seconds(seconds)) => {
                out.push_str(&format!("new Date({seconds} * 1000)"));
            }
            Literal::Timestamp(Timestamp::Text(text)) => {
                out.push_str("new Date(");
                layout::quote(text, out);
                out.push(')');
            }
            // Containers are laid out by `layout`; nothing reaches here.
            Literal::List(_) | Literal::Map(_) => {}
        }
    }

    fn key(&self, key: &str, out: &mut String) {
        if key == "__proto__" {
            // `__proto__: v` and `"__proto__": v` set the object's prototype; a computed
            // key makes an ordinary property.
            out.push_str("[\"__proto__\"]");
        } else if is_identifier(key) {
            out.push_str(key);
        } else {
            layout::quote(key, out);
        }
    }
}

/// An ASCII JavaScript identifier (reserved words are fine as property names).
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}
