//! The ciphertext format of docs/FORMAT.md: round trips, streaming in constant memory, tampering,
//! truncation, re-wrapping and the frozen vectors in conformance/vectors/envelope/.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{Read, Write};
use std::path::PathBuf;

use kmipkit::envelope::format::{
    Decryptor, Encryptor, Header, KeyRef, Params, error_of, open, rewrap, seal, seal_with_salt,
};
use kmipkit::{Error, ErrorKind};

const DEK: [u8; 32] = [0x42; 32];
const CONTEXT: &[u8] = b"tenant=acme;record=17";

fn params(frame_size: u32, wrapped: &[u8]) -> Params {
    let mut params = Params::new(KeyRef {
        name: "orders-kek".into(),
        version: 3,
        uid: "7f3a".into(),
    });
    params.frame_size = frame_size;
    params.wrapped_dek = wrapped.to_vec();
    params
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Decrypts through the streaming API, reading in odd-sized pieces. Returns what was released
/// before the error, if any.
fn stream_open(ciphertext: &[u8], dek: &[u8; 32], context: &[u8]) -> (Vec<u8>, Option<Error>) {
    let mut reader = ciphertext;
    let header = match Header::read_from(&mut reader) {
        Ok(header) => header,
        Err(err) => {
            return (
                Vec::new(),
                Some(error_of(&err).expect("kmipkit error").clone()),
            );
        }
    };
    let mut decryptor = match Decryptor::new(reader, &header, dek, context) {
        Ok(decryptor) => decryptor,
        Err(err) => return (Vec::new(), Some(err)),
    };
    let mut out = Vec::new();
    let mut piece = [0u8; 1000];
    loop {
        match decryptor.read(&mut piece) {
            Ok(0) => return (out, None),
            Ok(n) => out.extend_from_slice(&piece[..n]),
            Err(err) => return (out, Some(error_of(&err).expect("kmipkit error").clone())),
        }
    }
}

fn stream_seal(params: &Params, salt: [u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let mut encryptor = Encryptor::with_salt(Vec::new(), &DEK, params, CONTEXT, salt).unwrap();
    for piece in plaintext.chunks(777) {
        encryptor.write_all(piece).unwrap();
    }
    encryptor.finish().unwrap()
}

fn header_len(ciphertext: &[u8]) -> usize {
    Header::parse(ciphertext).unwrap().1
}

#[test]
fn round_trips_at_frame_edges() {
    for len in [0, 1, 65535, 65536, 65537, 1 << 20] {
        let plaintext = pattern(len);
        let params = params(65536, b"wrapped");
        let ciphertext = seal(&DEK, &params, CONTEXT, &plaintext).unwrap();
        let frames = len.div_ceil(65536).max(1);
        assert_eq!(
            ciphertext.len(),
            header_len(&ciphertext) + len + 16 * frames
        );
        assert_eq!(
            &open(&ciphertext, &DEK, CONTEXT).unwrap()[..],
            &plaintext[..],
            "{len}"
        );
        let (streamed, err) = stream_open(&ciphertext, &DEK, CONTEXT);
        assert!(err.is_none(), "{len}: {err:?}");
        assert_eq!(streamed, plaintext, "{len}");

        // The streaming encryptor writes exactly what `seal` writes for the same salt.
        let salt = [len as u8; 32];
        let sealed = seal_with_salt(&DEK, &params, CONTEXT, salt, &plaintext).unwrap();
        assert_eq!(stream_seal(&params, salt, &plaintext), sealed, "{len}");
    }
}

#[test]
fn fresh_salt_per_message() {
    let params = params(65536, b"");
    let a = seal(&DEK, &params, CONTEXT, b"same").unwrap();
    let b = seal(&DEK, &params, CONTEXT, b"same").unwrap();
    assert_ne!(a, b);
    assert_ne!(
        Header::parse(&a).unwrap().0.salt,
        Header::parse(&b).unwrap().0.salt
    );
}

/// A small ciphertext with several 64-byte frames: header | 64 | 64 | 22 bytes of plaintext.
fn small() -> (Vec<u8>, Vec<u8>, Params) {
    let params = params(64, &[0xAB; 40]);
    let plaintext = pattern(150);
    let ciphertext = seal_with_salt(&DEK, &params, CONTEXT, [9; 32], &plaintext).unwrap();
    (ciphertext, plaintext, params)
}

fn assert_rejected(ciphertext: &[u8], plaintext: &[u8], frame_size: usize, what: &str) {
    let err = open(ciphertext, &DEK, CONTEXT).expect_err(what);
    assert!(
        matches!(err.kind(), ErrorKind::Integrity | ErrorKind::Format),
        "{what}: {err}"
    );
    let (released, err) = stream_open(ciphertext, &DEK, CONTEXT);
    assert!(err.is_some(), "{what}: streaming accepted it");
    // Whatever streaming released is verified whole frames of the true plaintext.
    assert_eq!(released.len() % frame_size, 0, "{what}");
    assert_eq!(&plaintext[..released.len()], &released[..], "{what}");
}

#[test]
fn flipping_any_byte_is_detected() {
    let (ciphertext, plaintext, _) = small();
    let header_len = header_len(&ciphertext);
    let wrapped = header_len - 40..header_len;
    for i in 0..ciphertext.len() {
        for bit in [0x01, 0x80] {
            let mut bad = ciphertext.clone();
            bad[i] ^= bit;
            if wrapped.contains(&i) {
                // The wrapped DEK is the one unauthenticated field (FORMAT.md §5): the DEK is given here.
                assert_eq!(&open(&bad, &DEK, CONTEXT).unwrap()[..], &plaintext[..]);
                continue;
            }
            assert_rejected(&bad, &plaintext, 64, &format!("byte {i} ^ {bit:#x}"));
            // Frames before the modified one may stream out, never the modified one or later ones.
            if i >= header_len {
                let (released, _) = stream_open(&bad, &DEK, CONTEXT);
                assert!(released.len() <= (i - header_len) / 80 * 64, "byte {i}");
            }
        }
    }
}

#[test]
fn truncation_anywhere_is_detected() {
    let (ciphertext, plaintext, _) = small();
    let header_len = header_len(&ciphertext);
    for cut in 0..ciphertext.len() {
        assert_rejected(&ciphertext[..cut], &plaintext, 64, &format!("cut at {cut}"));
    }
    // At a frame boundary the message says so: the final frame never arrived.
    for frames in 0..=2 {
        let cut = header_len + frames * 80;
        let err = open(&ciphertext[..cut], &DEK, CONTEXT).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity);
        assert!(err.to_string().contains("truncated"), "{err}");
        let (_, err) = stream_open(&ciphertext[..cut], &DEK, CONTEXT);
        let err = err.unwrap().to_string();
        assert!(err.contains("truncated"), "{err}");
    }
    // Appending bytes after the final frame is detected too.
    let mut longer = ciphertext.clone();
    longer.extend_from_slice(&[0; 16]);
    assert_rejected(&longer, &plaintext, 64, "appended");
}

#[test]
fn dropped_reordered_duplicated_frames_are_detected() {
    let (ciphertext, plaintext, _) = small();
    let header_len = header_len(&ciphertext);
    let (header, body) = ciphertext.split_at(header_len);
    let frames: Vec<&[u8]> = body.chunks(80).collect();
    assert_eq!(frames.len(), 3);
    let join = |order: &[usize]| -> Vec<u8> {
        let mut out = header.to_vec();
        for &i in order {
            out.extend_from_slice(frames[i]);
        }
        out
    };
    assert_eq!(
        &open(&join(&[0, 1, 2]), &DEK, CONTEXT).unwrap()[..],
        &plaintext[..]
    );
    for order in [
        &[1, 2][..],
        &[0, 2],
        &[1, 0, 2],
        &[0, 0, 1, 2],
        &[0, 1, 1, 2],
        &[0, 1, 2, 2],
        &[2],
    ] {
        assert_rejected(&join(order), &plaintext, 64, &format!("{order:?}"));
    }
    // A frame from another message with the same key and context does not fit either.
    let (params, other_salt) = (small().2, [10; 32]);
    let other = seal_with_salt(&DEK, &params, CONTEXT, other_salt, &plaintext).unwrap();
    let mut spliced = ciphertext.clone();
    spliced[header_len..header_len + 80].copy_from_slice(&other[header_len..header_len + 80]);
    assert_rejected(&spliced, &plaintext, 64, "spliced");
}

#[test]
fn wrong_context_or_key_fails_before_any_frame() {
    let (ciphertext, _, _) = small();
    for (dek, context) in [
        ([0x43; 32], CONTEXT),
        (DEK, &b"tenant=acme;record=18"[..]),
        (DEK, b""),
    ] {
        let err = open(&ciphertext, &dek, context).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Integrity);
        assert_eq!(err.kind().code(), 0x0501);
        assert!(err.to_string().contains("key commitment"), "{err}");
        let (released, err) = stream_open(&ciphertext, &dek, context);
        assert!(released.is_empty());
        assert_eq!(err.unwrap().kind(), ErrorKind::Integrity);
    }
}

