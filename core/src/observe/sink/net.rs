//! Syslog over the local unix socket, UDP and TCP.

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};

use super::{Sink, WRITE_TIMEOUT};
use crate::error::Result;

/// The local syslog daemon's datagram socket, one line per datagram.
#[derive(Debug)]
pub struct UnixSink {
    socket: PathBuf,
    #[cfg(unix)]
    sender: Option<std::os::unix::net::UnixDatagram>,
}

impl UnixSink {
    /// A sink to `socket` (usually `/dev/log`); nothing is opened until the first line.
    pub fn new(socket: &Path) -> Self {
        Self {
            socket: socket.to_path_buf(),
            #[cfg(unix)]
            sender: None,
        }
    }
}

impl Sink for UnixSink {
    #[cfg(unix)]
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        let sender = match &mut self.sender {
            Some(s) => s,
            None => {
                let s = std::os::unix::net::UnixDatagram::unbound()?;
                s.set_write_timeout(Some(WRITE_TIMEOUT))?;
                self.sender.insert(s)
            }
        };
        sender.send_to(line.as_bytes(), &self.socket).map(|_| ())
    }

    #[cfg(not(unix))]
    fn write_line(&mut self, _: &str) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "no unix sockets here",
        ))
    }
}

/// A syslog receiver over UDP: one line per datagram (RFC 5426).
#[derive(Debug)]
pub struct UdpSink {
    address: String,
    /// The socket and the resolved receiver, once a name lookup succeeded.
    target: Option<(UdpSocket, std::net::SocketAddr)>,
}

impl UdpSink {
    /// A sink to `address` (`host:port`). The name is looked up at the first line, on the log
    /// thread, and again after a failure: a receiver whose name does not resolve is a dead
    /// receiver, which must not stop a client from starting.
    pub fn new(address: &str) -> Result<Self> {
        Ok(Self {
            address: address.to_string(),
            target: None,
        })
    }
}

impl Sink for UdpSink {
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        let (socket, target) = match &self.target {
            Some(target) => target,
            None => {
                let target = self
                    .address
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
                let local = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                // Resolved once: a name lookup per line would be slow and could hang.
                self.target.insert((UdpSocket::bind(local)?, target))
            }
        };
        socket.send_to(line.as_bytes(), *target).map(|_| ())
    }
}

/// A syslog receiver over TCP: lines ending with LF (RFC 6587 non-transparent framing, safe
/// because no rendered line holds a LF).
#[derive(Debug)]
pub struct TcpSink {
    address: String,
    stream: Option<TcpStream>,
}

impl TcpSink {
    /// A sink to `address` (`host:port`); connects at the first line.
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_string(),
            stream: None,
        }
    }
}

impl Sink for TcpSink {
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        let framed = format!("{line}\n");
        // A connection that broke since the last line is noticed by this write; retry once
        // on a fresh connection.
        for _ in 0..2 {
            if self.stream.is_none() {
                self.stream = Some(connect(&self.address)?);
            }
            let stream = self.stream.as_mut().expect("just connected");
            match stream.write_all(framed.as_bytes()) {
                Ok(()) => return Ok(()),
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::TimedOut =>
                {
                    self.stream = None;
                    return Err(e);
                }
                Err(_) => self.stream = None,
            }
        }
        Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the log receiver closed the connection",
        ))
    }
}

/// A TCP connection with connect, write and read timeouts. The read timeout matters for TLS:
/// the handshake reads the receiver's answer, and a receiver that accepts and never answers
/// would otherwise hold the log thread forever.
pub(super) fn connect(address: &str) -> io::Result<TcpStream> {
    let target = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
    let stream = TcpStream::connect_timeout(&target, WRITE_TIMEOUT)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    stream.set_read_timeout(Some(WRITE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}
