//! `dynoscope-server`: Dynoscope's engine as a DynamoDB-compatible HTTP endpoint, for SDKs
//! and tools pointed at `--endpoint-url http://HOST:PORT`. This file holds the command line,
//! the accept loop (HTTP/1.1 with keep-alive, one task per connection, at most
//! `--max-connections` at once, one engine behind a mutex) and graceful shutdown on Ctrl-C or
//! SIGTERM: stop accepting, let in-flight requests finish, exit 0. The protocol itself is in
//! [`http`], with signatures in [`sigv4`], content codings in [`encoding`], CORS in [`cors`],
//! timeouts and the DNS-rebinding guard in [`limits`] and response shapes in [`wire`];
//! `--data-dir` persistence is in [`durable`]; stream triggers' functions are called at their
//! local URLs by [`functions`].

mod cors;
mod durable;
mod encoding;
mod functions;
mod http;
mod limits;
mod s3;
mod sigv4;
mod wire;

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynoscope_engine::{ClockMode, EngineConfig, SimulationSettings};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::http::{Endpoint, SharedEngine};
use crate::limits::{Activity, Limits, TimedIo};
use crate::sigv4::Auth;

const USAGE: &str = "usage: dynoscope-server [--host HOST] [--port PORT] [--dax-port PORT]
    [--simulation off|playground]
    [--data-dir DIR [--skip-unreadable]] [--s3-dir DIR]
    [--credentials ACCESS_KEY:SECRET]... [--max-connections N]
    [--idle-timeout SECS] [--header-timeout SECS] [--body-timeout SECS]
  defaults: 127.0.0.1, 8000, off (one up-to-date copy, as DynamoDB clients almost always see
  it); data in memory unless --data-dir keeps it in DIR across restarts; signatures must be
  well formed but are not checked unless --credentials is given (then only those keys are
  accepted and SigV4 is verified); exports and imports need --s3-dir (bucket B is DIR/B);
  --dax-port also serves the same tables through a simulated DAX cluster (item and query
  caches) on that port; 512 connections (more wait); timeouts 60 s idle, 10 s for
  a request's headers, 60 s for its body. A stream trigger's mapping with a FunctionUrl
  (http:// on localhost, 127.0.0.1 or [::1]) has each batch's Lambda event POSTed there";

/// How long in-flight requests get to finish once shutdown begins.
const GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, PartialEq, Eq)]
struct Args {
    host: String,
    port: u16,
    /// A second listener whose requests go through the simulated DAX cluster.
    dax_port: Option<u16>,
    /// Show replication lag, index propagation and scaled splits, as the browser does.
    playground: bool,
    /// `--data-dir` and `--skip-unreadable`.
    store: durable::Options,
    /// `--s3-dir`: where exports are written and imports read (bucket B is DIR/B).
    s3_dir: Option<std::path::PathBuf>,
    /// Access keys and their secrets; empty: signatures are checked for shape only.
    credentials: HashMap<String, String>,
    limits: Limits,
}

impl Args {
    fn auth(&self) -> Auth {
        if self.credentials.is_empty() {
            Auth::ShapeOnly
        } else {
            Auth::Verify(self.credentials.clone())
        }
    }
}

/// `ACCESS_KEY:SECRET` (the secret may itself contain colons).
fn parse_credential(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
            Ok((key.to_owned(), secret.to_owned()))
        }
        _ => Err(format!("--credentials: ACCESS_KEY:SECRET, not {text}")),
    }
}

/// A positive number of seconds, fractions allowed.
fn parse_seconds(flag: &str, text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{flag}: a positive number of seconds, not {text}"))
}

