//! `dynoscope-server`: Dynoscope's engine as a DynamoDB-compatible HTTP endpoint, for SDKs
//! and tools pointed at `--endpoint-url http://HOST:PORT`. This file holds the command line,
//! the accept loop (HTTP/1.1 with keep-alive, one task per connection, one engine behind a
//! mutex) and graceful shutdown on Ctrl-C or SIGTERM: stop accepting, let in-flight requests
//! finish, exit 0. The protocol itself is in [`http`].

mod http;
mod s3;

use std::future::Future;
use std::pin::pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynoscope_engine::clock::ClockMode;
use dynoscope_engine::simulation::SimulationSettings;
use dynoscope_engine::{Engine, EngineConfig};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::http::SharedEngine;

const USAGE: &str = "usage: dynoscope-server [--host HOST] [--port PORT] [--simulation off|playground] [--s3-dir DIR]\n  (defaults: 127.0.0.1, 8000, off: one up-to-date copy, as DynamoDB clients almost always see it;\n  no S3: with --s3-dir, bucket B of exports and imports is the directory DIR/B)";

/// How long in-flight requests get to finish once shutdown begins.
const GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, PartialEq, Eq)]
struct Args {
    host: String,
    port: u16,
    /// Show replication lag, index propagation and scaled splits, as the browser does.
    playground: bool,
}

/// Reads the command line; `Ok(None)` asks for the usage text.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: "127.0.0.1".into(),
        port: 8000,
        playground: false,
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
            "--simulation" => {
                parsed.playground = match value()?.as_str() {
                    "off" => false,
                    "playground" => true,
                    other => return Err(format!("--simulation: off or playground, not {other}")),
                }
            }
            "--s3-dir" => s3::set_root(value()?.into()),
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
    let listener = TcpListener::bind((args.host.as_str(), args.port)).await?;
    let shutdown = shutdown_signal();
    // The bound address, so `--port 0` reports the port it got.
    println!(
        "dynoscope-server listening on http://{}",
        listener.local_addr()?
    );
    let engine = Arc::new(Mutex::new(Engine::new(EngineConfig {
        start_millis: http::now_millis(),
        clock_mode: ClockMode::RealTime { speed: 1.0 },
        simulation: if args.playground {
            SimulationSettings::playground()
        } else {
            SimulationSettings::off()
        },
        ..EngineConfig::default()
    })));
    serve(listener, engine, shutdown).await;
    Ok(())
}

/// Serves connections until `shutdown` completes, then waits (up to [`GRACE`]) for
/// in-flight requests; idle keep-alive connections are closed at once.
async fn serve(listener: TcpListener, engine: SharedEngine, shutdown: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Usually out of file descriptors: wait for connections to close.
                eprintln!("dynoscope-server: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Responses are single small writes; don't let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let engine = engine.clone();
        let service = service_fn(move |request| http::handle(engine.clone(), request));
        let connection =
            graceful.watch(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A connection error is the client's going away: nothing to answer.
            let _ = connection.await;
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
                playground: false
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
                playground: true
            }))
        );
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(args("--port x").is_err());
        assert!(args("--port").is_err());
        assert!(args("--verbose").is_err());
        assert_eq!(args("--help"), Ok(None));
    }

    const LIST_TABLES: &str = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n\
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
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, engine, async move { _ = stopped.await }));

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
