//! The Model 1 protected-DEK blob: [`ProtectedDek`] and its byte layout (documented in
//! [`super::model1`] and in `docs/FORMAT.md`'s appendix). Pure codec: no I/O; every length is
//! checked before it is used, per method ([`ProtectionMethod`]).

use super::format::{KeyRef, MAX_KEY_FIELD_LEN};
use crate::error::{Error, Result};

/// Magic bytes of a protected-DEK blob: ASCII `KMPD`.
pub const BLOB_MAGIC: [u8; 4] = *b"KMPD";
/// The blob version this code writes and reads.
pub const BLOB_VERSION: u8 = 0x01;
/// Prefix of the GCM additional data.
const AAD_LABEL: &[u8] = b"kmipkit/protected-dek/v1";
const MAX_IV_LEN: usize = 32;
const MAX_TAG_LEN: usize = 32;
const MAX_ENCRYPTED_DEK_LEN: usize = 1024;

/// How a [`ProtectedDek`] was protected: recorded in the blob, and what [`Model1::unlock`](super::model1::Model1::unlock)
/// follows (whatever [`KekMethod`](super::model1::KekMethod) the model protects new DEKs with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtectionMethod {
    /// KMIP Encrypt with AES-256-GCM under the KEK (KMIP 1.4+). Byte `0x01`.
    KmipEncryptAesGcm,
    /// AES key wrap with padding (RFC 5649) by the key manager under the KEK: Get with a Key
    /// Wrapping Specification; unwrapped by Register and Get Not Wrapped (KMIP 1.4+). Byte `0x02`.
    KmipKeyWrapAesPadding,
}

impl ProtectionMethod {
    fn byte(self) -> u8 {
        match self {
            Self::KmipEncryptAesGcm => 0x01,
            Self::KmipKeyWrapAesPadding => 0x02,
        }
    }

    fn from_byte(byte: u8) -> Result<Self> {
        match byte {
            0x01 => Ok(Self::KmipEncryptAesGcm),
            0x02 => Ok(Self::KmipKeyWrapAesPadding),
            other => Err(blob_error(format!(
                "unknown protection method 0x{other:02x}"
            ))),
        }
    }

    /// The allowed IV, tag and encrypted-DEK lengths of this method (inclusive ranges).
    fn lengths(self) -> [(usize, usize); 3] {
        match self {
            Self::KmipEncryptAesGcm => [
                (1, MAX_IV_LEN),
                (1, MAX_TAG_LEN),
                (1, MAX_ENCRYPTED_DEK_LEN),
            ],
            // Key wrap has no IV (RFC 5649's integrity block is inside the wrapped bytes) and
            // no tag; the wrapped key is 8 bytes longer than the key, a multiple of 8.
            Self::KmipKeyWrapAesPadding => [(0, 0), (0, 0), (16, MAX_ENCRYPTED_DEK_LEN)],
        }
    }
}

/// A DEK encrypted under a KEK on the key manager, with everything needed to ask for it back.
///
/// `Debug` shows the lengths of the IV, tag and encrypted DEK, not their bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct ProtectedDek {
    /// The KEK: the caller's name, version and the KMIP Unique Identifier.
    pub kek: KeyRef,
    /// How the DEK was protected.
    pub method: ProtectionMethod,
    /// The GCM IV; empty for key wrap.
    pub iv: Vec<u8>,
    /// The GCM tag; empty for key wrap.
    pub tag: Vec<u8>,
    /// The encrypted DEK: the GCM ciphertext, or the RFC 5649 wrapped key (40 bytes).
    pub encrypted_dek: Vec<u8>,
}

impl std::fmt::Debug for ProtectedDek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProtectedDek")
            .field("kek", &self.kek)
            .field("method", &self.method)
            .field("iv", &format_args!("<{} bytes>", self.iv.len()))
            .field("tag", &format_args!("<{} bytes>", self.tag.len()))
            .field(
                "encrypted_dek",
                &format_args!("<{} bytes>", self.encrypted_dek.len()),
            )
            .finish()
    }
}

impl ProtectedDek {
    /// The blob bytes (layout in the module documentation).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let [iv, tag, dek] = self.method.lengths();
        check_len("IV", self.iv.len(), iv.0, iv.1)?;
        check_len("tag", self.tag.len(), tag.0, tag.1)?;
        check_len("encrypted DEK", self.encrypted_dek.len(), dek.0, dek.1)?;
        check_wrapped_len(self.method, self.encrypted_dek.len())?;
        let mut out = bound_prefix(&self.kek, self.method)?;
        out.push(self.iv.len() as u8);
        out.extend_from_slice(&self.iv);
        out.push(self.tag.len() as u8);
        out.extend_from_slice(&self.tag);
        out.extend_from_slice(&(self.encrypted_dek.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.encrypted_dek);
        Ok(out)
    }

