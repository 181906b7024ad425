//! Streaming encryption and decryption in constant memory (FORMAT.md §4).

use std::io::{self, Read, Write};

use zeroize::Zeroizing;

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
    /// Plaintext of the current frame; sealed in place. Capacity: one frame and its tag.
    buf: Zeroizing<Vec<u8>>,
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
            buf: Zeroizing::new(Vec::with_capacity(frame_size + 16)),
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
        self.buf.capacity()
    }

    /// Seals the buffered frame and writes it out.
    fn emit(&mut self, last: bool) -> io::Result<()> {
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
        let nonce = self.schedule.nonce(self.counter, last);
        let tag = Native::seal(&self.schedule.key, &nonce, &mut self.buf);
        self.buf.extend_from_slice(&tag);
        if let Err(err) = self.inner.write_all(&self.buf) {
            self.failed = true;
            return Err(err);
        }
        self.buf.clear();
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
        if self.buf.len() == self.frame_size {
            self.emit(false)?;
        }
        let n = data.len().min(self.frame_size - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
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
    /// One frame, its tag and one byte of look-ahead; plaintext is decrypted in place.
    buf: Zeroizing<Vec<u8>>,
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
            buf: Zeroizing::new(vec![0; frame_size + 17]),
            carry: None,
            pos: 0,
            end: 0,
            counter: 0,
            state: State::Frames,
        })
    }

    /// Bytes of buffer this decryptor holds: one frame, its tag and one byte, never more.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads, verifies and decrypts the next frame into `buf`.
    fn next_frame(&mut self) -> io::Result<()> {
        let full = self.frame_size + 16;
        let mut n = 0;
        if let Some(byte) = self.carry.take() {
            self.buf[0] = byte;
            n = 1;
        }
        while n <= full {
            match self.inner.read(&mut self.buf[n..=full]) {
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
            self.carry = Some(self.buf[full]);
            full
        };
        let failure = if len < 16 {
            Some(cut_short(self.counter, len))
        } else if !last && self.counter == u32::MAX {
            Some(too_many_frames())
        } else {
            let nonce = self.schedule.nonce(self.counter, last);
            let verified = Native::open(&self.schedule.key, &nonce, &mut self.buf[..len]);
            (!verified).then(|| frame_failed(self.counter, last, len == full, false))
        };
        if let Some(err) = failure {
            self.state = State::Failed(Some(err.clone()));
            return Err(to_io(err));
        }
        self.pos = 0;
        self.end = len - 16;
        self.counter = self.counter.wrapping_add(1);
        if last {
            self.state = State::Done;
        }
        Ok(())
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
                out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            match &self.state {
                State::Frames => self.next_frame()?,
                State::Done => return Ok(0),
                State::Failed(Some(err)) => return Err(to_io(err.clone())),
                State::Failed(None) => {
                    return Err(io::Error::other("decryption stopped after an I/O error"));
                }
            }
        }
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
