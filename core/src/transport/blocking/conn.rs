//! One mutual-TLS connection on `std::net` and rustls, no async runtime: TCP connect, TLS
//! handshake, then round trips of exactly one TTLV request and one TTLV reply each. Every read
//! and write is bounded by the step's deadline through the socket's own timeouts.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use rustls::{ClientConnection, StreamOwned};

use super::super::idle::drain_idle;
use super::super::pool::OpenGuard;
use super::super::tls;
use super::super::tls_link::{
    Failure, describe_connect_error, probe_request, read_frame, read_reply, request_version,
};
use super::slots::Server;
use crate::error::{Error, Result};
use crate::spec::ProtocolVersion;
use crate::ttlv::Limits;

/// An open, authenticated connection, idle between round trips.
pub(super) struct Conn {
    stream: StreamOwned<ClientConnection, Sock>,
    /// When the TCP connection was opened.
    pub(super) created: Instant,
    /// When the last round trip finished.
    pub(super) last_used: Instant,
    /// Protocol version of the last request, reused by the idle probe.
    version: Option<ProtocolVersion>,
    /// The server said it closes the connection after its last reply (HTTPS).
    retired: bool,
    /// Counts the connection in [`crate::transport::ServerStats`] while it is open.
    _open: OpenGuard,
}

/// A new connection and what it took to open it.
pub(super) struct Connected {
    pub(super) conn: Conn,
    pub(super) peer: SocketAddr,
    pub(super) connect_time: Duration,
    pub(super) handshake_time: Duration,
}

/// Opens a TCP connection and completes the TLS handshake, each step bounded by `bound` and by
/// `deadline`.
pub(super) fn connect(server: &Server, bound: Duration, deadline: Instant) -> Result<Connected> {
    let start = Instant::now();
    let step = clamp(bound, deadline);
    let (tcp, peer) = tcp_connect(server, step)?;
    let _ = tcp.set_nodelay(true);
    let connected = Instant::now();

    let step = clamp(bound, deadline);
    let mut sock = Sock {
        tcp,
        written: 0,
        deadline: connected + step,
        read_timeout: None,
        write_timeout: None,
    };
    let handshake_error = |e: io::Error| match is_timeout(&e) {
        true => server.timeout("TLS handshake", step),
        false => tls::handshake_error(&server.name, &server.host, server.tls.client_auth, e),
    };
    let mut session =
        ClientConnection::new(server.tls.config.clone(), server.tls.server_name.clone()).map_err(
            |e| tls::from_rustls(&server.name, &server.host, server.tls.client_auth, &e),
        )?;
    while session.is_handshaking() {
        session.complete_io(&mut sock).map_err(handshake_error)?;
    }
    let now = Instant::now();
    let conn = Conn {
        stream: StreamOwned::new(session, sock),
        created: start,
        last_used: now,
        version: None,
        retired: false,
        _open: server.track_open(),
    };
    Ok(Connected {
        conn,
        peer,
        connect_time: connected - start,
        handshake_time: now - connected,
    })
}

/// Resolves the host and connects to the first address that accepts, all within `step`.
fn tcp_connect(server: &Server, step: Duration) -> Result<(TcpStream, SocketAddr)> {
    let until = Instant::now() + step;
    let fail = |reason: String| Error::Connect {
        server: server.name.clone(),
        address: server.address.clone(),
        reason,
    };
    let addresses = (server.host.as_str(), server.port)
        .to_socket_addrs()
        .map_err(|e| fail(format!("the host name does not resolve ({e})")))?;
    let mut last = None;
    for address in addresses {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(server.timeout("connect", step));
        }
        match TcpStream::connect_timeout(&address, left) {
            Ok(tcp) => return Ok((tcp, address)),
            Err(e) if is_timeout(&e) => return Err(server.timeout("connect", step)),
            Err(e) => last = Some((address, e)),
        }
    }
    Err(match last {
        None => fail("the host name resolves to no address".into()),
        Some((address, e)) => fail(describe_connect_error(address, &e)),
    })
}

impl Conn {
    /// Writes `request` and reads exactly one TTLV message back, within `bound`.
    pub(super) fn round_trip(
        &mut self,
        server: &Server,
        request: &[u8],
        bound: Duration,
        limits: &Limits,
    ) -> Result<Vec<u8>> {
        if let Some(version) = request_version(request) {
            self.version = Some(version);
        }
        let sock = &mut self.stream.sock;
        sock.deadline = Instant::now() + bound;
        let written_before = sock.written;
        let outcome = exchange(&mut self.stream, server, request, limits);
        let sent = self.stream.sock.written > written_before;
        match outcome {
            Ok((reply, keep)) => {
                self.last_used = Instant::now();
                self.retired |= !keep;
                Ok(reply)
            }
            Err(Failure::Write(e) | Failure::Read { error: e, .. }) if is_timeout(&e) => {
                Err(server.timeout("response", bound))
            }
            Err(failure) => Err(failure.into_error(server, sent)),
        }
    }

