//! One stream record: what an item write left in a stream, kept with only the images its
//! stream's view type shows, and written out in DynamoDB Streams' wire shape (`eventID`,
//! `eventName`, `dynamodb.{Keys, NewImage, OldImage, SequenceNumber, ...}`, and for a TTL
//! deletion `userIdentity` with the API's capitalised `Type` and `PrincipalId`).

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128_with_seed;

use crate::value::{AttributeValue, Item, item_size};

/// `StreamViewType`: which images a stream's records carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ViewType {
    KeysOnly,
    NewImage,
    OldImage,
    NewAndOldImages,
}

impl ViewType {
    pub fn parse(text: &str) -> Option<ViewType> {
        match text {
            "KEYS_ONLY" => Some(ViewType::KeysOnly),
            "NEW_IMAGE" => Some(ViewType::NewImage),
            "OLD_IMAGE" => Some(ViewType::OldImage),
            "NEW_AND_OLD_IMAGES" => Some(ViewType::NewAndOldImages),
            _ => None,
        }
    }

    /// The variant as `Serialize` names it (a saved history).
    pub(crate) fn from_name(name: &str) -> Option<ViewType> {
        match name {
            "KeysOnly" => Some(ViewType::KeysOnly),
            "NewImage" => Some(ViewType::NewImage),
            "OldImage" => Some(ViewType::OldImage),
            "NewAndOldImages" => Some(ViewType::NewAndOldImages),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ViewType::KeysOnly => "KEYS_ONLY",
            ViewType::NewImage => "NEW_IMAGE",
            ViewType::OldImage => "OLD_IMAGE",
            ViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }

    fn shows_new(self) -> bool {
        matches!(self, ViewType::NewImage | ViewType::NewAndOldImages)
    }

    fn shows_old(self) -> bool {
        matches!(self, ViewType::OldImage | ViewType::NewAndOldImages)
    }
}

/// `eventName`: what the write did to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EventName {
    Insert,
    Modify,
    Remove,
}

impl EventName {
    /// The event a write makes, or `None` for a write that changed nothing (a put of an
    /// identical item, an update that set what was there, a delete of a missing item).
    pub fn of(old: Option<&Item>, new: Option<&Item>) -> Option<EventName> {
        match (old, new) {
            (None, None) => None,
            (None, Some(_)) => Some(EventName::Insert),
            (Some(_), None) => Some(EventName::Remove),
            (Some(old), Some(new)) if same_item(old, new) => None,
            (Some(_), Some(_)) => Some(EventName::Modify),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Insert => "INSERT",
            EventName::Modify => "MODIFY",
            EventName::Remove => "REMOVE",
        }
    }
}

/// Who made a write. Only TTL deletions show an identity in their record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum WriteIdentity {
    /// A request from a client.
    #[default]
    Caller,
    /// DynamoDB's TTL process deleting an expired item.
    TimeToLive,
}

/// A write as the stream sees it: the item's key and its images before and after.
#[derive(Debug, Clone, Copy)]
pub struct ItemChange<'a> {
    pub keys: &'a Item,
    pub old: Option<&'a Item>,
    pub new: Option<&'a Item>,
    pub identity: WriteIdentity,
}

/// A stored stream record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamRecord {
    #[serde(serialize_with = "crate::history::saved::u128_text")]
    pub sequence: u128,
    pub created_millis: u64,
    pub event_name: EventName,
    pub event_id: String,
    pub keys: Item,
    pub new_image: Option<Item>,
    pub old_image: Option<Item>,
    pub identity: WriteIdentity,
    /// The record's size: its keys plus the images it carries (how DynamoDB counts
    /// `SizeBytes` is undocumented; this model matches a recorded `{"id": "test"}` INSERT
    /// with NEW_IMAGE, 6 + 6 = 12 bytes).
    pub size_bytes: u64,
}

impl StreamRecord {
    /// A record of a saved history ([`crate::history`]), as `Serialize` wrote it.
    pub(crate) fn from_saved(v: &serde_json::Value) -> Option<StreamRecord> {
        use crate::history::saved;
        Some(StreamRecord {
            sequence: saved::u128_of(&v["sequence"])?,
            created_millis: v["created_millis"].as_u64()?,
            event_name: match v["event_name"].as_str()? {
                "Insert" => EventName::Insert,
                "Modify" => EventName::Modify,
                "Remove" => EventName::Remove,
                _ => return None,
            },
            event_id: saved::text(&v["event_id"])?,
            keys: saved::item(&v["keys"])?,
            new_image: saved::optional_item(&v["new_image"])?,
            old_image: saved::optional_item(&v["old_image"])?,
            identity: match v["identity"].as_str()? {
                "TimeToLive" => WriteIdentity::TimeToLive,
                _ => WriteIdentity::Caller,
            },
            size_bytes: v["size_bytes"].as_u64()?,
        })
    }

    /// The record a change leaves in a stream of `view`, keeping only the images it shows.
    /// `id_seed` makes the event id unique to its stream and sequence number.
    pub fn new(
        change: ItemChange<'_>,
        event_name: EventName,
        view: ViewType,
        sequence: u128,
        now_millis: u64,
        id_seed: u64,
    ) -> Self {
        let new_image = change.new.filter(|_| view.shows_new()).cloned();
        let old_image = change.old.filter(|_| view.shows_old()).cloned();
        let size_bytes = [Some(change.keys), new_image.as_ref(), old_image.as_ref()]
            .into_iter()
            .flatten()
            .map(|item| item_size(item) as u64)
            .sum();
        StreamRecord {
            sequence,
            created_millis: now_millis,
            event_name,
            event_id: event_id(id_seed, sequence),
            keys: change.keys.clone(),
            new_image,
            old_image,
            identity: change.identity,
            size_bytes,
        }
    }