#[test]
fn unknown_version_suite_and_magic_are_format_errors() {
    let (ciphertext, _, _) = small();
    for (offset, value, needle) in [
        (4, 2, "version 2"),
        (6, 2, "suite 0x0002"),
        (0, b'X', "magic"),
    ] {
        let mut bad = ciphertext.clone();
        bad[offset] = value;
        let err = open(&bad, &DEK, CONTEXT).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Format, "{err}");
        assert_eq!(err.kind().code(), 0x0502);
        assert!(err.to_string().contains(needle), "{err}");
        // Every format error says "not a readable kmipkit ciphertext" once, as its prefix.
        assert_eq!(
            err.to_string().matches("kmipkit ciphertext").count(),
            1,
            "{err}"
        );
    }
    let mut bad = ciphertext.clone();
    bad[0] = b'X';
    assert_eq!(
        open(&bad, &DEK, CONTEXT).unwrap_err().to_string(),
        "not a readable kmipkit ciphertext: it does not start with the magic bytes \"KMKE\""
    );
    assert_eq!(
        open(b"", &DEK, CONTEXT).unwrap_err().kind(),
        ErrorKind::Format
    );
    assert_eq!(
        open(b"KMKE\x01", &DEK, CONTEXT).unwrap_err().kind(),
        ErrorKind::Format
    );
}

