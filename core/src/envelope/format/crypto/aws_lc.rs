//! The native backend: aws-lc-rs, the provider rustls uses.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};

use super::Backend;

/// aws-lc-rs.
pub(crate) struct AwsLc;

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

impl Backend for AwsLc {
    type Key = LessSafeKey;

    fn key(key: &[u8; 32]) -> LessSafeKey {
        let unbound = UnboundKey::new(&AES_256_GCM, key).expect("32 bytes is an AES-256 key");
        LessSafeKey::new(unbound)
    }

    fn seal(key: &LessSafeKey, nonce: &[u8; 12], buf: &mut [u8]) -> [u8; 16] {
        let nonce = Nonce::assume_unique_for_key(*nonce);
        let tag = key
            .seal_in_place_separate_tag(nonce, Aad::empty(), buf)
            .expect("a frame is far below the AES-GCM length limit");
        let mut out = [0; 16];
        out.copy_from_slice(tag.as_ref());
        out
    }

    fn open(key: &LessSafeKey, nonce: &[u8; 12], buf: &mut [u8]) -> bool {
        let nonce = Nonce::assume_unique_for_key(*nonce);
        let verified = key.open_in_place(nonce, Aad::empty(), buf).is_ok();
        if !verified {
            buf.fill(0);
        }
        verified
    }

    fn seal_to(key: &LessSafeKey, nonce: &[u8; 12], input: &[u8], out: &mut [u8]) -> [u8; 16] {
        let nonce = Nonce::assume_unique_for_key(*nonce);
        let mut tag = [0; 16];
        key.seal_out_of_place_scatter(nonce, Aad::empty(), input, out, &[], &mut tag)
            .expect("equal lengths, and a frame is far below the AES-GCM length limit");
        tag
    }

    fn open_to(
        key: &LessSafeKey,
        nonce: &[u8; 12],
        input: &[u8],
        tag: &[u8; 16],
        out: &mut [u8],
    ) -> bool {
        let nonce = Nonce::assume_unique_for_key(*nonce);
        let verified = key
            .open_separate_gather(nonce, Aad::empty(), input, tag, out)
            .is_ok();
        if !verified {
            // aws-lc leaves unverified output "in an unspecified way": never let it out.
            out.fill(0);
        }
        verified
    }

    fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], out: &mut [u8]) {
        let prk = Salt::new(HKDF_SHA256, salt).extract(ikm);
        prk.expand(info, Len(out.len()))
            .and_then(|okm| okm.fill(out))
            .expect("the output is far below 255 hash lengths");
    }
}
