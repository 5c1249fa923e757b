//! Stream triggers, natively: the functions of event source mappings run as local HTTP
//! handlers. A mapping's `FunctionUrl` (an `http://` URL on a loopback host, checked by the
//! engine) names where its function listens; while the server runs, a delivery task takes
//! the engine's due invocations (every [`TICK`], and at once after a request, which may have
//! written stream records or moved the clock), POSTs each one's event (`{"Records": [...]}`,
//! the JSON Lambda hands a handler) to its URL and reports the outcome back, so the engine's
//! retries, bisection, partial batch responses and on-failure destinations apply as they do
//! in Lambda. The engine is locked only to take and to complete, never across a call; calls
//! of different shards run at once. Taking and completing go through [`durable::run_job`],
//! so under `--data-dir` what they change is stored as a request's changes are.
//!
//! How a handler's answer is read ([`outcome_of`]): a 2xx is success, its JSON body what the
//! handler returned (an empty body is `null`, a body that is not JSON a string); this is how
//! `{"batchItemFailures": [...]}` comes back. An `X-Amz-Function-Error` header (as Lambda's
//! Invoke API answers a function error) or a status other than 2xx is a function error: its
//! type the header's value or `HTTPError`, its message the body's `errorMessage` when the
//! body is Lambda's error JSON (`{"errorType": ..., "errorMessage": ...}`), else the status
//! and the body's start. A URL that cannot be reached is an error saying so; a handler that
//! takes longer than the mapping's `FunctionTimeoutSeconds` is timed out in Lambda's words.
//! A mapping without a URL fails each invocation as Lambda does for a function that does
//! not exist.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dynoscope_engine::{Invocation, InvocationOutcome};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HOST, HeaderMap, USER_AGENT};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::durable;
use crate::http::{SharedEngine, now_millis};

/// How often the task looks for due invocations when nothing wakes it: the virtual clock
/// moves on its own (batching windows, retry backoffs).
pub const TICK: Duration = Duration::from_millis(100);

/// Lambda's limit on a synchronous invocation's response (6 MB).
const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// At most this much of a handler's answer goes into an error message.
const MESSAGE_CHARS: usize = 1024;

/// The header Lambda's Invoke API marks a function error with.
const FUNCTION_ERROR: &str = "x-amz-function-error";

/// The running delivery task, and the bell a request rings when it may have made work.
pub struct Functions {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

/// Starts delivering the invocations of `engine`'s mappings.
pub fn start(engine: SharedEngine) -> Functions {
    let wake = Arc::new(Notify::new());
    let task = tokio::spawn(deliver(engine, wake.clone()));
    Functions { wake, task }
}

impl Functions {
    /// What a request rings once it is answered ([`Notify::notify_one`]: rings coalesce).
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Stops delivering, abandoning the calls in flight: their batches are handed out again
    /// after a restart (delivery is at least once, as Lambda's is).
    pub fn stop(self) {
        self.task.abort();
    }
}

async fn deliver(engine: SharedEngine, wake: Arc<Notify>) {
    let mut running = JoinSet::new();
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = wake.notified() => {}
            // A call ended: its shard's next batch may be due at once.
            Some(_) = running.join_next() => {}
        }
        let taken = durable::run_job(&engine, |e| {
            e.observe_host_time(now_millis());
            // An engine panic must not end delivery for the rest of the server's life (a
            // request that panics answers InternalFailure and the server goes on, too).
            catch_unwind(AssertUnwindSafe(|| e.take_invocations())).unwrap_or_default()
        })
        .await;
        match taken {
            Ok(invocations) => {
                for invocation in invocations {
                    running.spawn(invoke_and_report(engine.clone(), invocation));
                }
            }
            // The engine is rebuilt from the disk before it is used again: these invocations
            // are forgotten there, and handed out anew.
            Err(e) => eprintln!("dynoscope-server: stream triggers: {}", e.message),
        }
    }
}

async fn invoke_and_report(engine: SharedEngine, invocation: Invocation) {
    let outcome = invoke(&invocation).await;
    let id = invocation.invocation_id;
    if let Err(e) = durable::run_job(&engine, |e| e.complete_invocation(&id, outcome)).await {
        eprintln!("dynoscope-server: stream triggers: {}", e.message);
    }
}

