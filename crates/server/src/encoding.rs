//! Content codings, as DynamoDB applies them. A request body sent with
//! `Content-Encoding: gzip` (concatenated members allowed) or `deflate` (zlib) is inflated
//! before it is read, never past a size limit, so a small compressed body cannot inflate
//! into gigabytes; a body that does not inflate, or an unknown coding, is refused (DynamoDB
//! answers 500). A response of 4 KB or more is compressed with gzip or deflate when the
//! request's `Accept-Encoding` allows it, weighing q-values the way DynamoDB does (an
//! explicitly named coding beats `*`, then the earlier one listed; gzip first under `*`);
//! `x-amz-crc32` then covers the compressed bytes, as the SDKs check it.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::{MultiGzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use hyper::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HeaderMap};

/// Responses shorter than this are sent as they are.
pub const COMPRESSION_THRESHOLD: usize = 4096;

/// A content coding this endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

/// Why a request body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The coding named in Content-Encoding is not one this endpoint speaks.
    Unsupported(String),
    /// The body is not valid data in its coding.
    Corrupt(&'static str),
    /// The inflated body is larger than the limit.
    TooLarge,
}

/// The request body with its Content-Encoding undone, at most `limit` bytes.
pub fn decode_request(
    headers: &HeaderMap,
    body: &[u8],
    limit: usize,
) -> Result<Vec<u8>, DecodeError> {
    let coding = headers.get(CONTENT_ENCODING).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .trim()
            .to_ascii_lowercase()
    });
    match coding.as_deref() {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some("gzip") => inflate(MultiGzDecoder::new(body), limit, "gzip"),
        Some("deflate") => inflate(ZlibDecoder::new(body), limit, "deflate"),
        Some(other) => Err(DecodeError::Unsupported(other.to_owned())),
    }
}

fn inflate(decoder: impl Read, limit: usize, coding: &'static str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| DecodeError::Corrupt(coding))?;
    match out.len() {
        0 => Err(DecodeError::Corrupt(coding)),
        n if n > limit => Err(DecodeError::TooLarge),
        _ => Ok(out),
    }
}

/// The coding to answer with, from the request's Accept-Encoding, if any.
pub fn response_coding(headers: &HeaderMap) -> Option<Coding> {
    // Like DynamoDB, only the last Accept-Encoding header counts.
    let accept = headers.get_all(ACCEPT_ENCODING).iter().next_back()?;
    preferred(&String::from_utf8_lossy(accept.as_bytes()))
}

/// One coding's weight as the header gives it.
struct Weight {
    coding: Coding,
    q: f64,
    explicit: bool,
    position: usize,
}

fn preferred(accept: &str) -> Option<Coding> {
    let entries: Vec<(String, f64)> = accept.split(',').filter_map(entry).collect();
    let star = max_q(&entries, "*");
    let weights = [Coding::Gzip, Coding::Deflate].into_iter().enumerate();
    weights
        .filter_map(|(order, coding)| {
            let named = max_q(&entries, coding.name());
            let position = entries.iter().position(|(name, _)| name == coding.name());
            match (named, star) {
                (Some(q), _) => Some(Weight {
                    coding,
                    q,
                    explicit: true,
                    position: position.unwrap_or(order),
                }),
                (None, Some(q)) => Some(Weight {
                    coding,
                    q,
                    explicit: false,
                    position: order,
                }),
                (None, None) => None,
            }
        })
        .filter(|w| w.q > 0.0)
        .min_by(|a, b| {
            b.q.total_cmp(&a.q)
                .then(b.explicit.cmp(&a.explicit))
                .then(a.position.cmp(&b.position))
        })
        .map(|w| w.coding)
}

/// The highest weight given to `name`, if named at all.
fn max_q(entries: &[(String, f64)], name: &str) -> Option<f64> {
    entries
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, q)| *q)
        .reduce(f64::max)
}

/// One `coding;q=value` entry: the lowercased coding and its weight (1 when absent or
/// unreadable, clamped to 0..=1; only the first `q` counts).
fn entry(text: &str) -> Option<(String, f64)> {
    let mut parts = text.split(';');
    let name = parts.next()?.trim().to_ascii_lowercase();
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"*-_.+!#$%&'^`|~".contains(&b));
    if !is_token {
        return None;
    }
    let q = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
        .map(|(_, v)| v.trim().parse::<f64>().unwrap_or(1.0))
        .unwrap_or(1.0);
    Some((name, if q.is_nan() { 1.0 } else { q.clamp(0.0, 1.0) }))
}

