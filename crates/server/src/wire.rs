//! The response side of DynamoDB's wire protocol: JSON bodies with their CRC32, the errors
//! the service framework raises before an operation runs (`com.amazon.coral.service#...`),
//! and the headers every answer carries as DynamoDB sends them (`Server: Server`,
//! `x-amzn-RequestId`, `Connection: keep-alive`, and the CORS headers for cross-origin
//! requests). Bodies of 4 KB or more are compressed when the client accepts it.

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use dynoscope_engine::DynamoError;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONNECTION, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderValue, SERVER};
use hyper::{Response, StatusCode};

use crate::cors;
use crate::encoding::{self, COMPRESSION_THRESHOLD, Coding};

pub const JSON_1_0: &str = "application/x-amz-json-1.0";
/// What DynamoDB answers a method or content type it does not serve (a 404).
const NOT_FOUND_BODY: &str = "<UnknownOperationException/>\n";
const HEALTHY: &str = "Dynoscope DynamoDB endpoint\n";
const SERVICE_NAMESPACE: &str = "com.amazon.coral.service";

/// An error answered before (or instead of) the engine: status and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Failure {
    /// A service-framework error, `{"__type": "com.amazon.coral.service#<name>", <key>: ...}`.
    /// The key is `message` for the authentication errors and `Message` for the others, as
    /// DynamoDB spells each.
    pub fn service(status: StatusCode, name: &str, key: &str, message: Option<&str>) -> Self {
        let quoted = |text: &str| serde_json::to_string(text).expect("a string serialises");
        let kind = quoted(&format!("{SERVICE_NAMESPACE}#{name}"));
        let body = match message {
            Some(message) => format!(r#"{{"__type":{kind},{}:{}}}"#, quoted(key), quoted(message)),
            None => format!(r#"{{"__type":{kind}}}"#),
        };
        Failure {
            status,
            body: body.into_bytes(),
        }
    }

    /// An engine error: its own status and body.
    pub fn engine(error: &DynamoError) -> Self {
        Failure {
            status: StatusCode::from_u16(error.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: error.to_json_bytes(),
        }
    }
}

/// A JSON answer: the body (compressed when `coding` is given and it is large enough),
/// its content type and the CRC32 of the bytes on the wire.
pub fn json(status: StatusCode, body: Vec<u8>, coding: Option<Coding>) -> Response<Full<Bytes>> {
    let coding = coding.filter(|_| body.len() >= COMPRESSION_THRESHOLD);
    let body = match coding {
        Some(coding) => encoding::compress(coding, &body),
        None => body,
    };
    let mut response = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, JSON_1_0)
        .header("x-amz-crc32", crc32fast::hash(&body).to_string());
    if let Some(coding) = coding {
        response = response.header(CONTENT_ENCODING, coding.name());
    }
    response
        .body(Full::new(Bytes::from(body)))
        .expect("fixed header names and ASCII values are valid")
}

/// A failure as its JSON answer.
pub fn failure(failure: Failure, coding: Option<Coding>) -> Response<Full<Bytes>> {
    json(failure.status, failure.body, coding)
}

/// DynamoDB's answer to a method or body it does not serve: 404 `<UnknownOperationException/>`.
pub fn not_found() -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(
            "x-amz-crc32",
            crc32fast::hash(NOT_FOUND_BODY.as_bytes()).to_string(),
        )
        .body(Full::new(Bytes::from_static(NOT_FOUND_BODY.as_bytes())))
        .expect("fixed header names and ASCII values are valid")
}

/// The health check's answer to `GET /`.
pub fn health() -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(
            "x-amz-crc32",
            crc32fast::hash(HEALTHY.as_bytes()).to_string(),
        )
        .body(Full::new(Bytes::from_static(HEALTHY.as_bytes())))
        .expect("fixed header names and values are valid")
}

/// An empty answer with the given headers (a CORS preflight).
pub fn empty(status: StatusCode, headers: HeaderMap) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// What every answer carries, whatever produced it.
pub struct Finish {
    /// The request came from a page of another origin.
    pub cross_origin: bool,
    /// The client keeps the connection open (HTTP/1.1 without `Connection: close`).
    pub keep_alive: bool,
}

