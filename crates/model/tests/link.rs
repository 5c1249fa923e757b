//! Share links: round trips, compact links of generated data, and the refusals of hostile
//! links (cut, altered, oversized, deflate bombs, other versions, bad JSON, bad schema).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dynoscope_model::Model;
use dynoscope_model::generate::generate;
use dynoscope_model::link::{LINK_BUDGET, MAX_FRAGMENT, decode, encode, encode_compact, fits};
use miniz_oxide::deflate::compress_to_vec_zlib;
use serde_json::json;

/// Counts this thread's live heap bytes and their peak, so a test can show that decoding a
/// bomb never holds its unpacked size.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize); // both blocks may be held while copying
            track(-(layout.size() as isize));
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak heap bytes this thread held above its starting point while `f` ran.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let out = f();
    (out, (PEAK.with(Cell::get) - start).max(0) as usize)
}

/// A small model with generated sample items.
fn model() -> Model {
    let mut model = Model::from_value(json!({
        "format": "dynoscope-model",
        "version": 1,
        "name": "Shop",
        "tables": [{
            "definition": {
                "TableName": "Shop",
                "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}]
            },
            "entities": [{
                "name": "User",
                "keys": [{"attribute": "PK", "template": "USER#{userId}"}, {"attribute": "SK", "template": "PROFILE"}],
                "attributes": [{"name": "userId", "type": "S"}, {"name": "email", "type": "S"}, {"name": "bio", "type": "S"}],
                "count": 200
            }],
            "accessPatterns": [{"name": "Get user", "operation": "GetItem", "partitionKey": "USER#{userId}"}]
        }]
    }))
    .unwrap();
    model.tables[0].items = generate(&model.tables[0]).unwrap();
    model
}

/// A link carrying `bytes` as its packed JSON.
fn link_of(bytes: &[u8]) -> String {
    format!(
        "m1.{}",
        URL_SAFE_NO_PAD.encode(compress_to_vec_zlib(bytes, 6))
    )
}

fn message(result: Result<Model, dynoscope_model::ModelError>) -> String {
    result.expect_err("the link should be refused").to_string()
}

#[test]
fn a_model_round_trips_through_a_link() {
    let m = model();
    assert_eq!(decode(&encode(&m).unwrap()).unwrap(), m);
}

