//! DynamoDB's JSON 1.0 protocol over HTTP: one request in, one response out. A `POST` names
//! its operation in `X-Amz-Target: DynamoDB_20120810.<Operation>` (DynamoDB Streams:
//! `DynamoDBStreams_20120810.<Operation>`, each API under its own prefix only) and carries
//! the request as its JSON body; the answer is the engine's JSON with the headers SDKs look for
//! (`x-amzn-RequestId`, and `x-amz-crc32`, which botocore checks). Engine errors keep their
//! DynamoDB status and body; a target this endpoint does not serve is an
//! UnknownOperationException, a body over DynamoDB's 16 MB limit a 413, and an engine panic a
//! 500 InternalFailure that leaves the server running. `GET` is a health check.

use std::convert::Infallible;
use std::hash::{BuildHasher, RandomState};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use dynoscope_engine::dispatch::is_streams_operation;
use dynoscope_engine::{DynamoError, Engine, ErrorKind};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Bytes};
use hyper::header::{CONTENT_TYPE, HeaderMap};
use hyper::{Method, Request, Response, StatusCode};

/// The engine, shared by every connection. Locked only around one synchronous dispatch.
pub type SharedEngine = Arc<Mutex<Engine>>;

/// The target prefix of DynamoDB's data and control plane API.
const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// The target prefix of the DynamoDB Streams API.
const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";

/// DynamoDB's request size limit.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

const JSON_1_0: &str = "application/x-amz-json-1.0";
const HEALTHY: &str = "Dynoscope DynamoDB endpoint\n";

/// Answers one HTTP request. Never fails: every problem is an HTTP response.
pub async fn handle<B>(
    engine: SharedEngine,
    request: Request<B>,
) -> Result<Response<Full<Bytes>>, Infallible>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    Ok(match *request.method() {
        Method::POST => answer_operation(&engine, request).await,
        Method::GET | Method::HEAD => text(StatusCode::OK, HEALTHY),
        _ => text(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only POST (operations) and GET (health) are served\n",
        ),
    })
}

async fn answer_operation<B>(engine: &Mutex<Engine>, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let operation = operation_of(request.headers()).map(str::to_owned);
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(status) => return text(status, status.canonical_reason().unwrap_or_default()),
    };
    let result = match operation {
        Some(operation) => dispatch(engine, &operation, &body),
        None => Err(DynamoError::new(ErrorKind::UnknownOperationException, "")),
    };
    dynamo_response(result)
}

/// The operation named by `X-Amz-Target`, if the target names one of DynamoDB's operations
/// under the DynamoDB prefix or one of DynamoDB Streams' under the Streams prefix.
pub fn operation_of(headers: &HeaderMap) -> Option<&str> {
    let target = headers.get("x-amz-target")?.to_str().ok()?;
    let (operation, streams) = match target.strip_prefix(TARGET_PREFIX) {
        Some(operation) => (operation, false),
        None => (target.strip_prefix(STREAMS_TARGET_PREFIX)?, true),
    };
    (!operation.is_empty() && is_streams_operation(operation) == streams).then_some(operation)
}

/// The whole request body, or the status refusing it: 413 past the size limit, 400 for a
/// body that broke off.
async fn read_body<B>(body: B) -> Result<Bytes, StatusCode>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => Err(StatusCode::BAD_REQUEST),
    }
}

/// Runs one operation on the engine, its clock told the host's time first.
fn dispatch(engine: &Mutex<Engine>, operation: &str, body: &[u8]) -> Result<Vec<u8>, DynamoError> {
    let mut engine = engine.lock().unwrap_or_else(PoisonError::into_inner);
    engine.observe_host_time(now_millis());
    let result = guarded(|| engine.dispatch(operation, body));
    crate::s3::run_jobs(&mut engine);
    result
}

/// Turns a panic inside `run` into DynamoDB's InternalFailure.
fn guarded(run: impl FnOnce() -> Result<Vec<u8>, DynamoError>) -> Result<Vec<u8>, DynamoError> {
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err(DynamoError::new(
            ErrorKind::InternalFailure,
            "The server encountered an internal error trying to fulfill the request.",
        ))
    })
}

pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The wire response for an engine result.
fn dynamo_response(result: Result<Vec<u8>, DynamoError>) -> Response<Full<Bytes>> {
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_json_bytes())
        }
    };
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, JSON_1_0)
        .header("x-amzn-RequestId", request_id())
        .header("x-amz-crc32", crc32fast::hash(&body).to_string())
        .body(Full::new(Bytes::from(body)))
        .expect("fixed header names and ASCII values are valid")
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("fixed header names and values are valid")
}

