//! Both crypto backends against known answers and against each other, on the frozen vectors too.

use super::crypto::{AwsLc, Backend, RustCrypto};
use super::memory::{open_with, seal_with};
use super::{KeyRef, Params};

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 5869 test case 1 (HKDF-SHA-256).
fn hkdf_known_answer<B: Backend>() {
    let mut okm = [0u8; 42];
    let salt = unhex("000102030405060708090a0b0c");
    let info = unhex("f0f1f2f3f4f5f6f7f8f9");
    B::hkdf(&salt, &[0x0b; 22], &[&info[..4], &info[4..]], &mut okm);
    let expected =
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
    assert_eq!(okm.to_vec(), unhex(expected));
}

/// The GCM specification's test cases 13 and 14 (AES-256, zero key and IV, empty AAD).
fn gcm_known_answer<B: Backend>() {
    let key = B::key(&[0; 32]);
    let tag = B::seal(&key, &[0; 12], &mut []);
    assert_eq!(tag.to_vec(), unhex("530f8afbc74536b9a963b4f1c4cb738b"));
    let mut block = [0u8; 16];
    let tag = B::seal(&key, &[0; 12], &mut block);
    assert_eq!(block.to_vec(), unhex("cea7403d4d606b6e074ec5d3baf39d18"));
    assert_eq!(tag.to_vec(), unhex("d0d1c8a799996bf0265b98b5d48ab919"));

    let mut sealed = [block.to_vec(), tag.to_vec()].concat();
    assert!(B::open(&key, &[0; 12], &mut sealed));
    assert_eq!(sealed[..16], [0; 16]);
    let mut forged = [block.to_vec(), tag.to_vec()].concat();
    forged[3] ^= 1;
    assert!(!B::open(&key, &[0; 12], &mut forged));
    assert!(
        forged.iter().all(|b| *b == 0),
        "a failed open leaves no plaintext"
    );
}

#[test]
fn aws_lc_known_answers() {
    hkdf_known_answer::<AwsLc>();
    gcm_known_answer::<AwsLc>();
}

#[test]
fn rust_crypto_known_answers() {
    hkdf_known_answer::<RustCrypto>();
    gcm_known_answer::<RustCrypto>();
}

#[test]
fn backends_write_and_read_the_same_bytes() {
    let dek = [0x11; 32];
    for (frame_size, len) in [(64, 0), (64, 1), (64, 64), (64, 200), (65536, 65537)] {
        let mut params = Params::new(KeyRef {
            name: "k".into(),
            version: 1,
            uid: "u".into(),
        });
        params.frame_size = frame_size;
        params.wrapped_dek = vec![7; 33];
        let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let a = seal_with::<AwsLc>(&dek, &params, b"ctx", [5; 32], &plaintext).unwrap();
        let b = seal_with::<RustCrypto>(&dek, &params, b"ctx", [5; 32], &plaintext).unwrap();
        assert_eq!(a, b, "{frame_size} {len}");
        assert_eq!(
            &open_with::<RustCrypto>(&a, &dek, b"ctx").unwrap()[..],
            &plaintext[..]
        );
        assert_eq!(
            &open_with::<AwsLc>(&b, &dek, b"ctx").unwrap()[..],
            &plaintext[..]
        );
        assert!(open_with::<RustCrypto>(&a, &dek, b"other").is_err());
    }
}

#[test]
fn frozen_vectors_decrypt_with_both_backends() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/envelope");
    if !dir.is_dir() {
        // The published crate does not ship the repository's vectors; the repository's test
        // command runs this test where they are.
        eprintln!(
            "skipped: {} is absent (not a repository checkout)",
            dir.display()
        );
        return;
    }
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let field = |name: &str| unhex(json[name].as_str().unwrap());
        let dek: [u8; 32] = field("dek").try_into().unwrap();
        let (context, plaintext, ciphertext) =
            (field("context"), field("plaintext"), field("ciphertext"));
        let by_aws_lc = open_with::<AwsLc>(&ciphertext, &dek, &context).unwrap();
        let by_rust_crypto = open_with::<RustCrypto>(&ciphertext, &dek, &context).unwrap();
        assert_eq!(&by_aws_lc[..], &plaintext[..], "{}", path.display());
        assert_eq!(&by_rust_crypto[..], &plaintext[..], "{}", path.display());
        count += 1;
    }
    assert!(count >= 5);
}