/// Runs one invocation: POSTs its event to its function's URL within its timeout.
async fn invoke(invocation: &Invocation) -> InvocationOutcome {
    let Some(url) = &invocation.function_url else {
        return no_function(&invocation.function_arn);
    };
    let started = Instant::now();
    let timeout = Duration::from_millis(invocation.timeout_millis);
    let outcome = match tokio::time::timeout(timeout, post(url, invocation)).await {
        Ok(Ok(reply)) => outcome_of(&reply),
        Ok(Err(Failed::Unreachable(problem))) => unreachable(url, &problem),
        Ok(Err(Failed::TooLarge)) => too_large(),
        Err(_) => InvocationOutcome::timed_out(invocation.timeout_millis),
    };
    outcome.with_duration(started.elapsed().as_millis() as u64)
}

/// What Lambda answers when an event source mapping's function does not exist.
fn no_function(function_arn: &str) -> InvocationOutcome {
    InvocationOutcome::error(
        "ResourceNotFoundException",
        &format!(
            "Function not found: {function_arn} (the mapping has no FunctionUrl, so \
             dynoscope-server has nowhere to send its events)"
        ),
    )
}

fn unreachable(url: &str, problem: &str) -> InvocationOutcome {
    InvocationOutcome::error(
        "FunctionUrlUnreachable",
        &format!("The function at {url} could not be reached: {problem}"),
    )
}

/// Lambda's error for an answer over its response limit.
fn too_large() -> InvocationOutcome {
    InvocationOutcome::error(
        "Function.ResponseSizeTooLarge",
        &format!(
            "Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
        ),
    )
}

/// Why a call brought no answer.
#[derive(Debug)]
enum Failed {
    /// The URL could not be reached, or the exchange broke off: what went wrong, in words.
    Unreachable(String),
    /// The answer was over [`MAX_RESPONSE_BYTES`].
    TooLarge,
}

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(e: E) -> Self {
        Failed::Unreachable(e.to_string())
    }
}

/// A handler's answer.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    /// `X-Amz-Function-Error`, if the handler set it.
    function_error: Option<String>,
    body: Bytes,
}

/// The outcome a handler's answer stands for (see the module).
fn outcome_of(reply: &Reply) -> InvocationOutcome {
    let parsed = serde_json::from_slice::<serde_json::Value>(&reply.body).ok();
    if !reply.status.is_success() || reply.function_error.is_some() {
        let lambda_error = parsed.as_ref().filter(|v| v["errorMessage"].is_string());
        let error_type = (reply.function_error.clone())
            .filter(|t| !t.is_empty() && t != "Unhandled" && t != "Handled")
            .or_else(|| lambda_error.and_then(|v| Some(v["errorType"].as_str()?.to_owned())))
            .or_else(|| reply.function_error.clone())
            .unwrap_or_else(|| "HTTPError".to_owned());
        let message = match lambda_error {
            Some(v) => cut(v["errorMessage"].as_str().unwrap_or_default()),
            None => {
                let body = String::from_utf8_lossy(&reply.body);
                format!("HTTP {}: {}", reply.status, cut(body.trim()))
            }
        };
        return InvocationOutcome::error(&error_type, &message);
    }
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        return InvocationOutcome::success(None);
    }
    let response = parsed.unwrap_or_else(|| {
        serde_json::Value::String(String::from_utf8_lossy(&reply.body).into_owned())
    });
    InvocationOutcome::success(Some(response))
}

