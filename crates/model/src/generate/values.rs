//! Compiled value makers: a [`Source`] is a checked [`Generator`](super::Generator) (or the
//! fallback for a type) ready to make one DynamoDB JSON value per item from its stream.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::NamePart;
use super::random::Stream;
use super::time;
use super::words::{EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, WORDS};
use crate::model::ItemJson;

/// How one attribute's values are made.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Uuid,
    /// Item `n` is stamped `start_ms + n × step_ms`.
    Ulid {
        start_ms: u64,
        step_ms: u64,
    },
    Sequence {
        start: i64,
        step: i64,
        width: usize,
        numeric: bool,
    },
    Name(NamePart),
    Email,
    /// Seconds since the epoch in `from..=to`; whole days when `date_only`.
    Instant {
        from: i64,
        to: i64,
        date_only: bool,
        numeric: bool,
    },
    /// A whole number of `10^-decimals` in `min..=max`.
    Number {
        min: i64,
        max: i64,
        decimals: u32,
        numeric: bool,
    },
    /// `values[i]` (DynamoDB JSON) when a draw below the total falls under `cumulative[i]`.
    Choice {
        values: Vec<Value>,
        cumulative: Vec<u64>,
    },
    Bool {
        true_percent: u64,
    },
    Text {
        min: u32,
        max: u32,
    },
    Constant(Value),
    /// The attribute of the item picked in ref slot `slot`.
    Ref {
        slot: usize,
        attribute: String,
    },
    /// A value of the type, for types without a named generator.
    Fallback(Fallback),
}

/// Values for the types no named generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    Binary,
    Null,
    StringSet,
    NumberSet,
    BinarySet,
    List,
    Map,
}

impl Fallback {
    pub(crate) fn for_kind(kind: &str) -> Option<Fallback> {
        Some(match kind {
            "B" => Fallback::Binary,
            "NULL" => Fallback::Null,
            "SS" => Fallback::StringSet,
            "NS" => Fallback::NumberSet,
            "BS" => Fallback::BinarySet,
            "L" => Fallback::List,
            "M" => Fallback::Map,
            _ => return None,
        })
    }
}

/// What a value may depend on besides its own stream.
pub(crate) struct Context<'a> {
    /// The item's position in its entity, from 0.
    pub ordinal: u32,
    /// For each ref slot, the target item picked for this item.
    pub picked: &'a [Option<&'a ItemJson>],
    /// The item's person (first and last name), so its name and email agree.
    pub person: (&'static str, &'static str),
}

/// A person for one item, drawn from the entity's person stream.
pub(crate) fn person(stream: &mut Stream) -> (&'static str, &'static str) {
    (pick(FIRST_NAMES, stream), pick(LAST_NAMES, stream))
}

impl Source {
    /// The value for one item, or `None` when a ref's target lacks the attribute.
    pub(crate) fn make(&self, stream: &mut Stream, cx: &Context) -> Option<Value> {
        Some(match self {
            Source::Uuid => typed("S", uuid(stream)),
            Source::Ulid { start_ms, step_ms } => typed(
                "S",
                ulid(start_ms + u64::from(cx.ordinal) * step_ms, stream),
            ),
            Source::Sequence {
                start,
                step,
                width,
                numeric,
            } => {
                let n = start + i64::from(cx.ordinal) * step;
                if *numeric {
                    typed("N", n.to_string())
                } else {
                    typed("S", format!("{n:0width$}"))
                }
            }
            Source::Name(part) => typed("S", name(*part, cx.person)),
            Source::Email => typed("S", email(cx.ordinal, cx.person, stream)),
            Source::Instant {
                from,
                to,
                date_only,
                numeric,
            } => instant(*from, *to, *date_only, *numeric, stream),
            Source::Number {
                min,
                max,
                decimals,
                numeric,
            } => {
                let text = decimal(stream.between(*min, *max), *decimals, *numeric);
                typed(if *numeric { "N" } else { "S" }, text)
            }
            Source::Choice { values, cumulative } => {
                let draw = stream.below(cumulative.last().copied().unwrap_or(0));
                let at = cumulative.partition_point(|&c| c <= draw);
                values.get(at).or(values.last())?.clone()
            }
            Source::Bool { true_percent } => {
                single("BOOL", Value::Bool(stream.below(100) < *true_percent))
            }
            Source::Text { min, max } => typed("S", text(*min, *max, stream)),
            Source::Constant(value) => value.clone(),
            Source::Ref { slot, attribute } => cx
                .picked
                .get(*slot)
                .copied()
                .flatten()?
                .get(attribute)?
                .clone(),
            Source::Fallback(fallback) => fallback_value(*fallback, stream),
        })
    }
}

/// `{kind: text}`.
pub(crate) fn typed(kind: &str, text: String) -> Value {
    single(kind, Value::String(text))
}

fn single(kind: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(kind.to_owned(), value);
    Value::Object(map)
}

