//! PutItem throughput through the whole endpoint, in memory and with `--data-dir` (each
//! acknowledged write durable, writers sharing fsyncs through the group committer), with 1
//! and with 16 concurrent writers, each on a keep-alive connection of its own. Printed, never
//! asserted: `cargo bench -p dynoscope-server --bench durable_put`. The server binary is the
//! one cargo builds for this bench; the data directory is a fresh one under the system's
//! temporary directory (so the figure is that disk's fsync).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECONDS_PER_RUN: u64 = 3;
const WRITERS: [usize; 2] = [1, 16];

/// A SigV4 header of the right shape: the server checks the shape only (no --credentials).
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";

fn main() {
    let dir = std::env::temp_dir().join(format!("dynoscope-bench-{}", std::process::id()));
    println!("PutItem through dynoscope-server, {SECONDS_PER_RUN} s per run, ~150-byte items");
    for data_dir in [None, Some(&dir)] {
        for writers in WRITERS {
            let server = Server::start(data_dir.map(|d| d.as_path()));
            server.request("CreateTable", CREATE_TABLE);
            let (puts, elapsed) = run_writers(&server.address, writers);
            let mode = if data_dir.is_some() {
                "--data-dir"
            } else {
                "memory"
            };
            let report = server.stop();
            let commits = report
                .lines()
                .find(|l| l.contains("committed in"))
                .map(|l| format!("; {}", l.trim_start_matches("dynoscope-server: ")))
                .unwrap_or_default();
            println!(
                "{mode:>10}, {writers:>2} writer(s): {:>7.0} puts/s ({puts} in {:.2} s{commits})",
                puts as f64 / elapsed.as_secs_f64(),
                elapsed.as_secs_f64()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

const CREATE_TABLE: &str = r#"{"TableName":"bench","BillingMode":"PAY_PER_REQUEST",
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}"#;

/// `writers` threads putting items as fast as answers come, for [`SECONDS_PER_RUN`].
fn run_writers(address: &str, writers: usize) -> (u64, Duration) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS_PER_RUN);
    let puts: u64 = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..writers)
            .map(|w| {
                scope.spawn(move || {
                    let mut connection = Connection::open(address);
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        let item = format!(
                            r#"{{"TableName":"bench","Item":{{"pk":{{"S":"w{w}-{n}"}},"v":{{"S":"{}"}}}}}}"#,
                            "x".repeat(100)
                        );
                        connection.request("PutItem", &item);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("writer")).sum()
    });
    (puts, started.elapsed())
}

/// A dynoscope-server child process.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(data_dir: Option<&std::path::Path>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dynoscope-server"));
        command.args(["--port", "0"]);
        if let Some(dir) = data_dir {
            let _ = std::fs::remove_dir_all(dir);
            command.arg("--data-dir").arg(dir);
        }
        let mut child = (command.stdout(Stdio::piped()).stderr(Stdio::piped()))
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server says where it listens");
        let address = line
            .trim()
            .rsplit("http://")
            .next()
            .expect("an address")
            .to_owned();
        Server { child, address }
    }

    fn request(&self, operation: &str, body: &str) {
        Connection::open(&self.address).request(operation, body);
    }

    /// Stops the server gracefully and returns what it printed on stderr.
    fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let mut report = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut report);
        }
        let _ = self.child.wait();
        report
    }
}

/// One keep-alive HTTP/1.1 connection speaking DynamoDB's JSON protocol.
struct Connection {
    stream: BufReader<TcpStream>,
}

impl Connection {
    fn open(address: &str) -> Connection {
        let stream = TcpStream::connect(address).expect("the server accepts");
        stream.set_nodelay(true).expect("nodelay");
        Connection {
            stream: BufReader::new(stream),
        }
    }

    /// Sends one request and reads its answer, which must be 200.
    fn request(&mut self, operation: &str, body: &str) {
        let head = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: DynamoDB_20120810.{operation}\r\n\
             Authorization: {AUTHORIZATION}\r\nX-Amz-Date: 20260101T000000Z\r\n\
             Content-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let stream = self.stream.get_mut();
        stream.write_all(head.as_bytes()).expect("send");
        stream.write_all(body.as_bytes()).expect("send");
        let mut status = String::new();
        self.stream.read_line(&mut status).expect("status line");
        assert!(status.contains(" 200 "), "{operation} answered {status}");
        let mut length = 0;
        loop {
            let mut header = String::new();
            self.stream.read_line(&mut header).expect("header");
            if header == "\r\n" {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut answer = vec![0; length];
        self.stream.read_exact(&mut answer).expect("body");
    }
}