/// The first [`MESSAGE_CHARS`] characters of `text`, marked when cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(MESSAGE_CHARS) {
        Some((at, _)) => format!("{}... ({} bytes in all)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

/// POSTs the event of `invocation` to `url` on one connection, with the headers Lambda's
/// runtime API gives a handler.
async fn post(url: &str, invocation: &Invocation) -> Result<Reply, Failed> {
    let uri: Uri = url.parse().map_err(|e| format!("not a URL ({e})"))?;
    let host = uri.host().ok_or("the URL has no host")?;
    let address = host.trim_start_matches('[').trim_end_matches(']');
    let stream = TcpStream::connect((address, uri.port_u16().unwrap_or(80))).await?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map_or(host, |a| a.as_str());
    let deadline = now_millis() + invocation.timeout_millis;
    let request = Request::post(path)
        .header(HOST, authority)
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, "dynoscope-server")
        .header("Lambda-Runtime-Aws-Request-Id", &invocation.invocation_id)
        .header(
            "Lambda-Runtime-Invoked-Function-Arn",
            &invocation.function_arn,
        )
        .header("Lambda-Runtime-Deadline-Ms", deadline.to_string())
        .header("X-Dynoscope-Attempt", invocation.attempt.to_string())
        .body(Full::new(Bytes::from(invocation.event.to_string())))?;
    let exchange = async move {
        let response = sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = match Limited::new(body, MAX_RESPONSE_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => return Err(Failed::TooLarge),
            Err(e) => return Err(format!("its answer could not be read ({e})").into()),
        };
        Ok(Reply {
            status: parts.status,
            function_error: function_error(&parts.headers),
            body,
        })
    };
    // The connection is driven here, not in a task of its own, so a timeout drops it with
    // the call and a hung handler keeps no socket open.
    let mut exchange = pin!(exchange);
    let mut connection = pin!(connection);
    tokio::select! {
        biased;
        reply = &mut exchange => reply,
        ended = &mut connection => match ended {
            Ok(()) => exchange.await,
            Err(e) => Err(e.into()),
        },
    }
}

