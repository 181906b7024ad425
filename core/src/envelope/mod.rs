//! Envelope encryption: data encrypted locally under keys that the key manager controls.
//!
//! - [`format`](mod@format): the ciphertext format of `docs/FORMAT.md` — header, key schedule, and streaming
//!   encryption and decryption in 64 KiB frames. It needs a 32-byte data key and knows nothing of
//!   key servers; Model 1 and Model 2 supply the key and fill the key reference and wrapped-key fields.
//! - [`streaming`]: Model 1 and Model 2 streaming, pulled (a reader into a writer) or pushed
//!   (chunks in, chunks out), with the checks that a ciphertext is under the caller's key.
pub mod format;
pub mod kek_method;
mod kek_versions;
pub mod key_wrap;
pub mod lookup;
pub mod model1;
mod model1_config;
pub mod model2;
mod protected_dek;
pub mod rotation;
pub mod streaming;

/// Seals `plaintext` under `dek` with a fresh salt from the client's generator (the models run
/// wherever the client does, wasm32 included, so they never reach for the operating system's).
pub(crate) fn seal_for(
    client: &crate::client::Client,
    dek: &[u8; 32],
    params: &format::Params,
    context: &[u8],
    plaintext: &[u8],
) -> crate::error::Result<Vec<u8>> {
    let mut salt = [0u8; 32];
    client.platform().random.fill(&mut salt)?;
    format::seal_with_salt(dek, params, context, salt, plaintext)
}
