//! Share links: a whole model in a URL fragment, `m1.<base64url of zlib(JSON)>`, where `m1`
//! is the link format. Nothing is stored on a server. A link is hostile input, so decoding
//! is bounded at every step before anything is believed: the fragment's length, the
//! unpacked size (inflated in chunks and stopped at the cap, so a deflate bomb never gets
//! its memory), zlib's checksum (a cut or altered link is caught, not half-read), the
//! count of JSON objects and values (so tiny objects cannot balloon once parsed), the
//! version, the schema (errors name the field) and the model's size (tables, items, names).
//! [`encode_compact`] leaves out sample items that [`generate`] recreates exactly and
//! marks their tables, so links of generated data stay short; the generator's output is
//! therefore part of format `m1` (the sample tests pin it), and changing it means a new
//! format.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::check_item;
use crate::error::ModelError;
use crate::generate::{MAX_ITEMS, generate};
use crate::model::{ItemJson, Model, ModelTable};

/// The link format this Dynoscope writes and reads.
pub const FORMAT: &str = "m1";
/// Longest fragment [`decode`] reads: twice [`LINK_BUDGET`], so every link this Dynoscope
/// offers opens with room to spare, while a pasted megabyte is refused before any work.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// Longest link the UI offers to share; past it, it offers a model file. Browsers take far
/// longer URLs, but chat and mail tools cut them much earlier.
pub const LINK_BUDGET: usize = 32 * 1024;
/// Most bytes a link may unpack to. Generated data compresses about 5 to 10 times, so a
/// link within [`MAX_FRAGMENT`] legitimately unpacks to well under a megabyte; deflate can
/// reach 1000 to 1, which is what this stops.
pub const MAX_UNPACKED: usize = 4 * 1024 * 1024;
/// Most tables a linked model may have.
pub const MAX_TABLES: usize = 100;
/// Most entities, and most access patterns, in one table of a linked model.
pub const MAX_PARTS: usize = 200;
/// Most items a linked model may hold or regenerate, all tables together.
pub const MAX_LINK_ITEMS: usize = MAX_ITEMS as usize;
/// Longest name (of the model, a table, index, entity, attribute or access pattern), in
/// bytes: DynamoDB's own limit for table, index and key attribute names.
pub const MAX_NAME: usize = 255;
/// Longest string anywhere in a linked model: DynamoDB's item size limit, which no part of
/// a model has reason to exceed.
pub const MAX_STRING: usize = 400 * 1024;

/// Most JSON objects and arrays a link may unpack to. Each becomes a map or a vector of
/// several hundred bytes, so this, not the unpacked size, bounds the memory a hostile link
/// of tiny objects (`{"a":{}}` repeated) could take; a link of real items holds a tenth.
pub const MAX_CONTAINERS: usize = 100_000;
/// Most JSON values a link may unpack to, for the same reason.
pub const MAX_VALUES: usize = 400_000;

/// Bytes inflated per step.
const CHUNK: usize = 32 * 1024;

/// What the compressed JSON holds: the model, and the tables whose items were left out
/// because [`generate`] recreates them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Packed<'a> {
    model: &'a Model,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    generated: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Unpacked {
    model: Value,
    #[serde(default)]
    generated: Vec<usize>,
}

/// The fragment payload for `model`, items and all. Refuses a model that [`decode`] would
/// refuse (too big, too many tables, overlong names).
pub fn encode(model: &Model) -> Result<String, ModelError> {
    pack(model, Vec::new())
}

/// Like [`encode`], but a table whose items are exactly what [`generate`] makes from its
/// entities (in any order) travels without them, and [`decode`] makes them again. The
/// items come back in generation order.
pub fn encode_compact(model: &Model) -> Result<String, ModelError> {
    let mut slim = model.clone();
    let mut generated = Vec::new();
    for (i, table) in slim.tables.iter_mut().enumerate() {
        if !table.items.is_empty() && regenerates(table) {
            table.items.clear();
            generated.push(i);
        }
    }
    pack(&slim, generated)
}

/// Whether the model's compact link is within [`LINK_BUDGET`].
pub fn fits(model: &Model) -> bool {
    encode_compact(model).is_ok_and(|link| link.len() <= LINK_BUDGET)
}

