//! Plain JSON to DynamoDB JSON. `null` is NULL, `true`/`false` BOOL, a string S, an object
//! M, and a number N with the text it was written with (checked against DynamoDB's 38
//! significant digits and its range, so a number DynamoDB would refuse is named here). An
//! array is a list (L) unless the user chose sets: then a non-empty array of only strings,
//! only numbers or only binaries is a set (SS, NS, BS), and a member given twice is a
//! problem, since DynamoDB refuses duplicates; an empty or mixed array stays a list. With
//! binary on, `{"$binary": "<base64>"}` is B.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use dynoscope_engine::Number;

use crate::text::{self, Json};
use crate::{BINARY_KEY, Binary, Choices, Converted, Problem, Sets, element_path, member_path};

/// The plain JSON item `text` as DynamoDB JSON.
pub fn to_dynamodb(text: &str, choices: &Choices) -> Result<Converted, Problem> {
    let members = crate::read_item(text, r#"{"pk": "a", "n": 1}"#)?;
    Ok(Converted {
        text: text::write(&item(&members, choices)?),
        notes: Vec::new(),
    })
}

/// The attributes `members` (plain values) as a DynamoDB JSON item.
pub(crate) fn item(members: &[(String, Json)], choices: &Choices) -> Result<Json, Problem> {
    members
        .iter()
        .map(|(name, value)| {
            Ok((
                name.clone(),
                attribute(value, &member_path("", name), choices)?,
            ))
        })
        .collect::<Result<_, _>>()
        .map(Json::Object)
}

/// One plain value at `path` as an AttributeValue.
fn attribute(value: &Json, path: &str, choices: &Choices) -> Result<Json, Problem> {
    Ok(match value {
        Json::Null => Json::tagged("NULL", Json::Bool(true)),
        Json::Bool(b) => Json::tagged("BOOL", Json::Bool(*b)),
        Json::Number(text) => {
            number(text, path)?;
            Json::tagged("N", Json::String(text.clone()))
        }
        Json::String(s) => Json::tagged("S", Json::String(s.clone())),
        Json::Object(members) => match binary(value, path, choices)? {
            Some(b64) => Json::tagged("B", Json::String(b64.to_owned())),
            None => Json::tagged(
                "M",
                Json::Object(
                    members
                        .iter()
                        .map(|(k, v)| {
                            Ok((k.clone(), attribute(v, &member_path(path, k), choices)?))
                        })
                        .collect::<Result<_, Problem>>()?,
                ),
            ),
        },
        Json::Array(elements) => match set(elements, path, choices)? {
            Some(set) => set,
            None => Json::tagged(
                "L",
                Json::Array(
                    elements
                        .iter()
                        .enumerate()
                        .map(|(i, e)| attribute(e, &element_path(path, i), choices))
                        .collect::<Result<_, _>>()?,
                ),
            ),
        },
    })
}

/// The number `text` as DynamoDB reads it, or why DynamoDB would refuse it.
fn number(text: &str, path: &str) -> Result<Number, Problem> {
    Number::parse(text).map_err(|e| {
        Problem::at(
            path,
            format!("{text} is not a number DynamoDB can store: {}", e.message()),
        )
    })
}

/// The base64 text of `value` when it stands for binary (`{"$binary": "<base64>"}` with
/// binary on), checked.
fn binary<'a>(value: &'a Json, path: &str, choices: &Choices) -> Result<Option<&'a str>, Problem> {
    if choices.binary == Binary::None {
        return Ok(None);
    }
    let Json::Object(members) = value else {
        return Ok(None);
    };
    let Some(tag) = value.get(BINARY_KEY) else {
        return Ok(None);
    };
    let (Json::String(b64), 1) = (tag, members.len()) else {
        return Err(Problem::at(
            path,
            format!(
                "an object with \"{BINARY_KEY}\" stands for binary and must be exactly {{\"{BINARY_KEY}\": \"<base64>\"}} (or choose no binary to keep it a map)"
            ),
        ));
    };
    match BASE64.decode(b64) {
        Ok(_) => Ok(Some(b64)),
        Err(e) => Err(Problem::at(
            path,
            format!("\"{b64}\" is not base64 (standard alphabet, padded): {e}"),
        )),
    }
}

/// The set `elements` make when the user chose sets and they are all of one scalar kind.
fn set(elements: &[Json], path: &str, choices: &Choices) -> Result<Option<Json>, Problem> {
    if choices.sets == Sets::Lists || elements.is_empty() {
        return Ok(None);
    }
    let strings: Option<Vec<&String>> = elements
        .iter()
        .map(|e| match e {
            Json::String(s) => Some(s),
            _ => None,
        })
        .collect();
    if let Some(strings) = strings {
        unique(&strings, path, "string set (SS)", |s| {
            text::write(&Json::String((*s).clone()))
        })?;
        return Ok(Some(members_of("SS", strings.into_iter().cloned())));
    }
    let numbers: Option<Vec<&String>> = elements
        .iter()
        .map(|e| match e {
            Json::Number(n) => Some(n),
            _ => None,
        })
        .collect();
    if let Some(texts) = numbers {
        let parsed = texts
            .iter()
            .enumerate()
            .map(|(i, t)| number(t, &element_path(path, i)))
            .collect::<Result<Vec<_>, _>>()?;
        unique(&parsed, path, "number set (NS)", |n| n.to_string())?;
        return Ok(Some(members_of("NS", texts.into_iter().cloned())));
    }
    let mut binaries = Vec::new();
    for (i, element) in elements.iter().enumerate() {
        if !matches!(element, Json::Object(_)) {
            return Ok(None);
        }
        match binary(element, &element_path(path, i), choices)? {
            Some(b64) => binaries.push(b64),
            None => return Ok(None),
        }
    }
    let bytes: Vec<Vec<u8>> = binaries
        .iter()
        .map(|b| BASE64.decode(b).unwrap_or_default())
        .collect();
    unique(&bytes, path, "binary set (BS)", |b| BASE64.encode(b))?;
    Ok(Some(members_of(
        "BS",
        binaries.into_iter().map(str::to_owned),
    )))
}

fn members_of(kind: &str, texts: impl Iterator<Item = String>) -> Json {
    Json::tagged(kind, Json::Array(texts.map(Json::String).collect()))
}

/// A problem naming the first member of the set at `path` given twice.
fn unique<T: Ord>(
    members: &[T],
    path: &str,
    kind: &str,
    show: impl Fn(&T) -> String,
) -> Result<(), Problem> {
    let mut seen = std::collections::BTreeMap::new();
    for (later, member) in members.iter().enumerate() {
        if let Some(first) = seen.insert(member, later) {
            return Err(Problem::at(
                path,
                format!(
                    "{} is in this {kind} twice ([{first}] and [{later}]); DynamoDB refuses duplicate set members. Remove one, or choose lists for arrays",
                    show(member)
                ),
            ));
        }
    }
    Ok(())
}