fn function_error(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(FUNCTION_ERROR)?;
    Some(String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(status: u16, function_error: Option<&str>, body: &str) -> InvocationOutcome {
        outcome_of(&Reply {
            status: StatusCode::from_u16(status).unwrap(),
            function_error: function_error.map(str::to_owned),
            body: Bytes::from(body.to_owned()),
        })
    }

    fn error_of(outcome: &InvocationOutcome) -> (&str, &str) {
        let error = outcome.error.as_ref().expect("an error");
        (&error.error_type, &error.error_message)
    }

    #[test]
    fn a_2xx_is_success_with_the_json_body_as_the_response() {
        let failures = r#"{"batchItemFailures":[{"itemIdentifier":"100000000000000000002"}]}"#;
        let outcome = reply(200, None, failures);
        assert_eq!(
            outcome,
            InvocationOutcome::success(Some(serde_json::from_str(failures).unwrap()))
        );
        assert_eq!(
            reply(204, None, ""),
            InvocationOutcome::success(None),
            "an empty body is null"
        );
        assert_eq!(reply(200, None, " \n"), InvocationOutcome::success(None));
        assert_eq!(
            reply(200, None, "ok"),
            InvocationOutcome::success(Some(json!("ok"))),
            "a body that is not JSON is a string"
        );
    }

    #[test]
    fn another_status_is_an_http_error_with_the_status_and_body() {
        let outcome = reply(500, None, "boom\n");
        assert_eq!(
            error_of(&outcome),
            ("HTTPError", "HTTP 500 Internal Server Error: boom")
        );
        let outcome = reply(404, None, "");
        assert_eq!(error_of(&outcome), ("HTTPError", "HTTP 404 Not Found: "));
    }

    #[test]
    fn the_function_error_header_names_the_error_even_with_a_200() {
        let outcome = reply(200, Some("ValidationError"), "bad record");
        assert_eq!(
            error_of(&outcome),
            ("ValidationError", "HTTP 200 OK: bad record")
        );
    }

    #[test]
    fn lambdas_error_json_gives_the_type_and_message() {
        let body = r#"{"errorType":"TypeError","errorMessage":"x is undefined","trace":[]}"#;
        assert_eq!(
            error_of(&reply(200, Some("Unhandled"), body)),
            ("TypeError", "x is undefined")
        );
        assert_eq!(
            error_of(&reply(500, None, body)),
            ("TypeError", "x is undefined")
        );
        let untyped = r#"{"errorMessage":"no type"}"#;
        assert_eq!(
            error_of(&reply(200, Some("Unhandled"), untyped)),
            ("Unhandled", "no type")
        );
    }

    #[test]
    fn long_answers_are_cut_in_the_message() {
        let body = "é".repeat(3000);
        let outcome = reply(502, None, &body);
        let (_, message) = error_of(&outcome);
        assert!(message.ends_with("... (6000 bytes in all)"), "{message}");
        assert!(message.chars().count() < MESSAGE_CHARS + 60, "{message}");
    }

    #[test]
    fn a_mapping_without_a_url_fails_as_a_missing_function() {
        let arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
        let outcome = no_function(arn);
        let (kind, message) = error_of(&outcome);
        assert_eq!(kind, "ResourceNotFoundException");
        assert!(message.starts_with(&format!("Function not found: {arn}")));
    }

    fn invocation(url: Option<String>, timeout_millis: u64) -> Invocation {
        Invocation {
            invocation_id: "id-1".into(),
            mapping_uuid: "m".into(),
            function_name: "f".into(),
            function_arn: "arn:aws:lambda:us-east-1:000000000000:function:f".into(),
            shard_id: "shardId-1".into(),
            attempt: 1,
            timeout_millis,
            event: json!({"Records": [{"eventName": "INSERT"}]}),
            function_url: url,
        }
    }

    /// A one-request HTTP server on a free loopback port that answers with `answer` after
    /// `delay`; returns its URL and what it received.
    async fn handler(
        answer: impl AsRef<[u8]> + Send + 'static,
        delay: Duration,
    ) -> (String, tokio::task::JoinHandle<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events?x=1", listener.local_addr().unwrap());
        let served = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut received = Vec::new();
            let mut buffer = [0; 4096];
            while !String::from_utf8_lossy(&received).contains("\"Records\"") {
                let n = stream.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..n]);
            }
            tokio::time::sleep(delay).await;
            let _ = stream.write_all(answer.as_ref()).await;
            String::from_utf8(received).unwrap()
        });
        (url, served)
    }

    #[tokio::test]
    async fn the_event_is_posted_as_json_with_lambdas_headers() {
        let (url, served) = handler(
            "HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\n{\"batchItemFailures\":[]}",
            Duration::ZERO,
        )
        .await;
        let outcome = invoke(&invocation(Some(url), 3000)).await;
        assert_eq!(
            outcome.response,
            Some(json!({"batchItemFailures": []})),
            "{outcome:?}"
        );
        assert!(outcome.duration_millis.is_some());
        let received = served.await.unwrap().to_ascii_lowercase();
        assert!(
            received.starts_with("post /events?x=1 http/1.1\r\n"),
            "{received}"
        );
        assert!(received.contains("content-type: application/json\r\n"));
        assert!(received.contains("lambda-runtime-aws-request-id: id-1\r\n"));
        assert!(received.ends_with(r#"{"records":[{"eventname":"insert"}]}"#));
    }

    #[tokio::test]
    async fn a_handler_past_its_timeout_is_timed_out() {
        let (url, _served) = handler("", Duration::from_secs(5)).await;
        let outcome = invoke(&invocation(Some(url), 200)).await;
        assert_eq!(
            error_of(&outcome),
            ("Sandbox.Timedout", "Task timed out after 0.20 seconds")
        );
    }

    #[tokio::test]
    async fn an_answer_over_six_megabytes_is_lambdas_size_error() {
        let body = "x".repeat(MAX_RESPONSE_BYTES + 1);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let (url, _served) = handler(answer, Duration::ZERO).await;
        let outcome = invoke(&invocation(Some(url), 3000)).await;
        assert_eq!(error_of(&outcome).0, "Function.ResponseSizeTooLarge");
    }

    #[tokio::test]
    async fn a_url_nobody_listens_on_cannot_be_reached() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let outcome = invoke(&invocation(Some(url.clone()), 3000)).await;
        let (kind, message) = error_of(&outcome);
        assert_eq!(kind, "FunctionUrlUnreachable");
        assert!(
            message.starts_with(&format!("The function at {url} could not be reached: ")),
            "{message}"
        );
    }
}
