//! One mutual-TLS connection to a key server: TCP connect, TLS handshake, then round trips of
//! exactly one TTLV request and one TTLV reply each.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::pool::{OpenGuard, Server};
use super::tls;
use crate::error::{Error, Result};
use crate::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
use crate::spec::ProtocolVersion;
use crate::ttlv::{Limits, message_len};

/// An open, authenticated connection, idle between round trips.
pub(super) struct Conn {
    stream: TlsStream<CountingIo>,
    /// When the TCP connection was opened.
    pub(super) created: Instant,
    /// When the last round trip finished.
    pub(super) last_used: Instant,
    /// Protocol version of the last request, reused by the idle probe.
    version: Option<ProtocolVersion>,
    /// Counts the connection in [`super::ServerStats`] while it is open.
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
pub(super) async fn connect(
    server: &Server,
    bound: Duration,
    deadline: Instant,
) -> Result<Connected> {
    let start = Instant::now();
    let step = clamp(bound, deadline);
    let (tcp, peer) = match timeout(step, tcp_connect(server)).await {
        Err(_) => return Err(server.timeout("connect", step)),
        Ok(result) => result?,
    };
    let _ = tcp.set_nodelay(true);
    let connected = Instant::now();

    let step = clamp(bound, deadline);
    let connector = TlsConnector::from(server.tls.config.clone());
    let handshake = connector.connect(
        server.tls.server_name.clone(),
        CountingIo { tcp, written: 0 },
    );
    let stream = match timeout(step, handshake).await {
        Err(_) => return Err(server.timeout("TLS handshake", step)),
        Ok(Err(e)) => {
            return Err(tls::handshake_error(
                &server.name,
                &server.host,
                server.tls.client_auth,
                e,
            ));
        }
        Ok(Ok(stream)) => stream,
    };
    let now = Instant::now();
    let conn = Conn {
        stream,
        created: start,
        last_used: now,
        version: None,
        _open: server.track_open(),
    };
    Ok(Connected {
        conn,
        peer,
        connect_time: connected - start,
        handshake_time: now - connected,
    })
}

/// Resolves the host and connects to the first address that accepts.
async fn tcp_connect(server: &Server) -> Result<(TcpStream, SocketAddr)> {
    let fail = |reason: String| Error::Connect {
        server: server.name.clone(),
        address: server.address.clone(),
        reason,
    };
    let addresses = tokio::net::lookup_host((server.host.as_str(), server.port))
        .await
        .map_err(|e| fail(format!("the host name does not resolve ({e})")))?;
    let mut last = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(tcp) => return Ok((tcp, address)),
            Err(e) => last = Some((address, e)),
        }
    }
    Err(match last {
        None => fail("the host name resolves to no address".into()),
        Some((address, e)) => fail(describe_connect_error(address, &e)),
    })
}

fn describe_connect_error(address: SocketAddr, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            format!("connection refused by {address} (nothing listens on that port)")
        }
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
            format!("{address} is unreachable ({error})")
        }
        _ => format!("{address}: {error}"),
    }
}

impl Conn {
    /// Writes `request` and reads exactly one TTLV message back, within `bound`.
    pub(super) async fn round_trip(
        &mut self,
        server: &Server,
        request: &[u8],
        bound: Duration,
        limits: &Limits,
    ) -> Result<Vec<u8>> {
        if let Some(version) = request_version(request) {
            self.version = Some(version);
        }
        let written_before = self.stream.get_ref().0.written;
        let outcome = timeout(bound, exchange(&mut self.stream, request, limits)).await;
        let sent = self.stream.get_ref().0.written > written_before;
        match outcome {
            Err(_) => Err(server.timeout("response", bound)),
            Ok(Ok(reply)) => {
                self.last_used = Instant::now();
                Ok(reply)
            }
            Ok(Err(failure)) => Err(failure.into_error(server, sent)),
        }
    }

    /// Whether the connection still looks open: a non-blocking peek at the socket itself (not
    /// the runtime's cached readiness, which may not have seen a close yet) must find nothing.
    /// A close (TCP FIN or reset), or bytes nobody asked for (a TLS close_notify alert, stray
    /// data), make the connection unusable.
    pub(super) fn looks_open(&self) -> bool {
        let tcp = &self.stream.get_ref().0.tcp;
        // One non-blocking `recv(MSG_PEEK)` on the socket itself (tokio keeps it non-blocking):
        // no descriptor duplication, so a reused connection costs one system call here.
        let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
        match socket2::SockRef::from(tcp).peek(&mut byte) {
            Err(e) => e.kind() == io::ErrorKind::WouldBlock,
            Ok(_) => false,
        }
    }

    /// A real round trip: a DiscoverVersions request (harmless, answered by every KMIP server,
    /// even as an error) in the version the connection last used. Any framed reply proves life.
    pub(super) async fn probe(
        &mut self,
        server: &Server,
        bound: Duration,
        limits: &Limits,
    ) -> bool {
        let version = self.version.unwrap_or(ProtocolVersion::V1_1);
        let discover = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
        let request = RequestMessage::new(version, vec![discover]).to_bytes();
        self.round_trip(server, &request, bound, limits)
            .await
            .is_ok()
    }

    /// The TLS session, for [`super::TlsInfo`].
    pub(super) fn session(&self) -> &rustls::ClientConnection {
        self.stream.get_ref().1
    }
}

/// Why a round trip failed, before it is told as an [`Error`].
enum Failure {
    Write(io::Error),
    Read { received: usize, error: io::Error },
    Closed { received: usize },
    Frame(Error),
}

