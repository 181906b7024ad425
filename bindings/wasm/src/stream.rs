//! Incremental encryption and decryption, chunk by chunk in constant memory: the objects the JS
//! layer wraps as Web Streams `TransformStream`s. They are the core's push streaming
//! ([`Sealer`], [`HeaderBuffer`], [`Opener`]); this file only holds their state between calls.
//!
//! Memory: an encryptor holds at most one frame of plaintext, a decryptor one header or one
//! frame of ciphertext, whatever the chunk sizes; each call returns what became ready.

use js_sys::{Object, Uint8Array};
use kmipkit::envelope::format::{Dek, Plaintext};
use kmipkit::envelope::streaming::{HeaderBuffer, Opener, Sealer};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::envelope::{dek, params};
use crate::errors::{IntoJs, invalid};
use crate::header::header_object;
use crate::random;

/// Encrypts plaintext given in chunks; the output starts with the header. After `finish`, or
/// after an error, the object refuses further calls.
///
/// ```js
/// const enc = new Encryptor(key, ctx, "orders", 1, "42");
/// const parts = [enc.update(a), enc.update(b), enc.finish()];
/// ```
#[wasm_bindgen]
pub struct Encryptor {
    sealer: Option<Sealer>,
}

#[wasm_bindgen]
impl Encryptor {
    /// Starts a message under a 32-byte data key with a fresh salt (`crypto.getRandomValues`);
    /// the header names `name`, `version`, `uid` and carries `wrappedDek` if given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: Vec<u8>,
        context: &[u8],
        name: String,
        version: u32,
        uid: String,
        wrapped_dek: Option<Vec<u8>>,
        frame_size: Option<u32>,
    ) -> Result<Encryptor, JsValue> {
        let dek = dek(key)?;
        let params = params(name, version, uid, wrapped_dek, frame_size);
        let salt = random::salt().js()?;
        let sealer = Sealer::with_salt(&dek, &params, context, salt).js()?;
        Ok(Self {
            sealer: Some(sealer),
        })
    }

    /// Encrypts a chunk; returns the ciphertext ready so far (possibly empty).
    pub fn update(&mut self, plaintext: Vec<u8>) -> Result<Vec<u8>, JsValue> {
        let plaintext = Zeroizing::new(plaintext);
        let sealer = self.sealer.as_mut().ok_or_else(finished)?;
        let out = sealer.update(&plaintext);
        if out.is_err() {
            self.sealer = None;
        }
        out.js()
    }

    /// Seals the final frame and returns the rest of the ciphertext.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        self.sealer.take().ok_or_else(finished)?.finish().js()
    }
}

/// Decrypts a ciphertext given in chunks. Plaintext is released frame by frame once each frame's
/// tag verified; only `finish` tells that the message is whole (not cut off): until it returned,
/// treat what was released as unauthenticated. After `finish` or an error it refuses further calls.
///
/// ```js
/// const dec = new Decryptor(key, ctx);
/// const parts = [dec.update(c1), dec.update(c2), dec.finish()];
/// ```
#[wasm_bindgen]
pub struct Decryptor {
    state: State,
    header: Option<Object>,
}

enum State {
    /// Reading the header; the key and context wait for it.
    Header {
        buffer: HeaderBuffer,
        dek: Dek,
        context: Zeroizing<Vec<u8>>,
    },
    /// Boxed: an `Opener` holds its key schedule, far larger than the other states.
    Body(Box<Opener>),
    Done,
}

#[wasm_bindgen]
impl Decryptor {
    /// Prepares to decrypt with a 32-byte data key and the message's context. The key
    /// commitment is checked as soon as the header is in: a wrong key or context fails there.
    #[wasm_bindgen(constructor)]
    pub fn new(key: Vec<u8>, context: &[u8]) -> Result<Decryptor, JsValue> {
        Ok(Self {
            state: State::Header {
                buffer: HeaderBuffer::new(),
                dek: dek(key)?,
                context: Zeroizing::new(context.to_vec()),
            },
            header: None,
        })
    }

    /// Feeds ciphertext; returns the plaintext of the frames that verified (possibly empty).
    pub fn update(&mut self, ciphertext: &[u8]) -> Result<Uint8Array, JsValue> {
        let result = self.feed(ciphertext);
        if result.is_err() {
            self.state = State::Done;
        }
        result.map(|p| Uint8Array::from(p.as_slice()))
    }

    /// Checks that the message ended where it should and returns the final frame's plaintext.
    pub fn finish(&mut self) -> Result<Uint8Array, JsValue> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Body(opener) => {
                let plaintext = opener.finish().js()?;
                Ok(Uint8Array::from(plaintext.as_slice()))
            }
            State::Header { .. } => Err(crate::errors::to_js(kmipkit::Error::Format {
                reason: "the ciphertext ends inside its header".into(),
            })),
            State::Done => Err(finished()),
        }
    }

    /// The header, once read (the same object as `parseHeader` gives); `undefined` before.
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> Option<Object> {
        self.header.clone()
    }

    fn feed(&mut self, ciphertext: &[u8]) -> Result<Plaintext, JsValue> {
        match &mut self.state {
            State::Header {
                buffer,
                dek,
                context,
            } => {
                let Some((header, used)) = buffer.feed(ciphertext).js()? else {
                    return Ok(Plaintext::default());
                };
                let mut opener = Opener::new(&header, dek, context).js()?;
                self.header = Some(header_object(&header, header_len(&header)?)?);
                let plaintext = opener.update(&ciphertext[used..]).js()?;
                self.state = State::Body(Box::new(opener));
                Ok(plaintext)
            }
            State::Body(opener) => opener.update(ciphertext).js(),
            State::Done => Err(finished()),
        }
    }
}

/// The encoded length of a header: the header was fed in pieces, so its length is not one
/// call's `used`.
fn header_len(header: &kmipkit::envelope::format::Header) -> Result<usize, JsValue> {
    Ok(header.to_bytes().js()?.len())
}

fn finished() -> JsValue {
    invalid("this stream is finished (or failed): start a new one")
}
