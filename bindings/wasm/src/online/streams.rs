//! Streaming Model 1 and Model 2 with the key on the key manager: the objects the
//! `createEncryptStream` / `createDecryptStream` Web Streams of `wasm/online-stream.js` drive.
//!
//! The key is the only asynchronous part: `startEncrypt` / `startDecrypt` resolve, after the
//! key-manager round trips (or the key cache), to a push sealer or opener, the core's
//! [`Sealer`] / [`Opener`], which then seal or open frame by frame synchronously in constant
//! memory: the same bytes as the core's streaming `Encryptor` / `Decryptor`. To decrypt, the
//! header is collected first ([`OnlineHeaderReader`]) because it names the key.

use js_sys::{Promise, Uint8Array};
use kmipkit::envelope::format::{Header, Plaintext};
use kmipkit::envelope::model2::DecryptPolicy;
use kmipkit::envelope::streaming::{HeaderBuffer, Opener, Sealer};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::client::promise;
use super::models::{OnlineModel1, OnlineModel2};
use crate::errors::{IntoJs, invalid, to_js};
use crate::header::header_object;

/// Encrypts plaintext pushed in chunks; the first output starts with the header. After
/// `finish`, or after an error, it refuses further calls.
///
/// ```js
/// const sealer = await model.startEncrypt(context);
/// const parts = [sealer.update(a), sealer.update(b), sealer.finish()];
/// ```
#[wasm_bindgen(js_name = OnlineSealer)]
pub struct OnlineSealer {
    inner: Option<Sealer>,
}

#[wasm_bindgen(js_class = OnlineSealer)]
impl OnlineSealer {
    /// Encrypts `chunk`: the ciphertext ready so far (often empty until a frame fills).
    pub fn update(&mut self, chunk: Vec<u8>) -> Result<Vec<u8>, JsValue> {
        let chunk = Zeroizing::new(chunk);
        let sealer = self.inner.as_mut().ok_or_else(finished)?;
        let out = sealer.update(&chunk);
        if out.is_err() {
            self.inner = None;
        }
        out.js()
    }

    /// Seals the last frame: the rest of the ciphertext.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        self.inner.take().ok_or_else(finished)?.finish().js()
    }
}

/// Collects a ciphertext's header from chunks of any size (at most one header is held).
#[wasm_bindgen(js_name = OnlineHeaderReader)]
pub struct OnlineHeaderReader {
    buffer: HeaderBuffer,
    header: Option<Header>,
}

impl Default for OnlineHeaderReader {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = OnlineHeaderReader)]
impl OnlineHeaderReader {
    /// An empty reader.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self {
            buffer: HeaderBuffer::new(),
            header: None,
        }
    }

    /// Feeds bytes; once the header is complete, how many of `chunk`'s bytes it took (the body
    /// starts there), else `undefined`. Bytes that are no kmipkit header are refused at once.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Option<u32>, JsValue> {
        if self.header.is_some() {
            return Err(invalid(
                "the header is already complete: feed the rest to the opener",
            ));
        }
        let Some((header, used)) = self.buffer.feed(chunk).js()? else {
            return Ok(None);
        };
        self.header = Some(header);
        Ok(Some(u32::try_from(used).unwrap_or(u32::MAX)))
    }

    /// The header once complete (as `parseHeader` gives it), else `undefined`.
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> Result<JsValue, JsValue> {
        let Some(header) = &self.header else {
            return Ok(JsValue::UNDEFINED);
        };
        let len = header.to_bytes().js()?.len();
        Ok(header_object(header, len)?.into())
    }

    /// The stream ended: refused when it ended inside the header (an empty or cut-off input).
    pub fn finish(&self) -> Result<(), JsValue> {
        match self.header {
            Some(_) => Ok(()),
            None => Err(to_js(kmipkit::Error::Format {
                reason: "the ciphertext ends inside its header (or is empty)".into(),
            })),
        }
    }
}