/// `body` compressed with `coding`.
pub fn compress(coding: Coding, body: &[u8]) -> Vec<u8> {
    let written = match coding {
        Coding::Gzip => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
            encoder.write_all(body).and_then(|()| encoder.finish())
        }
        Coding::Deflate => {
            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
            encoder.write_all(body).and_then(|()| encoder.finish())
        }
    };
    written.expect("compressing into memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(name: hyper::header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        compress(Coding::Gzip, data)
    }

    #[test]
    fn a_gzip_body_is_inflated() {
        let headers = with_header(CONTENT_ENCODING, "gzip");
        assert_eq!(
            decode_request(&headers, &gzip(b"{}"), 100),
            Ok(b"{}".to_vec())
        );
    }

    #[test]
    fn concatenated_gzip_members_are_one_body() {
        let headers = with_header(CONTENT_ENCODING, "GZIP");
        let body = [gzip(b"{\"a\""), gzip(b":1}")].concat();
        assert_eq!(
            decode_request(&headers, &body, 100),
            Ok(b"{\"a\":1}".to_vec())
        );
    }

    #[test]
    fn a_deflate_body_is_zlib_inflated() {
        let headers = with_header(CONTENT_ENCODING, "deflate");
        let body = compress(Coding::Deflate, b"{}");
        assert_eq!(decode_request(&headers, &body, 100), Ok(b"{}".to_vec()));
    }

    #[test]
    fn a_body_that_is_not_gzip_is_corrupt() {
        let headers = with_header(CONTENT_ENCODING, "gzip");
        assert_eq!(
            decode_request(&headers, b"{}", 100),
            Err(DecodeError::Corrupt("gzip"))
        );
        assert_eq!(
            decode_request(&headers, b"", 100),
            Err(DecodeError::Corrupt("gzip"))
        );
        let cut = gzip(b"{\"TableName\":\"t\"}");
        assert_eq!(
            decode_request(&headers, &cut[..cut.len() - 1], 100),
            Err(DecodeError::Corrupt("gzip"))
        );
    }

    #[test]
    fn an_unknown_coding_is_unsupported() {
        let headers = with_header(CONTENT_ENCODING, "br");
        assert_eq!(
            decode_request(&headers, b"{}", 100),
            Err(DecodeError::Unsupported("br".into()))
        );
    }

    #[test]
    fn inflating_stops_past_the_limit() {
        let headers = with_header(CONTENT_ENCODING, "gzip");
        let bomb = gzip(&vec![b' '; 10_000]);
        assert_eq!(
            decode_request(&headers, &bomb, 9_999),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            decode_request(&headers, &bomb, 10_000).map(|b| b.len()),
            Ok(10_000)
        );
    }

    #[test]
    fn no_content_encoding_passes_the_body_through() {
        assert_eq!(
            decode_request(&HeaderMap::new(), b"{}", 1),
            Ok(b"{}".to_vec())
        );
    }

    fn chosen(accept: &str) -> Option<&'static str> {
        response_coding(&with_header(ACCEPT_ENCODING, accept)).map(Coding::name)
    }

    #[test]
    fn accept_encoding_picks_gzip_or_deflate_as_dynamodb_does() {
        let cases = [
            ("gzip", Some("gzip")),
            ("deflate", Some("deflate")),
            ("identity", None),
            ("", None),
            ("br", None),
            ("x-gzip", None),
            ("gzip, deflate", Some("gzip")),
            ("br, identity, deflate, gzip", Some("deflate")),
            ("GZIP, identity", Some("gzip")),
            ("dog, gzip ,, cat", Some("gzip")),
            ("gzip;q=0.8, deflate;q=0.5", Some("gzip")),
            (
                "br, gzip;q=0, deflate; q = 0.5 , identity;q=0",
                Some("deflate"),
            ),
            ("*", Some("gzip")),
            ("*, deflate;q=0.5", Some("gzip")),
            ("*, deflate", Some("deflate")),
            ("*, gzip;q=0.5", Some("deflate")),
            ("gzip ;q=0", None),
            ("*;q=0", None),
            ("\"gzip\"", None),
            ("gzip br", None),
            ("gzip:q=1", None),
            ("deflate;q=0.5, gzip;q=31", Some("gzip")),
            ("deflate;q=0.5, gzip;q=1;q=0.2", Some("gzip")),
            ("deflate;q=0.5,gzip;q=0.", Some("deflate")),
            ("deflate;q=0.5,gzip;q=0.x", Some("gzip")),
            ("deflate;q=-0.5,gzip;q=0.2", Some("gzip")),
            ("gzip;nq=1;q=0 ", None),
            ("gzip;q=0, gzip;q=1, gzip;q=0", Some("gzip")),
            ("br,identity;q=0.5,gzip;q=0.0001", Some("gzip")),
        ];
        for (accept, expected) in cases {
            assert_eq!(chosen(accept), expected, "{accept:?}");
        }
    }

    #[test]
    fn compressed_bodies_round_trip() {
        let body = vec![b'x'; 5000];
        let gz = compress(Coding::Gzip, &body);
        assert_eq!(&gz[..2], b"\x1f\x8b");
        let headers = with_header(CONTENT_ENCODING, "gzip");
        assert_eq!(decode_request(&headers, &gz, 5000), Ok(body));
    }
}