/// Reads the command line; `Ok(None)` asks for the usage text.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: "127.0.0.1".into(),
        port: 8000,
        dax_port: None,
        playground: false,
        store: durable::Options::default(),
        s3_dir: None,
        credentials: HashMap::new(),
        limits: Limits::default(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => parsed.host = value()?,
            "--port" => {
                let text = value()?;
                parsed.port = text
                    .parse()
                    .map_err(|_| format!("--port: not a port number: {text}"))?;
            }
            "--dax-port" => {
                let text = value()?;
                parsed.dax_port = Some(
                    text.parse()
                        .map_err(|_| format!("--dax-port: not a port number: {text}"))?,
                );
            }
            "--simulation" => {
                parsed.playground = match value()?.as_str() {
                    "off" => false,
                    "playground" => true,
                    other => return Err(format!("--simulation: off or playground, not {other}")),
                }
            }
            "--data-dir" => parsed.store.data_dir = Some(value()?.into()),
            "--skip-unreadable" => parsed.store.skip_unreadable = true,
            "--credentials" => {
                let (key, secret) = parse_credential(&value()?)?;
                parsed.credentials.insert(key, secret);
            }
            "--max-connections" => {
                let text = value()?;
                parsed.limits.max_connections =
                    text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--max-connections: a positive number, not {text}")
                    })?;
            }
            "--idle-timeout" => parsed.limits.idle_timeout = parse_seconds(&flag, &value()?)?,
            "--header-timeout" => parsed.limits.header_timeout = parse_seconds(&flag, &value()?)?,
            "--body-timeout" => parsed.limits.body_timeout = parse_seconds(&flag, &value()?)?,
            "--s3-dir" => parsed.s3_dir = Some(value()?.into()),
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unknown argument: {flag}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("dynoscope-server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .and_then(|rt| rt.block_on(run(args)));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynoscope-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    if let Some(dir) = &args.s3_dir {
        s3::set_root(dir.clone());
    }
    let engine = Arc::new(Mutex::new(
        durable::start(&args.store, engine_config(args.playground))
            .map_err(std::io::Error::other)?,
    ));
    let listener = TcpListener::bind((args.host.as_str(), args.port)).await?;
    let dax = match args.dax_port {
        Some(port) => Some(TcpListener::bind((args.host.as_str(), port)).await?),
        None => None,
    };
    // The signal handlers are installed here, before the "listening" line: a signal sent as
    // soon as it appears must stop the server gracefully, not kill it.
    let shutdown = shutdown_signal();
    let address = listener.local_addr()?;
    // The bound addresses, so `--port 0` reports the port it got.
    println!("dynoscope-server listening on http://{address}");
    if let Some(dax) = &dax {
        println!(
            "dynoscope-server DAX listening on http://{}",
            dax.local_addr()?
        );
    }
    if let Some(warning) = limits::exposure_warning(address.ip()) {
        eprintln!("{warning}");
    }
    // One signal stops every listener.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let history = durable::keep_history_of(engine.clone());
    let functions = functions::start(engine.clone());
    let loopback = address.ip().is_loopback();
    let endpoint_for = |via_dax| Endpoint {
        functions: functions.waker(),
        ..endpoint(engine.clone(), &args, loopback, via_dax)
    };
    let main = serve(
        listener,
        Arc::new(endpoint_for(false)),
        args.limits,
        until_stopped(stopped.clone()),
    );
    match dax {
        Some(dax) => {
            let through_dax = Arc::new(endpoint_for(true));
            let dax = serve(dax, through_dax, args.limits, until_stopped(stopped));
            tokio::join!(main, dax);
        }
        None => main.await,
    }
    functions.stop();
    history.finish(&engine).await;
    Ok(())
}

fn engine_config(playground: bool) -> EngineConfig {
    EngineConfig {
        start_millis: http::now_millis(),
        clock_mode: ClockMode::RealTime { speed: 1.0 },
        simulation: if playground {
            SimulationSettings::playground()
        } else {
            SimulationSettings::off()
        },
        ..EngineConfig::default()
    }
}

fn endpoint(engine: SharedEngine, args: &Args, loopback: bool, via_dax: bool) -> Endpoint {
    Endpoint {
        auth: args.auth(),
        loopback_only: loopback,
        body_timeout: args.limits.body_timeout,
        via_dax,
        ..Endpoint::new(engine)
    }
}

/// Serves connections until `shutdown` completes, then waits (up to [`GRACE`]) for
/// in-flight requests; idle keep-alive connections are closed at once. At most
/// `limits.max_connections` are served at once: the next is accepted when one closes, and
/// until then waits in the listen backlog.
async fn serve(
    listener: TcpListener,
    endpoint: Arc<Endpoint>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = accept(&listener, &slots) => accepted,
            () = &mut shutdown => break,
        };
        let (stream, slot) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Usually out of file descriptors: wait for connections to close.
                eprintln!("dynoscope-server: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Responses are single small writes; don't let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::default());
        let io = TimedIo::new(stream, activity.clone(), limits);
        let endpoint = endpoint.clone();
        let service = service_fn(move |request| {
            let request_guard = activity.begin();
            let answered = http::handle(endpoint.clone(), request);
            async move {
                let _served = request_guard;
                answered.await
            }
        });
        let connection =
            graceful.watch(http1::Builder::new().serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            // A connection error is the client's going away (or timing out): nothing to answer.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("dynoscope-server: requests still running after {GRACE:?}; exiting anyway");
    }
}

/// The next connection, once one of the `slots` is free (the slot is held while it is served).
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(tokio::net::TcpStream, tokio::sync::OwnedSemaphorePermit)> {
    let slot = slots
        .clone()
        .acquire_owned()
        .await
        .expect("the connection semaphore is never closed");
    let (stream, _) = listener.accept().await?;
    Ok((stream, slot))
}