/// Adds DynamoDB's common headers: `Server`, `x-amzn-RequestId`, `Connection` and CORS.
pub fn finish(mut response: Response<Full<Bytes>>, finish: &Finish) -> Response<Full<Bytes>> {
    let headers = response.headers_mut();
    headers.insert(SERVER, HeaderValue::from_static("Server"));
    headers.insert(
        "x-amzn-RequestId",
        HeaderValue::from_str(&request_id()).expect("request ids are ASCII"),
    );
    if finish.keep_alive {
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive"));
    }
    if finish.cross_origin {
        cors::decorate(headers);
    }
    response
}

/// A request id shaped like DynamoDB's: 52 characters of `[0-9A-V]`, unique per process
/// (a counter) and unlike other runs' (a per-process random seed), mixed by SplitMix64.
pub fn request_id() -> String {
    const DIGITS: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: OnceLock<u64> = OnceLock::new();
    let seed = *SEED.get_or_init(|| RandomState::new().hash_one("dynoscope"));
    let mut state = seed
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0xA24B_AED4_963E_E407);
    let mut id = String::with_capacity(52);
    for _ in 0..4 {
        let word = splitmix64(&mut state);
        id.extend((0..13).map(|i| DIGITS[(word >> (i * 5)) as usize & 31] as char));
    }
    id
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_differ() {
        let (a, b) = (request_id(), request_id());
        assert_ne!(a, b);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'A'..=b'V').contains(&c)),
            "{a}"
        );
    }

    #[test]
    fn a_service_failure_names_its_namespace_and_message_key() {
        let f = Failure::service(
            StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            "Message",
            Some("no"),
        );
        assert_eq!(
            f.body,
            br#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}"#
        );
        let bare = Failure::service(
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "Message",
            None,
        );
        assert_eq!(
            bare.body,
            br#"{"__type":"com.amazon.coral.service#SerializationException"}"#
        );
    }

    #[test]
    fn small_bodies_are_not_compressed_even_when_accepted() {
        let response = json(StatusCode::OK, b"{}".to_vec(), Some(Coding::Gzip));
        assert!(!response.headers().contains_key(CONTENT_ENCODING));
    }

    #[test]
    fn the_crc32_of_a_compressed_body_covers_the_compressed_bytes() {
        let body = format!("{{\"a\":\"{}\"}}", "x".repeat(5000)).into_bytes();
        let response = json(StatusCode::OK, body, Some(Coding::Gzip));
        assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
        let crc: u32 = response.headers()["x-amz-crc32"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let sent = futures_bytes(response);
        assert_eq!(crc, crc32fast::hash(&sent));
        assert_eq!(&sent[..2], b"\x1f\x8b");
    }

    fn futures_bytes(response: Response<Full<Bytes>>) -> Bytes {
        use http_body_util::BodyExt;
        let body = response.into_body();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(body.collect())
            .unwrap()
            .to_bytes()
    }

    #[test]
    fn every_answer_says_server_and_carries_a_request_id() {
        let plain = finish(
            health(),
            &Finish {
                cross_origin: false,
                keep_alive: true,
            },
        );
        assert_eq!(plain.headers()[SERVER], "Server");
        assert_eq!(plain.headers()[CONNECTION], "keep-alive");
        assert_eq!(plain.headers()["x-amzn-requestid"].len(), 52);
        assert!(!plain.headers().contains_key("access-control-allow-origin"));
        let cross = finish(
            health(),
            &Finish {
                cross_origin: true,
                keep_alive: false,
            },
        );
        assert_eq!(cross.headers()["access-control-allow-origin"], "*");
        assert!(!cross.headers().contains_key(CONNECTION));
    }

    #[test]
    fn not_found_is_dynamodbs_404() {
        let response = not_found();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.headers()["x-amz-crc32"], "3552371480");
    }
}
