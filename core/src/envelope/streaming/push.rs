//! Push streaming, for callers that cannot lend a reader or a writer (C, JavaScript,
//! WebAssembly): feed chunks in, take sealed or verified bytes out, then finish.
//!
//! Memory stays constant whatever the chunk sizes: a [`Sealer`] holds at most one frame of
//! plaintext, an [`Opener`] at most one frame of ciphertext and a byte, a [`HeaderBuffer`] at
//! most one header.

use std::io::{self, Read, Write};

use crate::envelope::format::{
    Decryptor, Encryptor, Header, MAGIC, MAX_HEADER_LEN, Params, Plaintext, into_error,
};
use crate::error::{Error, Result};

/// Encrypts plaintext fed to it in chunks of any size.
///
/// The first output starts with the header. A frame is released once the next byte shows it is
/// not the last; [`Sealer::finish`] releases the final frame. A sealer dropped unfinished leaves a
/// truncated ciphertext that every decoder rejects.
///
/// ```
/// use kmipkit::envelope::format::{KeyRef, Params, open};
/// use kmipkit::envelope::streaming::Sealer;
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let mut sealer = Sealer::with_salt(&[7; 32], &params, b"ctx", [1; 32])?;
/// let mut ciphertext = sealer.update(b"hel")?;
/// sealer.update_into(b"lo", &mut ciphertext)?;
/// sealer.finish_into(&mut ciphertext)?;
/// assert_eq!(&open(&ciphertext, &[7; 32], b"ctx")?[..], b"hello");
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub struct Sealer {
    encryptor: Encryptor<Vec<u8>>,
}

impl Sealer {
    /// Starts a message under `dek` with a fresh random salt.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(dek: &[u8; 32], params: &Params, context: &[u8]) -> Result<Self> {
        let encryptor = Encryptor::new(Vec::new(), dek, params, context).map_err(into_error)?;
        Ok(Self { encryptor })
    }

    /// Starts a message under `dek` with the caller's salt: 32 fresh random bytes, never reused
    /// with one key (see [`seal_with_salt`](crate::envelope::format::seal_with_salt)).
    pub fn with_salt(
        dek: &[u8; 32],
        params: &Params,
        context: &[u8],
        salt: [u8; 32],
    ) -> Result<Self> {
        let encryptor =
            Encryptor::with_salt(Vec::new(), dek, params, context, salt).map_err(into_error)?;
        Ok(Self { encryptor })
    }

    /// Encrypts `plaintext` and returns the ciphertext ready so far (possibly none).
    pub fn update(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.update_into(plaintext, &mut out)?;
        Ok(out)
    }

    /// Encrypts `plaintext` and appends the ciphertext ready so far to `out`.
    pub fn update_into(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let written = self.encryptor.write_all(plaintext);
        out.append(self.encryptor.get_mut());
        written.map_err(into_error)
    }

    /// Seals the final frame and returns the rest of the ciphertext.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.encryptor.finish().map_err(into_error)
    }

    /// Seals the final frame and appends the rest of the ciphertext to `out`.
    pub fn finish_into(self, out: &mut Vec<u8>) -> Result<()> {
        out.append(&mut self.finish()?);
        Ok(())
    }
}

/// Decrypts a message body fed to it in chunks of any size (the header is read first, with a
/// [`HeaderBuffer`], to find the key).
///
/// A frame's plaintext is released only after its tag verified; the final frame only by
/// [`Opener::finish`], which also detects a truncated message. Until `finish` returned `Ok`,
/// treat the plaintext released as unauthenticated.
///
/// ```
/// use kmipkit::envelope::format::{KeyRef, Params, seal};
/// use kmipkit::envelope::streaming::{HeaderBuffer, Opener};
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let ciphertext = seal(&[7; 32], &params, b"ctx", b"hello")?;
/// let (header, used) = HeaderBuffer::new().feed(&ciphertext)?.expect("a whole header");
/// let mut opener = Opener::new(&header, &[7; 32], b"ctx")?;
/// let mut plaintext = opener.update(&ciphertext[used..])?;
/// opener.finish_into(&mut plaintext)?;
/// assert_eq!(&plaintext[..], b"hello");
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub struct Opener {
    decryptor: Decryptor<Fed>,
    /// A frame, its tag and one byte: with this much fed, the decryptor reads no further.
    window: usize,
}

impl Opener {
    /// Checks the key commitment of `header` (a wrong key or context fails here) and prepares to
    /// decrypt the body that follows it.
    pub fn new(header: &Header, dek: &[u8; 32], context: &[u8]) -> Result<Self> {
        let decryptor = Decryptor::new(Fed::default(), header, dek, context)?;
        let window = decryptor.frame_size() + 17;
        Ok(Self { decryptor, window })
    }

    /// Feeds body bytes and returns the plaintext of the frames that verified.
    pub fn update(&mut self, ciphertext: &[u8]) -> Result<Plaintext> {
        let mut out = Plaintext::default();
        self.update_into(ciphertext, &mut out)?;
        Ok(out)
    }

