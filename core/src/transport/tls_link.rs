//! What the two TLS links — the tokio pool and the blocking pool — share, so both check servers,
//! frame replies and tell failures alike: the checks on the configured endpoints, the framing of
//! one TTLV reply (its length checked against [`Limits`] before anything is allocated), the idle
//! probe, the protocol version of a request, and the translation of I/O failures into [`Error`]s.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::cert_info::{self, TlsInfo};
use super::cluster::check_peers;
use super::http::Https;
use super::seam::Peer;
use super::settings::endpoints_digest;
use super::tls::{self, ClientTls};
use super::{Endpoint, PoolSettings, Wire};
use crate::error::{Error, Result, shown};
use crate::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
use crate::spec::ProtocolVersion;
use crate::ttlv::{Limits, message_len};

/// `after` from now; a duration too long for the clock (`Duration::MAX`) means a century.
pub(super) fn later(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// The error for a server name that is not one of `peers`.
pub(super) fn unknown_server(name: &str, peers: &[Peer]) -> Error {
    Error::Config {
        file: None,
        line: None,
        reason: format!(
            "no key server is named `{}`; configured: {}",
            shown(name),
            peers
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The peers of `endpoints` and the digest of their addresses and TLS identities, after the
/// checks every TLS link makes: a non-empty list of uniquely named servers, a connection cap
/// of at least one.
pub(super) fn peers_of(
    endpoints: &[Endpoint],
    pool: &PoolSettings,
) -> Result<(Vec<Peer>, [u8; 32])> {
    let peers: Vec<Peer> = endpoints
        .iter()
        .map(|e| Peer {
            name: e.name.clone(),
            host: e.host.clone(),
            port: e.port,
            client_identity: cert_info::common_name(&e.tls.client_cert_pem),
        })
        .collect();
    check_peers(&peers)?;
    if pool.max_connections_per_server == 0 {
        return Err(Error::Config {
            file: None,
            line: None,
            reason:
                "max_connections_per_server is 0: no request could ever be sent; allow at least 1"
                    .into(),
        });
    }
    Ok((peers, endpoints_digest(endpoints)))
}

/// One server's address and TLS configuration, checked.
pub(super) struct Target {
    pub(super) name: String,
    pub(super) host: String,
    pub(super) port: u16,
    /// `host:port` (`[v6]:port`), as error messages print it.
    pub(super) address: String,
    pub(super) tls: ClientTls,
    /// KMIP over HTTPS, when the endpoint's wire says so; else TTLV on the stream.
    pub(super) https: Option<Https>,
}

impl Target {
    /// Refuses port 0 and builds the rustls configuration (bad PEM, a key that does not match
    /// its certificate, an unusable host name are [`Error::Config`]).
    pub(super) fn new(endpoint: Endpoint) -> Result<Self> {
        let Endpoint {
            name,
            host,
            port,
            tls,
            wire,
        } = endpoint;
        if port == 0 {
            return Err(Error::Config {
                file: None,
                line: None,
                reason: format!(
                    "key server `{name}`: port 0 is not a port (KMIP's usual port is 5696)"
                ),
            });
        }
        let mut tls = tls::client_tls(&name, &host, &tls)?;
        let address = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let https = match wire {
            Wire::Ttlv => None,
            Wire::Https { path, encoding } => {
                check_path(&name, &path)?;
                // Offer HTTP/1.1 only: a server that would pick HTTP/2 by ALPN must not.
                let mut config = (*tls.config).clone();
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                tls.config = std::sync::Arc::new(config);
                Some(Https::new(&address, &path, encoding))
            }
        };
        Ok(Self {
            name,
            host,
            port,
            address,
            tls,
            https,
        })
    }
}

/// Refuses an HTTPS target path that could not go on a request line as it is.
fn check_path(server: &str, path: &str) -> Result<()> {
    let printable = path.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
    if path.starts_with('/') && printable && path.len() <= 1024 {
        return Ok(());
    }
    Err(Error::Config {
        file: None,
        line: None,
        reason: format!(
            "key server `{server}`: the HTTPS path `{}` must start with / and hold only visible \
             ASCII, no spaces or #, at most 1024 bytes (percent-encode anything else); KMIP's \
             usual path is /kmip",
            shown(path)
        ),
    })
}

/// What a new connection's handshake came to (for `kmipkit servers check`): TLS version,
/// cipher suite, the server's certificate; `times` are the TCP connect's and the handshake's.
pub(super) fn tls_info(
    target: &Target,
    session: &rustls::ClientConnection,
    peer: SocketAddr,
    times: [Duration; 2],
) -> Result<TlsInfo> {
    let protocol_version = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
        other => format!("{other:?}"),
    };
    let cipher_suite = session
        .negotiated_cipher_suite()
        .map_or_else(String::new, |s| {
            s.suite()
                .as_str()
                .map_or_else(|| format!("{:?}", s.suite()), str::to_string)
        });
    let chain = session.peer_certificates().unwrap_or_default();
    let certificate = chain
        .first()
        .ok_or_else(|| Error::Protocol {
            reason: format!("key server {} sent no certificate", target.name),
        })
        .and_then(|leaf| {
            cert_info::parse(leaf).map_err(|e| Error::Protocol {
                reason: format!(
                    "the certificate of key server {} cannot be read: {e}",
                    target.name
                ),
            })
        })?;
    Ok(TlsInfo {
        server: target.name.clone(),
        address: peer.to_string(),
        protocol_version,
        cipher_suite,
        certificate,
        chain_len: chain.len(),
        connect_time: times[0],
        handshake_time: times[1],
    })
}

/// The timeout error of `server` in `phase`, after `after`.
pub(super) fn timeout(server: &str, phase: &'static str, after: Duration) -> Error {
    Error::Timeout {
        server: server.to_string(),
        phase,
        after_ms: u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
    }
}

/// Why connecting to `address` failed, in plain words.
pub(super) fn describe_connect_error(address: SocketAddr, error: &io::Error) -> String {
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

/// Why a round trip failed, before it is told as an [`Error`].
pub(super) enum Failure {
    Write(io::Error),
    Read { received: usize, error: io::Error },
    Closed { received: usize },
    Frame(Error),
}

impl Failure {
    /// The error of a round trip with `target` that failed so; `sent` says whether any byte of
    /// the request reached the socket.
    pub(super) fn into_error(self, target: &Target, sent: bool) -> Error {
        let (name, host, client_auth) = (&target.name, &target.host, target.tls.client_auth);
        let lost = |request_sent: bool, reason: String| Error::ConnectionLost {
            server: name.clone(),
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
                tls::from_rustls(name, host, client_auth, inner)
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
                    "key server {name} answered with something that is not a KMIP message: {reason}"
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

/// Reads exactly one TTLV message, whatever does the reading: the caller reads into
/// [`ReplyReader::space`] and reports the count to [`ReplyReader::advance`] until it says the
/// message is complete. The length in the header is checked against the limits before anything
/// is allocated; the buffer then grows with the bytes that actually arrive, so a lying length
/// costs nothing.
pub(super) struct ReplyReader {
    header: [u8; 8],
    /// Bytes received so far, header included.
    received: usize,
    /// Once the header is in: the message so far (zeros past `received`) and its full length.
    body: Option<(ReplyBuf, usize)>,
}

impl ReplyReader {
    pub(super) fn new() -> Self {
        Self {
            header: [0; 8],
            received: 0,
            body: None,
        }
    }

    /// The complete message (call once [`ReplyReader::advance`] returned `true`).
    pub(super) fn finish(mut self) -> Vec<u8> {
        match &mut self.body {
            Some((reply, _)) => std::mem::take(&mut reply.0),
            None => Vec::new(),
        }
    }
}

impl Frame for ReplyReader {
    fn space(&mut self) -> &mut [u8] {
        match &mut self.body {
            None => &mut self.header[self.received..],
            Some((reply, total)) => reply.space(self.received, *total),
        }
    }

    fn advance(&mut self, n: usize, limits: &Limits) -> Result<bool> {
        self.received += n;
        if self.body.is_none() && self.received == self.header.len() {
            let total = message_len(&self.header, limits)?;
            let mut reply = ReplyBuf::with_capacity(total.min(64 * 1024));
            reply.0.extend_from_slice(&self.header);
            self.body = Some((reply, total));
        }
        Ok(matches!(&self.body, Some((_, total)) if self.received == *total))
    }

    fn received(&self) -> usize {
        self.received
    }
}

/// What reads one reply off a connection, a TTLV message ([`ReplyReader`]) or an HTTP response
/// ([`super::http::HttpReader`]): the caller reads into [`Frame::space`] and reports the count
/// to [`Frame::advance`] until it says the reply is complete.
pub(super) trait Frame {
    /// Where the next bytes go; never empty before the reply is complete.
    fn space(&mut self) -> &mut [u8];

    /// Counts `n` bytes just read into [`Frame::space`]; `true` once the reply is complete.
    /// Fails when the reply announces more than `limits` allow or is not what was expected.
    fn advance(&mut self, n: usize, limits: &Limits) -> Result<bool>;

    /// Bytes received so far.
    fn received(&self) -> usize;
}

/// Reads exactly one TTLV message from a blocking reader.
pub(super) fn read_reply(reader: &mut impl io::Read, limits: &Limits) -> Result<Vec<u8>, Failure> {
    let mut frame = ReplyReader::new();
    read_frame(reader, &mut frame, limits)?;
    Ok(frame.finish())
}

/// Reads into `frame` from a blocking reader until it is complete.
pub(super) fn read_frame(
    reader: &mut impl io::Read,
    frame: &mut impl Frame,
    limits: &Limits,
) -> Result<(), Failure> {
    loop {
        match reader.read(frame.space()) {
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

/// A reply being read. It may hold key material (a Get), so it is wiped when an error drops it
/// and whenever it outgrows its memory; `Vec`'s own growth would free the old buffer unwiped.
pub(super) struct ReplyBuf(Vec<u8>);

impl ReplyBuf {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    /// Where bytes after the first `received` go, growing the buffer towards `total` (doubling,
    /// so a length announced but never sent costs nothing); never empty while `received` is
    /// below `total`.
    pub(super) fn space(&mut self, received: usize, total: usize) -> &mut [u8] {
        if received == self.0.len() {
            self.make_room(total);
            // Each byte written once as a zero, then filled by reads.
            let end = self.0.capacity().min(total);
            self.0.resize(end, 0);
        }
        &mut self.0[received..]
    }

    /// Everything the buffer holds: bytes received, then zeros.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Drops the first `n` of the `received` bytes, moving the rest to the front.
    pub(super) fn drop_front(&mut self, n: usize, received: usize) {
        self.0.copy_within(n..received, 0);
        zeroize::Zeroize::zeroize(&mut self.0[received - n..received]);
    }

    /// Shortens the buffer to `end` bytes if it is longer (the bytes cut are unfilled zeros).
    pub(super) fn fit(&mut self, end: usize) {
        self.0.truncate(end);
    }

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

/// The liveness probe: a DiscoverVersions request (harmless, answered by every KMIP server,
/// even as an error) in the version the connection last used.
pub(super) fn probe_request(version: Option<ProtocolVersion>) -> Vec<u8> {
    let discover = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
    RequestMessage::new(version.unwrap_or(ProtocolVersion::V1_1), vec![discover]).to_bytes()
}

/// The protocol version in a binary request's header, read in place: Request Message,
/// Request Header, Protocol Version, Major, Minor.
pub(super) fn request_version(request: &[u8]) -> Option<ProtocolVersion> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_timeout_is_a_far_instant_not_a_panic() {
        assert!(later(Duration::MAX) > Instant::now() + Duration::from_secs(86_400));
        assert!(later(Duration::ZERO) <= Instant::now());
    }

    #[test]
    fn the_request_version_is_read_from_the_header() {
        let discover = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
        for version in [ProtocolVersion::V1_2, ProtocolVersion::V2_0] {
            let bytes = RequestMessage::new(version, vec![discover.clone()]).to_bytes();
            assert_eq!(request_version(&bytes), Some(version));
        }
        assert_eq!(request_version(b"short"), None);
        assert_eq!(
            request_version(&probe_request(None)),
            Some(ProtocolVersion::V1_1)
        );
    }

    /// A reader that hands out its bytes `step` at a time.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn one_message_is_read_however_the_bytes_arrive() {
        let message = probe_request(Some(ProtocolVersion::V2_0));
        let mut stream = message.clone();
        stream.extend_from_slice(b"the next message");
        for step in [1, 3, 8, 1000] {
            let mut reader = Trickle {
                bytes: &stream,
                step,
            };
            let reply = read_reply(&mut reader, &Limits::default()).ok().unwrap();
            assert_eq!(reply, message, "step {step}");
        }
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_reading_on() {
        let mut header = vec![0x42, 0x00, 0x7b, 0x01];
        header.extend_from_slice(&u32::MAX.to_be_bytes());
        let mut reader = Trickle {
            bytes: &header,
            step: 8,
        };
        match read_reply(&mut reader, &Limits::default()) {
            Err(Failure::Frame(Error::LimitExceeded { .. })) => {}
            _ => panic!("expected the size limit"),
        }
    }

    #[test]
    fn a_cut_reply_counts_what_arrived() {
        let message = probe_request(None);
        let mut reader = Trickle {
            bytes: &message[..20],
            step: 7,
        };
        match read_reply(&mut reader, &Limits::default()) {
            Err(Failure::Closed { received: 20 }) => {}
            _ => panic!("expected a close after 20 bytes"),
        }
    }
}
