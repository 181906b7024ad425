//! Streaming encryption and decryption in constant memory (FORMAT.md §4).

use std::io::{self, Read, Write};

use zeroize::Zeroize;

use super::crypto::{Backend, Native};
use super::header::Header;
use super::memory::too_many_frames;
use super::schedule::Schedule;
use super::{Params, resume, start, to_io};
use crate::error::Error;

/// Encrypts everything written to it into `W`, one frame at a time.
///
/// The header is written by the constructor; call [`Encryptor::finish`] to write the final frame.
/// Dropping the encryptor without `finish` leaves a truncated ciphertext that every decoder rejects.
pub struct Encryptor<W: Write> {
    inner: W,
    schedule: Schedule<Native>,
    frame_size: usize,
    /// One frame and its tag. `buf.plain` bytes of plaintext wait at its start to be sealed in
    /// place; whole frames a single `write` supplies are sealed straight from the caller's slice.
    buf: FrameBuf,
    counter: u32,
    /// Set when writing a frame failed: the output is then incomplete and nothing more is accepted.
    failed: bool,
}

impl<W: Write> Encryptor<W> {
    /// Starts a message with a fresh random salt and writes its header to `inner`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(inner: W, dek: &[u8; 32], params: &Params, context: &[u8]) -> io::Result<Self> {
        let mut salt = [0u8; 32];
        super::crypto::fill_random(&mut salt).map_err(to_io)?;
        Self::with_salt(inner, dek, params, context, salt)
    }

    /// Starts a message with the caller's salt (32 fresh random bytes; see
    /// [`seal_with_salt`](super::seal_with_salt)) and writes its header to `inner`.
    pub fn with_salt(
        mut inner: W,
        dek: &[u8; 32],
        params: &Params,
        context: &[u8],
        salt: [u8; 32],
    ) -> io::Result<Self> {
        let (header, schedule) = start::<Native>(dek, params, context, salt).map_err(to_io)?;
        inner.write_all(&header)?;
        let frame_size = params.frame_size as usize;
        Ok(Self {
            inner,
            schedule,
            frame_size,
            buf: FrameBuf::new(frame_size + 16),
            counter: 0,
            failed: false,
        })
    }

    /// Writes the final frame, flushes, and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.emit(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// Bytes of buffer this encryptor holds (one frame and its tag).
    pub fn buffer_capacity(&self) -> usize {
        self.buf.bytes.capacity()
    }

    /// The writer the ciphertext goes to. Writing to it directly corrupts the message; a push
    /// API takes the sealed bytes out of it ([`crate::envelope::streaming::Sealer`]).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Seals the buffered frame in place and writes it out.
    fn emit(&mut self, last: bool) -> io::Result<()> {
        let nonce = self.next_nonce(last)?;
        let len = self.buf.plain;
        let tag = Native::seal(&self.schedule.key, &nonce, &mut self.buf.bytes[..len]);
        // Sealed in place: the buffer holds no plaintext any more.
        self.buf.plain = 0;
        self.write_frame(len, tag)
    }

    /// Seals one whole non-final frame from the caller's slice into the buffer and writes it out.
    fn emit_from(&mut self, frame: &[u8]) -> io::Result<()> {
        let nonce = self.next_nonce(false)?;
        let len = frame.len();
        let tag = Native::seal_to(
            &self.schedule.key,
            &nonce,
            frame,
            &mut self.buf.bytes[..len],
        );
        self.write_frame(len, tag)
    }

    fn next_nonce(&self, last: bool) -> io::Result<[u8; 12]> {
        if self.failed {
            return Err(io::Error::other(
                "encryption stopped after an earlier error; the output is incomplete",
            ));
        }
        if !last && self.counter == u32::MAX {
            return Err(to_io(Error::Encode {
                what: "ciphertext".into(),
                reason: "more than 2^32 frames; use a larger frame size".into(),
            }));
        }
        Ok(self.schedule.nonce(self.counter, last))
    }

    /// Writes the `len` sealed bytes at the start of the buffer and their tag.
    fn write_frame(&mut self, len: usize, tag: [u8; 16]) -> io::Result<()> {
        self.buf.bytes[len..len + 16].copy_from_slice(&tag);
        if let Err(err) = self.inner.write_all(&self.buf.bytes[..len + 16]) {
            self.failed = true;
            return Err(err);
        }
        self.counter = self.counter.wrapping_add(1);
        Ok(())
    }
}

