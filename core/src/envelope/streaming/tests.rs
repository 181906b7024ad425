//! The push API against the in-memory format (same salt, same bytes), chunked every way; the
//! pull helpers with a fixed data key. No key server: the models' streaming is tested live in
//! core/tests/envelope_streaming.rs.

use std::sync::Arc;

use super::{CopyError, HeaderBuffer, Opener, OpeningKey, Sealer, SealingKey, copy};
use crate::envelope::format::{
    Header, KeyRef, MIN_FRAME_SIZE, Params, Plaintext, error_of, open, seal_with_salt,
};
use crate::error::ErrorKind;
use crate::keys::SecretBytes;

const DEK: [u8; 32] = [7; 32];
const SALT: [u8; 32] = [3; 32];
/// Lengths around the 64-byte frame's boundaries, and several frames.
const LENGTHS: [usize; 9] = [0, 1, 63, 64, 65, 128, 129, 1000, 4096];
const CHUNKS: [usize; 6] = [1, 7, 64, 80, 81, 100_000];

fn params() -> Params {
    Params {
        frame_size: MIN_FRAME_SIZE,
        ..Params::new(KeyRef {
            name: "orders".into(),
            version: 1,
            uid: "42".into(),
        })
    }
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn sealed(len: usize) -> Vec<u8> {
    seal_with_salt(&DEK, &params(), b"ctx", SALT, &data(len)).unwrap()
}

/// Header and body of a ciphertext.
fn split(ciphertext: &[u8]) -> (Header, &[u8]) {
    let (header, used) = HeaderBuffer::new().feed(ciphertext).unwrap().unwrap();
    (header, &ciphertext[used..])
}

fn open_chunked(ciphertext: &[u8], chunk: usize) -> crate::error::Result<Plaintext> {
    let (header, body) = split(ciphertext);
    let mut opener = Opener::new(&header, &DEK, b"ctx")?;
    let mut out = Plaintext::default();
    for piece in body.chunks(chunk) {
        opener.update_into(piece, &mut out)?;
    }
    opener.finish_into(&mut out)?;
    Ok(out)
}

#[test]
fn a_sealer_fed_in_any_chunks_writes_the_in_memory_bytes() {
    for len in LENGTHS {
        let plaintext = data(len);
        for chunk in CHUNKS {
            let mut sealer = Sealer::with_salt(&DEK, &params(), b"ctx", SALT).unwrap();
            let mut out = Vec::new();
            for piece in plaintext.chunks(chunk) {
                sealer.update_into(piece, &mut out).unwrap();
            }
            sealer.finish_into(&mut out).unwrap();
            assert_eq!(out, sealed(len), "length {len}, chunks of {chunk}");
        }
    }
}

#[test]
fn a_sealer_holds_back_no_more_than_one_frame() {
    let mut sealer = Sealer::with_salt(&DEK, &params(), b"", SALT).unwrap();
    let header_len = sealer.update(&[]).unwrap().len();
    assert!(header_len > 0, "the header comes out first");
    // Two frames and a byte in: both frames are out, the byte waits.
    let out = sealer.update(&data(129)).unwrap();
    assert_eq!(out.len(), 2 * (64 + 16));
    assert_eq!(sealer.finish().unwrap().len(), 1 + 16);
}

#[test]
fn an_opener_fed_in_any_chunks_returns_the_plaintext() {
    for len in LENGTHS {
        let ciphertext = sealed(len);
        for chunk in CHUNKS {
            let out = open_chunked(&ciphertext, chunk).unwrap();
            assert_eq!(&out[..], &data(len)[..], "length {len}, chunks of {chunk}");
            assert_eq!(out, open(&ciphertext, &DEK, b"ctx").unwrap());
        }
    }
}

#[test]
fn an_opener_releases_the_last_frame_only_when_finished() {
    let ciphertext = sealed(128);
    let (header, body) = split(&ciphertext);
    let mut opener = Opener::new(&header, &DEK, b"ctx").unwrap();
    // The whole body: the first frame verified, the second may be the last, so it waits.
    assert_eq!(&opener.update(body).unwrap()[..], &data(128)[..64]);
    assert_eq!(&opener.finish().unwrap()[..], &data(128)[64..]);
}

#[test]
fn an_opener_keeps_one_frame_whatever_it_is_fed() {
    let ciphertext = sealed(4096);
    let (header, body) = split(&ciphertext);
    let mut opener = Opener::new(&header, &DEK, b"ctx").unwrap();
    let out = opener.update(body).unwrap();
    assert_eq!(out.len(), 4096 - 64);
    assert!(
        opener.fed_capacity() <= 64 + 17,
        "{}",
        opener.fed_capacity()
    );
}

#[test]
fn truncated_or_modified_bodies_fail_as_integrity_errors() {
    let ciphertext = sealed(200);
    let (_, body) = split(&ciphertext);
    let header_len = ciphertext.len() - body.len();
    // Every cut, at frame boundaries too, and nothing at all after the header.
    for cut in header_len..ciphertext.len() {
        for chunk in [1, 80, 100_000] {
            let err = open_chunked(&ciphertext[..cut], chunk).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Integrity, "cut at {cut}: {err}");
        }
    }
    for at in [header_len, header_len + 70, ciphertext.len() - 1] {
        let mut modified = ciphertext.clone();
        modified[at] ^= 1;
        let err = open_chunked(&modified, 81).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity, "byte {at}: {err}");
    }
    let mut longer = ciphertext.clone();
    longer.push(0);
    assert_eq!(
        open_chunked(&longer, 81).unwrap_err().kind(),
        ErrorKind::Integrity
    );
}

