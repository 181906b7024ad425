//! Streaming Model 1 and Model 2 encryption in constant memory, pulled or pushed.
//!
//! Every front end (the CLI, Python, and the C, Node and WebAssembly bindings) streams the same
//! way, so the steps live here rather than in each of them:
//!
//! 1. **The key**, asynchronously, from the model: [`Model1::sealing_key`] (a fresh DEK, protected
//!    under the KEK) or [`Model2::sealing_key`] (the identifier's current version) to encrypt;
//!    [`Model1::opening_key`] / [`Model2::opening_key`] to decrypt. These are the one place that
//!    checks that a ciphertext header names the key the **caller** expects: the model's KEK for
//!    Model 1 (any version), the identifier's key for Model 2 (with a key UID, through the
//!    model's key cache), and the right model ([`sealed_by`]).
//! 2. **The bytes**, synchronously, with the key: pulled from a [`std::io::Read`] into a
//!    [`std::io::Write`] ([`SealingKey::encrypt_stream`], [`OpeningKey::decrypt_stream`], or the
//!    format's [`Encryptor`] / [`Decryptor`] with [`copy`]), or pushed chunk by chunk
//!    ([`Sealer`], [`Opener`], [`HeaderBuffer`]) by callers that cannot lend a reader.
//!
//! The models also do both steps in one call: `encrypt_stream` / `decrypt_stream` (pull) and
//! `start_encrypt` / `start_decrypt` (push).
//!
//! Decrypted output is authenticated frame by frame; the message as a whole (nothing cut off at
//! the end) only once the stream ended without error. Treat what was written before an error as
//! unauthenticated and discard it.
//!
//! [`Model1::sealing_key`]: crate::envelope::model1::Model1::sealing_key
//! [`Model2::sealing_key`]: crate::envelope::model2::Model2::sealing_key
//! [`Model1::opening_key`]: crate::envelope::model1::Model1::opening_key
//! [`Model2::opening_key`]: crate::envelope::model2::Model2::opening_key
//! [`Encryptor`]: super::format::Encryptor
//! [`Decryptor`]: super::format::Decryptor

mod keys;
mod model1;
mod model2;
mod pump;
mod push;
#[cfg(test)]
mod tests;

pub use keys::{OpeningKey, SealingKey};
pub use model1::{Sealed, sealed_by};
pub use pump::{CopyError, copy};
pub use push::{HeaderBuffer, Opener, Sealer};
