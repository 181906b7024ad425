//! The copy loop of pull streaming, telling a failure to read from a failure to write.

use std::fmt;
use std::io::{self, Read, Write};

use zeroize::Zeroize;

use crate::envelope::format::{DEFAULT_FRAME_SIZE, error_of};
use crate::error::Error;

/// Which side of a [`copy`] failed. A decryptor's integrity failure is a `Read` error carrying
/// an [`Error::Integrity`]; an encryptor's refusal is a `Write` error carrying its [`Error`].
#[derive(Debug)]
pub enum CopyError {
    /// Reading failed (for a decryptor: also a frame that did not verify).
    Read(io::Error),
    /// Writing failed.
    Write(io::Error),
}

impl CopyError {
    /// The kmipkit error inside, if the failure is one (format, integrity) rather than I/O.
    pub fn error(&self) -> Option<&Error> {
        error_of(self.io())
    }

    /// The I/O error of either side.
    pub fn io(&self) -> &io::Error {
        match self {
            Self::Read(e) | Self::Write(e) => e,
        }
    }

    /// The I/O error of either side, by value.
    pub fn into_io(self) -> io::Error {
        match self {
            Self::Read(e) | Self::Write(e) => e,
        }
    }
}

impl fmt::Display for CopyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => write!(f, "reading failed: {e}"),
            Self::Write(e) => write!(f, "writing failed: {e}"),
        }
    }
}

impl std::error::Error for CopyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.io())
    }
}

impl From<CopyError> for io::Error {
    fn from(e: CopyError) -> Self {
        e.into_io()
    }
}

/// Copies `reader` into `writer` until the reader ends; returns the number of bytes copied.
///
/// Unlike [`std::io::copy`], the buffer is one default frame (so a [`Decryptor`] decrypts
/// straight into it) and it is wiped afterwards: it held plaintext. Interrupted reads are
/// retried.
///
/// [`Decryptor`]: crate::envelope::format::Decryptor
///
/// ```
/// use kmipkit::envelope::streaming::{CopyError, copy};
/// let mut out = Vec::new();
/// assert_eq!(copy(&mut &b"hello"[..], &mut out).unwrap(), 5);
/// let mut full = [0u8; 2];
/// let err = copy(&mut &b"hello"[..], &mut &mut full[..]).unwrap_err();
/// assert!(matches!(err, CopyError::Write(_)));
/// ```
pub fn copy<R: Read + ?Sized, W: Write + ?Sized>(
    reader: &mut R,
    writer: &mut W,
) -> Result<u64, CopyError> {
    let mut buf = Wiped(vec![0u8; DEFAULT_FRAME_SIZE as usize]);
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf.0) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        writer.write_all(&buf.0[..n]).map_err(CopyError::Write)?;
        total += n as u64;
    }
}

/// A buffer wiped once, through the slice, when it drops.
struct Wiped(Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
    }
}