    /// Whether the connection still looks open: what the server sent while it was idle is
    /// read, without blocking, into the TLS session ([`drain_idle`]). TLS 1.3 session tickets
    /// are fine; a close (TCP FIN or reset, TLS close_notify) or bytes nobody asked for make
    /// the connection unusable.
    pub(super) fn looks_open(&mut self) -> bool {
        if self.retired {
            return false;
        }
        let StreamOwned { conn, sock } = &mut self.stream;
        if sock.tcp.set_nonblocking(true).is_err() {
            return false;
        }
        let mut reader: &TcpStream = &sock.tcp;
        let open = drain_idle(conn, &mut reader);
        let restored = sock.tcp.set_nonblocking(false).is_ok();
        restored && open
    }

    /// A real round trip: the DiscoverVersions probe in the version the connection last used.
    /// Any framed reply proves life.
    pub(super) fn probe(&mut self, server: &Server, bound: Duration, limits: &Limits) -> bool {
        let request = probe_request(self.version);
        self.round_trip(server, &request, bound, limits).is_ok()
    }

    /// The TLS session, for [`crate::transport::TlsInfo`].
    pub(super) fn session(&self) -> &ClientConnection {
        &self.stream.conn
    }
}

/// One request and its reply, as TTLV on the stream or as an HTTPS POST; `true` when the
/// connection may carry another request.
fn exchange(
    stream: &mut StreamOwned<ClientConnection, Sock>,
    server: &Server,
    request: &[u8],
    limits: &Limits,
) -> Result<(Vec<u8>, bool), Failure> {
    let Some(https) = &server.https else {
        stream.write_all(request).map_err(Failure::Write)?;
        stream.flush().map_err(Failure::Write)?;
        return Ok((read_reply(stream, limits)?, true));
    };
    let framed = https.request(request, limits).map_err(Failure::Frame)?;
    stream.write_all(&framed).map_err(Failure::Write)?;
    stream.flush().map_err(Failure::Write)?;
    let mut reader = https.reader(limits);
    read_frame(stream, &mut reader, limits)?;
    https.finish(&server.name, reader, limits)
}

/// Whether an I/O error is a socket timeout (`WouldBlock` on Unix, `TimedOut` elsewhere and
/// from [`Sock`] itself once its deadline passed).
fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// `bound`, shortened to what is left before `deadline`.
pub(super) fn clamp(bound: Duration, deadline: Instant) -> Duration {
    bound.min(deadline.saturating_duration_since(Instant::now()))
}

/// A TCP stream whose every read and write ends by `deadline`, and that counts the bytes the
/// kernel accepted, so a failed request can tell whether any byte of it may have reached the
/// server.
///
/// The socket's timeout is the time left, rounded down to [`TIMEOUT_STEP`] and set only when
/// that changes: with a request bound of seconds, a kept-open connection makes no `setsockopt`
/// call per request. A timeout that fires while time is left (at most one step early) is
/// retried with what is left.
struct Sock {
    tcp: TcpStream,
    written: u64,
    deadline: Instant,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

/// The granularity of socket timeouts above it; below it they are exact.
const TIMEOUT_STEP: Duration = Duration::from_millis(100);

impl Sock {
    /// The time left, or a `TimedOut` error when none is.
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        // A zero timeout means "none" to the socket: refuse it here instead.
        match left.is_zero() {
            true => Err(io::ErrorKind::TimedOut.into()),
            false => Ok(left),
        }
    }

    /// A socket timeout that ends no later than the deadline (never zero).
    fn timeout(&self) -> io::Result<Duration> {
        let left = self.left()?;
        if left < 2 * TIMEOUT_STEP {
            return Ok(left);
        }
        let steps = left.as_millis() / TIMEOUT_STEP.as_millis();
        Ok(TIMEOUT_STEP * u32::try_from(steps).unwrap_or(u32::MAX))
    }

    /// Runs one socket call under a timeout that ends by the deadline, again while an early
    /// timeout leaves time.
    fn bounded<T>(
        &mut self,
        write: bool,
        mut call: impl FnMut(&mut TcpStream) -> io::Result<T>,
    ) -> io::Result<T> {
        loop {
            let timeout = self.timeout()?;
            let set = match write {
                true => &mut self.write_timeout,
                false => &mut self.read_timeout,
            };
            if *set != Some(timeout) {
                match write {
                    true => self.tcp.set_write_timeout(Some(timeout))?,
                    false => self.tcp.set_read_timeout(Some(timeout))?,
                }
                *set = Some(timeout);
            }
            match call(&mut self.tcp) {
                Err(e) if is_timeout(&e) && self.left().is_ok() => continue,
                other => return other,
            }
        }
    }
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.bounded(false, |tcp| tcp.read(buf))
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.bounded(true, |tcp| tcp.write(buf))?;
        self.written += n as u64;
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.bounded(true, |tcp| tcp.write_vectored(bufs))?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}
