//! DynamoDB's JSON 1.0 protocol over HTTP: one request in, one response out. A `POST` names
//! its operation in `X-Amz-Target: DynamoDB_20120810.<Operation>` (DynamoDB Streams:
//! `DynamoDBStreams_20120810.<Operation>`, each API under its own prefix only) and carries
//! the request as its JSON body. The checks run in DynamoDB's order: the Host (DNS rebinding,
//! on a loopback bind), the method (a CORS preflight, `GET` as a health check, anything else
//! but `POST` a 404), the body (16 MB at most, also once inflated; JSON content type; a
//! Content-Encoding undone; readable JSON), the target (else UnknownOperationException),
//! the signature ([`crate::sigv4`]), then the engine. Engine errors keep their DynamoDB
//! status and body and an engine panic is a 500 InternalFailure that leaves the server
//! running; every answer gets DynamoDB's common headers ([`crate::wire`]).

use std::convert::Infallible;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dynoscope_engine::{
    DEFAULT_SOURCE as CLIENT, DynamoError, Engine, ErrorKind, OPERATIONS, is_streams_operation,
};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Bytes};
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderMap};
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, StatusCode, Version};

use crate::encoding::{self, Coding, DecodeError};
use crate::sigv4::{Auth, Caller, SignedRequest};
use crate::wire::{self, Failure, Finish};
use crate::{cors, limits};

use crate::durable;

/// The engine, shared by every connection. Locked only around one synchronous dispatch.
pub type SharedEngine = Arc<Mutex<Engine>>;

/// The target prefix of DynamoDB's data and control plane API.
const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// The target prefix of the DynamoDB Streams API.
const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";

/// DynamoDB's request size limit.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Everything a request is answered with: the engine and how the endpoint is configured.
pub struct Endpoint {
    pub engine: SharedEngine,
    pub auth: Auth,
    /// Bound to a loopback address: refuse requests addressed to other names.
    pub loopback_only: bool,
    /// How long a request body may take to arrive.
    pub body_timeout: Duration,
    /// Requests go through the simulated DAX cluster (`--dax-port`).
    pub via_dax: bool,
    /// Rung after each operation: it may have made stream trigger invocations due
    /// ([`crate::functions`]).
    pub functions: Arc<tokio::sync::Notify>,
}

impl Endpoint {
    /// An endpoint with the defaults: signatures checked for shape, loopback names only.
    pub fn new(engine: SharedEngine) -> Self {
        Endpoint {
            engine,
            auth: Auth::ShapeOnly,
            loopback_only: true,
            body_timeout: limits::Limits::default().body_timeout,
            via_dax: false,
            functions: Arc::new(tokio::sync::Notify::new()),
        }
    }
}

/// Answers one HTTP request. Never fails: every problem is an HTTP response.
pub async fn handle<B>(
    endpoint: Arc<Endpoint>,
    request: Request<B>,
) -> Result<Response<Full<Bytes>>, Infallible>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let finish = Finish {
        cross_origin: cors::has_origin(request.headers()),
        keep_alive: keeps_alive(&request),
    };
    let response = route(&endpoint, request).await;
    Ok(wire::finish(response, &finish))
}

/// HTTP/1.1 keeps the connection unless the client says `Connection: close`.
fn keeps_alive<B>(request: &Request<B>) -> bool {
    let closes = request
        .headers()
        .get_all(CONNECTION)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
    request.version() == Version::HTTP_11 && !closes
}

async fn route<B>(endpoint: &Endpoint, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    if endpoint.loopback_only
        && let Err(host) = limits::host_is_loopback(request.headers())
    {
        return wire::failure(foreign_host(&host), None);
    }
    match *request.method() {
        _ if cors::is_preflight(request.method(), request.headers()) => {
            let (status, headers) = cors::preflight(request.headers());
            wire::empty(status, headers)
        }
        Method::GET | Method::HEAD => wire::health(),
        Method::POST => answer_operation(endpoint, request).await,
        _ => wire::not_found(),
    }
}

fn foreign_host(host: &str) -> Failure {
    let message = format!(
        "Refused a request addressed to '{host}': this endpoint listens on a loopback address \
         and answers only requests addressed to localhost, 127.0.0.1 or [::1] (protection \
         against DNS rebinding). Use one of those names, or start dynoscope-server with \
         --host to listen elsewhere."
    );
    Failure::service(
        StatusCode::FORBIDDEN,
        "AccessDeniedException",
        "Message",
        Some(&message),
    )
}