    /// Parses a blob; every length is checked before it is used, and trailing bytes are refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader(bytes);
        if r.take(4)? != BLOB_MAGIC {
            return Err(blob_error("not a kmipkit protected DEK (bad magic)"));
        }
        let version = r.u8()?;
        if version != BLOB_VERSION {
            return Err(blob_error(format!(
                "unknown protected-DEK version {version} (this kmipkit reads {BLOB_VERSION})"
            )));
        }
        let method = ProtectionMethod::from_byte(r.u8()?)?;
        let [iv_range, tag_range, dek_range] = method.lengths();
        let name = r.text("KEK name")?;
        let version = u32::from_be_bytes(r.array()?);
        let uid = r.text("KEK UID")?;
        let iv_len = usize::from(r.u8()?);
        check_len("IV", iv_len, iv_range.0, iv_range.1)?;
        let iv = r.take(iv_len)?.to_vec();
        let tag_len = usize::from(r.u8()?);
        check_len("tag", tag_len, tag_range.0, tag_range.1)?;
        let tag = r.take(tag_len)?.to_vec();
        let e = usize::from(u16::from_be_bytes(r.array()?));
        check_len("encrypted DEK", e, dek_range.0, dek_range.1)?;
        check_wrapped_len(method, e)?;
        let encrypted_dek = r.take(e)?.to_vec();
        if !r.0.is_empty() {
            return Err(blob_error(format!(
                "{} bytes after the encrypted DEK",
                r.0.len()
            )));
        }
        Ok(Self {
            kek: KeyRef { name, version, uid },
            method,
            iv,
            tag,
            encrypted_dek,
        })
    }

    /// The GCM additional data: the label and the blob's bytes through the KEK UID.
    pub(super) fn aad(&self) -> Result<Vec<u8>> {
        aad(&self.kek, self.method)
    }
}

fn bound_prefix(kek: &KeyRef, method: ProtectionMethod) -> Result<Vec<u8>> {
    let name = kek.name.as_bytes();
    let uid = kek.uid.as_bytes();
    check_len("KEK name", name.len(), 0, MAX_KEY_FIELD_LEN)?;
    check_len("KEK UID", uid.len(), 0, MAX_KEY_FIELD_LEN)?;
    let mut out = Vec::with_capacity(14 + name.len() + uid.len() + 64);
    out.extend_from_slice(&BLOB_MAGIC);
    out.push(BLOB_VERSION);
    out.push(method.byte());
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(&kek.version.to_be_bytes());
    out.extend_from_slice(&(uid.len() as u16).to_be_bytes());
    out.extend_from_slice(uid);
    Ok(out)
}

pub(super) fn aad(kek: &KeyRef, method: ProtectionMethod) -> Result<Vec<u8>> {
    let mut out = AAD_LABEL.to_vec();
    out.extend_from_slice(&bound_prefix(kek, method)?);
    Ok(out)
}

/// A key wrapped with RFC 5649 is a whole number of 8-byte blocks.
fn check_wrapped_len(method: ProtectionMethod, len: usize) -> Result<()> {
    if method == ProtectionMethod::KmipKeyWrapAesPadding && !len.is_multiple_of(8) {
        return Err(blob_error(format!(
            "a key wrapped with RFC 5649 has a multiple of 8 bytes, not {len}"
        )));
    }
    Ok(())
}

fn check_len(what: &str, len: usize, min: usize, max: usize) -> Result<()> {
    if len < min || len > max {
        return Err(blob_error(format!(
            "{what} length {len} is outside {min}..={max}"
        )));
    }
    Ok(())
}

fn blob_error(reason: impl Into<String>) -> Error {
    Error::Format {
        reason: format!("protected DEK: {}", reason.into()),
    }
}

