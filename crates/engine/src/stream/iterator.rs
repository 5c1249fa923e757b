//! Shard iterators: opaque strings shaped like DynamoDB's (`<stream ARN>|1|<base64>`) that
//! carry the shard, the position (after which sequence number to read) and when the
//! iterator was issued, sealed with a hash of the engine's seed so an edited or made-up
//! iterator is recognised as invalid rather than misread.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A decoded shard iterator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardIterator {
    pub stream_arn: String,
    pub shard_id: String,
    /// Read the records with sequence numbers above this one.
    pub after: u128,
    pub issued_millis: u64,
}

impl ShardIterator {
    /// The wire form: at most about 1,200 characters, well under the 2,048 allowed.
    pub fn encode(&self, seed: u64) -> String {
        let body = format!("{};{};{}", self.shard_id, self.after, self.issued_millis);
        let seal = seal(seed, &self.stream_arn, &body);
        format!(
            "{}|1|{}",
            self.stream_arn,
            BASE64.encode(format!("{body};{seal:016x}"))
        )
    }

    /// Reads an iterator this engine issued; `None` for anything else.
    pub fn decode(text: &str, seed: u64) -> Option<ShardIterator> {
        let (stream_arn, payload) = text.rsplit_once("|1|")?;
        let decoded = String::from_utf8(BASE64.decode(payload).ok()?).ok()?;
        let (body, seal_text) = decoded.rsplit_once(';')?;
        if u64::from_str_radix(seal_text, 16).ok()? != seal(seed, stream_arn, body) {
            return None;
        }
        let mut parts = body.split(';');
        let (shard_id, after, issued) = (parts.next()?, parts.next()?, parts.next()?);
        Some(ShardIterator {
            stream_arn: stream_arn.to_owned(),
            shard_id: shard_id.to_owned(),
            after: after.parse().ok()?,
            issued_millis: issued.parse().ok()?,
        })
        .filter(|_| parts.next().is_none())
    }
}

fn seal(seed: u64, stream_arn: &str, body: &str) -> u64 {
    xxh3_64_with_seed(format!("{stream_arn}|{body}").as_bytes(), seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iterator() -> ShardIterator {
        ShardIterator {
            stream_arn:
                "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1970-01-01T00:00:00.000"
                    .into(),
            shard_id: "shardId-00000000000000000000-0000abcd".into(),
            after: 100_000_000_000_000_000_007,
            issued_millis: 42,
        }
    }

    #[test]
    fn an_iterator_reads_back_as_issued() {
        let text = iterator().encode(7);
        assert!(text.starts_with("arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/"));
        assert_eq!(ShardIterator::decode(&text, 7), Some(iterator()));
    }

    #[test]
    fn an_edited_or_foreign_iterator_is_not_read() {
        let text = iterator().encode(7);
        assert_eq!(ShardIterator::decode(&text, 8), None);
        assert_eq!(
            ShardIterator::decode(&text.replace("table/t/", "table/u/"), 7),
            None
        );
        assert_eq!(ShardIterator::decode("sdfsdfsgagaddafgagasgasgas", 7), None);
    }
}
