//! The converters' two doors: `read` recognises each kind of file by its shape and names
//! it; `write` knows every export format and refuses others by listing them.

use dynoscope_model::Model;
use dynoscope_model::convert::{self, EXPORT_FORMATS, read, write};
use dynoscope_model::samples;

fn sample() -> Model {
    Model::from_json(samples::json("ecommerce").unwrap()).unwrap()
}

#[test]
fn read_names_a_dynoscope_model() {
    let (_, kind) = read(samples::json("game").unwrap()).unwrap();
    assert_eq!(kind, "dynoscope");
}

#[test]
fn read_names_a_workbench_model() {
    let text = include_str!("fixtures/workbench/ChatSystemSchema.json");
    let (model, kind) = read(text).unwrap();
    assert_eq!(kind, "nosql-workbench");
    assert!(!model.tables.is_empty());
}

#[test]
fn read_names_cloudformation_in_json_and_in_yaml() {
    let model = sample();
    let json = write(&model, "cloudformation-json").unwrap();
    let yaml = write(&model, "cloudformation-yaml").unwrap();
    assert_eq!(read(&json).unwrap().1, "cloudformation-json");
    assert_eq!(read(&yaml).unwrap().1, "cloudformation-yaml");
}

#[test]
fn read_refuses_json_of_no_known_kind() {
    let error = read(r#"{"hello": "world"}"#).unwrap_err();
    assert!(
        error.message.contains("neither a Dynoscope model"),
        "{error}"
    );
}

#[test]
fn read_refuses_text_that_is_no_template() {
    let error = read("just some words").unwrap_err();
    assert!(error.message.contains("not JSON"), "{error}");
}

#[test]
fn write_knows_every_listed_format() {
    let model = sample();
    for (format, _) in EXPORT_FORMATS {
        let text = write(&model, format).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!text.trim().is_empty(), "{format} wrote nothing");
    }
}

#[test]
fn write_refuses_an_unknown_format_naming_the_known_ones() {
    let error = write(&sample(), "excel").unwrap_err();
    assert!(
        error.message.contains("unknown export format \"excel\""),
        "{error}"
    );
    assert!(error.message.contains("terraform"), "{error}");
}

#[test]
fn item_count_is_what_items_of_makes() {
    for table in &sample().tables {
        assert_eq!(
            convert::item_count(table),
            convert::items_of(table).unwrap().len()
        );
        assert!(convert::generates(table));
    }
}

#[test]
fn a_table_with_no_counts_generates_nothing() {
    let mut table = sample().tables[0].clone();
    table.entities.iter_mut().for_each(|e| e.count = None);
    assert!(!convert::generates(&table));
    assert_eq!(convert::items_of(&table).unwrap(), table.items);
}