/// The model in a fragment made by [`encode`] or [`encode_compact`] (a leading `#` is
/// allowed). Every refusal is a sentence a visitor can act on.
pub fn decode(fragment: &str) -> Result<Model, ModelError> {
    let fragment = fragment.trim();
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT {
        return Err(ModelError::whole(format!(
            "This link is larger than Dynoscope opens ({} characters; at most {MAX_FRAGMENT}): ask for the model as a file instead.",
            fragment.len()
        )));
    }
    let body = check_format(fragment)?;
    let packed = URL_SAFE_LENIENT
        .decode(body)
        .map_err(|e| damaged(&format!("its text is not base64url ({e})")))?;
    let json = unpack(&packed)?;
    check_shape(&json)?;
    let unpacked: Unpacked = serde_json::from_slice(&json)
        .map_err(|e| damaged(&format!("its content is not a packed model ({e})")))?;
    check_strings(&unpacked.model, &mut String::new())?;
    let mut model = Model::from_value(unpacked.model)?;
    crate::generate::check_settings(&model)?;
    check_bounds(&model, &unpacked.generated)?;
    check_items(&model)?;
    regenerate(&mut model, &unpacked.generated)?;
    Ok(model)
}

const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn damaged(why: &str) -> ModelError {
    ModelError::whole(format!(
        "This link is truncated or damaged: {why}. Ask for the link again, or for the model as a file."
    ))
}

fn pack(model: &Model, generated: Vec<usize>) -> Result<String, ModelError> {
    check_bounds(model, &generated)?;
    let json = serde_json::to_vec(&Packed { model, generated })
        .map_err(|e| ModelError::whole(format!("The model could not be written as JSON: {e}")))?;
    if json.len() > MAX_UNPACKED {
        return Err(ModelError::whole(format!(
            "This model is too large for a link ({} KB of JSON; at most {} KB): save it as a file instead.",
            json.len() / 1024,
            MAX_UNPACKED / 1024
        )));
    }
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&json, 9);
    let link = format!("{FORMAT}.{}", URL_SAFE_LENIENT.encode(compressed));
    if link.len() > MAX_FRAGMENT {
        return Err(ModelError::whole(format!(
            "This model makes a link of {} characters, more than the {MAX_FRAGMENT} a link may have: save it as a file instead.",
            link.len()
        )));
    }
    Ok(link)
}

/// The text after `m1.`, or why the prefix is wrong.
fn check_format(fragment: &str) -> Result<&str, ModelError> {
    let (format, body) = fragment.split_once('.').unwrap_or((fragment, ""));
    if format == FORMAT {
        return Ok(body);
    }
    let newer = format
        .strip_prefix('m')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n > 1);
    if newer {
        return Err(ModelError::whole(format!(
            "This link was made by a newer Dynoscope (format {format}); this one reads format {FORMAT}. Open it in an up-to-date Dynoscope."
        )));
    }
    let shown: String = format.chars().take(16).collect();
    Err(ModelError::whole(format!(
        "This is not a Dynoscope model link: it should start with \"{FORMAT}.\", not \"{shown}\"."
    )))
}