#[test]
fn a_wrong_key_or_context_fails_before_any_frame() {
    let ciphertext = sealed(10);
    let (header, _) = split(&ciphertext);
    let err = Opener::new(&header, &DEK, b"other").err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(Opener::new(&header, &[8; 32], b"ctx").is_err());
}

#[test]
fn a_header_buffer_completes_exactly_at_the_header_end() {
    let ciphertext = sealed(5);
    let (header, body) = split(&ciphertext);
    let header_len = ciphertext.len() - body.len();
    let mut buffer = HeaderBuffer::new();
    for (i, byte) in ciphertext.iter().enumerate() {
        match buffer.feed(std::slice::from_ref(byte)).unwrap() {
            None => assert!(i + 1 < header_len),
            Some((got, used)) => {
                assert_eq!((i + 1, used), (header_len, 1));
                assert_eq!(got, header);
                break;
            }
        }
    }
    // A chunk that spans header and body: `used` is where the body starts within it.
    let mut buffer = HeaderBuffer::new();
    assert!(buffer.feed(&ciphertext[..9]).unwrap().is_none());
    let (_, used) = buffer.feed(&ciphertext[9..]).unwrap().unwrap();
    assert_eq!(9 + used, header_len);
}

#[test]
fn a_header_buffer_refuses_what_is_no_header_as_soon_as_it_shows() {
    assert!(HeaderBuffer::new().feed(b"X").is_err());
    assert!(HeaderBuffer::new().feed(b"KMK").unwrap().is_none());
    // Another format version, then a bound part over the cap: refused at 9 bytes.
    let err = HeaderBuffer::new()
        .feed(b"KMKE\x02\x00\x01\x00\x60")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Format);
    let err = HeaderBuffer::new()
        .feed(b"KMKE\x01\x00\x01\xff\xff")
        .unwrap_err();
    assert!(err.to_string().contains("header"), "{err}");
}

