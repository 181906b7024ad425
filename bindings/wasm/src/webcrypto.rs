//! The frame plan for the WebCrypto path (wasm/webcrypto.js): the core's
//! `format::{plan_seal, plan_open}` as a handle. The core decides the header, the commitment
//! check, each frame's position, nonce and (empty) associated data, and each failure's error;
//! JavaScript only runs `crypto.subtle` AES-GCM on the frames listed here.

use js_sys::{Float64Array, Uint8Array};
use kmipkit::envelope::format::{self, Frame, FramePlan};
use wasm_bindgen::prelude::*;

use crate::envelope::{dek, params};
use crate::errors::{IntoJs, invalid};
use crate::random;

/// A message's frames: the header (sealing), the body start (opening), the per-message AES key
/// (handed out once), and per frame its position and nonce.
#[wasm_bindgen]
pub struct WebCryptoPlan {
    plan: FramePlan,
    frames: Vec<Frame>,
    header: Vec<u8>,
    body_start: usize,
    key_taken: bool,
}

#[wasm_bindgen]
impl WebCryptoPlan {
    /// The header of a new message (empty when opening).
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> Uint8Array {
        Uint8Array::from(self.header.as_slice())
    }
    /// Where the body starts in the ciphertext being opened (0 when sealing).
    #[wasm_bindgen(getter, js_name = bodyStart)]
    pub fn body_start(&self) -> f64 {
        self.body_start as f64
    }
    /// `[start, end, last]` per frame, flat: plaintext offsets when sealing, body offsets when opening.
    pub fn frames(&self) -> Float64Array {
        let flat: Vec<f64> = self
            .frames
            .iter()
            .flat_map(|f| [f.start as f64, f.end as f64, f64::from(u8::from(f.last))])
            .collect();
        Float64Array::from(flat.as_slice())
    }
    /// The 12-byte nonce of frame `index` (`last`: the final-frame flag).
    pub fn nonce(&self, index: u32, last: bool) -> Uint8Array {
        Uint8Array::from(&self.plan.nonce(index, last)[..])
    }
    /// The frames' AES-256-GCM key, once: the caller imports it as a non-extractable `CryptoKey`
    /// and wipes its copy.
    #[wasm_bindgen(js_name = takeKey)]
    pub fn take_key(&mut self) -> Result<Uint8Array, JsValue> {
        if self.key_taken {
            return Err(invalid("the plan's key was already taken"));
        }
        self.key_taken = true;
        Ok(Uint8Array::from(&self.plan.key()[..]))
    }
    /// The error (a `KMIPKIT_INTEGRITY` Error, the software path's) for frame `index` failing;
    /// `verifiesAsNonFinal`: whether a final full frame verified with `nonce(index, false)`.
    #[wasm_bindgen(js_name = frameError)]
    pub fn frame_error(&self, index: u32, verifies_as_non_final: bool) -> JsValue {
        match self.frames.get(index as usize) {
            Some(frame) => crate::errors::to_js(format::frame_error(
                frame,
                self.plan.frame_size(),
                verifies_as_non_final,
            )),
            None => invalid("no such frame"),
        }
    }
}

/// Plans the sealing of `plaintextLen` bytes (salt from `crypto.getRandomValues` unless one is
/// given: fixed salts only reproduce test vectors).
#[wasm_bindgen(js_name = webCryptoSealPlan)]
#[allow(clippy::too_many_arguments)] // flat arguments; the JS wrapper takes one options object
pub fn webcrypto_seal_plan(
    key: Vec<u8>,
    plaintext_len: f64,
    context: &[u8],
    name: String,
    version: u32,
    uid: String,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
    salt: Option<Vec<u8>>,
) -> Result<WebCryptoPlan, JsValue> {
    let dek = dek(key)?;
    // The JS wrapper passes a Uint8Array's length; anything else is a caller bug.
    if !(plaintext_len >= 0.0 && plaintext_len.fract() == 0.0 && plaintext_len <= 2f64.powi(53)) {
        return Err(invalid(
            "plaintextLen must be the plaintext's length in bytes",
        ));
    }
    let salt = match salt {
        Some(s) => <[u8; 32]>::try_from(s.as_slice())
            .map_err(|_| invalid("the salt must have 32 bytes"))?,
        None => random::salt().js()?,
    };
    let params = params(name, version, uid, wrapped_dek, frame_size);
    let (header, plan) = format::plan_seal(&dek, &params, context, salt).js()?;
    let frames = format::seal_frames(plan.frame_size(), plaintext_len as usize).js()?;
    Ok(WebCryptoPlan {
        plan,
        frames,
        header,
        body_start: 0,
        key_taken: false,
    })
}

/// Plans the opening of `ciphertext`: parses its header and verifies the key commitment (a wrong
/// key or context throws `KMIPKIT_INTEGRITY` here), then lists the body's frames.
#[wasm_bindgen(js_name = webCryptoOpenPlan)]
pub fn webcrypto_open_plan(
    key: Vec<u8>,
    ciphertext: &[u8],
    context: &[u8],
) -> Result<WebCryptoPlan, JsValue> {
    let dek = dek(key)?;
    let (plan, body_start) = format::plan_open(ciphertext, &dek, context).js()?;
    let frames = format::open_frames(plan.frame_size(), ciphertext.len() - body_start).js()?;
    Ok(WebCryptoPlan {
        plan,
        frames,
        header: Vec::new(),
        body_start,
        key_taken: false,
    })
}
