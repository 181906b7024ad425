//! KMIP over HTTPS (OASIS KMIP Profiles v2.1, section 5.3) on the TLS links' kept-open
//! connections: each request is one HTTP/1.1 POST, each reply the body of one response.
//!
//! Only what the profile needs is spoken: `POST` with `Content-Length` and
//! `Cache-Control: no-cache`; a response framed by `Content-Length` (a KMIP server answers with
//! one whole message; chunked replies are refused with the reason). A `1xx` response is skipped.
//! `Connection: close` (or an HTTP/1.0 reply without keep-alive) retires the connection. The
//! profile defines no status but `200`; the others are told as what they mean to a KMIP client
//! (401/403 an identity the server refused, 404 a wrong path, 502–504 a server behind a proxy
//! that is down), never with the body, which a server may fill with anything (even the request).

use zeroize::Zeroizing;

use super::HttpsEncoding;
use super::https_body::{JSON_EXPANSION, https_reply_ttlv, https_request_body};
use super::tls_link::{Failure, Frame, ReplyBuf};
use crate::error::{Error, Result, shown};
use crate::ttlv::Limits;

/// The longest response head read (status line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// The longest body of a response other than `200`: its status says all that is used.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// One server's HTTPS target.
pub(super) struct Https {
    path: String,
    /// `Host:` header value (`host:port`, IPv6 in brackets).
    authority: String,
    encoding: HttpsEncoding,
}

impl Https {
    pub(super) fn new(authority: &str, path: &str, encoding: HttpsEncoding) -> Self {
        Self {
            path: path.to_string(),
            authority: authority.to_string(),
            encoding,
        }
    }

    /// The whole HTTP request carrying the TTLV message `request`: head and body, wiped when
    /// dropped (the body may hold key material).
    pub(super) fn request(&self, request: &[u8], limits: &Limits) -> Result<Zeroizing<Vec<u8>>> {
        let body = https_request_body(request, self.encoding, limits)?;
        let content_type = self.encoding.content_type();
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: kmipkit/{}\r\n\
             Content-Type: {content_type}\r\nAccept: {content_type}\r\n\
             Cache-Control: no-cache\r\nContent-Length: {}\r\n\r\n",
            self.path,
            self.authority,
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        let mut out = Zeroizing::new(Vec::with_capacity(head.len() + body.len()));
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A reader for the response to one request.
    pub(super) fn reader(&self, limits: &Limits) -> HttpReader {
        let body_limit = match self.encoding {
            HttpsEncoding::Ttlv => limits.max_message_size,
            HttpsEncoding::Json => limits.max_message_size.saturating_mul(JSON_EXPANSION),
        };
        HttpReader {
            buf: ReplyBuf::with_capacity(1024),
            received: 0,
            searched: 0,
            head: None,
            body_limit,
        }
    }

    /// The TTLV reply in the response `reader` read completely from server `server`, and
    /// whether the connection may carry another request.
    pub(super) fn finish(
        &self,
        server: &str,
        reader: HttpReader,
        limits: &Limits,
    ) -> Result<(Vec<u8>, bool), Failure> {
        let response = reader
            .finish()
            .ok_or_else(|| Failure::Frame(protocol("a response read only in part".into())))?;
        let (mut ttlv, keep) = self
            .reply(server, response, limits)
            .map_err(Failure::Frame)?;
        Ok((std::mem::take(&mut *ttlv), keep))
    }

    /// The TTLV reply in a complete `response` from server `server`, and whether the connection
    /// may carry another request.
    fn reply(
        &self,
        server: &str,
        response: HttpResponse,
        limits: &Limits,
    ) -> Result<(Zeroizing<Vec<u8>>, bool)> {
        let HttpResponse { head, body } = response;
        let keep = !head.close;
        let status = format!("HTTP {} {}", head.status, shown(&head.reason));
        let path = &self.path;
        let refused = |reason: String| Err(Error::Protocol { reason });
        match head.status {
            200 => {}
            401 | 403 => {
                return Err(Error::Authentication {
                    server: server.to_string(),
                    reason: format!(
                        "its HTTPS endpoint answered {status} to POST {path}: it did not accept the \
                         client certificate; check client_cert and client_key, and that the \
                         server authenticates KMIP clients by certificate on that endpoint"
                    ),
                });
            }
            404 => {
                return refused(format!(
                    "key server {server} has no KMIP endpoint at {path} ({status}); check the path \
                     of its url in the configuration (the KMIP profile's is /kmip)"
                ));
            }
            502..=504 => {
                return Err(Error::ConnectionLost {
                    server: server.to_string(),
                    request_sent: true,
                    reason: format!(
                        "its HTTPS endpoint answered {status}: the key server behind it is unavailable"
                    ),
                });
            }
            _ => {
                return refused(format!(
                    "key server {server} answered POST {path} with {status} instead of a KMIP \
                     reply; its log says why (a request it cannot parse, a size it refuses)"
                ));
            }
        }
        let expected = self.encoding.content_type();
        match head.content_type.as_deref() {
            Some(found) if essence(found) != expected => {
                return refused(format!(
                    "key server {server} answered POST {path} with Content-Type {}, not \
                     {expected}: is that path its KMIP endpoint, in this encoding?",
                    shown(found)
                ));
            }
            _ => {}
        }
        let ttlv = https_reply_ttlv(&body, self.encoding, limits).map_err(|e| match e {
            Error::Decode { reason, .. } | Error::Syntax { reason, .. } => Error::Protocol {
                reason: format!(
                    "key server {server} answered with something that is not a KMIP message: {reason}"
                ),
            },
            other => other,
        })?;
        Ok((ttlv, keep))
    }
}

/// A media type without its parameters, lower case (`Application/JSON; charset=utf-8` →
/// `application/json`).
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// What a response's head says.
#[derive(Debug)]
pub(super) struct Head {
    status: u16,
    reason: String,
    content_type: Option<String>,
    /// The server closes the connection after this response.
    close: bool,
    /// Where the body starts and ends in the bytes received.
    body_start: usize,
    end: usize,
}

/// A complete response.
pub(super) struct HttpResponse {
    head: Head,
    body: Zeroizing<Vec<u8>>,
}

/// Reads exactly one HTTP response, as [`super::tls_link::ReplyReader`] reads a TTLV message:
/// the head is bounded by [`MAX_HEAD`], the body's `Content-Length` is checked against the
/// limits before the buffer grows, and everything received is wiped when dropped.
pub(super) struct HttpReader {
    buf: ReplyBuf,
    received: usize,
    /// How far the search for the end of the head has looked.
    searched: usize,
    head: Option<Head>,
    body_limit: usize,
}

impl Frame for HttpReader {
    fn space(&mut self) -> &mut [u8] {
        let total = self.head.as_ref().map_or(MAX_HEAD, |h| h.end);
        self.buf.space(self.received, total)
    }

