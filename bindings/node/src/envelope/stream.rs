//! Push streaming for the JS `Transform` streams: a [`NativeSealer`] encrypts chunks fed to it,
//! a [`NativeHeaderReader`] collects a ciphertext's header (to find its key), a
//! [`NativeOpener`] decrypts the body. The core keeps memory constant (at most one frame held)
//! and releases a frame's plaintext only once its tag verified; the message's end only by
//! `finish`, which detects truncation (docs/FORMAT.md, `kmipkit::envelope::streaming`).
//!
//! The calls are synchronous: one chunk is one or two AES-GCM frames (tens of microseconds at
//! 64 KiB), cheaper than a trip to the thread pool and back. Output goes into Buffers that V8
//! allocates (`BufferSlice::copy_from`), not external ones made from a `Vec`: V8 does not count
//! external memory towards collecting, so a 1 GiB stream held ~2 GiB of released chunks waiting
//! for a collection (measured by the 1 GiB test).

use kmipkit::envelope::format::{Header, Plaintext};
use kmipkit::envelope::streaming::{HeaderBuffer, Opener, Sealer};
use napi::Env;
use napi::bindgen_prelude::{Buffer, BufferSlice, Uint8Array};
use napi_derive::napi;

use super::KeyRefObject;
use crate::errors;

/// Encrypts plaintext pushed in chunks of any size; the first output starts with the header.
///
/// ```js
/// const sealer = await model.startEncrypt(context)
/// const out = [sealer.update(chunk), sealer.finish()]
/// ```
#[napi]
pub struct NativeSealer {
    inner: Option<Sealer>,
}

impl NativeSealer {
    pub(crate) fn new(sealer: Sealer) -> Self {
        Self {
            inner: Some(sealer),
        }
    }
}

#[napi]
impl NativeSealer {
    /// Encrypts `chunk`: the ciphertext ready so far (often empty until a frame fills).
    #[napi]
    pub fn update<'e>(&mut self, env: &'e Env, chunk: Uint8Array) -> napi::Result<BufferSlice<'e>> {
        let sealer = self.inner.as_mut().ok_or_else(finished)?;
        let out = sealer.update(&chunk).map_err(errors::to_napi)?;
        BufferSlice::copy_from(env, out)
    }

    /// Seals the last frame: the rest of the ciphertext. The sealer cannot be used again.
    #[napi]
    pub fn finish<'e>(&mut self, env: &'e Env) -> napi::Result<BufferSlice<'e>> {
        let sealer = self.inner.take().ok_or_else(finished)?;
        BufferSlice::copy_from(env, sealer.finish().map_err(errors::to_napi)?)
    }
}

/// What a ciphertext header says (nothing secret; no key needed to read it).
#[napi(object)]
pub struct HeaderInfo {
    /// Plaintext bytes per frame.
    pub frame_size: u32,
    /// The key the ciphertext names.
    pub key: KeyRefObject,
    /// The wrapped (protected) data key; empty when the message carries none.
    pub wrapped_dek: Buffer,
    /// The header's length in bytes: the body starts there.
    pub header_length: u32,
}

pub(crate) fn header_info(h: &Header, length: usize) -> HeaderInfo {
    HeaderInfo {
        frame_size: h.frame_size,
        key: h.key_ref.clone().into(),
        wrapped_dek: Buffer::from(h.wrapped_dek.clone()),
        header_length: u32::try_from(length).unwrap_or(u32::MAX),
    }
}

/// Collects a ciphertext's header from chunks of any size (at most one header is held).
#[napi]
pub struct NativeHeaderReader {
    buffer: HeaderBuffer,
    header: Option<(Header, usize)>,
    seen: usize,
}

#[napi]
impl NativeHeaderReader {
    /// An empty reader.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            buffer: HeaderBuffer::new(),
            header: None,
            seen: 0,
        }
    }

    /// Feeds bytes; once the header is complete, how many of `chunk`'s bytes it used (the body
    /// starts there), else `null`. Bytes that are no kmipkit header are refused at once.
    #[napi]
    pub fn feed(&mut self, chunk: Uint8Array) -> napi::Result<Option<u32>> {
        if self.header.is_some() {
            return Err(napi::Error::from_reason(
                "the header is already complete; feed the rest to the opener",
            ));
        }
        match self.buffer.feed(&chunk).map_err(errors::to_napi)? {
            None => {
                self.seen += chunk.len();
                Ok(None)
            }
            Some((header, used)) => {
                self.header = Some((header, self.seen + used));
                Ok(Some(u32::try_from(used).unwrap_or(u32::MAX)))
            }
        }
    }

    /// The header, once complete.
    #[napi]
    pub fn header(&self) -> Option<HeaderInfo> {
        self.header.as_ref().map(|(h, len)| header_info(h, *len))
    }
}

impl NativeHeaderReader {
    /// The complete header, or an error saying more bytes are needed.
    pub(crate) fn complete(&self) -> napi::Result<Header> {
        self.header.as_ref().map(|(h, _)| h.clone()).ok_or_else(|| {
            napi::Error::from_reason("the ciphertext header is not complete yet; feed more bytes")
        })
    }
}

/// Decrypts a ciphertext body pushed in chunks of any size.
///
/// A frame's plaintext is released only after its tag verified; the last frame only by
/// `finish`, which also detects a truncated message: until `finish` returned, what was released
/// is not known to be the whole message.
#[napi]
pub struct NativeOpener {
    inner: Option<Opener>,
}

impl NativeOpener {
    pub(crate) fn new(opener: Opener) -> Self {
        Self {
            inner: Some(opener),
        }
    }
}

#[napi]
impl NativeOpener {
    /// Feeds body bytes: the plaintext of the frames that verified (often empty).
    #[napi]
    pub fn update<'e>(&mut self, env: &'e Env, chunk: Uint8Array) -> napi::Result<BufferSlice<'e>> {
        let opener = self.inner.as_mut().ok_or_else(finished)?;
        let mut out = Plaintext::default();
        let fed = opener.update_into(&chunk, &mut out);
        if let Err(e) = fed {
            // A failed opener stays failed: nothing after a bad frame is ever released.
            self.inner = None;
            return Err(errors::to_napi(e));
        }
        BufferSlice::copy_from(env, out.as_slice())
    }

    /// Decrypts the last frame and checks that the message is complete: the last plaintext.
    #[napi]
    pub fn finish<'e>(&mut self, env: &'e Env) -> napi::Result<BufferSlice<'e>> {
        let opener = self.inner.take().ok_or_else(finished)?;
        let out = opener.finish().map_err(errors::to_napi)?;
        BufferSlice::copy_from(env, out.as_slice())
    }
}

fn finished() -> napi::Error {
    napi::Error::from_reason("this stream has finished or failed; start a new one")
}