    /// Feeds body bytes and appends the plaintext of the frames that verified to `out`.
    pub fn update_into(&mut self, mut ciphertext: &[u8], out: &mut Plaintext) -> Result<()> {
        // Room for every frame this call can release, made at once and at least doubling:
        // `Plaintext` grows exactly (it wipes what it leaves), so growing it frame by frame, or
        // call by call, would copy quadratically.
        let needed = ciphertext.len() + self.window;
        if out.capacity() - out.len() < needed {
            out.reserve(needed.max(out.len()));
        }
        loop {
            let fed = self.decryptor.get_mut();
            let take = ciphertext.len().min(self.window - fed.len());
            fed.push(&ciphertext[..take]);
            ciphertext = &ciphertext[take..];
            if fed.len() < self.window {
                return Ok(());
            }
            self.frame(out)?;
        }
    }

    /// Decrypts the rest, checks that the message is complete, and returns the last plaintext.
    pub fn finish(self) -> Result<Plaintext> {
        let mut out = Plaintext::default();
        self.finish_into(&mut out)?;
        Ok(out)
    }

    /// As [`Opener::finish`], appending to `out`.
    pub fn finish_into(mut self, out: &mut Plaintext) -> Result<()> {
        self.decryptor.get_mut().ended = true;
        // A non-final frame is never empty, so 0 is the end of the message.
        while self.frame(out)? > 0 {}
        Ok(())
    }

    /// Bytes of memory held for fed ciphertext.
    #[cfg(test)]
    pub(super) fn fed_capacity(&mut self) -> usize {
        self.decryptor.get_mut().bytes.capacity()
    }

    /// Decrypts the next frame into `out`; its plaintext length.
    fn frame(&mut self, out: &mut Plaintext) -> Result<usize> {
        let start = out.len();
        let room = out.extend(self.decryptor.frame_size());
        let read = self.decryptor.read(room);
        let n = read.as_ref().map_or(0, |n| *n);
        out.truncate(start + n);
        read.map_err(into_error)
    }
}

/// The ciphertext fed to an [`Opener`], read by its decryptor.
#[derive(Default)]
struct Fed {
    bytes: Vec<u8>,
    start: usize,
    /// No more will come: reading past the bytes is the end of the message.
    ended: bool,
}

impl Fed {
    fn len(&self) -> usize {
        self.bytes.len() - self.start
    }

    fn push(&mut self, data: &[u8]) {
        // What was read goes first (at most a byte stays), so the buffer never outgrows the
        // opener's window.
        self.bytes.drain(..self.start);
        self.start = 0;
        self.bytes.extend_from_slice(data);
    }
}

impl Read for Fed {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = &self.bytes[self.start..];
        if available.is_empty() && !self.ended {
            // The opener reads only with a whole frame and a byte fed; this is a bug, and an
            // error rather than a silent end of message.
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "the push decryptor ran out of fed bytes",
            ));
        }
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.start += n;
        Ok(n)
    }
}

/// Collects the bytes of a ciphertext header fed in chunks of any size, until it is complete.
///
/// ```
/// use kmipkit::envelope::format::{KeyRef, Params, seal};
/// use kmipkit::envelope::streaming::HeaderBuffer;
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let ciphertext = seal(&[7; 32], &params, b"", b"hello")?;
/// let mut buffer = HeaderBuffer::new();
/// assert!(buffer.feed(&ciphertext[..10])?.is_none());
/// let (header, used) = buffer.feed(&ciphertext[10..])?.expect("complete");
/// assert_eq!(header.key_ref.name, "orders");
/// assert_eq!(&ciphertext[10 + used..].len(), &(5 + 16)); // the body: one frame and its tag
/// assert!(HeaderBuffer::new().feed(b"PK\x03\x04").is_err()); // not a kmipkit ciphertext
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct HeaderBuffer {
    bytes: Vec<u8>,
}

impl HeaderBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; once the header is complete, returns it and how many bytes of `data` it used
    /// (the body starts at `data[used..]`). Keeps at most one header's worth of bytes. A header
    /// that is invalid or over the format's caps is refused as soon as that shows.
    pub fn feed(&mut self, data: &[u8]) -> Result<Option<(Header, usize)>> {
        let before = self.bytes.len();
        let take = data.len().min(MAX_HEADER_LEN.saturating_sub(before));
        self.bytes.extend_from_slice(&data[..take]);
        let known = self.bytes.len().min(MAGIC.len());
        if self.bytes[..known] != MAGIC[..known] {
            return Err(Error::Format {
                reason: "not a kmipkit ciphertext: it does not start with the magic bytes \"KMKE\""
                    .into(),
            });
        }
        let mut probe = Probe {
            rest: &self.bytes,
            short: false,
        };
        match Header::read_from(&mut probe) {
            Ok(header) => {
                let len = self.bytes.len() - probe.rest.len();
                self.bytes.clear();
                Ok(Some((header, len - before)))
            }
            Err(_) if probe.short && take == data.len() => Ok(None),
            Err(e) if probe.short => Err(Error::Format {
                reason: format!("the header is longer than the format allows ({e})"),
            }),
            Err(e) => Err(into_error(e)),
        }
    }
}

/// Reads a slice and remembers whether a read found it exhausted.
struct Probe<'a> {
    rest: &'a [u8],
    short: bool,
}

impl Read for Probe<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.rest.is_empty() && !out.is_empty() {
            self.short = true;
        }
        self.rest.read(out)
    }
}