impl OnlineHeaderReader {
    fn complete(&self) -> Result<Header, JsValue> {
        self.header
            .clone()
            .ok_or_else(|| invalid("the ciphertext header is not complete yet: feed more bytes"))
    }
}

/// Decrypts a ciphertext body pushed in chunks of any size. A frame's plaintext is released
/// only after its tag verified; only `finish` tells that the message is whole (not cut off).
#[wasm_bindgen(js_name = OnlineOpener)]
pub struct OnlineOpener {
    inner: Option<Opener>,
}

#[wasm_bindgen(js_class = OnlineOpener)]
impl OnlineOpener {
    /// Feeds body bytes: the plaintext of the frames that verified (often empty).
    pub fn update(&mut self, chunk: &[u8]) -> Result<Uint8Array, JsValue> {
        let opener = self.inner.as_mut().ok_or_else(finished)?;
        let mut out = Plaintext::default();
        if let Err(e) = opener.update_into(chunk, &mut out) {
            // A failed opener stays failed: nothing after a bad frame is ever released.
            self.inner = None;
            return Err(to_js(e));
        }
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// Decrypts the last frame and checks that the message is complete: the last plaintext.
    pub fn finish(&mut self) -> Result<Uint8Array, JsValue> {
        let out = self.inner.take().ok_or_else(finished)?.finish().js()?;
        Ok(Uint8Array::from(out.as_slice()))
    }
}

#[wasm_bindgen(js_class = OnlineModel1)]
impl OnlineModel1 {
    /// A sealer under a fresh DEK from the key manager, its protected form in the header
    /// (the core's `Model1::start_encrypt`).
    #[wasm_bindgen(js_name = startEncrypt)]
    pub fn start_encrypt(&self, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let sealer = model.start_encrypt(&context).await?;
            Ok(OnlineSealer {
                inner: Some(sealer),
            }
            .into())
        })
    }

    /// An opener of the body after `reader`'s header, provided its DEK is protected under this
    /// model's KEK (any version); the DEK is unlocked on the key manager or found in the cache.
    #[wasm_bindgen(js_name = startDecrypt)]
    pub fn start_decrypt(
        &self,
        reader: &OnlineHeaderReader,
        context: Vec<u8>,
    ) -> Result<Promise, JsValue> {
        let header = reader.complete()?;
        let model = self.inner.clone();
        Ok(promise(async move {
            let opener = model.start_decrypt(&header, &context).await?;
            Ok(OnlineOpener {
                inner: Some(opener),
            }
            .into())
        }))
    }
}

#[wasm_bindgen(js_class = OnlineModel2)]
impl OnlineModel2 {
    /// A sealer for `id` under the current version of its key (created on first use).
    #[wasm_bindgen(js_name = startEncrypt)]
    pub fn start_encrypt(&self, id: String, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let sealer = model.start_encrypt(&id, &context).await?;
            Ok(OnlineSealer {
                inner: Some(sealer),
            }
            .into())
        })
    }

    /// An opener of the body after `reader`'s header for `id`: the key version the header
    /// names, provided it is a version of `id`'s key in a usable state (Compromised only with
    /// `allow_compromised`).
    #[wasm_bindgen(js_name = startDecrypt)]
    pub fn start_decrypt(
        &self,
        id: String,
        reader: &OnlineHeaderReader,
        context: Vec<u8>,
        allow_compromised: Option<bool>,
    ) -> Result<Promise, JsValue> {
        let header = reader.complete()?;
        let policy = DecryptPolicy::allowing_compromised(allow_compromised.unwrap_or(false));
        let model = self.inner.clone();
        Ok(promise(async move {
            let opener = model.start_decrypt(&id, &header, &context, policy).await?;
            Ok(OnlineOpener {
                inner: Some(opener),
            }
            .into())
        }))
    }
}

fn finished() -> JsValue {
    invalid("this stream is finished (or failed): start a new one")
}