/// Inflates zlib data twice: once to measure it, stopping at [`MAX_UNPACKED`], then into
/// a buffer of exactly that size. A deflate bomb is refused having held one chunk, and a
/// good link's buffer is never reallocated.
fn unpack(packed: &[u8]) -> Result<Vec<u8>, ModelError> {
    let mut size = 0usize;
    inflate_chunks(packed, |chunk| {
        size += chunk.len();
        if size > MAX_UNPACKED {
            return Err(ModelError::whole(format!(
                "This link is larger than Dynoscope opens: it unpacks to more than {} MB.",
                MAX_UNPACKED / (1024 * 1024)
            )));
        }
        Ok(())
    })?;
    let mut out = Vec::with_capacity(size);
    inflate_chunks(packed, |chunk| {
        out.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(out)
}

/// Feeds the inflated data to `sink` a chunk at a time.
fn inflate_chunks(
    packed: &[u8],
    mut sink: impl FnMut(&[u8]) -> Result<(), ModelError>,
) -> Result<(), ModelError> {
    let mut state = InflateState::new_boxed(DataFormat::Zlib);
    let mut chunk = vec![0u8; CHUNK];
    let mut input = packed;
    loop {
        let step = inflate(&mut state, input, &mut chunk, MZFlush::None);
        input = input.get(step.bytes_consumed..).unwrap_or_default();
        sink(chunk.get(..step.bytes_written).unwrap_or_default())?;
        match step.status {
            Ok(MZStatus::StreamEnd) if input.is_empty() => return Ok(()),
            Ok(MZStatus::StreamEnd) => return Err(damaged("it has data after its end")),
            Ok(_) if step.bytes_consumed > 0 || step.bytes_written > 0 => {}
            Ok(_) | Err(MZError::Buf) => return Err(damaged("it ends early")),
            Err(_) => return Err(damaged("its compressed data does not check out")),
        }
    }
}

/// Counts the JSON's containers and values without parsing it, refusing it past
/// [`MAX_CONTAINERS`] or [`MAX_VALUES`].
fn check_shape(json: &[u8]) -> Result<(), ModelError> {
    let (mut containers, mut values) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => containers += 1,
            (false, b',' | b':') => values += 1,
            _ => {}
        }
    }
    if containers > MAX_CONTAINERS || values > MAX_VALUES {
        return Err(ModelError::whole(format!(
            "This link is larger than Dynoscope opens: it holds {containers} JSON objects and {values} values; a link may hold at most {MAX_CONTAINERS} and {MAX_VALUES}."
        )));
    }
    Ok(())
}

/// Refuses any string or member name longer than [`MAX_STRING`], naming where it is.
fn check_strings(value: &Value, path: &mut String) -> Result<(), ModelError> {
    let too_long = |path: &str, len: usize| {
        ModelError::at(
            path.to_owned(),
            format!(
                "this text is {len} bytes long; a model in a link holds at most {MAX_STRING} in one string"
            ),
        )
    };
    match value {
        Value::String(s) if s.len() > MAX_STRING => Err(too_long(path, s.len())),
        Value::Array(values) => values
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| nested(path, &format!("[{i}]"), |p| check_strings(v, p))),
        Value::Object(members) => members.iter().try_for_each(|(name, v)| {
            if name.len() > MAX_STRING {
                return Err(too_long(path, name.len()));
            }
            let segment = if path.is_empty() {
                name.clone()
            } else {
                format!(".{name}")
            };
            nested(path, &segment, |p| check_strings(v, p))
        }),
        _ => Ok(()),
    }
}

fn nested(
    path: &mut String,
    segment: &str,
    f: impl FnOnce(&mut String) -> Result<(), ModelError>,
) -> Result<(), ModelError> {
    let len = path.len();
    path.push_str(segment);
    let result = f(path);
    path.truncate(len);
    result
}

/// The model's size: tables, entities, access patterns, items and names.
fn check_bounds(model: &Model, generated: &[usize]) -> Result<(), ModelError> {
    check_name("name", &model.name)?;
    if model.tables.len() > MAX_TABLES {
        return Err(ModelError::at(
            "tables",
            format!(
                "{} tables; a model in a link has at most {MAX_TABLES}",
                model.tables.len()
            ),
        ));
    }
    check_generated(model, generated)?;
    let mut items = 0usize;
    for (i, table) in model.tables.iter().enumerate() {
        check_table(table).map_err(|e| e.within(&format!("tables[{i}]")))?;
        items += if generated.contains(&i) {
            generated_count(table)
        } else {
            table.items.len()
        };
    }
    if items > MAX_LINK_ITEMS {
        return Err(ModelError::at(
            "tables",
            format!("{items} items in all; a model in a link holds at most {MAX_LINK_ITEMS}"),
        ));
    }
    Ok(())
}

/// The tables marked as generated must exist, each once.
fn check_generated(model: &Model, generated: &[usize]) -> Result<(), ModelError> {
    let tables = model.tables.len();
    let bad = generated.len() > tables
        || generated
            .iter()
            .enumerate()
            .any(|(n, &i)| i >= tables || generated[..n].contains(&i));
    if bad {
        return Err(damaged(
            "it marks tables for sample data that it does not have",
        ));
    }
    Ok(())
}