#[test]
fn oversized_header_lengths_are_rejected_before_reading() {
    let (ciphertext, _, _) = small();
    let mut bad = ciphertext.clone();
    bad[7..9].copy_from_slice(&0xFFFFu16.to_be_bytes());
    let err = open(&bad, &DEK, CONTEXT).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Format, "{err}");
    let text = err.to_string();
    assert!(text.contains("65535") && text.contains("2101"), "{text}");
    assert!(
        !text.contains("Limits"),
        "a format cap is not a setting: {text}"
    );
    // The largest bound part a name and a UID of 1,024 bytes make is 2,101 bytes: one byte more
    // is refused from the length field alone (FORMAT.md §2.2).
    assert_eq!(kmipkit::envelope::format::MAX_HEADER_LEN, 6231);
    let mut at_cap = ciphertext.clone();
    at_cap[7..9].copy_from_slice(&2102u16.to_be_bytes());
    let err = open(&at_cap, &DEK, CONTEXT).unwrap_err().to_string();
    assert!(err.contains("claims 2102 bytes"), "{err}");
    // Only 9 bytes are read before the bound-part length is refused.
    let mut reader = &bad[..];
    assert!(Header::read_from(&mut reader).is_err());
    assert_eq!(reader.len(), bad.len() - 9);

    let header_len = header_len(&ciphertext);
    let mut bad = ciphertext.clone();
    bad[header_len - 42..header_len - 40].copy_from_slice(&5000u16.to_be_bytes());
    let err = open(&bad, &DEK, CONTEXT).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Format, "{err}");
    // The whole message, so that its prefix is said once (it was said twice).
    assert_eq!(
        err.to_string(),
        "not a readable kmipkit ciphertext: its wrapped DEK claims 5000 bytes, more than the 4096 \
         the format allows (the input is damaged, or was not made by kmipkit)"
    );

    // Encoding refuses what decoding would refuse.
    let mut too_big = params(64, &[0; 4097]);
    assert_eq!(
        seal(&DEK, &too_big, CONTEXT, b"x").unwrap_err().kind(),
        ErrorKind::Encode
    );
    too_big.wrapped_dek.clear();
    too_big.key_ref.name = "n".repeat(1025);
    assert_eq!(
        seal(&DEK, &too_big, CONTEXT, b"x").unwrap_err().kind(),
        ErrorKind::Encode
    );
    for frame_size in [0, 63, (1 << 20) + 1] {
        too_big = params(frame_size, b"");
        assert_eq!(
            seal(&DEK, &too_big, CONTEXT, b"x").unwrap_err().kind(),
            ErrorKind::Encode
        );
    }
}