#[test]
fn a_link_is_its_format_then_url_safe_text() {
    let link = encode(&model()).unwrap();
    assert!(link.starts_with("m1."));
    assert!(
        link[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{link}"
    );
}

#[test]
fn a_leading_hash_is_accepted() {
    let m = model();
    assert_eq!(decode(&format!("#{}", encode(&m).unwrap())).unwrap(), m);
}

#[test]
fn a_compact_link_leaves_out_generated_items_and_decode_makes_them_again() {
    let m = model();
    let (full, compact) = (encode(&m).unwrap(), encode_compact(&m).unwrap());
    assert!(
        compact.len() * 5 < full.len(),
        "{} vs {}",
        compact.len(),
        full.len()
    );
    assert_eq!(decode(&compact).unwrap(), m);
}

#[test]
fn a_compact_link_keeps_items_that_were_edited() {
    let mut m = model();
    m.tables[0].items[3].insert("note".to_owned(), json!({"S": "edited"}));
    let decoded = decode(&encode_compact(&m).unwrap()).unwrap();
    assert_eq!(decoded, m);
}

#[test]
fn a_compact_link_recognises_generated_items_in_any_order() {
    let m = model();
    let mut shuffled = m.clone();
    shuffled.tables[0].items.reverse();
    let link = encode_compact(&shuffled).unwrap();
    assert!(link.len() < encode(&m).unwrap().len() / 5);
    assert_eq!(
        decode(&link).unwrap(),
        m,
        "items come back in generation order"
    );
}

#[test]
fn a_truncated_link_is_refused_as_damaged() {
    let link = encode(&model()).unwrap();
    for cut in [link.len() - 1, link.len() - 7, link.len() / 2, 10, 3] {
        let e = message(decode(&link[..cut]));
        assert!(
            e.starts_with("This link is truncated or damaged"),
            "cut at {cut}: {e}"
        );
    }
}

#[test]
fn an_altered_link_never_decodes_to_another_model() {
    let m = model();
    let link = encode_compact(&m).unwrap();
    let mut refused = 0;
    for at in 3..link.len() {
        let mut altered = link.clone().into_bytes();
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        match decode(std::str::from_utf8(&altered).unwrap()) {
            Ok(decoded) => assert_eq!(decoded, m, "position {at}"),
            Err(e) => {
                assert!(
                    e.message.starts_with("This link is truncated or damaged"),
                    "position {at}: {e}"
                );
                refused += 1;
            }
        }
    }
    assert!(
        refused >= link.len() - 6,
        "{refused} of {} refused",
        link.len() - 3
    );
}

#[test]
fn an_oversized_fragment_is_refused_before_any_work() {
    let huge = format!("m1.{}", "A".repeat(MAX_FRAGMENT));
    let started = Instant::now();
    let e = message(decode(&huge));
    assert!(
        e.starts_with("This link is larger than Dynoscope opens"),
        "{e}"
    );
    assert!(started.elapsed().as_millis() < 50);
}

#[test]
fn a_deflate_bomb_within_the_fragment_cap_is_refused_without_unpacking_it() {
    let bomb = link_of(&vec![0u8; 40 * 1024 * 1024]);
    assert!(bomb.len() <= MAX_FRAGMENT, "{}", bomb.len());
    let started = Instant::now();
    let (result, peak) = peak_during(|| decode(&bomb));
    let e = message(result);
    assert!(e.contains("unpacks to more than 4 MB"), "{e}");
    assert!(peak < 512 * 1024, "held {peak} bytes");
    assert!(
        started.elapsed().as_secs_f64() < 2.0,
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_link_of_many_tiny_objects_is_refused_before_they_are_built() {
    let tiny = format!("{{\"model\":[{}{{}}]}}", "{\"a\":{}},".repeat(300_000));
    let bomb = link_of(tiny.as_bytes());
    let (result, peak) = peak_during(|| decode(&bomb));
    let e = message(result);
    assert!(e.contains("JSON objects"), "{e}");
    assert!(
        peak < tiny.len() + 512 * 1024,
        "held {peak} bytes for {} of JSON",
        tiny.len()
    );
}

#[test]
fn a_hundred_megabyte_bomb_is_refused_by_its_length() {
    let bomb = link_of(&vec![0u8; 100 * 1024 * 1024]);
    let e = message(decode(&bomb));
    assert!(
        e.starts_with("This link is larger than Dynoscope opens"),
        "{e}"
    );
}

#[test]
fn a_link_of_a_newer_format_says_so() {
    let e = message(decode("m2.eJyrrgUAAXUA-Q"));
    assert!(
        e.starts_with("This link was made by a newer Dynoscope (format m2)"),
        "{e}"
    );
}

#[test]
fn a_fragment_that_is_no_model_link_says_so() {
    let e = message(decode("code/N4IgzgpgTgdgJg"));
    assert!(e.starts_with("This is not a Dynoscope model link"), "{e}");
}

#[test]
fn valid_compression_of_text_that_is_not_json_is_refused() {
    let e = message(decode(&link_of(b"{\"model\": {\"format\": ")));
    assert!(
        e.starts_with("This link is truncated or damaged: its content is not a packed model"),
        "{e}"
    );
}

#[test]
fn valid_json_of_a_wrong_schema_is_refused_naming_the_field() {
    let mut value = serde_json::to_value(model()).unwrap();
    value["tables"][0]["definition"]["TableName"] = json!(5);
    let e = decode(&link_of(json!({ "model": value }).to_string().as_bytes())).unwrap_err();
    assert_eq!(e.location, "tables[0].definition.TableName");
}

#[test]
fn a_linked_item_that_is_not_dynamodb_json_is_refused_naming_it() {
    let mut m = model();
    m.tables[0].items[5].insert("n".to_owned(), json!({"N": "twelve"}));
    let e = decode(&encode(&m).unwrap()).unwrap_err();
    assert_eq!(e.location, "tables[0].items[5]");
    assert!(
        e.message.contains("cannot be converted to a numeric value"),
        "{e}"
    );
}

#[test]
fn a_model_with_too_many_tables_is_refused_both_ways() {
    let mut m = model();
    m.tables = vec![m.tables[0].clone(); 101];
    m.tables.iter_mut().for_each(|t| t.items.clear());
    assert_eq!(encode(&m).unwrap_err().location, "tables");
    let packed = json!({ "model": serde_json::to_value(&m).unwrap() }).to_string();
    assert_eq!(
        decode(&link_of(packed.as_bytes())).unwrap_err().location,
        "tables"
    );
}

#[test]
fn an_overlong_name_is_refused_naming_it() {
    let mut m = model();
    m.tables[0].entities[0].name = "E".repeat(300);
    let packed = json!({ "model": serde_json::to_value(&m).unwrap() }).to_string();
    let e = decode(&link_of(packed.as_bytes())).unwrap_err();
    assert_eq!(e.location, "tables[0].entities[0].name");
}

#[test]
fn an_unknown_table_marked_as_generated_is_refused() {
    let packed =
        json!({ "model": serde_json::to_value(model()).unwrap(), "generated": [4] }).to_string();
    let e = message(decode(&link_of(packed.as_bytes())));
    assert!(e.starts_with("This link is truncated or damaged"), "{e}");
}

/// `len` letters no compressor can shrink much: xorshift64 noise.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// The model with `len` letters of noise added to each item, so its items are not
/// generated and travel in the link.
fn noisy(len: usize) -> Model {
    let mut m = model();
    for (i, item) in m.tables[0].items.iter_mut().enumerate() {
        item.insert("noise".to_owned(), json!({ "S": noise(i as u64, len) }));
    }
    m
}

#[test]
fn fits_says_whether_the_compact_link_is_within_the_budget() {
    assert!(fits(&model()));
    let big = noisy(100);
    let link = encode_compact(&big).unwrap();
    assert!(!fits(&big) && link.len() > LINK_BUDGET, "{}", link.len());
}

#[test]
fn encode_refuses_a_model_whose_link_would_be_too_long() {
    let e = encode(&noisy(800)).unwrap_err();
    assert!(e.message.contains("save it as a file instead"), "{e}");
}
