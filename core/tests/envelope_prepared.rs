//! `PreparedSeal` / `PreparedOpen`: whole messages into a slice the caller allocates once it knows
//! the exact length (what the Python binding writes its `bytes` objects with). They must write and
//! accept exactly the bytes of `seal` / `open`, and leave no plaintext behind when they fail.
#![cfg(not(target_arch = "wasm32"))]

use kmipkit::ErrorKind;
use kmipkit::envelope::format::{
    Header, KeyRef, Params, PreparedOpen, PreparedSeal, open, seal, seal_with_salt,
};

const DEK: [u8; 32] = [0x31; 32];
const CONTEXT: &[u8] = b"tenant=prepared";
const SALT: [u8; 32] = [5; 32];

fn params(frame_size: u32, wrapped_dek: &[u8]) -> Params {
    let mut params = Params::new(KeyRef {
        name: "prepared".into(),
        version: 3,
        uid: "uid-7".into(),
    });
    params.frame_size = frame_size;
    params.wrapped_dek = wrapped_dek.to_vec();
    params
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 11 % 251) as u8).collect()
}

#[test]
fn sealing_into_a_slice_writes_the_bytes_of_seal_with_salt() {
    for (frame, wrapped) in [(4096, &b""[..]), (64, &[0xAB; 40][..])] {
        let params = params(frame, wrapped);
        for len in [0, 1, 63, 64, 65, 4095, 4096, 4097, 3 * 4096, 10_000] {
            let plaintext = pattern(len);
            let prepared = PreparedSeal::new(&DEK, &params, CONTEXT, Some(SALT)).unwrap();
            let mut out = vec![0; prepared.sealed_len(len).unwrap()];
            prepared.seal_to(&plaintext, &mut out).unwrap();
            let expected = seal_with_salt(&DEK, &params, CONTEXT, SALT, &plaintext).unwrap();
            assert_eq!(out, expected, "frame {frame}, {len} bytes");
        }
    }
}

#[test]
fn a_fresh_salt_every_message_and_open_reads_it() {
    let params = params(4096, b"");
    let plaintext = pattern(9000);
    let mut sealed = Vec::new();
    for _ in 0..2 {
        let prepared = PreparedSeal::new(&DEK, &params, CONTEXT, None).unwrap();
        let mut out = vec![0; prepared.sealed_len(plaintext.len()).unwrap()];
        prepared.seal_to(&plaintext, &mut out).unwrap();
        assert_eq!(&open(&out, &DEK, CONTEXT).unwrap()[..], &plaintext[..]);
        sealed.push(out);
    }
    assert_ne!(sealed[0], sealed[1]);
}

#[test]
fn opening_into_a_slice_returns_the_plaintext() {
    for len in [0, 1, 4095, 4096, 4097, 20_000] {
        let plaintext = pattern(len);
        let ciphertext = seal(&DEK, &params(4096, b"w"), CONTEXT, &plaintext).unwrap();
        let prepared = PreparedOpen::parse(&ciphertext).unwrap();
        assert_eq!(prepared.opened_len(), len);
        let mut out = vec![0xEE; len];
        prepared.open_to(&DEK, CONTEXT, &mut out).unwrap();
        assert_eq!(out, plaintext, "{len} bytes");
    }
}

#[test]
fn a_failed_open_zeroes_the_whole_slice() {
    let frame = 4096;
    let plaintext = pattern(4 * frame + 10);
    let ciphertext = seal(&DEK, &params(frame as u32, b""), CONTEXT, &plaintext).unwrap();
    let body = Header::parse(&ciphertext).unwrap().1;
    for bad_frame in 0..5 {
        let mut bad = ciphertext.clone();
        bad[body + bad_frame * (frame + 16) + 3] ^= 0x10;
        let prepared = PreparedOpen::parse(&bad).unwrap();
        let mut out = vec![0xEE; prepared.opened_len()];
        let err = prepared.open_to(&DEK, CONTEXT, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity, "frame {bad_frame}");
        assert!(out.iter().all(|&b| b == 0), "frame {bad_frame}");
    }
    // The wrong context, and a ciphertext cut after a whole frame, fail the same way.
    let prepared = PreparedOpen::parse(&ciphertext).unwrap();
    let mut out = vec![0xEE; prepared.opened_len()];
    let err = prepared.open_to(&DEK, b"other", &mut out).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(out.iter().all(|&b| b == 0));
    let cut = &ciphertext[..body + 2 * (frame + 16)];
    let prepared = PreparedOpen::parse(cut).unwrap();
    let mut out = vec![0xEE; prepared.opened_len()];
    assert_eq!(
        prepared
            .open_to(&DEK, CONTEXT, &mut out)
            .unwrap_err()
            .kind(),
        ErrorKind::Integrity
    );
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn a_slice_of_the_wrong_length_is_refused_untouched() {
    let params = params(4096, b"");
    let prepared = PreparedSeal::new(&DEK, &params, CONTEXT, Some(SALT)).unwrap();
    // Filled with a marker, so that "untouched" is not the same as "zeroed".
    let mut short = vec![0xaa; prepared.sealed_len(100).unwrap() - 1];
    let err = prepared.seal_to(&pattern(100), &mut short).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(short.iter().all(|&b| b == 0xaa));
    let ciphertext = seal(&DEK, &params, CONTEXT, &pattern(100)).unwrap();
    let prepared = PreparedOpen::parse(&ciphertext).unwrap();
    let mut long = vec![0xaa; 101];
    let err = prepared.open_to(&DEK, CONTEXT, &mut long).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(long.iter().all(|&b| b == 0xaa));
}

#[test]
fn a_bad_frame_size_is_refused_before_any_length_is_computed() {
    let mut params = params(4096, b"");
    params.frame_size = 0;
    assert!(PreparedSeal::new(&DEK, &params, CONTEXT, None).is_err());
}