fn uuid(stream: &mut Stream) -> String {
    let (a, b) = (stream.next_u64(), stream.next_u64());
    let a = (a & !0xf000) | 0x4000; // version 4
    let b = (b & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn ulid(millis: u64, stream: &mut Stream) -> String {
    let random = (u128::from(stream.next_u64()) << 16) ^ u128::from(stream.next_u64() >> 48);
    let value = (u128::from(millis & 0xffff_ffff_ffff) << 80) | (random & ((1 << 80) - 1));
    (0..26)
        .map(|i| char::from(CROCKFORD[((value >> (125 - 5 * i)) & 31) as usize]))
        .collect()
}

fn pick(list: &[&'static str], stream: &mut Stream) -> &'static str {
    list[stream.index(list.len())]
}

fn name(part: NamePart, (first, last): (&str, &str)) -> String {
    match part {
        NamePart::First => first.to_owned(),
        NamePart::Last => last.to_owned(),
        NamePart::Full => format!("{first} {last}"),
    }
}

/// `first.last<n>@example.com`: the item's number keeps addresses unique within an entity.
fn email(ordinal: u32, (first, last): (&str, &str), stream: &mut Stream) -> String {
    let domain = pick(EMAIL_DOMAINS, stream);
    format!(
        "{}.{}{}@{domain}",
        first.to_lowercase(),
        last.to_lowercase(),
        ordinal + 1
    )
}

fn instant(from: i64, to: i64, date_only: bool, numeric: bool, stream: &mut Stream) -> Value {
    const DAY: i64 = 86_400;
    let seconds = if date_only {
        stream.between(from.div_euclid(DAY), to.div_euclid(DAY)) * DAY
    } else {
        stream.between(from, to)
    };
    match (numeric, date_only) {
        (true, _) => typed("N", seconds.to_string()),
        (false, true) => typed("S", time::format_date(seconds)),
        (false, false) => typed("S", time::format_timestamp(seconds)),
    }
}

/// `scaled × 10^-decimals` as text: a number in DynamoDB's normal form (no trailing zeros)
/// when `numeric`, else with exactly `decimals` places (`12.50`).
pub(crate) fn decimal(scaled: i64, decimals: u32, numeric: bool) -> String {
    let digits = format!(
        "{:0width$}",
        scaled.unsigned_abs(),
        width = decimals as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - decimals as usize);
    let fraction = if numeric {
        fraction.trim_end_matches('0')
    } else {
        fraction
    };
    let sign = if scaled < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

fn text(min: u32, max: u32, stream: &mut Stream) -> String {
    let count = stream.between(i64::from(min), i64::from(max));
    let mut out = String::new();
    for i in 0..count {
        let word = pick(WORDS, stream);
        if i == 0 {
            let mut chars = word.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
}

fn fallback_value(fallback: Fallback, stream: &mut Stream) -> Value {
    let list = |values: Vec<String>, kind: &str| {
        single(
            kind,
            Value::Array(values.into_iter().map(Value::String).collect()),
        )
    };
    match fallback {
        Fallback::Binary => typed("B", BASE64.encode(stream.next_u64().to_le_bytes())),
        Fallback::Null => single("NULL", Value::Bool(true)),
        Fallback::StringSet => list(distinct(3, stream, |s| pick(WORDS, s).to_owned()), "SS"),
        Fallback::NumberSet => list(
            distinct(3, stream, |s| (1 + s.below(1000)).to_string()),
            "NS",
        ),
        Fallback::BinarySet => list(
            distinct(2, stream, |s| BASE64.encode(s.next_u64().to_le_bytes())),
            "BS",
        ),
        Fallback::List => single(
            "L",
            Value::Array(
                (0..=stream.below(3))
                    .map(|_| typed("S", pick(WORDS, stream).to_owned()))
                    .collect(),
            ),
        ),
        Fallback::Map => single("M", Value::Object(Map::new())),
    }
}

/// One to `most` distinct values (a set may not repeat one).
fn distinct(
    most: u64,
    stream: &mut Stream,
    mut draw: impl FnMut(&mut Stream) -> String,
) -> Vec<String> {
    let wanted = 1 + stream.below(most) as usize;
    let mut out: Vec<String> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 8 {
        let value = draw(stream);
        if !out.contains(&value) {
            out.push(value);
        }
        if out.len() == wanted {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_is_version_4_shaped() {
        let id = uuid(&mut Stream::new(1, &[]));
        let bytes = id.as_bytes();
        assert_eq!(id.len(), 36);
        assert_eq!(
            (bytes[8], bytes[13], bytes[14], bytes[18], bytes[23]),
            (b'-', b'-', b'4', b'-', b'-')
        );
        assert!(matches!(bytes[19], b'8' | b'9' | b'a' | b'b'), "{id}");
    }

    #[test]
    fn ulids_sort_by_their_time() {
        let mut s = Stream::new(1, &[]);
        let earlier = ulid(1_735_689_600_000, &mut s);
        let later = ulid(1_735_689_600_001, &mut s);
        assert_eq!(earlier.len(), 26);
        assert!(earlier < later);
        assert!(earlier.starts_with("01JGF"), "{earlier}");
    }

    #[test]
    fn decimals_are_written_exactly() {
        assert_eq!(decimal(1250, 2, false), "12.50");
        assert_eq!(decimal(1250, 2, true), "12.5");
        assert_eq!(decimal(-5, 2, true), "-0.05");
        assert_eq!(decimal(1200, 2, true), "12");
        assert_eq!(decimal(0, 0, true), "0");
    }

    #[test]
    fn fallback_sets_never_repeat_a_member() {
        let mut s = Stream::new(9, &[]);
        for _ in 0..200 {
            let value = fallback_value(Fallback::NumberSet, &mut s);
            let members = value["NS"].as_array().cloned().unwrap_or_default();
            let mut unique: Vec<String> = members.iter().map(Value::to_string).collect();
            dynoscope_engine::sorting::sort(&mut unique);
            unique.dedup();
            assert!(!members.is_empty());
            assert_eq!(members.len(), unique.len());
        }
    }
}
