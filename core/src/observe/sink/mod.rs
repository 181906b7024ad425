//! Where lines go: a file with rotation, syslog over a unix socket, UDP, TCP or TLS.
//!
//! A sink is driven only by the logger's background thread (`observe/logger.rs`), never by a key
//! operation, so a slow or dead receiver can fill the bounded queue but never block a caller.
//! Network sinks connect lazily, write with a timeout, and reconnect on the next line after a
//! failure.

mod file;
mod net;
mod tls;

use std::io;
use std::time::Duration;

pub use file::FileSink;
pub use net::{TcpSink, UdpSink, UnixSink};
pub use tls::TlsSink;

use super::settings::Destination;
use crate::error::Result;

/// How long a network write may take before the line is given up.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// A destination for log lines.
pub trait Sink: Send {
    /// Writes one line (without its line ending; the sink adds the framing).
    fn write_line(&mut self, line: &str) -> io::Result<()>;
}

/// The sink for `destination`.
///
/// ```
/// use kmipkit::observe::{Destination, sink};
/// let udp = sink::open(&Destination::Udp { address: "127.0.0.1:9".into() }).unwrap();
/// # drop(udp);
/// ```
pub fn open(destination: &Destination) -> Result<Box<dyn Sink>> {
    Ok(match destination {
        Destination::File { path, rotation } => Box::new(FileSink::open(path, *rotation)?),
        Destination::Unix { socket } => Box::new(UnixSink::new(socket)),
        Destination::Udp { address } => Box::new(UdpSink::new(address)?),
        Destination::Tcp { address } => Box::new(TcpSink::new(address)),
        Destination::Tls { address, ca } => Box::new(TlsSink::new(address, ca)?),
    })
}