impl<W: Write> Write for Encryptor<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::other(
                "encryption stopped after an earlier error; the output is incomplete",
            ));
        }
        if data.is_empty() {
            return Ok(0);
        }
        // A full frame is sealed only once more data shows it is not the last one.
        if self.buf.plain == self.frame_size {
            self.emit(false)?;
        }
        if self.buf.plain == 0 && data.len() > self.frame_size {
            let mut done = 0;
            while data.len() - done > self.frame_size {
                self.emit_from(&data[done..done + self.frame_size])?;
                done += self.frame_size;
            }
            return Ok(done);
        }
        let start = self.buf.plain;
        let n = data.len().min(self.frame_size - start);
        self.buf.bytes[start..start + n].copy_from_slice(&data[..n]);
        self.buf.plain += n;
        Ok(n)
    }

    /// Flushes the inner writer; a partly filled frame stays buffered until it is full or finished.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Decrypts a message body read from `R`, releasing each frame only after its tag verified.
///
/// Output is authenticated frame by frame; the message as a whole (no truncation) only when `read`
/// returns `Ok(0)`. Integrity failures are `InvalidData` I/O errors carrying an
/// [`Error::Integrity`] (see [`error_of`](super::error_of)).
pub struct Decryptor<R: Read> {
    inner: R,
    schedule: Schedule<Native>,
    frame_size: usize,
    /// One frame, its tag and one byte of look-ahead. A frame is decrypted straight into the
    /// caller's buffer when that holds a whole frame, else in place here.
    buf: FrameBuf,
    /// The look-ahead byte read past the current frame.
    carry: Option<u8>,
    /// Verified plaintext in `buf` not yet returned.
    pos: usize,
    end: usize,
    counter: u32,
    state: State,
}

enum State {
    Frames,
    Done,
    Failed(Option<Error>),
}

impl<R: Read> Decryptor<R> {
    /// Checks the key commitment of `header` (already read from `inner` with [`Header::read_from`])
    /// and prepares to decrypt the body that follows it.
    pub fn new(
        inner: R,
        header: &Header,
        dek: &[u8; 32],
        context: &[u8],
    ) -> crate::error::Result<Self> {
        let schedule = resume::<Native>(header, dek, context)?;
        let frame_size = header.frame_size as usize;
        Ok(Self {
            inner,
            schedule,
            frame_size,
            buf: FrameBuf::new(frame_size + 17),
            carry: None,
            pos: 0,
            end: 0,
            counter: 0,
            state: State::Frames,
        })
    }

