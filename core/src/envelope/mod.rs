//! Envelope encryption: data encrypted locally under keys that the key manager controls.
//!
//! - [`format`](mod@format): the ciphertext format of `docs/FORMAT.md` — header, key schedule, and streaming
//!   encryption and decryption in 64 KiB frames. It needs a 32-byte data key and knows nothing of
//!   key servers; Model 1 and Model 2 supply the key and fill the key reference and wrapped-key fields.
//! - [`streaming`]: Model 1 and Model 2 streaming, pulled (a reader into a writer) or pushed
//!   (chunks in, chunks out), with the checks that a ciphertext is under the caller's key.
pub mod format;
#[cfg(feature = "net")]
mod kek_versions;
#[cfg(feature = "net")]
pub mod lookup;
#[cfg(feature = "net")]
pub mod model1;
#[cfg(feature = "net")]
pub mod model2;
#[cfg(feature = "net")]
pub mod rotation;
pub mod streaming;