/// Completes when `handler` (if it could be installed) receives its signal.
#[cfg(unix)]
async fn received(handler: Option<tokio::signal::unix::Signal>) {
    match handler {
        Some(mut handler) => {
            handler.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled, so a signal sent as soon as the server
/// says it is listening is never lost to the default action (which would kill the
/// process instead of shutting it down).
fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (interrupt, terminate) = handlers;
            tokio::select! {
                () = received(interrupt) => {}
                () = received(terminate) => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynoscope_engine::Engine;
    use std::io::{Read, Write};

    fn args(text: &str) -> Result<Option<Args>, String> {
        parse_args(text.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn defaults_are_localhost_8000() {
        assert_eq!(
            args(""),
            Ok(Some(Args {
                host: "127.0.0.1".into(),
                port: 8000,
                dax_port: None,
                playground: false,
                store: durable::Options::default(),
                s3_dir: None,
                credentials: HashMap::new(),
                limits: Limits::default(),
            }))
        );
    }

    #[test]
    fn host_and_port_are_read_spaced_or_with_equals() {
        assert_eq!(
            args("--port 9000 --host=0.0.0.0 --simulation playground"),
            Ok(Some(Args {
                host: "0.0.0.0".into(),
                port: 9000,
                dax_port: None,
                playground: true,
                store: durable::Options::default(),
                s3_dir: None,
                credentials: HashMap::new(),
                limits: Limits::default(),
            }))
        );
    }

    #[test]
    fn a_dax_port_is_read() {
        assert_eq!(
            args("--dax-port 8111").unwrap().unwrap().dax_port,
            Some(8111)
        );
        assert!(args("--dax-port x").is_err());
    }

    #[test]
    fn a_data_directory_is_read_with_its_skip_flag() {
        let parsed = args("--data-dir /tmp/d --skip-unreadable")
            .unwrap()
            .unwrap();
        assert_eq!(
            parsed.store,
            durable::Options {
                data_dir: Some("/tmp/d".into()),
                skip_unreadable: true,
            }
        );
        assert!(args("--data-dir").is_err());
    }

    #[test]
    fn credentials_may_be_given_more_than_once_and_keep_colons_in_the_secret() {
        let parsed = args("--credentials a:x --credentials=b:y:z")
            .unwrap()
            .unwrap();
        assert_eq!(
            parsed.credentials,
            HashMap::from([("a".into(), "x".into()), ("b".into(), "y:z".into())])
        );
        assert!(matches!(parsed.auth(), Auth::Verify(_)));
        assert_eq!(args("").unwrap().unwrap().auth(), Auth::ShapeOnly);
        assert!(args("--credentials nocolon").is_err());
        assert!(args("--credentials :secret").is_err());
    }

    #[test]
    fn limits_are_read_from_their_flags() {
        let parsed =
            args("--max-connections 3 --idle-timeout 0.5 --header-timeout 2 --body-timeout=7")
                .unwrap()
                .unwrap();
        assert_eq!(
            parsed.limits,
            Limits {
                max_connections: 3,
                idle_timeout: Duration::from_millis(500),
                header_timeout: Duration::from_secs(2),
                body_timeout: Duration::from_secs(7),
            }
        );
        assert!(args("--max-connections 0").is_err());
        assert!(args("--idle-timeout -1").is_err());
        assert!(args("--body-timeout x").is_err());
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(args("--port x").is_err());
        assert!(args("--port").is_err());
        assert!(args("--verbose").is_err());
        assert_eq!(args("--help"), Ok(None));
    }

    const LIST_TABLES: &str = "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n\
        Authorization: AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n\
        X-Amz-Date: 20260101T000000Z\r\n\
        Content-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}";
    const EMPTY_LIST: &str = r#"{"TableNames":[]}"#;

    /// Sends two requests on one keep-alive connection and returns what came back.
    fn two_requests(address: std::net::SocketAddr) -> String {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        let mut received = String::new();
        for answered in 1..=2 {
            stream.write_all(LIST_TABLES.as_bytes()).unwrap();
            while received.matches(EMPTY_LIST).count() < answered {
                let mut buffer = [0; 4096];
                let n = stream.read(&mut buffer).unwrap();
                assert!(n > 0, "connection closed after {received}");
                received.push_str(std::str::from_utf8(&buffer[..n]).unwrap());
            }
        }
        received
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_keep_alive_connections_and_stops_on_shutdown() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let engine = Arc::new(Mutex::new(Engine::new(EngineConfig::default())));
        let endpoint = Arc::new(Endpoint::new(engine));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, endpoint, Limits::default(), async move {
            _ = stopped.await
        }));

        let received = tokio::task::spawn_blocking(move || two_requests(address))
            .await
            .unwrap();
        assert_eq!(received.matches("HTTP/1.1 200 OK").count(), 2, "{received}");
        assert_eq!(received.matches(EMPTY_LIST).count(), 2, "{received}");

        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .unwrap()
            .unwrap();
    }
}