/// A cursor over a blob that fails cleanly on truncation.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(blob_error("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn text(&mut self, what: &str) -> Result<String> {
        let len = usize::from(u16::from_be_bytes(self.array()?));
        check_len(what, len, 0, MAX_KEY_FIELD_LEN)?;
        String::from_utf8(self.take(len)?.to_vec())
            .map_err(|_| blob_error(format!("{what} is not UTF-8")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::format;

    fn sample() -> ProtectedDek {
        ProtectedDek {
            kek: KeyRef {
                name: "orders-kek".into(),
                version: 3,
                uid: "17".into(),
            },
            method: ProtectionMethod::KmipEncryptAesGcm,
            iv: vec![1; 12],
            tag: vec![2; 16],
            encrypted_dek: vec![3; 32],
        }
    }

    #[test]
    fn blob_round_trips_and_has_the_documented_layout() {
        let blob = sample().to_bytes().unwrap();
        assert_eq!(&blob[..6], b"KMPD\x01\x01");
        assert_eq!(&blob[6..8], &[0, 10]);
        assert_eq!(&blob[8..18], b"orders-kek");
        assert_eq!(&blob[18..22], &[0, 0, 0, 3]);
        assert_eq!(&blob[22..26], b"\x00\x0217");
        assert_eq!(blob[26], 12);
        assert_eq!(blob.len(), 26 + 1 + 12 + 1 + 16 + 2 + 32);
        assert_eq!(ProtectedDek::from_bytes(&blob).unwrap(), sample());
        // The AAD is the label and the blob through the UID.
        let aad = sample().aad().unwrap();
        assert_eq!(aad, [AAD_LABEL, &blob[..26]].concat());
    }

    #[test]
    fn every_truncation_and_trailing_bytes_are_refused() {
        let blob = sample().to_bytes().unwrap();
        for n in 0..blob.len() {
            let err = ProtectedDek::from_bytes(&blob[..n]).unwrap_err();
            assert!(matches!(err, Error::Format { .. }), "{n}: {err:?}");
        }
        let mut long = blob.clone();
        long.push(0);
        assert!(ProtectedDek::from_bytes(&long).is_err());
        // Method 0x02 with a GCM IV and tag is refused: key wrap has neither.
        let mut wrap = blob.clone();
        wrap[5] = 2;
        let err = ProtectedDek::from_bytes(&wrap).unwrap_err().to_string();
        assert!(err.contains("IV length 12"), "{err}");
        let mut unknown = blob;
        unknown[5] = 3;
        let err = ProtectedDek::from_bytes(&unknown).unwrap_err().to_string();
        assert!(err.contains("0x03"), "{err}");
    }

    fn wrapped_sample() -> ProtectedDek {
        ProtectedDek {
            method: ProtectionMethod::KmipKeyWrapAesPadding,
            iv: Vec::new(),
            tag: Vec::new(),
            encrypted_dek: vec![4; 40],
            ..sample()
        }
    }

    #[test]
    fn key_wrap_blob_has_empty_iv_and_tag_and_40_wrapped_bytes() {
        let blob = wrapped_sample().to_bytes().unwrap();
        assert_eq!(&blob[..6], b"KMPD\x01\x02");
        assert_eq!(&blob[26..30], &[0, 0, 0, 40]);
        assert_eq!(&blob[30..], &[4; 40][..]);
        assert_eq!(blob.len(), 26 + 1 + 1 + 2 + 40);
        assert_eq!(ProtectedDek::from_bytes(&blob).unwrap(), wrapped_sample());
        for n in 0..blob.len() {
            assert!(ProtectedDek::from_bytes(&blob[..n]).is_err(), "{n}");
        }
        // An IV or a tag, a wrapped key that is not whole 8-byte blocks or shorter than 16.
        let bad = [
            ProtectedDek {
                iv: vec![1; 12],
                ..wrapped_sample()
            },
            ProtectedDek {
                tag: vec![1; 16],
                ..wrapped_sample()
            },
            ProtectedDek {
                encrypted_dek: vec![4; 39],
                ..wrapped_sample()
            },
            ProtectedDek {
                encrypted_dek: vec![4; 8],
                ..wrapped_sample()
            },
        ];
        for protected in bad {
            assert!(protected.to_bytes().is_err(), "{protected:?}");
        }
        let mut odd = blob.clone();
        odd[29] = 39;
        odd.pop();
        let err = ProtectedDek::from_bytes(&odd).unwrap_err().to_string();
        assert!(err.contains("multiple of 8"), "{err}");
        let mut with_iv = blob;
        with_iv[26] = 1;
        assert!(ProtectedDek::from_bytes(&with_iv).is_err());
    }

    #[test]
    fn largest_blob_fits_the_wrapped_dek_field() {
        let largest = ProtectedDek {
            kek: KeyRef {
                name: "n".repeat(MAX_KEY_FIELD_LEN),
                version: u32::MAX,
                uid: "u".repeat(MAX_KEY_FIELD_LEN),
            },
            method: ProtectionMethod::KmipEncryptAesGcm,
            iv: vec![1; MAX_IV_LEN],
            tag: vec![2; MAX_TAG_LEN],
            encrypted_dek: vec![3; MAX_ENCRYPTED_DEK_LEN],
        };
        let blob = largest.to_bytes().unwrap();
        assert_eq!(blob.len(), 3154);
        assert!(blob.len() <= format::MAX_WRAPPED_DEK_LEN);
        assert_eq!(ProtectedDek::from_bytes(&blob).unwrap(), largest);
        let mut too_long = largest;
        too_long.iv.push(0);
        assert!(too_long.to_bytes().is_err());
    }

    #[test]
    fn debug_hides_bytes() {
        let shown = format!("{:?}", sample());
        assert!(shown.contains("<32 bytes>") && !shown.contains("3, 3"));
    }
}