    /// Bytes of buffer this decryptor holds: one frame, its tag and one byte, never more.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.bytes.capacity()
    }

    /// The reader the ciphertext comes from. Reading from it directly corrupts the message; a
    /// push API feeds ciphertext into it ([`crate::envelope::streaming::Opener`]).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Plaintext bytes per frame of this message.
    pub fn frame_size(&self) -> usize {
        self.frame_size
    }

    /// Reads, verifies and decrypts the next frame: into `direct` (at least a frame long) and
    /// returns its length, or with `None` into the buffer, returning 0.
    fn next_frame(&mut self, mut direct: Option<&mut [u8]>) -> io::Result<usize> {
        let full = self.frame_size + 16;
        let mut n = 0;
        if let Some(byte) = self.carry.take() {
            self.buf.bytes[0] = byte;
            n = 1;
        }
        while n <= full {
            match self.inner.read(&mut self.buf.bytes[n..=full]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.state = State::Failed(None);
                    return Err(err);
                }
            }
        }
        let last = n <= full;
        let len = if last {
            n
        } else {
            self.carry = Some(self.buf.bytes[full]);
            full
        };
        let failure = if len < 16 {
            Some(cut_short(self.counter, len))
        } else if !last && self.counter == u32::MAX {
            Some(too_many_frames())
        } else {
            let nonce = self.schedule.nonce(self.counter, last);
            let key = &self.schedule.key;
            let verified = match direct {
                Some(ref mut out) => {
                    let (body, tag) = self.buf.bytes[..len].split_at(len - 16);
                    let tag = tag.try_into().expect("16 bytes");
                    Native::open_to(key, &nonce, body, tag, &mut out[..len - 16])
                }
                None => {
                    self.buf.plain = self.buf.bytes.len();
                    Native::open(key, &nonce, &mut self.buf.bytes[..len])
                }
            };
            (!verified).then(|| frame_failed(self.counter, last, len == full, false))
        };
        if let Some(err) = failure {
            self.state = State::Failed(Some(err.clone()));
            return Err(to_io(err));
        }
        self.counter = self.counter.wrapping_add(1);
        if last {
            self.state = State::Done;
        }
        self.pos = 0;
        if direct.is_some() {
            self.end = 0;
            return Ok(len - 16);
        }
        self.end = len - 16;
        Ok(0)
    }
}

impl<R: Read> Read for Decryptor<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pos < self.end {
                let n = out.len().min(self.end - self.pos);
                out[..n].copy_from_slice(&self.buf.bytes[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            match &self.state {
                // A non-final frame is never empty, so 0 here is the end of the message.
                State::Frames if out.len() >= self.frame_size => return self.next_frame(Some(out)),
                State::Frames => {
                    self.next_frame(None)?;
                }
                State::Done => return Ok(0),
                State::Failed(Some(err)) => return Err(to_io(err.clone())),
                State::Failed(None) => {
                    return Err(io::Error::other("decryption stopped after an I/O error"));
                }
            }
        }
    }
}

/// A frame buffer that wipes the part that may hold plaintext once, when it drops, instead of
/// after every frame; the rest only ever holds ciphertext and is not wiped.
struct FrameBuf {
    bytes: Vec<u8>,
    /// How many bytes from the start may hold plaintext.
    plain: usize,
}

impl FrameBuf {
    fn new(len: usize) -> Self {
        Self {
            bytes: vec![0; len],
            plain: 0,
        }
    }
}

impl Drop for FrameBuf {
    fn drop(&mut self) {
        // zeroize's slice impl is one memset behind a barrier; its `Vec` impl is a byte loop.
        self.bytes[..self.plain].zeroize();
    }
}

/// The body ends `len` bytes into frame `counter`, too short to hold its tag.
pub(crate) fn cut_short(counter: u32, len: usize) -> Error {
    let reason = if counter == 0 && len == 0 {
        "truncated: the ciphertext ends after its header, with no frame".to_string()
    } else if len == 0 {
        format!("truncated: the final frame never arrived (the input ends before frame {counter})")
    } else {
        format!("truncated: the input ends {len} bytes into frame {counter}, before its tag")
    };
    Error::Integrity { reason }
}

/// Frame `counter` did not verify; `truncated` when it did verify as a non-final frame.
pub(crate) fn frame_failed(counter: u32, last: bool, full: bool, truncated: bool) -> Error {
    let reason = if truncated {
        format!(
            "truncated: frame {counter} is a valid non-final frame but the input ends after it (the final frame never arrived)"
        )
    } else if last && full {
        format!(
            "frame {counter} failed authentication as the final frame: the input was truncated at a frame boundary, or the frame was modified"
        )
    } else if last {
        format!(
            "frame {counter} failed authentication as the final frame: modified, or truncated inside the frame"
        )
    } else {
        format!(
            "frame {counter} failed authentication: modified, reordered, duplicated, or from another message"
        )
    };
    Error::Integrity { reason }
}
