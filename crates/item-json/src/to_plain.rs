//! DynamoDB JSON to plain JSON. S is a string, BOOL `true`/`false`, NULL `null`, M an
//! object, L and the three sets arrays, B `{"$binary": "<base64>"}`. An N is a JSON number
//! when a double holds it exactly (it reads back as the same number, as JavaScript's
//! `JSON.parse` would read it); otherwise it follows the user's choice: a JSON number
//! anyway, every digit kept, or a string. Its text is kept when it is JSON number syntax
//! and normalised (`.5` is `0.5`) when it is not. Plain JSON cannot say everything DynamoDB
//! JSON can, so the result is converted back with the same choices and every attribute
//! that would not come back the same is named in a note (a string set that would come back
//! a list, a list of strings that would come back a set, …).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use dynoscope_engine::Number;

use crate::text::{self, Json};
use crate::{
    BINARY_KEY, Choices, Converted, Numbers, Problem, element_path, member_path, to_dynamodb,
};

/// Most notes given; the rest are counted.
const MAX_NOTES: usize = 10;

/// The DynamoDB JSON item `text` as plain JSON, with notes on what would not come back.
pub fn to_plain(text: &str, choices: &Choices) -> Result<Converted, Problem> {
    let members = crate::read_item(text, r#"{"pk": {"S": "a"}}"#)?;
    let plain: Vec<(String, Json)> = members
        .iter()
        .map(|(name, av)| Ok((name.clone(), value(av, &member_path("", name), choices)?)))
        .collect::<Result<_, Problem>>()?;
    let mut notes = Vec::new();
    match to_dynamodb::item(&plain, choices) {
        Ok(Json::Object(back)) => {
            for ((name, original), (_, again)) in members.iter().zip(&back) {
                compare(original, again, &member_path("", name), &mut notes);
            }
        }
        Ok(_) => {}
        Err(problem) => notes.push(format!(
            "With these choices the plain JSON will not convert back as it is: {problem}"
        )),
    }
    if notes.len() > MAX_NOTES {
        let more = notes.len() - MAX_NOTES;
        notes.truncate(MAX_NOTES);
        notes.push(format!("… and {more} more."));
    }
    Ok(Converted {
        text: text::write(&Json::Object(plain)),
        notes,
    })
}

/// The types an AttributeValue may have, as DynamoDB spells them.
const TYPES: &str = "S, N, B, BOOL, NULL, M, L, SS, NS or BS";

/// The AttributeValue `av` at `path` as a plain value.
fn value(av: &Json, path: &str, choices: &Choices) -> Result<Json, Problem> {
    let Json::Object(members) = av else {
        return Err(not_attribute_value(path));
    };
    let [(kind, inner)] = members.as_slice() else {
        return Err(not_attribute_value(path));
    };
    Ok(match (kind.as_str(), inner) {
        ("S", Json::String(s)) => Json::String(s.clone()),
        ("N", Json::String(n)) => number(n, path, choices)?,
        ("B", Json::String(b)) => binary(b, path)?,
        ("BOOL", Json::Bool(b)) => Json::Bool(*b),
        ("NULL", Json::Bool(true)) => Json::Null,
        ("M", Json::Object(members)) => Json::Object(
            members
                .iter()
                .map(|(k, v)| Ok((k.clone(), value(v, &member_path(path, k), choices)?)))
                .collect::<Result<_, Problem>>()?,
        ),
        ("L", Json::Array(elements)) => Json::Array(
            elements
                .iter()
                .enumerate()
                .map(|(i, e)| value(e, &element_path(path, i), choices))
                .collect::<Result<_, _>>()?,
        ),
        (kind @ ("SS" | "NS" | "BS"), inner) => {
            let Some(members) = set_members(inner, path) else {
                return Err(Problem::at(
                    path,
                    format!("{kind} holds an array of JSON strings"),
                ));
            };
            Json::Array(
                members
                    .into_iter()
                    .map(|(at, member)| match kind {
                        "SS" => Ok(Json::String(member.to_owned())),
                        "NS" => number(member, &at, choices),
                        _ => binary(member, &at),
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
        ("NULL", _) => return Err(Problem::at(path, "NULL takes true: {\"NULL\": true}")),
        (kind @ ("S" | "N" | "B"), _) => {
            return Err(Problem::at(
                path,
                format!("{kind} holds its value as a JSON string, e.g. {{\"{kind}\": \"…\"}}"),
            ));
        }
        ("BOOL", _) => return Err(Problem::at(path, "BOOL takes true or false")),
        ("M", _) => return Err(Problem::at(path, "M holds an object of attributes")),
        ("L", _) => return Err(Problem::at(path, "L holds an array of attribute values")),
        (other, _) => {
            return Err(Problem::at(
                path,
                format!(
                    "\"{other}\" is not a DynamoDB type; an attribute value's type is one of {TYPES}"
                ),
            ));
        }
    })
}

/// The members of a set, each with its path, when `inner` is an array of strings.
fn set_members<'a>(inner: &'a Json, path: &str) -> Option<Vec<(String, &'a str)>> {
    let Json::Array(elements) = inner else {
        return None;
    };
    elements
        .iter()
        .enumerate()
        .map(|(i, e)| match e {
            Json::String(s) => Some((element_path(path, i), s.as_str())),
            _ => None,
        })
        .collect()
}

fn not_attribute_value(path: &str) -> Problem {
    Problem::at(
        path,
        format!(
            "an attribute value in DynamoDB JSON is an object with one type, such as {{\"S\": \"text\"}}; the type is one of {TYPES}"
        ),
    )
}

/// The N `text` as a plain value: a JSON number, or a string when the user chose strings
/// for what a double cannot hold.
fn number(text: &str, path: &str, choices: &Choices) -> Result<Json, Problem> {
    let parsed = Number::parse(text).map_err(|e| {
        Problem::at(
            path,
            format!("\"{text}\" is not a DynamoDB number: {}", e.message()),
        )
    })?;
    let written = if text::is_json_number(text) {
        text.to_owned()
    } else {
        parsed.to_string()
    };
    if choices.numbers == Numbers::Strings && !double_holds(&parsed, &written) {
        Ok(Json::String(written))
    } else {
        Ok(Json::Number(written))
    }
}

/// True when a double holds `number` exactly: the shortest text of the nearest double is
/// the same number (`0.1`, `1e-130`, 2^53 do; `9007199254740993` and 38-digit numbers do
/// not).
pub fn double_holds(number: &Number, text: &str) -> bool {
    match text.parse::<f64>() {
        Ok(double) if double.is_finite() => {
            Number::parse(&format!("{double:e}")).is_ok_and(|back| back == *number)
        }
        _ => false,
    }
}

/// The B `b64` as `{"$binary": "<base64>"}`, checked.
fn binary(b64: &str, path: &str) -> Result<Json, Problem> {
    match BASE64.decode(b64) {
        Ok(_) => Ok(Json::tagged(BINARY_KEY, Json::String(b64.to_owned()))),
        Err(e) => Err(Problem::at(
            path,
            format!("\"{b64}\" is not base64 (standard alphabet, padded): {e}"),
        )),
    }
}

/// Notes on where `again` (the plain value converted back) differs from `original`.
fn compare(original: &Json, again: &Json, path: &str, notes: &mut Vec<String>) {
    let (Some((kind, inner)), Some((kind_again, inner_again))) = (single(original), single(again))
    else {
        return;
    };
    if kind != kind_again {
        notes.push(format!(
            "{path}: {} comes back as {}{}.",
            describe(kind),
            describe(kind_again),
            why(kind, kind_again)
        ));
        return;
    }
    match (inner, inner_again) {
        (Json::Object(members), Json::Object(_)) if kind == "M" => {
            for (name, member) in members {
                if let Some(member_again) = inner_again.get(name) {
                    compare(member, member_again, &member_path(path, name), notes);
                }
            }
        }
        (Json::Array(elements), Json::Array(elements_again)) if kind == "L" => {
            for (i, (e, e_again)) in elements.iter().zip(elements_again).enumerate() {
                compare(e, e_again, &element_path(path, i), notes);
            }
        }
        _ => {}
    }
}

/// The type and content of an AttributeValue.
fn single(av: &Json) -> Option<(&str, &Json)> {
    match av {
        Json::Object(members) if members.len() == 1 => Some((members[0].0.as_str(), &members[0].1)),
        _ => None,
    }
}

fn describe(kind: &str) -> String {
    let name = match kind {
        "S" => "a string",
        "N" => "a number",
        "B" => "binary",
        "BOOL" => "a boolean",
        "NULL" => "null",
        "M" => "a map",
        "L" => "a list",
        "SS" => "a string set",
        "NS" => "a number set",
        "BS" => "a binary set",
        _ => "a value",
    };
    format!("{name} ({kind})")
}

/// Which choice keeps a value's type, when one does.
fn why(kind: &str, kind_again: &str) -> &'static str {
    match (kind, kind_again) {
        ("BS", "L") => {
            " (choose sets for arrays and {\"$binary\"} as binary to keep it a binary set)"
        }
        ("SS" | "NS", "L") => " (choose sets for arrays to keep it a set)",
        ("L", "SS" | "NS" | "BS") => " (choose lists for arrays to keep it a list)",
        ("N", "S") => " (a double cannot hold it exactly and strings were chosen for such numbers)",
        ("B", "M") => " (choose {\"$binary\"} as binary to keep it binary)",
        ("M", "B") => {
            " (a map holding only \"$binary\" reads as binary; choose no binary to keep it a map)"
        }
        _ => "",
    }
}