async fn answer_operation<B>(endpoint: &Endpoint, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let (parts, body) = request.into_parts();
    let coding = encoding::response_coding(&parts.headers);
    let raw = match read_body(body, endpoint.body_timeout).await {
        Ok(raw) => raw,
        Err(failure) => return wire::failure(failure, coding),
    };
    if !raw.is_empty() && !is_json(&parts.headers) {
        return wire::not_found();
    }
    match admit(endpoint, &parts, &raw) {
        Ok((operation, body, caller)) => {
            let dax = endpoint.via_dax;
            let result = durable::serve(&endpoint.engine, |e| {
                dispatch(e, &caller, dax, &operation, &body)
            })
            .await;
            endpoint.functions.notify_one();
            dynamo_response(result, coding)
        }
        Err(failure) => wire::failure(failure, coding),
    }
}

/// The checks between a read body and the engine, in DynamoDB's order: the body inflated
/// and readable as JSON, the target, the signature. Returns the operation, the body and
/// who signed it.
fn admit(
    endpoint: &Endpoint,
    parts: &Parts,
    raw: &[u8],
) -> Result<(String, Vec<u8>, Caller), Failure> {
    let body =
        encoding::decode_request(&parts.headers, raw, MAX_BODY_BYTES).map_err(undecodable)?;
    if !body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        return Err(Failure::engine(&DynamoError::serialization("")));
    }
    let operation = operation_of(&parts.headers)
        .ok_or_else(|| {
            Failure::engine(&DynamoError::new(ErrorKind::UnknownOperationException, ""))
        })?
        .to_owned();
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: raw,
    };
    let caller = endpoint
        .auth
        .check(&signed, SystemTime::now())
        .map_err(|e| {
            Failure::service(StatusCode::BAD_REQUEST, e.name, "message", Some(&e.message))
        })?;
    Ok((operation, body, caller))
}

/// DynamoDB accepts `application/json` and `application/x-amz-json-1.0` (parameters aside).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let media = value.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/json") || media.eq_ignore_ascii_case(wire::JSON_1_0)
}

/// A body that did not decode. DynamoDB answers an unknown coding or a corrupt body with a
/// 500; the limit on the inflated size is this endpoint's own (DynamoDB has none).
fn undecodable(error: DecodeError) -> Failure {
    match error {
        DecodeError::TooLarge => too_large(),
        DecodeError::Unsupported(coding) => internal_server_error(&format!(
            "Unsupported Content-Encoding '{coding}': use gzip or deflate"
        )),
        DecodeError::Corrupt(coding) => internal_server_error(&format!(
            "The request body could not be decompressed as {coding}"
        )),
    }
}

fn internal_server_error(message: &str) -> Failure {
    Failure::engine(&DynamoError::new(ErrorKind::InternalServerError, message))
}

fn too_large() -> Failure {
    let message = format!("Request size exceeds the limit of {MAX_BODY_BYTES} bytes");
    Failure::service(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLargeException",
        "message",
        Some(&message),
    )
}

/// The operation named by `X-Amz-Target`, if the target names one of the engine's operations:
/// DynamoDB's (and Dynoscope's own) under the DynamoDB prefix or one of DynamoDB Streams' under the Streams prefix.
pub fn operation_of(headers: &HeaderMap) -> Option<&str> {
    let target = headers.get("x-amz-target")?.to_str().ok()?;
    let (operation, streams) = match target.strip_prefix(TARGET_PREFIX) {
        Some(operation) => (operation, false),
        None => (target.strip_prefix(STREAMS_TARGET_PREFIX)?, true),
    };
    let known = OPERATIONS.contains(&operation);
    (known && is_streams_operation(operation) == streams).then_some(operation)
}

/// The whole request body as sent, or the failure refusing it: 413 past the size limit, 408
/// when it does not arrive in time, 400 for a body that broke off or is malformed (bad
/// chunked encoding).
async fn read_body<B>(body: B, timeout: Duration) -> Result<Bytes, Failure>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let collected = tokio::time::timeout(timeout, Limited::new(body, MAX_BODY_BYTES).collect());
    match collected.await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err(Failure::service(
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "Message",
            Some(
                "The request body could not be read: it ended early or its chunked transfer encoding is malformed",
            ),
        )),
        Err(_) => Err(Failure::service(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeoutException",
            "message",
            Some(&format!(
                "The request body did not arrive within {} seconds",
                timeout.as_secs_f64()
            )),
        )),
    }
}

