//! What keeps one client from holding the server: how many connections are served at once
//! (the rest wait in the listen backlog until one closes), how long a connection may sit idle
//! between requests, how long a request's head may take to arrive once it has begun, and
//! (enforced in [`crate::http`]) how long its body may take. Also the DNS-rebinding guard:
//! a server bound to a loopback address answers only requests addressed to a loopback name,
//! so a web page whose own name resolves to 127.0.0.1 cannot drive it from a browser.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::header::{HOST, HeaderMap};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The limits a server runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// A connection with no request in progress and no bytes moving is closed after this.
    pub idle_timeout: Duration,
    /// A request's head (request line and headers) must arrive within this of its first byte.
    pub header_timeout: Duration,
    /// A request's body must arrive within this of its head.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 512,
            idle_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// The warning printed when the server listens beyond this machine.
pub fn exposure_warning(address: IpAddr) -> Option<String> {
    (!address.is_loopback()).then(|| {
        format!(
            "dynoscope-server: WARNING: listening on {address}, reachable from other machines. \
             Anyone who can reach this port can read and change every table; without \
             --credentials any signature is accepted."
        )
    })
}

/// Whether the Host header (if any) names this machine's loopback interface: `localhost`,
/// an address in 127.0.0.0/8 or `[::1]`, with or without a port. Requests without a Host
/// header (HTTP/1.0 tools) are let through: a browser always sends one.
pub fn host_is_loopback(headers: &HeaderMap) -> Result<(), String> {
    let Some(host) = headers.get(HOST) else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(host.as_bytes())
        .trim()
        .to_ascii_lowercase();
    if is_loopback_name(&text) {
        Ok(())
    } else {
        Err(text)
    }
}

fn is_loopback_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, port)) if valid_port_suffix(port) => {
                return inside.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
            }
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if valid_port_suffix(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        },
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name == "localhost" || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn valid_port_suffix(suffix: &str) -> bool {
    match suffix.strip_prefix(':') {
        Some(port) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => suffix.is_empty(),
    }
}

/// What the request handlers tell a connection's [`TimedIo`]: whether a request is being
/// served, and how many have begun.
#[derive(Debug, Default)]
pub struct Activity {
    busy: AtomicBool,
    started: AtomicU64,
}

impl Activity {
    /// Marks a request as begun (its head has been read); the guard marks it finished.
    pub fn begin(self: &Arc<Self>) -> RequestGuard {
        self.started.fetch_add(1, Ordering::SeqCst);
        self.busy.store(true, Ordering::SeqCst);
        RequestGuard(self.clone())
    }
}

/// Ends a request when dropped.
pub struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.busy.store(false, Ordering::SeqCst);
    }
}

/// A connection that times itself out: idle too long (no request in progress, no bytes
/// moving), or a request head begun but not finished in time. While a request is being
/// served the handler's own body timeout applies instead.
pub struct TimedIo<S> {
    inner: S,
    activity: Arc<Activity>,
    limits: Limits,
    sleep: Pin<Box<Sleep>>,
    last_progress: Instant,
    head_began: Option<Instant>,
    seen_requests: u64,
}

impl<S> TimedIo<S> {
    pub fn new(inner: S, activity: Arc<Activity>, limits: Limits) -> Self {
        let now = Instant::now();
        TimedIo {
            inner,
            activity,
            limits,
            sleep: Box::pin(tokio::time::sleep_until(now + limits.idle_timeout)),
            last_progress: now,
            head_began: None,
            seen_requests: 0,
        }
    }

    /// When the connection gives up, if nothing happens before then.
    fn deadline(&mut self) -> Option<Instant> {
        let started = self.activity.started.load(Ordering::SeqCst);
        if started != self.seen_requests {
            // The head that was arriving has been read: a request began.
            self.seen_requests = started;
            self.head_began = None;
        }
        if self.activity.busy.load(Ordering::SeqCst) {
            return None;
        }
        Some(match self.head_began {
            Some(began) => began + self.limits.header_timeout,
            None => self.last_progress + self.limits.idle_timeout,
        })
    }

    /// `Pending`, unless the deadline has passed: then the timeout error.
    fn pending_or_timeout<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let Some(deadline) = self.deadline() else {
            return Poll::Pending;
        };
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection timed out",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progressed(&mut self, read: bool) {
        let now = Instant::now();
        self.last_progress = now;
        let idle = !self.activity.busy.load(Ordering::SeqCst);
        if read && idle && self.head_began.is_none() {
            self.deadline(); // take note of any request begun meanwhile
            self.head_began = Some(now);
        } else if !read && idle {
            // Answer written: the connection is idle again until a next request begins.
            self.head_began = None;
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TimedIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.progressed(true);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.pending_or_timeout(cx),
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TimedIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.progressed(false);
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.pending_or_timeout(cx),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn host(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, value.parse().unwrap());
        headers
    }

    #[test]
    fn loopback_names_with_or_without_a_port_are_accepted() {
        for name in [
            "localhost",
            "localhost:8000",
            "LOCALHOST:8000",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:8000",
            "localhost.:8000",
        ] {
            assert_eq!(host_is_loopback(&host(name)), Ok(()), "{name}");
        }
    }

    #[test]
    fn other_names_are_refused_as_dns_rebinding() {
        for name in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "10.0.0.1:8000",
            "[::2]:8000",
            "::1",
            "localhost:80x",
            "[::1]x",
        ] {
            assert!(host_is_loopback(&host(name)).is_err(), "{name}");
        }
    }

    #[test]
    fn a_request_without_host_is_let_through() {
        assert_eq!(host_is_loopback(&HeaderMap::new()), Ok(()));
    }

    #[test]
    fn only_non_loopback_addresses_are_warned_about() {
        assert!(exposure_warning("0.0.0.0".parse().unwrap()).is_some());
        assert!(exposure_warning("127.0.0.1".parse().unwrap()).is_none());
        assert!(exposure_warning("::1".parse().unwrap()).is_none());
    }

    fn quick() -> Limits {
        Limits {
            max_connections: 1,
            idle_timeout: Duration::from_millis(200),
            header_timeout: Duration::from_millis(100),
            body_timeout: Duration::from_secs(1),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_times_out() {
        let (client, server) = tokio::io::duplex(64);
        let mut io = TimedIo::new(server, Arc::default(), quick());
        let began = Instant::now();
        let error = io.read_u8().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(began.elapsed(), Duration::from_millis(200));
        drop(client);
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_begun_must_finish_within_the_header_timeout() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut io = TimedIo::new(server, Arc::default(), quick());
        client.write_all(b"P").await.unwrap();
        assert_eq!(io.read_u8().await.unwrap(), b'P');
        let began = Instant::now();
        let error = io.read_u8().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(began.elapsed(), Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_being_served_is_not_timed_out_by_the_connection() {
        let (mut client, server) = tokio::io::duplex(64);
        let activity = Arc::<Activity>::default();
        let mut io = TimedIo::new(server, activity.clone(), quick());
        client.write_all(b"P").await.unwrap();
        io.read_u8().await.unwrap();
        let guard = activity.begin();
        let read = tokio::spawn(async move { io.read_u8().await.map(|_| io) });
        tokio::time::sleep(Duration::from_secs(5)).await;
        client.write_all(b"x").await.unwrap();
        let mut io = read.await.unwrap().unwrap();
        drop(guard);
        // Served: idle again, so the idle timeout applies from the last progress.
        io.write_all(b"ok").await.unwrap();
        let error = io.read_u8().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
