//! Syslog over the local unix socket, UDP and TCP.

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};

use super::{Sink, WRITE_TIMEOUT};
use crate::error::{Error, Result};

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
    socket: UdpSocket,
    target: std::net::SocketAddr,
}

impl UdpSink {
    /// A sink to `address` (`host:port`).
    pub fn new(address: &str) -> Result<Self> {
        let target = resolve(address)?;
        let local = if target.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        };
        let socket = UdpSocket::bind(local).map_err(|e| net_error(address, e))?;
        // Resolved once: a name lookup per line would be slow and could hang.
        Ok(Self { socket, target })
    }
}

impl Sink for UdpSink {
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        self.socket
            .send_to(line.as_bytes(), self.target)
            .map(|_| ())
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

/// A TCP connection with connect and write timeouts.
pub(super) fn connect(address: &str) -> io::Result<TcpStream> {
    let target = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
    let stream = TcpStream::connect_timeout(&target, WRITE_TIMEOUT)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

fn resolve(address: &str) -> Result<std::net::SocketAddr> {
    address
        .to_socket_addrs()
        .map_err(|e| net_error(address, e))?
        .next()
        .ok_or_else(|| {
            net_error(
                address,
                io::Error::new(io::ErrorKind::NotFound, "no address"),
            )
        })
}

fn net_error(address: &str, e: io::Error) -> Error {
    Error::Log {
        path: Some(address.to_string()),
        reason: format!("cannot reach the log receiver: {e}"),
    }
}
