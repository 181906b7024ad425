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

use super::idle::drain_idle;
use super::pool::{OpenGuard, Server};
use super::tls;
use super::tls_link::{
    Failure, Frame, ReplyReader, describe_connect_error, probe_request, request_version,
};
use crate::error::{Error, Result};
use crate::spec::ProtocolVersion;
use crate::ttlv::Limits;

/// An open, authenticated connection, idle between round trips.
pub(super) struct Conn {
    stream: TlsStream<CountingIo>,
    /// When the TCP connection was opened.
    pub(super) created: Instant,
    /// When the last round trip finished.
    pub(super) last_used: Instant,
    /// Protocol version of the last request, reused by the idle probe.
    version: Option<ProtocolVersion>,
    /// The server said it closes the connection after its last reply (HTTPS).
    retired: bool,
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
        let outcome = timeout(bound, exchange(&mut self.stream, server, request, limits)).await;
        let sent = self.stream.get_ref().0.written > written_before;
        match outcome {
            Err(_) => Err(server.timeout("response", bound)),
            Ok(Ok((reply, keep))) => {
                self.last_used = Instant::now();
                self.retired |= !keep;
                Ok(reply)
            }
            Ok(Err(failure)) => Err(failure.into_error(server, sent)),
        }
    }

    /// Whether the connection still looks open: what the server sent while it was idle is
    /// read from the socket itself (not through the runtime's cached readiness, which may not
    /// have seen a close yet) into the TLS session ([`drain_idle`]). TLS 1.3 session tickets are
    /// fine; a close (TCP FIN or reset, TLS close_notify) or bytes nobody asked for make the
    /// connection unusable.
    pub(super) fn looks_open(&mut self) -> bool {
        if self.retired {
            return false;
        }
        let (io, session) = self.stream.get_mut();
        // Non-blocking reads on the socket tokio keeps non-blocking: when nothing waits, one
        // system call, as the peek it replaces.
        let socket = socket2::SockRef::from(&io.tcp);
        let mut reader: &socket2::Socket = &socket;
        drain_idle(session, &mut reader)
    }

    /// A real round trip: the DiscoverVersions probe ([`probe_request`]) in the version the
    /// connection last used. Any framed reply proves life.
    pub(super) async fn probe(
        &mut self,
        server: &Server,
        bound: Duration,
        limits: &Limits,
    ) -> bool {
        let request = probe_request(self.version);
        self.round_trip(server, &request, bound, limits)
            .await
            .is_ok()
    }

    /// The TLS session, for [`super::TlsInfo`].
    pub(super) fn session(&self) -> &rustls::ClientConnection {
        self.stream.get_ref().1
    }
}

/// One request and its reply, as TTLV on the stream or as an HTTPS POST; `true` when the
/// connection may carry another request.
async fn exchange(
    stream: &mut TlsStream<CountingIo>,
    server: &Server,
    request: &[u8],
    limits: &Limits,
) -> Result<(Vec<u8>, bool), Failure> {
    let Some(https) = &server.https else {
        stream.write_all(request).await.map_err(Failure::Write)?;
        stream.flush().await.map_err(Failure::Write)?;
        let mut frame = ReplyReader::new();
        read_frame(stream, &mut frame, limits).await?;
        return Ok((frame.finish(), true));
    };
    let framed = https.request(request, limits).map_err(Failure::Frame)?;
    stream.write_all(&framed).await.map_err(Failure::Write)?;
    stream.flush().await.map_err(Failure::Write)?;
    let mut reader = https.reader(limits);
    read_frame(stream, &mut reader, limits).await?;
    https.finish(&server.name, reader, limits)
}

/// Reads into `frame` until it is complete.
async fn read_frame(
    stream: &mut TlsStream<CountingIo>,
    frame: &mut impl Frame,
    limits: &Limits,
) -> Result<(), Failure> {
    loop {
        match stream.read(frame.space()).await {
            Ok(0) => {
                return Err(Failure::Closed {
                    received: frame.received(),
                });
            }
            Ok(n) => {
                if frame.advance(n, limits).map_err(Failure::Frame)? {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(Failure::Read {
                    received: frame.received(),
                    error,
                });
            }
        }
    }
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
