//! The key schedule of `docs/FORMAT.md` §3 and the STREAM nonces of §4.

use zeroize::Zeroizing;

use super::crypto::{Backend, constant_time_eq};
use crate::error::{Error, Result};

/// The HKDF info label of format version 1.
pub(crate) const LABEL: &[u8] = b"kmipkit/envelope/v1";

/// What HKDF yields for one message: the frame key, the commitment and the nonce prefix.
pub(crate) struct Schedule<B: Backend> {
    /// The per-message AES-256-GCM key K.
    pub(crate) key: B::Key,
    /// The key commitment C.
    pub(crate) commitment: [u8; 32],
    /// The nonce prefix P.
    pub(crate) prefix: [u8; 7],
}

impl<B: Backend> Schedule<B> {
    /// Derives K, C and P from the DEK, the salt, the header's bound part and the context.
    pub(crate) fn derive(
        dek: &[u8; 32],
        salt: &[u8; 32],
        bound: &[u8],
        context: &[u8],
    ) -> Result<Self> {
        let (key, commitment, prefix) = derive_bytes::<B>(dek, salt, bound, context)?;
        Ok(Self {
            key: B::key(&key),
            commitment,
            prefix,
        })
    }

    /// Checks the stored commitment in constant time; nothing may be decrypted before this passes.
    pub(crate) fn verify(&self, stored: &[u8; 32]) -> Result<()> {
        if constant_time_eq(&self.commitment, stored) {
            return Ok(());
        }
        Err(Error::Integrity {
            reason: "key commitment mismatch: wrong key, a different encryption context, or a modified header"
                .into(),
        })
    }

    /// The nonce of frame `counter`.
    pub(crate) fn nonce(&self, counter: u32, last: bool) -> [u8; 12] {
        nonce_of(&self.prefix, counter, last)
    }
}

/// K (zeroized on drop), C and P as bytes.
pub(crate) type KeyBytes = (Zeroizing<[u8; 32]>, [u8; 32], [u8; 7]);

/// K (raw bytes, zeroized on drop), C and P: for [`Schedule::derive`] and for the frame plan of
/// an external AES-GCM (`external.rs`), which needs the key's bytes rather than an expanded key.
pub(crate) fn derive_bytes<B: Backend>(
    dek: &[u8; 32],
    salt: &[u8; 32],
    bound: &[u8],
    context: &[u8],
) -> Result<KeyBytes> {
    let context_len = u32::try_from(context.len()).map_err(|_| Error::Encode {
        what: "encryption context".into(),
        reason: format!("{} bytes exceeds the 4 GiB limit", context.len()),
    })?;
    let mut okm = Zeroizing::new([0u8; 71]);
    B::hkdf(
        salt,
        dek,
        &[LABEL, bound, &context_len.to_be_bytes(), context],
        &mut okm[..],
    );
    let key = Zeroizing::new(<[u8; 32]>::try_from(&okm[..32]).expect("32 bytes"));
    let mut commitment = [0u8; 32];
    commitment.copy_from_slice(&okm[32..64]);
    let mut prefix = [0u8; 7];
    prefix.copy_from_slice(&okm[64..]);
    Ok((key, commitment, prefix))
}

/// The nonce of frame `counter` under prefix P (FORMAT.md §4).
pub(crate) fn nonce_of(prefix: &[u8; 7], counter: u32, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..7].copy_from_slice(prefix);
    nonce[7..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}