#[test]
fn sealing_and_opening_keys_stream_with_a_fixed_key() {
    let key = Arc::new(SecretBytes::from(DEK.to_vec()));
    let sealing = SealingKey::new(key.clone(), params()).unwrap();
    assert!(!format!("{sealing:?}").contains("7, 7"));
    let plaintext = data(1000);
    let mut ciphertext = Vec::new();
    let n = sealing
        .encrypt_stream(&plaintext[..], &mut ciphertext, b"ctx")
        .unwrap();
    assert_eq!(n, 1000);
    let (header, body) = split(&ciphertext);
    let opening = OpeningKey::new(key.clone(), header.clone()).unwrap();
    let mut back = Vec::new();
    assert_eq!(
        opening.decrypt_stream(body, &mut back, b"ctx").unwrap(),
        1000
    );
    assert_eq!(back, plaintext);
    // Salts from the key's own source: pulled or pushed, the same bytes as in memory.
    let fixed = sealing.clone().with_random(|out| {
        out.fill(3);
        Ok(())
    });
    let mut pulled = Vec::new();
    fixed
        .encrypt_stream(&plaintext[..], &mut pulled, b"ctx")
        .unwrap();
    assert_eq!(pulled, sealed(1000));
    let mut sealer = fixed.sealer(b"ctx").unwrap();
    let mut pushed = sealer.update(&plaintext).unwrap();
    sealer.finish_into(&mut pushed).unwrap();
    assert_eq!(pushed, sealed(1000));
    // A failing source fails the stream, before anything is written.
    let broken = sealing.clone().with_random(|_| {
        Err(crate::Error::Encode {
            what: "salt".into(),
            reason: "no entropy".into(),
        })
    });
    let mut nothing = Vec::new();
    let err = broken
        .encrypt_stream(&plaintext[..], &mut nothing, b"ctx")
        .unwrap_err();
    assert!(error_of(&err).unwrap().to_string().contains("no entropy"));
    assert!(nothing.is_empty());
    assert!(broken.sealer(b"ctx").is_err());
    // A wrong context: the kmipkit error inside the I/O error.
    let err = opening.decrypt_stream(body, Vec::new(), b"x").unwrap_err();
    assert_eq!(error_of(&err).unwrap().kind(), ErrorKind::Integrity);
    // Re-encryption under another key, frame by frame.
    let other = Arc::new(SecretBytes::from(vec![9u8; 32]));
    let to = SealingKey::new(other, params()).unwrap();
    let (moved, n) = opening.reencrypt(body, &to, Vec::new(), b"ctx").unwrap();
    assert_eq!(n, 1000);
    assert_eq!(&open(&moved, &[9; 32], b"ctx").unwrap()[..], &plaintext[..]);
    // A key of the wrong length is refused, never a panic.
    let short = Arc::new(SecretBytes::from(vec![7u8; 16]));
    assert_eq!(
        SealingKey::new(short.clone(), params()).unwrap_err().kind(),
        ErrorKind::Encode
    );
    assert!(OpeningKey::new(short, header).is_err());
}

#[test]
fn copy_says_which_side_failed() {
    let ciphertext = sealed(300);
    let (header, body) = split(&ciphertext);
    let opening = OpeningKey::new(Arc::new(SecretBytes::from(DEK.to_vec())), header).unwrap();
    let mut decryptor = opening.decryptor(&body[..body.len() - 1], b"ctx").unwrap();
    let err = copy(&mut decryptor, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, CopyError::Read(_)));
    assert_eq!(err.error().unwrap().kind(), ErrorKind::Integrity);
    let mut full = [0u8; 10];
    let err = copy(&mut &data(20)[..], &mut &mut full[..]).unwrap_err();
    assert!(matches!(err, CopyError::Write(_)) && err.error().is_none());
    assert!(err.to_string().starts_with("writing failed"));
}

#[test]
fn sealed_by_tells_the_models_apart_and_checks_model_1_headers() {
    use super::{Sealed, sealed_by};
    use crate::envelope::model1::{ProtectedDek, ProtectionMethod};
    let (header, _) = split(&sealed(1));
    assert_eq!(sealed_by(&header).unwrap(), Sealed::Model2(header.key_ref));
    let protected = ProtectedDek {
        kek: KeyRef {
            name: "orders".into(),
            version: 2,
            uid: "17".into(),
        },
        method: ProtectionMethod::KmipEncryptAesGcm,
        iv: vec![1; 12],
        tag: vec![2; 16],
        encrypted_dek: vec![3; 32],
    };
    let with_blob = Params {
        wrapped_dek: protected.to_bytes().unwrap(),
        ..params()
    };
    let ciphertext = seal_with_salt(&DEK, &with_blob, b"", SALT, b"x").unwrap();
    let (header, _) = split(&ciphertext);
    assert_eq!(
        sealed_by(&header).unwrap(),
        Sealed::Model1(protected.clone())
    );
    // A header naming another KEK than its blob is refused.
    let forged = Params {
        key_ref: KeyRef {
            name: "another".into(),
            version: 1,
            uid: "1".into(),
        },
        ..with_blob
    };
    let ciphertext = seal_with_salt(&DEK, &forged, b"", SALT, b"x").unwrap();
    let (header, _) = split(&ciphertext);
    assert_eq!(sealed_by(&header).unwrap_err().kind(), ErrorKind::Integrity);
}