    /// The record as GetRecords returns it.
    pub fn to_wire<'a>(&'a self, region: &'a str, view: ViewType) -> WireRecord<'a> {
        WireRecord {
            aws_region: region,
            dynamodb: WireStreamRecord {
                approximate_creation_date_time: self.created_millis / 1000,
                keys: &self.keys,
                new_image: self.new_image.as_ref(),
                old_image: self.old_image.as_ref(),
                sequence_number: sequence_text(self.sequence),
                size_bytes: self.size_bytes,
                stream_view_type: view.as_str(),
            },
            event_id: &self.event_id,
            event_name: self.event_name.as_str(),
            event_source: "aws:dynamodb",
            event_version: "1.1",
            user_identity: (self.identity == WriteIdentity::TimeToLive).then_some(WireIdentity {
                principal_id: "dynamodb.amazonaws.com",
                kind: "Service",
            }),
        }
    }
}

/// A sequence number as the wire carries it: digits only, 21 of them for every number the
/// engine issues (they start at 10^20).
pub fn sequence_text(sequence: u128) -> String {
    format!("{sequence:021}")
}

/// 32 hex digits, unique per stream and sequence number, reproducible from the seed.
fn event_id(seed: u64, sequence: u128) -> String {
    format!("{:032x}", xxh3_128_with_seed(&sequence.to_be_bytes(), seed))
}

/// `Record` on the wire.
#[derive(Debug, Serialize)]
pub struct WireRecord<'a> {
    #[serde(rename = "awsRegion")]
    aws_region: &'a str,
    dynamodb: WireStreamRecord<'a>,
    #[serde(rename = "eventID")]
    event_id: &'a str,
    #[serde(rename = "eventName")]
    event_name: &'static str,
    #[serde(rename = "eventSource")]
    event_source: &'static str,
    #[serde(rename = "eventVersion")]
    event_version: &'static str,
    #[serde(rename = "userIdentity", skip_serializing_if = "Option::is_none")]
    user_identity: Option<WireIdentity>,
}

/// `StreamRecord` on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireStreamRecord<'a> {
    /// Epoch seconds, rounded down.
    approximate_creation_date_time: u64,
    keys: &'a Item,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_image: Option<&'a Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_image: Option<&'a Item>,
    sequence_number: String,
    size_bytes: u64,
    stream_view_type: &'static str,
}

/// `Identity` on the Streams API wire: members `PrincipalId` and `Type`, capitalised.
#[derive(Debug, Serialize)]
struct WireIdentity {
    #[serde(rename = "PrincipalId")]
    principal_id: &'static str,
    #[serde(rename = "Type")]
    kind: &'static str,
}

/// Whether two items hold the same data: sets compare as sets, whatever their order.
pub fn same_item(a: &Item, b: &Item) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(name, value)| b.get(name).is_some_and(|other| same_value(value, other)))
}

fn same_value(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (a, b) {
        (SS(x), SS(y)) => same_set(x, y),
        (NS(x), NS(y)) => same_set(x, y),
        (BS(x), BS(y)) => same_set(x, y),
        (L(x), L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y)),
        (M(x), M(y)) => same_item(x, y),
        _ => a == b,
    }
}

fn same_set<T: Ord>(a: &[T], b: &[T]) -> bool {
    let mut a: Vec<&T> = a.iter().collect();
    let mut b: Vec<&T> = b.iter().collect();
    crate::sorting::sort(&mut a);
    crate::sorting::sort(&mut b);
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::item_from_json;

    fn item(json: &str) -> Item {
        item_from_json(json).unwrap()
    }

    #[test]
    fn sets_in_another_order_are_the_same_item() {
        assert!(same_item(
            &item(r#"{"s":{"SS":["a","b"]}}"#),
            &item(r#"{"s":{"SS":["b","a"]}}"#)
        ));
        assert!(!same_item(
            &item(r#"{"s":{"SS":["a"]}}"#),
            &item(r#"{"s":{"SS":["a","b"]}}"#)
        ));
    }

    #[test]
    fn a_write_that_changes_nothing_has_no_event() {
        let a = item(r#"{"pk":{"S":"k"},"n":{"N":"1.0"}}"#);
        let b = item(r#"{"pk":{"S":"k"},"n":{"N":"1"}}"#);
        assert_eq!(EventName::of(Some(&a), Some(&b)), None);
        assert_eq!(EventName::of(None, None), None);
        assert_eq!(EventName::of(None, Some(&a)), Some(EventName::Insert));
    }

    #[test]
    fn size_bytes_counts_the_keys_and_the_images_shown() {
        let keys = item(r#"{"id":{"S":"test"}}"#);
        let change = ItemChange {
            keys: &keys,
            old: None,
            new: Some(&keys),
            identity: WriteIdentity::Caller,
        };
        let record = StreamRecord::new(change, EventName::Insert, ViewType::NewImage, 1, 0, 0);
        assert_eq!(record.size_bytes, 12);
        let record = StreamRecord::new(change, EventName::Insert, ViewType::KeysOnly, 1, 0, 0);
        assert_eq!((record.size_bytes, record.new_image), (6, None));
    }
}