async fn exchange(
    stream: &mut TlsStream<CountingIo>,
    request: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, Failure> {
    stream.write_all(request).await.map_err(Failure::Write)?;
    stream.flush().await.map_err(Failure::Write)?;

    let mut header = [0u8; 8];
    let mut filled = 0;
    while filled < header.len() {
        match stream.read(&mut header[filled..]).await {
            Ok(0) => return Err(Failure::Closed { received: filled }),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(Failure::Read {
                    received: filled,
                    error,
                });
            }
        }
    }
    // Checked against the limits before anything is allocated; the buffer then grows with the
    // bytes that actually arrive, so a lying length costs nothing.
    let total = message_len(&header, limits).map_err(Failure::Frame)?;
    let mut reply = ReplyBuf(Vec::with_capacity(total.min(64 * 1024)));
    reply.0.extend_from_slice(&header);
    // `reply.0` holds zeros past `received`, each byte written once, then filled by reads.
    let mut received = header.len();
    while received < total {
        if received == reply.0.len() {
            reply.make_room(total);
            let end = reply.0.capacity().min(total);
            reply.0.resize(end, 0);
        }
        match stream.read(&mut reply.0[received..]).await {
            Ok(0) => return Err(Failure::Closed { received }),
            Ok(n) => received += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(Failure::Read { received, error }),
        }
    }
    Ok(std::mem::take(&mut reply.0))
}

/// A reply being read. It may hold key material (a Get), so it is wiped when an error drops it
/// and whenever it outgrows its memory; `Vec`'s own growth would free the old buffer unwiped.
struct ReplyBuf(Vec<u8>);

impl ReplyBuf {
    /// Doubles the capacity (up to `total`) when full, moving the bytes and wiping the old buffer.
    fn make_room(&mut self, total: usize) {
        if self.0.len() < self.0.capacity() {
            return;
        }
        let mut bigger = Vec::with_capacity(total.min(self.0.capacity().saturating_mul(2)));
        bigger.extend_from_slice(&self.0);
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
        self.0 = bigger;
    }
}

impl Drop for ReplyBuf {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}

impl Failure {
    fn into_error(self, server: &Server, sent: bool) -> Error {
        let lost = |request_sent: bool, reason: String| Error::ConnectionLost {
            server: server.name.clone(),
            request_sent,
            reason,
        };
        let closed = |received: usize| match received {
            0 => lost(
                sent,
                "the server closed the connection without answering".into(),
            ),
            n => lost(
                sent,
                format!(
                    "the server closed the connection in the middle of its reply, after {n} bytes"
                ),
            ),
        };
        match self {
            Self::Write(e) | Self::Read { error: e, .. } if tls::rustls_error(&e).is_some() => {
                let inner = tls::rustls_error(&e).expect("checked");
                tls::from_rustls(&server.name, &server.host, server.tls.client_auth, inner)
            }
            Self::Write(e) => lost(
                sent,
                format!("writing the request failed: {}", describe_io(&e)),
            ),
            Self::Read { received, error } if error.kind() == io::ErrorKind::UnexpectedEof => {
                closed(received)
            }
            Self::Read { received, error } => lost(
                sent,
                format!(
                    "reading the reply failed after {received} bytes: {}",
                    describe_io(&error)
                ),
            ),
            Self::Closed { received } => closed(received),
            Self::Frame(Error::Decode { reason, .. }) => Error::Protocol {
                reason: format!(
                    "key server {} answered with something that is not a KMIP message: {reason}",
                    server.name
                ),
            },
            Self::Frame(other) => other,
        }
    }
}

fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionReset => "the server reset the connection".into(),
        io::ErrorKind::BrokenPipe => "the server had closed the connection".into(),
        _ => error.to_string(),
    }
}

/// The protocol version in a binary request's header, read in place: Request Message,
/// Request Header, Protocol Version, Major, Minor.
fn request_version(request: &[u8]) -> Option<ProtocolVersion> {
    let at = |offset: usize, tag: [u8; 3]| request.get(offset..offset + 3) == Some(&tag[..]);
    let int = |offset: usize| {
        let bytes = request.get(offset..offset + 4)?;
        Some(i32::from_be_bytes(bytes.try_into().ok()?))
    };
    let shaped = at(0, [0x42, 0x00, 0x78])
        && at(8, [0x42, 0x00, 0x77])
        && at(16, [0x42, 0x00, 0x69])
        && at(24, [0x42, 0x00, 0x6a])
        && at(40, [0x42, 0x00, 0x6b]);
    if !shaped {
        return None;
    }
    Some(ProtocolVersion {
        major: int(32)?,
        minor: int(48)?,
    })
}

/// `bound`, shortened to what is left before `deadline`.
pub(super) fn clamp(bound: Duration, deadline: Instant) -> Duration {
    bound.min(deadline.saturating_duration_since(Instant::now()))
}

/// A TCP stream that counts the bytes the kernel accepted, so a failed request can tell
/// whether any byte of it may have reached the server.
pub(super) struct CountingIo {
    tcp: TcpStream,
    written: u64,
}

impl AsyncRead for CountingIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountingIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.tcp).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &result {
            this.written += *n as u64;
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &result {
            this.written += *n as u64;
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_version_is_read_from_the_header() {
        let discover = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
        for version in [ProtocolVersion::V1_2, ProtocolVersion::V2_0] {
            let bytes = RequestMessage::new(version, vec![discover.clone()]).to_bytes();
            assert_eq!(request_version(&bytes), Some(version));
        }
        assert_eq!(request_version(b"short"), None);
    }
}
