//! Cryptography on the server with keys that never leave it: Encrypt and Decrypt.

use kmipkit::message::{Bytes, DecryptRequest, EncryptRequest};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer, Uint8Array};
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::convert;

/// What Encrypt returns: the ciphertext, and the IV and tag when the server chose or made them.
#[napi(object)]
pub struct EncryptResult {
    /// The ciphertext.
    pub data: Buffer,
    /// The IV, counter or nonce the server used, when it chose one.
    pub iv: Option<Buffer>,
    /// The authentication tag of an AEAD mode (GCM).
    pub tag: Option<Buffer>,
}

/// The optional parts of an Encrypt or Decrypt request.
#[napi(object)]
pub struct CryptoOptions {
    /// Cryptographic Parameters by tag name (`{ BlockCipherMode: 'GCM', TagLength: 16 }`).
    #[napi(ts_type = "Record<string, unknown>")]
    pub parameters: Option<Json>,
    /// The IV, counter or nonce.
    pub iv: Option<Uint8Array>,
    /// Additional authenticated data (GCM).
    pub aad: Option<Uint8Array>,
    /// The authentication tag to check (Decrypt, GCM).
    pub tag: Option<Uint8Array>,
}

/// The parts converted: (parameters, iv, aad, tag).
type Parts = (
    Option<kmipkit::message::CryptographicParameters>,
    Option<Bytes>,
    Option<Bytes>,
    Option<Bytes>,
);

fn parts(options: Option<CryptoOptions>) -> kmipkit::error::Result<Parts> {
    let Some(o) = options else {
        return Ok((None, None, None, None));
    };
    let bytes = |b: Option<Uint8Array>| b.map(|b| Bytes(b.to_vec()));
    Ok((
        convert::parameters(o.parameters)?,
        bytes(o.iv),
        bytes(o.aad),
        bytes(o.tag),
    ))
}

#[napi]
impl NativeClient {
    /// Encrypt `data` on the server with the key `id`.
    #[napi(ts_return_type = "Promise<EncryptResult>")]
    pub fn encrypt(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        options: Option<CryptoOptions>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<EncryptResult>> {
        let c = self.client()?;
        let data = data.to_vec();
        let parts = parts(options);
        promise(env, cancel, async move {
            let (parameters, iv, aad, _) = parts?;
            let mut request = EncryptRequest::new(Some(id), data);
            request.cryptographic_parameters = parameters;
            request.iv_counter_nonce = iv;
            request.authenticated_encryption_additional_data = aad;
            let r = c.encrypt(request).await?;
            Ok(EncryptResult {
                data: convert::buffer(r.data).unwrap_or_else(|| Buffer::from(Vec::new())),
                iv: convert::buffer(r.iv_counter_nonce),
                tag: convert::buffer(r.authenticated_encryption_tag),
            })
        })
    }

    /// Decrypt `data` on the server with the key `id`: the plaintext.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn decrypt(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        options: Option<CryptoOptions>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let c = self.client()?;
        let data = data.to_vec();
        let parts = parts(options);
        promise(env, cancel, async move {
            let (parameters, iv, aad, tag) = parts?;
            let mut request = DecryptRequest::new(Some(id), data);
            request.cryptographic_parameters = parameters;
            request.iv_counter_nonce = iv;
            request.authenticated_encryption_additional_data = aad;
            request.authenticated_encryption_tag = tag;
            let r = c.decrypt(request).await?;
            Ok(convert::buffer(r.data).unwrap_or_else(|| Buffer::from(Vec::new())))
        })
    }
}