    fn advance(&mut self, n: usize, _limits: &Limits) -> Result<bool> {
        self.received += n;
        while self.head.is_none() {
            let bytes = &self.buf.bytes()[..self.received];
            let from = self.searched.saturating_sub(3);
            let Some(at) = find(&bytes[from..], b"\r\n\r\n").map(|i| from + i + 4) else {
                self.searched = self.received;
                if self.received >= MAX_HEAD {
                    return Err(protocol(format!(
                        "an HTTP response head longer than {MAX_HEAD} bytes"
                    )));
                }
                return Ok(false);
            };
            let head = parse_head(&bytes[..at], at, self.body_limit)?;
            if (100..200).contains(&head.status) {
                // An interim response ("100 Continue"): the real one follows.
                self.buf.drop_front(at, self.received);
                self.received -= at;
                self.searched = 0;
                continue;
            }
            self.head = Some(head);
        }
        let end = self.head.as_ref().map_or(0, |h| h.end);
        if self.received > end {
            return Err(protocol(format!(
                "{} bytes after the response its Content-Length announced",
                self.received - end
            )));
        }
        self.buf.fit(end);
        Ok(self.received == end)
    }

    fn received(&self) -> usize {
        self.received
    }
}

impl HttpReader {
    /// The complete response (call once [`Frame::advance`] returned `true`).
    pub(super) fn finish(self) -> Option<HttpResponse> {
        let head = self.head?;
        let body = Zeroizing::new(self.buf.bytes()[head.body_start..head.end].to_vec());
        Some(HttpResponse { head, body })
    }
}

fn protocol(what: String) -> Error {
    Error::Protocol {
        reason: format!("the key server's HTTPS reply is not usable: {what}"),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a response head of `len` bytes (ending in the blank line).
fn parse_head(bytes: &[u8], len: usize, body_limit: usize) -> Result<Head> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| protocol("a response head that is not text".into()))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let (Some(status), true) = (status, version.starts_with("HTTP/1.")) else {
        return Err(protocol(format!(
            "the status line `{}` is not HTTP/1.x (is this port the HTTPS endpoint?)",
            shown(&status_line.chars().take(60).collect::<String>())
        )));
    };
    let reason = parts.next().unwrap_or("").chars().take(80).collect();
    let mut close = version == "HTTP/1.0";
    let mut content_length: Option<usize> = None;
    let mut content_type = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(protocol("a header line without a colon".into()));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                let n = value.parse::<usize>().map_err(|_| {
                    protocol(format!("Content-Length `{}` is not a number", shown(value)))
                })?;
                if content_length.is_some_and(|m| m != n) {
                    return Err(protocol("two different Content-Length headers".into()));
                }
                content_length = Some(n);
            }
            "transfer-encoding" => {
                return Err(protocol(format!(
                    "Transfer-Encoding {} (the KMIP HTTPS profile frames replies with Content-Length)",
                    shown(value)
                )));
            }
            "content-type" => content_type = Some(value.to_string()),
            "connection" => {
                let tokens = value.to_ascii_lowercase();
                if tokens.split(',').any(|t| t.trim() == "close") {
                    close = true;
                } else if tokens.split(',').any(|t| t.trim() == "keep-alive") {
                    close = false;
                }
            }
            _ => {}
        }
    }
    let interim = (100..200).contains(&status);
    let length = match (content_length, interim) {
        (_, true) => 0,
        (Some(n), false) => n,
        (None, false) => {
            return Err(protocol("no Content-Length header".into()));
        }
    };
    let limit = if status == 200 {
        body_limit
    } else {
        MAX_ERROR_BODY
    };
    if length > limit {
        return Err(Error::LimitExceeded {
            what: "message size",
            limit,
            found: length,
        });
    }
    Ok(Head {
        status,
        reason,
        content_type,
        close,
        body_start: len,
        end: len + length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(https: &Https, chunks: &[&[u8]]) -> Result<Option<HttpResponse>> {
        let limits = Limits::default();
        let mut reader = https.reader(&limits);
        for chunk in chunks {
            let mut rest = *chunk;
            while !rest.is_empty() {
                let space = reader.space();
                let n = space.len().min(rest.len());
                space[..n].copy_from_slice(&rest[..n]);
                rest = &rest[n..];
                if reader.advance(n, &limits)? {
                    assert!(rest.is_empty(), "bytes left after a complete response");
                    return Ok(reader.finish());
                }
            }
        }
        Ok(None)
    }

    fn https() -> Https {
        Https::new("127.0.0.1:9998", "/kmip", HttpsEncoding::Ttlv)
    }

    const MESSAGE: [u8; 8] = [0x42, 0x00, 0x7b, 0x01, 0, 0, 0, 0];

    #[test]
    fn the_request_follows_the_profile() {
        let request = https().request(&MESSAGE, &Limits::default()).unwrap();
        let text = String::from_utf8_lossy(&request);
        assert!(text.starts_with("POST /kmip HTTP/1.1\r\nHost: 127.0.0.1:9998\r\n"));
        for header in [
            "Content-Type: application/octet-stream\r\n",
            "Cache-Control: no-cache\r\n",
            "Content-Length: 8\r\n\r\n",
        ] {
            assert!(text.contains(header), "{text}");
        }
        assert!(request.ends_with(&MESSAGE));
    }

    #[test]
    fn a_reply_is_read_however_it_arrives() {
        let mut response =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 8\r\ncontent-type: application/octet-stream\r\n\r\n"
                .to_vec();
        response.extend_from_slice(&MESSAGE);
        for step in [1, 5, 1000] {
            let chunks: Vec<&[u8]> = response.chunks(step).collect();
            let reply = read(&https(), &chunks).unwrap().expect("complete");
            let (ttlv, keep) = https().reply("kms", reply, &Limits::default()).unwrap();
            assert_eq!(&ttlv[..], &MESSAGE, "step {step}");
            assert!(keep);
        }
    }

    #[test]
    fn connection_close_retires_the_connection() {
        let mut response =
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 8\r\n\r\n".to_vec();
        response.extend_from_slice(&MESSAGE);
        let reply = read(&https(), &[&response]).unwrap().expect("complete");
        let (_, keep) = https().reply("kms", reply, &Limits::default()).unwrap();
        assert!(!keep);
    }

    fn refusal(head: &str) -> String {
        let response = format!("{head}\r\n\r\n");
        match read(&https(), &[response.as_bytes()]) {
            Err(e) => e.to_string(),
            Ok(Some(reply)) => match https().reply("kms", reply, &Limits::default()) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("accepted: {head}"),
            },
            Ok(None) => panic!("incomplete: {head}"),
        }
    }

    #[test]
    fn statuses_are_told_as_what_they_mean() {
        let unauthorized = refusal("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0");
        assert!(
            unauthorized.contains("refused authentication"),
            "{unauthorized}"
        );
        let missing = refusal("HTTP/1.1 404 Not Found\r\nContent-Length: 0");
        assert!(missing.contains("no KMIP endpoint at /kmip"), "{missing}");
        let down = refusal("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0");
        assert!(down.contains("unavailable"), "{down}");
        let other = refusal("HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 0");
        assert!(other.contains("HTTP 422 Unprocessable Entity"), "{other}");
        let html = refusal("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0");
        assert!(html.contains("Content-Type text/html"), "{html}");
    }

    #[test]
    fn unframed_or_oversized_replies_are_refused() {
        let chunked = refusal("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked");
        assert!(chunked.contains("Transfer-Encoding chunked"), "{chunked}");
        let none = refusal("HTTP/1.1 200 OK");
        assert!(none.contains("no Content-Length"), "{none}");
        let huge = refusal("HTTP/1.1 200 OK\r\nContent-Length: 99999999999");
        assert!(huge.contains("limit"), "{huge}");
        let not_http = refusal("SSH-2.0-OpenSSH");
        assert!(not_http.contains("not HTTP/1.x"), "{not_http}");
        let endless = vec![b'x'; MAX_HEAD + 10];
        let err = read(&https(), &[&endless]).err().expect("refused");
        assert!(err.to_string().contains("longer than"), "{err}");
    }

    #[test]
    fn bytes_past_the_content_length_are_refused() {
        let mut response = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n".to_vec();
        response.extend_from_slice(&MESSAGE);
        response.extend_from_slice(b"extra");
        let err = read(&https(), &[&response]).err().expect("refused");
        assert!(err.to_string().contains("5 bytes after"), "{err}");
    }
}