/// Runs one operation on the engine as the principal the caller's access key id names (if
/// it names one), in the region its signature is scoped to (global tables: a region other
/// than the engine's own holds that region's replicas), its clock told the host's time
/// first. Through the DAX cluster when `via_dax`: the cluster lives in the engine's home
/// region and serves it whatever region a request is signed for.
fn dispatch(
    engine: &mut Engine,
    caller: &Caller,
    via_dax: bool,
    operation: &str,
    body: &[u8],
) -> Result<Vec<u8>, DynamoError> {
    engine.observe_host_time(now_millis());
    let key = Some(caller.access_key_id.as_str());
    let region = Some(caller.region.as_str());
    let result = guarded(|| match via_dax {
        true => engine.dispatch_via_dax(CLIENT, key, operation, body),
        false => engine.dispatch_in(CLIENT, region, key, operation, body),
    });
    crate::s3::run_jobs(engine);
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
fn dynamo_response(
    result: Result<Vec<u8>, DynamoError>,
    coding: Option<Coding>,
) -> Response<Full<Bytes>> {
    match result {
        Ok(body) => wire::json(StatusCode::OK, body, coding),
        Err(e) => wire::failure(Failure::engine(&e), coding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynoscope_engine::EngineConfig;
    use hyper::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HOST, ORIGIN};

    const SHAPED_AUTH: &str = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, \
        SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00";

    fn endpoint() -> Arc<Endpoint> {
        Arc::new(Endpoint::new(Arc::new(Mutex::new(Engine::new(
            EngineConfig::default(),
        )))))
    }

    /// A POST as an SDK sends it (a signature of the right shape), without the target
    /// when `target` is None.
    fn request(target: Option<&str>, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
        let mut request = Request::post("/")
            .header(CONTENT_TYPE, wire::JSON_1_0)
            .header(HOST, "localhost:8000")
            .header("authorization", SHAPED_AUTH)
            .header("x-amz-date", "20260101T000000Z");
        if let Some(target) = target {
            request = request.header("X-Amz-Target", target);
        }
        request.body(Full::new(body.into())).unwrap()
    }

    async fn answer(request: Request<Full<Bytes>>) -> (StatusCode, HeaderMap, Bytes) {
        let response = handle(endpoint(), request).await.unwrap();
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

    fn json_of(body: &Bytes) -> serde_json::Value {
        serde_json::from_slice(body).unwrap()
    }

    const UNKNOWN_OPERATION: &[u8] =
        br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#;

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
            "DynamoDB_20120810.Frobnicate",
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
            answer(request(Some("DynamoDBStreams_20120810.ListStreams"), "{}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], br#"{"Streams":[]}"#);
    }

    #[tokio::test]
    async fn a_streams_operation_under_the_dynamodb_prefix_is_an_unknown_operation() {
        let (status, _, body) = answer(request(Some("DynamoDB_20120810.ListStreams"), "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(&body[..], UNKNOWN_OPERATION);
    }

    #[tokio::test]
    async fn a_dynamodb_operation_under_the_streams_prefix_is_an_unknown_operation() {
        let (status, _, body) =
            answer(request(Some("DynamoDBStreams_20120810.ListTables"), "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(&body[..], UNKNOWN_OPERATION);
    }

    #[tokio::test]
    async fn an_operation_answers_json_with_dynamodbs_headers() {
        let (status, headers, body) =
            answer(request(Some("DynamoDB_20120810.ListTables"), "{}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], br#"{"TableNames":[]}"#);
        assert_eq!(headers[CONTENT_TYPE], wire::JSON_1_0);
        assert_eq!(headers["x-amz-crc32"], crc32fast::hash(&body).to_string());
        assert_eq!(headers["x-amzn-requestid"].len(), 52);
        assert_eq!(headers["server"], "Server");
        assert_eq!(headers["connection"], "keep-alive");
    }

    #[tokio::test]
    async fn a_missing_target_is_an_unknown_operation() {
        let (status, _, body) = answer(request(None, "{}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(&body[..], UNKNOWN_OPERATION);
    }

    #[tokio::test]
    async fn engine_errors_keep_their_status_and_body() {
        let (status, _, body) = answer(request(
            Some("DynamoDB_20120810.DescribeTable"),
            r#"{"TableName":"nope"}"#,
        ))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let text = std::str::from_utf8(&body).unwrap();
        assert!(text.contains("#ResourceNotFoundException"), "{text}");
    }

    #[tokio::test]
    async fn a_body_over_16_mb_is_refused_with_413_in_json() {
        let body = vec![b' '; MAX_BODY_BYTES + 1];
        let (status, headers, body) =
            answer(request(Some("DynamoDB_20120810.ListTables"), body)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(headers[CONTENT_TYPE], wire::JSON_1_0);
        assert_eq!(
            json_of(&body)["__type"],
            "com.amazon.coral.service#RequestEntityTooLargeException"
        );
    }

    #[tokio::test]
    async fn get_is_a_health_check_without_authentication() {
        let (status, headers, body) =
            answer(Request::get("/").body(Full::new(Bytes::new())).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.starts_with(b"Dynoscope"));
        assert_eq!(headers["server"], "Server");
    }

    #[tokio::test]
    async fn other_methods_get_dynamodbs_404() {
        for method in [Method::PUT, Method::DELETE, Method::OPTIONS] {
            let request = Request::builder().method(method.clone()).uri("/");
            let (status, _, body) = answer(request.body(Full::new(Bytes::new())).unwrap()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
            assert_eq!(&body[..], b"<UnknownOperationException/>\n");
        }
    }

    #[tokio::test]
    async fn a_body_without_a_json_content_type_gets_dynamodbs_404() {
        let request = Request::post("/")
            .header(CONTENT_TYPE, "text/plain")
            .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        let (status, _, _) = answer(request).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn application_json_with_a_charset_is_a_json_content_type() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request.headers_mut().insert(
            CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(answer(request).await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn a_body_that_is_not_json_is_a_bare_serialization_exception_even_unsigned() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{not json");
        request.headers_mut().remove("authorization");
        let (status, _, body) = answer(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            &body[..],
            br#"{"__type":"com.amazon.coral.service#SerializationException"}"#
        );
    }

    #[tokio::test]
    async fn a_request_without_authorization_is_missing_its_authentication_token() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request.headers_mut().remove("authorization");
        let (status, _, body) = answer(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            &body[..],
            br#"{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}"#
        );
    }

    #[tokio::test]
    async fn the_target_is_checked_before_the_signature() {
        let mut request = request(Some("DynamoDB_20120810.Frobnicate"), "{}");
        request.headers_mut().remove("authorization");
        let (_, _, body) = answer(request).await;
        assert_eq!(&body[..], UNKNOWN_OPERATION);
    }

    #[tokio::test]
    async fn an_incomplete_authorization_is_an_incomplete_signature() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert("authorization", "AWS4-".parse().unwrap());
        request.headers_mut().remove("x-amz-date");
        let (status, _, body) = answer(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let error = json_of(&body);
        assert_eq!(
            error["__type"],
            "com.amazon.coral.service#IncompleteSignatureException"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .ends_with("Authorization=AWS4-")
        );
    }

    #[tokio::test]
    async fn a_gzip_body_is_inflated_before_the_engine_reads_it() {
        let body = encoding::compress(Coding::Gzip, br#"{"Limit":5}"#);
        let mut request = request(Some("DynamoDB_20120810.ListTables"), body);
        request
            .headers_mut()
            .insert(CONTENT_ENCODING, "gzip".parse().unwrap());
        let (status, _, body) = answer(request).await;
        assert_eq!(status, StatusCode::OK, "{body:?}");
    }

    #[tokio::test]
    async fn a_body_that_does_not_inflate_is_a_500() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(CONTENT_ENCODING, "gzip".parse().unwrap());
        let (status, _, body) = answer(request).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            json_of(&body)["__type"],
            "com.amazonaws.dynamodb.v20120810#InternalServerError"
        );
    }

    #[tokio::test]
    async fn an_unknown_content_encoding_is_a_500() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(CONTENT_ENCODING, "garbage".parse().unwrap());
        assert_eq!(answer(request).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[tokio::test]
    async fn a_gzip_bomb_is_refused_as_too_large() {
        let bomb = encoding::compress(Coding::Gzip, &vec![b' '; MAX_BODY_BYTES + 1]);
        assert!(bomb.len() < 100_000);
        let mut request = request(Some("DynamoDB_20120810.ListTables"), bomb);
        request
            .headers_mut()
            .insert(CONTENT_ENCODING, "gzip".parse().unwrap());
        assert_eq!(answer(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_large_answer_is_gzipped_when_the_client_accepts_it() {
        let engine = endpoint();
        for i in 0..100 {
            let name = format!("a-table-with-a-rather-long-name-so-that-the-list-is-large-{i:04}");
            let create = format!(
                r#"{{"TableName":"{name}","AttributeDefinitions":[{{"AttributeName":"pk","AttributeType":"S"}}],"KeySchema":[{{"AttributeName":"pk","KeyType":"HASH"}}],"BillingMode":"PAY_PER_REQUEST"}}"#
            );
            let response = handle(
                engine.clone(),
                request(Some("DynamoDB_20120810.CreateTable"), create),
            )
            .await
            .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        let mut list = request(Some("DynamoDB_20120810.ListTables"), "{}");
        list.headers_mut()
            .insert(ACCEPT_ENCODING, "gzip".parse().unwrap());
        let response = handle(engine, list).await.unwrap();
        assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
        let crc = response.headers()["x-amz-crc32"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(crc, crc32fast::hash(&body).to_string());
        let plain = encoding::decode_request(
            &[(CONTENT_ENCODING, "gzip".parse().unwrap())]
                .into_iter()
                .collect(),
            &body,
            MAX_BODY_BYTES,
        )
        .unwrap();
        assert!(plain.starts_with(br#"{"TableNames":["#));
    }

    #[tokio::test]
    async fn a_preflight_is_answered_without_authentication() {
        let request = Request::options("/")
            .header(ORIGIN, "http://localhost:3000")
            .header(
                "access-control-request-headers",
                "authorization,content-type,x-amz-target",
            )
            .header("access-control-request-method", "POST")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let (status, headers, body) = answer(request).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.is_empty());
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(
            headers["access-control-allow-headers"],
            "authorization,content-type,x-amz-target"
        );
        assert_eq!(headers["access-control-allow-methods"], "POST");
        assert_eq!(headers["x-amzn-requestid"].len(), 52);
    }

    #[tokio::test]
    async fn a_cross_origin_operation_exposes_the_request_id() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(ORIGIN, "http://localhost:3000".parse().unwrap());
        let (_, headers, _) = answer(request).await;
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(headers["access-control-expose-headers"], cors::EXPOSED);
        assert!(!headers.contains_key("access-control-max-age"));
    }

    #[tokio::test]
    async fn a_foreign_host_on_a_loopback_bind_is_refused() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(HOST, "rebind.example:8000".parse().unwrap());
        let (status, headers, body) = answer(request).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(headers[CONTENT_TYPE], wire::JSON_1_0);
        let error = json_of(&body);
        assert_eq!(
            error["__type"],
            "com.amazon.coral.service#AccessDeniedException"
        );
        assert!(
            error["Message"]
                .as_str()
                .unwrap()
                .contains("rebind.example:8000")
        );
    }

    #[tokio::test]
    async fn a_foreign_host_is_served_when_listening_beyond_loopback() {
        let mut open = Endpoint::new(Arc::new(Mutex::new(Engine::new(EngineConfig::default()))));
        open.loopback_only = false;
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(HOST, "db.internal:8000".parse().unwrap());
        let response = handle(Arc::new(open), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn connection_close_is_not_answered_keep_alive() {
        let mut request = request(Some("DynamoDB_20120810.ListTables"), "{}");
        request
            .headers_mut()
            .insert(CONNECTION, "close".parse().unwrap());
        let (_, headers, _) = answer(request).await;
        assert!(!headers.contains_key(CONNECTION));
    }

    #[tokio::test]
    async fn describe_endpoints_is_answered() {
        let (status, _, body) =
            answer(request(Some("DynamoDB_20120810.DescribeEndpoints"), "{}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(json_of(&body)["Endpoints"].is_array());
    }

    #[test]
    fn a_panic_becomes_an_internal_failure() {
        let e = guarded(|| panic!("engine bug")).unwrap_err();
        assert_eq!(e.wire_type(), "com.amazon.coral.service#InternalFailure");
        assert_eq!(e.http_status(), 500);
    }
}