/// A request id shaped like DynamoDB's: 52 characters of `[0-9A-V]`, unique per process
/// (a counter) and unlike other runs' (a per-process random seed), mixed by SplitMix64.
fn request_id() -> String {
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
    use dynoscope_engine::EngineConfig;

    fn engine() -> SharedEngine {
        Arc::new(Mutex::new(Engine::new(EngineConfig::default())))
    }

    fn post(target: Option<&str>, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
        let mut request = Request::post("/").header(CONTENT_TYPE, JSON_1_0);
        if let Some(target) = target {
            request = request.header("X-Amz-Target", target);
        }
        request.body(Full::new(body.into())).unwrap()
    }

    async fn answer(request: Request<Full<Bytes>>) -> (StatusCode, HeaderMap, Bytes) {
        let response = handle(engine(), request).await.unwrap();
        let (parts, body) = response.into_parts();
        (
            parts.status,
            parts.headers,
            body.collect().await.unwrap().to_bytes(),
        )
    }

    fn headers_with_target(target: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-target", target.parse().unwrap());
        headers
    }

    #[test]
    fn the_operation_is_the_target_after_the_dynamodb_prefix() {
        assert_eq!(
            operation_of(&headers_with_target("DynamoDB_20120810.PutItem")),
            Some("PutItem")
        );
    }

    #[test]
    fn streams_operations_are_named_under_the_streams_prefix() {
        for operation in [
            "ListStreams",
            "DescribeStream",
            "GetShardIterator",
            "GetRecords",
        ] {
            let target = format!("DynamoDBStreams_20120810.{operation}");
            assert_eq!(operation_of(&headers_with_target(&target)), Some(operation));
        }
    }

    #[test]
    fn each_api_is_served_under_its_own_prefix_only() {
        for target in [
            "DynamoDB_20120810.GetRecords",
            "DynamoDB_20120810.ListStreams",
            "DynamoDBStreams_20120810.PutItem",
        ] {
            assert_eq!(operation_of(&headers_with_target(target)), None, "{target}");
        }
    }

    #[test]
    fn other_services_and_malformed_targets_name_no_operation() {
        for target in [
            "Kinesis_20131202.GetRecords",
            "DynamoDB_20120810.",
            "DynamoDBStreams_20120810.",
            "PutItem",
            "",
        ] {
            assert_eq!(operation_of(&headers_with_target(target)), None, "{target}");
        }
        assert_eq!(operation_of(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn a_streams_operation_under_the_streams_prefix_is_answered() {
        let (status, _, body) =
            answer(post(Some("DynamoDBStreams_20120810.ListStreams"), "{}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], br#"{"Streams":[]}"#);
    }

    #[tokio::test]
    async fn a_streams_operation_under_the_dynamodb_prefix_is_an_unknown_operation() {
        let (status, _, body) = answer(post(Some("DynamoDB_20120810.ListStreams"), "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            &body[..],
            br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#
        );
    }

    #[tokio::test]
    async fn a_dynamodb_operation_under_the_streams_prefix_is_an_unknown_operation() {
        let (status, _, body) =
            answer(post(Some("DynamoDBStreams_20120810.ListTables"), "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            &body[..],
            br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#
        );
    }

    #[tokio::test]
    async fn an_operation_answers_json_with_a_request_id_and_a_crc32_of_the_body() {
        let (status, headers, body) =
            answer(post(Some("DynamoDB_20120810.ListTables"), "{}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], br#"{"TableNames":[]}"#);
        assert_eq!(headers[CONTENT_TYPE], JSON_1_0);
        assert_eq!(headers["x-amz-crc32"], crc32fast::hash(&body).to_string());
        assert_eq!(headers["x-amzn-requestid"].len(), 52);
    }

    #[tokio::test]
    async fn a_missing_target_is_an_unknown_operation() {
        let (status, _, body) = answer(post(None, "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            &body[..],
            br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#
        );
    }

    #[tokio::test]
    async fn engine_errors_keep_their_status_and_body() {
        let (status, _, body) = answer(post(
            Some("DynamoDB_20120810.DescribeTable"),
            r#"{"TableName":"nope"}"#,
        ))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let text = std::str::from_utf8(&body).unwrap();
        assert!(text.contains("#ResourceNotFoundException"), "{text}");
    }

    #[tokio::test]
    async fn a_body_over_16_mb_is_refused_with_413() {
        let body = vec![b' '; MAX_BODY_BYTES + 1];
        let (status, _, _) = answer(post(Some("DynamoDB_20120810.ListTables"), body)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn get_is_a_health_check() {
        let (status, _, body) =
            answer(Request::get("/").body(Full::new(Bytes::new())).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], HEALTHY.as_bytes());
    }

    #[test]
    fn a_panic_becomes_an_internal_failure() {
        let e = guarded(|| panic!("engine bug")).unwrap_err();
        assert_eq!(e.wire_type(), "com.amazon.coral.service#InternalFailure");
        assert_eq!(e.http_status(), 500);
    }

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
}