#[test]
fn rewrap_rewrites_the_header_only() {
    let plaintext = pattern(200_000);
    let ciphertext = seal(&DEK, &params(65536, &[1; 40]), CONTEXT, &plaintext).unwrap();
    let old_len = header_len(&ciphertext);
    for wrapped in [&[2u8; 60][..], &[3; 7], &[], &[4; 4096]] {
        let rewrapped = rewrap(&ciphertext, wrapped).unwrap();
        let new_len = header_len(&rewrapped);
        assert_eq!(new_len, old_len - 40 + wrapped.len());
        assert_eq!(
            &rewrapped[new_len..],
            &ciphertext[old_len..],
            "body bytes identical"
        );
        assert_eq!(Header::parse(&rewrapped).unwrap().0.wrapped_dek, wrapped);
        assert_eq!(
            &open(&rewrapped, &DEK, CONTEXT).unwrap()[..],
            &plaintext[..]
        );
        assert_eq!(stream_open(&rewrapped, &DEK, CONTEXT).0, plaintext);
    }
}

#[test]
fn unfinished_or_failed_encryption_never_decrypts() {
    let params = params(64, b"");
    let plaintext = pattern(1000);
    // Dropped without `finish`: the last frame is never written as final.
    let mut out = Vec::new();
    {
        let mut encryptor =
            Encryptor::with_salt(&mut out, &DEK, &params, CONTEXT, [1; 32]).unwrap();
        encryptor.write_all(&plaintext).unwrap();
    }
    let err = open(&out, &DEK, CONTEXT).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");

    /// Accepts `room` bytes, then fails.
    struct Failing {
        room: usize,
    }
    impl Write for Failing {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            let n = data.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let writer = Failing { room: 300 };
    let mut encryptor = Encryptor::with_salt(writer, &DEK, &params, CONTEXT, [1; 32]).unwrap();
    let err = encryptor.write_all(&plaintext).unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert!(
        error_of(&err).is_none(),
        "a genuine I/O error passes through"
    );
    assert!(encryptor.write(b"more").is_err());
    assert!(encryptor.finish().is_err());
}

/// Feeds a decryptor through an OS pipe from an encryptor on another thread: 64 MiB pass through,
/// and neither side ever holds more than two frames.
#[test]
fn streams_64_mib_in_constant_memory() {
    const LEN: usize = 64 << 20;
    let (mut pipe_reader, pipe_writer) = std::io::pipe().unwrap();
    let writer = std::thread::spawn(move || {
        let params = params(65536, b"wrapped");
        let mut encryptor = Encryptor::new(pipe_writer, &DEK, &params, CONTEXT).unwrap();
        assert!(encryptor.buffer_capacity() <= 2 * 65536);
        let chunk = pattern(251 * 64);
        let mut left = LEN;
        while left > 0 {
            let n = left.min(chunk.len());
            encryptor.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        assert!(encryptor.buffer_capacity() <= 2 * 65536);
        encryptor.finish().unwrap();
    });
    let header = Header::read_from(&mut pipe_reader).unwrap();
    let mut decryptor = Decryptor::new(pipe_reader, &header, &DEK, CONTEXT).unwrap();
    let capacity = decryptor.buffer_capacity();
    assert!(capacity <= 2 * 65536, "{capacity}");
    let mut piece = vec![0u8; 100_000];
    let mut total = 0usize;
    loop {
        let n = decryptor.read(&mut piece).unwrap();
        if n == 0 {
            break;
        }
        for (i, byte) in piece[..n].iter().enumerate() {
            assert_eq!(*byte, ((total + i) % 251) as u8);
        }
        total += n;
        assert_eq!(decryptor.buffer_capacity(), capacity);
    }
    assert_eq!(total, LEN);
    writer.join().unwrap();
}

// ---- Frozen vectors -------------------------------------------------------------------------------

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/envelope")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

struct Vector {
    name: &'static str,
    description: &'static str,
    frame_size: u32,
    key_ref: KeyRef,
    wrapped_dek: Vec<u8>,
    context: &'static [u8],
    plaintext: Vec<u8>,
}

fn vector_inputs() -> Vec<Vector> {
    let kek = KeyRef {
        name: "orders-kek".into(),
        version: 3,
        uid: "7f3a".into(),
    };
    vec![
        Vector {
            name: "01-empty",
            description: "empty plaintext, empty key reference and context, no wrapped DEK",
            frame_size: 65536,
            key_ref: KeyRef::default(),
            wrapped_dek: Vec::new(),
            context: b"",
            plaintext: Vec::new(),
        },
        Vector {
            name: "02-model1-small",
            description: "Model 1 shape: KEK reference, 40-byte wrapped DEK, context, one short frame",
            frame_size: 65536,
            key_ref: kek.clone(),
            wrapped_dek: (0..40).collect(),
            context: b"tenant=acme;record=17",
            plaintext: b"The quick brown fox jumps over the lazy dog".to_vec(),
        },
        Vector {
            name: "03-model2-frames",
            description: "Model 2 shape: data key reference, no wrapped DEK, 64-byte frames, 3 frames (64, 64, 22)",
            frame_size: 64,
            key_ref: KeyRef {
                name: "customer-000123".into(),
                version: 2,
                uid: "e1f0c2aa-4b1f-4c1e-9d3e-01a2b3c4d5e6".into(),
            },
            wrapped_dek: Vec::new(),
            context: b"customer=000123",
            plaintext: pattern(150),
        },
        Vector {
            name: "04-exact-frames",
            description: "plaintext an exact multiple of the frame size: 2 full frames, the second final",
            frame_size: 64,
            key_ref: kek.clone(),
            wrapped_dek: vec![0xEE; 24],
            context: b"",
            plaintext: pattern(128),
        },
        Vector {
            name: "05-default-frames",
            description: "default 64 KiB frames, 65,537-byte plaintext: a full frame and a 1-byte final frame",
            frame_size: 65536,
            key_ref: kek,
            wrapped_dek: vec![0x5A; 56],
            context: "région=eu-west;κ=1".as_bytes(),
            plaintext: pattern(65537),
        },
    ]
}

fn vector_keys(index: usize) -> ([u8; 32], [u8; 32]) {
    let dek = std::array::from_fn(|i| (i + 32 * index) as u8);
    let salt = std::array::from_fn(|i| (0xFF - i - index) as u8);
    (dek, salt)
}

/// Writes the frozen vectors. Run once, by hand, when a new vector is added; never overwrites one.
#[test]
#[ignore = "generator: run by hand with --ignored write_vectors"]
fn write_vectors() {
    std::fs::create_dir_all(vector_dir()).unwrap();
    for (index, vector) in vector_inputs().iter().enumerate() {
        let path = vector_dir().join(format!("{}.json", vector.name));
        if path.exists() {
            continue;
        }
        let (dek, salt) = vector_keys(index);
        let mut params = Params::new(vector.key_ref.clone());
        params.frame_size = vector.frame_size;
        params.wrapped_dek = vector.wrapped_dek.clone();
        let ciphertext =
            seal_with_salt(&dek, &params, vector.context, salt, &vector.plaintext).unwrap();
        let json = serde_json::json!({
            "description": vector.description,
            "dek": hex(&dek),
            "salt": hex(&salt),
            "key_name": vector.key_ref.name,
            "key_version": vector.key_ref.version,
            "key_uid": vector.key_ref.uid,
            "wrapped_dek": hex(&vector.wrapped_dek),
            "context": hex(vector.context),
            "frame_size": vector.frame_size,
            "plaintext": hex(&vector.plaintext),
            "ciphertext": hex(&ciphertext),
        });
        let text = serde_json::to_string_pretty(&json).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn frozen_vectors_decrypt() {
    let mut files: Vec<_> = std::fs::read_dir(vector_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let field = |name: &str| unhex(json[name].as_str().unwrap());
        let dek: [u8; 32] = field("dek").try_into().unwrap();
        let (context, plaintext, ciphertext) =
            (field("context"), field("plaintext"), field("ciphertext"));
        let what = path.display();
        assert_eq!(
            &open(&ciphertext, &dek, &context).unwrap()[..],
            &plaintext[..],
            "{what}"
        );
        assert_eq!(
            stream_open(&ciphertext, &dek, &context).0,
            plaintext,
            "{what}"
        );
        let header = Header::parse(&ciphertext).unwrap().0;
        assert_eq!(
            header.key_ref.name,
            json["key_name"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(
            u64::from(header.key_ref.version),
            json["key_version"].as_u64().unwrap()
        );
        assert_eq!(
            header.key_ref.uid,
            json["key_uid"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(header.wrapped_dek, field("wrapped_dek"), "{what}");
        assert_eq!(
            u64::from(header.frame_size),
            json["frame_size"].as_u64().unwrap()
        );
        assert_eq!(header.salt.to_vec(), field("salt"), "{what}");
        // This version still writes the same bytes from the same inputs.
        let mut params = Params::new(header.key_ref.clone());
        params.frame_size = header.frame_size;
        params.wrapped_dek = header.wrapped_dek.clone();
        let again = seal_with_salt(&dek, &params, &context, header.salt, &plaintext).unwrap();
        assert_eq!(again, ciphertext, "{what}");
    }
}
