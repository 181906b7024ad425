//! The out-of-place paths of the ciphertext format: whole frames sealed straight from the caller's
//! slice, frames opened straight into the caller's buffer, and the reusable `seal_into` /
//! `open_into` buffers. Each must write and accept exactly the bytes of the plain path.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{Read, Write};

use kmipkit::ErrorKind;
use kmipkit::envelope::format::{
    Decryptor, Encryptor, Header, KeyRef, Params, Plaintext, error_of, open, open_into, seal,
    seal_into, seal_with_salt,
};

const DEK: [u8; 32] = [0x24; 32];
const CONTEXT: &[u8] = b"tenant=fast";
const SALT: [u8; 32] = [9; 32];

fn params(frame_size: u32) -> Params {
    let mut params = Params::new(KeyRef {
        name: "fast".into(),
        version: 1,
        uid: "1".into(),
    });
    params.frame_size = frame_size;
    params
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

/// Writes `plaintext` in pieces whose sizes cycle through `pieces`.
fn stream_seal(params: &Params, plaintext: &[u8], pieces: &[usize]) -> Vec<u8> {
    let mut encryptor = Encryptor::with_salt(Vec::new(), &DEK, params, CONTEXT, SALT).unwrap();
    let mut done = 0;
    for &size in pieces.iter().cycle() {
        if done == plaintext.len() {
            break;
        }
        let end = plaintext.len().min(done.saturating_add(size));
        encryptor.write_all(&plaintext[done..end]).unwrap();
        done = end;
    }
    encryptor.finish().unwrap()
}

/// Reads a message with reads whose sizes cycle through `pieces`; what came out, and the error.
fn stream_open(ciphertext: &[u8], pieces: &[usize]) -> (Vec<u8>, Option<ErrorKind>, Vec<u8>) {
    let mut input = ciphertext;
    let header = Header::read_from(&mut input).unwrap();
    let mut decryptor = Decryptor::new(input, &header, &DEK, CONTEXT).unwrap();
    let mut out = Vec::new();
    let mut piece = Vec::new();
    for &size in pieces.iter().cycle() {
        piece = vec![0xee; size];
        match decryptor.read(&mut piece) {
            Ok(0) => return (out, None, piece),
            Ok(n) => out.extend_from_slice(&piece[..n]),
            Err(err) => return (out, Some(error_of(&err).unwrap().kind()), piece),
        }
    }
    unreachable!("{piece:?}")
}

#[test]
fn every_write_pattern_writes_the_bytes_of_seal() {
    for frame in [64usize, 4096] {
        let params = params(frame as u32);
        for len in [0, 1, frame - 1, frame, frame + 1, 3 * frame, 3 * frame + 5] {
            let plaintext = pattern(len);
            let expected = seal_with_salt(&DEK, &params, CONTEXT, SALT, &plaintext).unwrap();
            let patterns: [&[usize]; 6] = [
                &[usize::MAX],
                &[frame],
                &[frame + 1],
                &[777],
                &[3, usize::MAX],
                &[frame - 1, 2 * frame + 3, 1],
            ];
            for pieces in patterns {
                let streamed = stream_seal(&params, &plaintext, pieces);
                assert_eq!(streamed, expected, "frame {frame}, len {len}, {pieces:?}");
            }
        }
    }
}

#[test]
fn every_read_pattern_returns_the_plaintext() {
    for frame in [64usize, 4096] {
        let params = params(frame as u32);
        for len in [0, 1, frame, frame + 1, 5 * frame + 3] {
            let plaintext = pattern(len);
            let ciphertext = seal(&DEK, &params, CONTEXT, &plaintext).unwrap();
            let patterns: [&[usize]; 5] = [
                &[frame],
                &[3 * frame],
                &[1000],
                &[5, frame],
                &[frame - 1, frame + 1],
            ];
            for pieces in patterns {
                let (out, err, _) = stream_open(&ciphertext, pieces);
                assert_eq!(err, None, "frame {frame}, len {len}, {pieces:?}");
                assert_eq!(out, plaintext, "frame {frame}, len {len}, {pieces:?}");
            }
        }
    }
}

/// A frame opened straight into the caller's buffer that fails leaves zeros there, not the
/// unverified plaintext, and no frame from it onwards is released.
#[test]
fn a_failed_direct_read_leaves_no_plaintext_in_the_callers_buffer() {
    let frame = 4096;
    let plaintext = pattern(4 * frame + 10);
    let ciphertext = seal(&DEK, &params(frame as u32), CONTEXT, &plaintext).unwrap();
    let body = Header::parse(&ciphertext).unwrap().1;
    for bad_frame in 0..5 {
        let mut bad = ciphertext.clone();
        bad[body + bad_frame * (frame + 16) + 3] ^= 0x10;
        let (out, err, piece) = stream_open(&bad, &[frame]);
        assert_eq!(err, Some(ErrorKind::Integrity), "frame {bad_frame}");
        assert_eq!(out, plaintext[..bad_frame * frame], "frame {bad_frame}");
        let written = if bad_frame == 4 { 10 } else { frame };
        assert!(
            piece[..written].iter().all(|&b| b == 0),
            "frame {bad_frame}"
        );
    }
}

#[test]
fn reused_buffers_give_the_same_results() {
    let params = params(4096);
    let mut sealed = Vec::new();
    let mut opened = Plaintext::default();
    for len in [10_000, 0, 50_000, 1, 4096] {
        let plaintext = pattern(len);
        seal_into(&DEK, &params, CONTEXT, &plaintext, &mut sealed).unwrap();
        assert_eq!(&open(&sealed, &DEK, CONTEXT).unwrap()[..], &plaintext[..]);
        open_into(&sealed, &DEK, CONTEXT, &mut opened).unwrap();
        assert_eq!(&opened[..], &plaintext[..], "{len}");
    }
    let plaintext = pattern(9000);
    seal_into(&DEK, &params, CONTEXT, &plaintext, &mut sealed).unwrap();
    let last = sealed.len() - 1;
    sealed[last] ^= 1;
    let err = open_into(&sealed, &DEK, CONTEXT, &mut opened).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
    assert!(opened.is_empty(), "a failed open leaves nothing behind");
    assert_eq!(format!("{opened:?}"), "Plaintext(<0 bytes>)");
}

#[test]
fn plaintext_debug_shows_the_length_only() {
    let ciphertext = seal(&DEK, &params(64), CONTEXT, b"attack at dawn").unwrap();
    let opened = open(&ciphertext, &DEK, CONTEXT).unwrap();
    let debug = format!("{opened:?}");
    assert_eq!(debug, "Plaintext(<14 bytes>)");
    assert!(!debug.contains("dawn"));
}
