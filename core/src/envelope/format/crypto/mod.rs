//! The two crypto backends: aws-lc-rs on native targets, RustCrypto on wasm32.
//!
//! Both do exactly two things: AES-256-GCM with detached 16-byte tags, and HKDF-SHA-256. The format
//! code is generic over [`Backend`], so tests can run the same vectors through both.

#[cfg(not(target_arch = "wasm32"))]
mod aws_lc;
#[cfg(any(target_arch = "wasm32", test))]
mod rust_crypto;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use aws_lc::AwsLc;
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) use rust_crypto::RustCrypto;

/// The backend of this target.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Native = AwsLc;
/// The backend of this target.
#[cfg(target_arch = "wasm32")]
pub(crate) type Native = RustCrypto;

/// AES-256-GCM and HKDF-SHA-256.
pub(crate) trait Backend {
    /// An expanded AES-256-GCM key; zeroized on drop by the implementation.
    type Key;

    /// Expands a 32-byte key.
    fn key(key: &[u8; 32]) -> Self::Key;

    /// Encrypts `buf` in place with an empty AAD and returns the tag.
    fn seal(key: &Self::Key, nonce: &[u8; 12], buf: &mut [u8]) -> [u8; 16];

    /// Decrypts `buf` (ciphertext || 16-byte tag, at least 16 bytes) in place with an empty AAD.
    /// On success the first `buf.len() - 16` bytes are the plaintext; on failure returns `false`
    /// and `buf` is zeroed, so it holds no unverified plaintext.
    fn open(key: &Self::Key, nonce: &[u8; 12], buf: &mut [u8]) -> bool;

    /// Encrypts `input` into `out` (same length) and returns the tag. Out of place, so the caller
    /// needs no copy of the plaintext in a buffer it would then have to wipe.
    fn seal_to(key: &Self::Key, nonce: &[u8; 12], input: &[u8], out: &mut [u8]) -> [u8; 16] {
        out.copy_from_slice(input);
        Self::seal(key, nonce, out)
    }

    /// Decrypts `input` (ciphertext only) with `tag` into `out` (same length). On failure returns
    /// `false` with `out` zeroed.
    fn open_to(
        key: &Self::Key,
        nonce: &[u8; 12],
        input: &[u8],
        tag: &[u8; 16],
        out: &mut [u8],
    ) -> bool;

    /// HKDF-SHA-256: extract with `salt` from `ikm`, expand with the concatenation of `info` into `out`.
    fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], out: &mut [u8]);
}

/// Fills `out` from the operating system's CSPRNG.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn fill_random(out: &mut [u8]) -> crate::error::Result<()> {
    aws_lc_rs::rand::fill(out).map_err(|_| crate::Error::Encode {
        what: "ciphertext salt".into(),
        reason: "the operating system's random number generator failed".into(),
    })
}

/// Compares two equal-length byte strings in time that does not depend on where they differ
/// (`subtle`, as [`SecretBytes`](crate::keys::SecretBytes) does).
pub(crate) fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    subtle::ConstantTimeEq::ct_eq(&a[..], &b[..]).into()
}