fn generated_count(table: &ModelTable) -> usize {
    table
        .entities
        .iter()
        .map(|e| e.count.unwrap_or(0) as usize)
        .sum()
}

fn check_table(table: &ModelTable) -> Result<(), ModelError> {
    let spec = &table.definition;
    check_name("definition.TableName", &spec.table_name)?;
    for (kind, indexes) in [
        ("Global", &spec.global_secondary_indexes),
        ("Local", &spec.local_secondary_indexes),
    ] {
        for (g, index) in indexes.iter().enumerate() {
            check_name(
                &format!("definition.{kind}SecondaryIndexes[{g}].IndexName"),
                &index.index_name,
            )?;
        }
    }
    for (what, len) in [
        ("entities", table.entities.len()),
        ("accessPatterns", table.access_patterns.len()),
    ] {
        if len > MAX_PARTS {
            return Err(ModelError::at(
                what,
                format!("{len} of them; a table in a link has at most {MAX_PARTS}"),
            ));
        }
    }
    for (e, entity) in table.entities.iter().enumerate() {
        check_name(&format!("entities[{e}].name"), &entity.name)?;
        for (a, attribute) in entity.attributes.iter().enumerate() {
            check_name(
                &format!("entities[{e}].attributes[{a}].name"),
                &attribute.name,
            )?;
        }
        for (k, key) in entity.keys.iter().enumerate() {
            check_name(
                &format!("entities[{e}].keys[{k}].attribute"),
                &key.attribute,
            )?;
        }
    }
    for (p, pattern) in table.access_patterns.iter().enumerate() {
        check_name(&format!("accessPatterns[{p}].name"), &pattern.name)?;
    }
    if table.items.len() > MAX_LINK_ITEMS {
        return Err(ModelError::at(
            "items",
            format!(
                "{} items; a table in a link holds at most {MAX_LINK_ITEMS}",
                table.items.len()
            ),
        ));
    }
    Ok(())
}

fn check_name(location: &str, name: &str) -> Result<(), ModelError> {
    if name.len() <= MAX_NAME {
        return Ok(());
    }
    Err(ModelError::at(
        location,
        format!(
            "this name is {} bytes long; names are at most {MAX_NAME}",
            name.len()
        ),
    ))
}

/// Makes again the items of the tables the link marks as generated.
fn regenerate(model: &mut Model, generated: &[usize]) -> Result<(), ModelError> {
    for &i in generated {
        let Some(table) = model.tables.get_mut(i) else {
            continue;
        };
        if !table.items.is_empty() {
            return Err(damaged(
                "a table both carries items and asks for them to be generated",
            ));
        }
        table.items = generate(table).map_err(|e| e.within(&format!("tables[{i}]")))?;
    }
    Ok(())
}

/// Checks the items the link carries with the engine's parser. (Regenerated items are
/// made valid by the generator.)
fn check_items(model: &Model) -> Result<(), ModelError> {
    for (i, table) in model.tables.iter().enumerate() {
        for (j, item) in table.items.iter().enumerate() {
            check_item(item)
                .map_err(|message| ModelError::at(format!("tables[{i}].items[{j}]"), message))?;
        }
    }
    Ok(())
}

/// Whether `generate` makes exactly the table's items, in any order.
fn regenerates(table: &ModelTable) -> bool {
    match generate(table) {
        Ok(made) if made == table.items => true,
        Ok(made) if made.len() == table.items.len() => canonical(&made) == canonical(&table.items),
        _ => false,
    }
}

/// Items as sorted normalised text: equal for the same items in any order, with numbers
/// and attribute order as the engine writes them.
fn canonical(items: &[ItemJson]) -> Vec<String> {
    let mut texts: Vec<String> = items
        .iter()
        .map(|item| match check_item(item) {
            Ok(normal) => Value::Object(normal).to_string(),
            Err(_) => Value::Object(item.clone()).to_string(),
        })
        .collect();
    dynoscope_engine::sorting::sort(&mut texts);
    texts
}
