//! The wasm32 backend: RustCrypto `aes-gcm` and `hkdf` (also built on native for tests).

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;

use super::Backend;

/// RustCrypto.
pub(crate) struct RustCrypto;

impl Backend for RustCrypto {
    type Key = Aes256Gcm;

    fn key(key: &[u8; 32]) -> Aes256Gcm {
        Aes256Gcm::new(key.into())
    }

    fn seal(key: &Aes256Gcm, nonce: &[u8; 12], buf: &mut [u8]) -> [u8; 16] {
        let tag = key
            .encrypt_inout_detached(&Nonce::from(*nonce), &[], buf.into())
            .expect("a frame is far below the AES-GCM length limit");
        tag.into()
    }

    fn open(key: &Aes256Gcm, nonce: &[u8; 12], buf: &mut [u8]) -> bool {
        let Some(split) = buf.len().checked_sub(16) else {
            buf.fill(0);
            return false;
        };
        let (data, tag) = buf.split_at_mut(split);
        let tag = Tag::try_from(&*tag).expect("16 bytes");
        let verified = key
            .decrypt_inout_detached(&Nonce::from(*nonce), &[], data.into(), &tag)
            .is_ok();
        if !verified {
            buf.fill(0);
        }
        verified
    }

    fn open_to(
        key: &Aes256Gcm,
        nonce: &[u8; 12],
        input: &[u8],
        tag: &[u8; 16],
        out: &mut [u8],
    ) -> bool {
        out.copy_from_slice(input);
        let verified = key
            .decrypt_inout_detached(&Nonce::from(*nonce), &[], out.into(), &Tag::from(*tag))
            .is_ok();
        if !verified {
            out.fill(0);
        }
        verified
    }

    fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], out: &mut [u8]) {
        Hkdf::<Sha256>::new(Some(salt), ikm)
            .expand_multi_info(info, out)
            .expect("the output is far below 255 hash lengths");
    }
}
