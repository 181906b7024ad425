//! The vectors of docs/FORMAT.md §8 beyond the five frozen ciphertexts: key-value context
//! encodings (§3.1), a ciphertext sealed under such a context, and negative vectors, each with the
//! error class and the stage (§6) that must reject it.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Read;
use std::path::{Path, PathBuf};

use kmipkit::ErrorKind;
use kmipkit::envelope::format::{
    Decryptor, Header, KeyRef, Params, decode_context, encode_context, error_of, open,
    seal_with_salt,
};
use serde_json::{Value, json};

fn dir() -> PathBuf {
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

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn field(v: &Value, name: &str) -> Vec<u8> {
    unhex(v[name].as_str().unwrap_or_else(|| panic!("field {name}")))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Pairs as the vectors write them: a list of `[key, value]`.
fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let kv = p.as_array().unwrap();
            (
                kv[0].as_str().unwrap().into(),
                kv[1].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// What decrypting gives: `Ok` with the plaintext, or the error kind and the stage that failed
/// (`header`, `commitment` or `frames`), through the streaming API so the stage is visible.
fn decrypt(
    ciphertext: &[u8],
    dek: &[u8; 32],
    context: &[u8],
) -> Result<Vec<u8>, (ErrorKind, &'static str)> {
    let mut reader = ciphertext;
    let header = Header::read_from(&mut reader)
        .map_err(|e| (error_of(&e).expect("kmipkit error").kind(), "header"))?;
    let mut decryptor =
        Decryptor::new(reader, &header, dek, context).map_err(|e| (e.kind(), "commitment"))?;
    let mut out = Vec::new();
    decryptor
        .read_to_end(&mut out)
        .map_err(|e| (error_of(&e).expect("kmipkit error").kind(), "frames"))?;
    Ok(out)
}

#[test]
fn context_encodings() {
    let v = load(&dir().join("contexts/encodings.json"));
    let valid = v["valid"].as_array().unwrap();
    let refused = v["refused"].as_array().unwrap();
    assert!(valid.len() >= 8 && refused.len() >= 4);
    for case in valid {
        let bytes = field(case, "bytes");
        let pairs = pairs(&case["pairs"]);
        assert_eq!(encode_context(pairs.clone()).unwrap(), bytes, "{case}");
        let decoded = decode_context(&bytes).unwrap_or_else(|| panic!("{case}"));
        let mut sorted = pairs;
        sorted.sort();
        assert_eq!(decoded.into_iter().collect::<Vec<_>>(), sorted, "{case}");
    }
    for case in refused {
        let err = encode_context(pairs(&case["pairs"])).expect_err(&case.to_string());
        assert_eq!(err.kind(), ErrorKind::Encode, "{case}");
    }
}

#[test]
fn ciphertext_under_a_key_value_context() {
    let v = load(&dir().join("06-context-pairs.json"));
    let context = encode_context(pairs(&v["context_pairs"])).unwrap();
    assert_eq!(context, field(&v, "context"));
    let dek: [u8; 32] = field(&v, "dek").try_into().unwrap();
    assert_eq!(
        decrypt(&field(&v, "ciphertext"), &dek, &context).unwrap(),
        field(&v, "plaintext")
    );
}

#[test]
fn negative_vectors_fail_with_their_class_at_their_stage() {
    let files = json_files(&dir().join("negative"));
    assert!(files.len() >= 12, "{files:?}");
    for path in files {
        let v = load(&path);
        let what = path.display();
        let dek: [u8; 32] = field(&v, "dek").try_into().unwrap();
        let (ciphertext, context) = (field(&v, "ciphertext"), field(&v, "context"));
        let kind = match v["error"].as_str().unwrap() {
            "format" => ErrorKind::Format,
            "integrity" => ErrorKind::Integrity,
            other => panic!("{what}: unknown class {other}"),
        };
        let stage = v["fails_at"].as_str().unwrap();
        assert_eq!(
            decrypt(&ciphertext, &dek, &context).unwrap_err(),
            (kind, stage),
            "{what}"
        );
        // In memory the same class, and nothing released.
        assert_eq!(
            open(&ciphertext, &dek, &context).unwrap_err().kind(),
            kind,
            "{what}"
        );
    }
}

/// A context of 4 GiB or more cannot have been bound (§3's length field has 4 bytes): decoding
/// under one is an integrity failure before any frame, never a length taken modulo 2^32.
#[test]
fn context_of_4_gib_is_an_integrity_failure() {
    let v = load(&dir().join("01-empty.json"));
    let dek: [u8; 32] = field(&v, "dek").try_into().unwrap();
    // Zeroed pages are mapped lazily: this costs address space, not 4 GiB of memory. Its length
    // modulo 2^32 is 0, the length of vector 01's (empty) context.
    let huge = vec![0u8; 1 << 32];
    let ciphertext = field(&v, "ciphertext");
    assert_eq!(
        decrypt(&ciphertext, &dek, &huge).unwrap_err(),
        (ErrorKind::Integrity, "commitment")
    );
    let err = open(&ciphertext, &dek, &huge).unwrap_err();
    assert!(err.to_string().contains("4 GiB"), "{err}");
}

// ---- Generator ------------------------------------------------------------------------------------

/// Writes `contexts/encodings.json`, `06-context-pairs.json` and `negative/*.json`. Run once, by
/// hand, when a vector is added; never overwrites a file.
/// `07-model1-key-wrap.json` carries a real Model 1 protected DEK (method 0x02, made by Cosmian
/// KMS): it reads as the fields the vector lists, writes back to the same bytes, and is what
/// the ciphertext's header holds. (Unwrapping it needs the KEK: `decode.py` does that with
/// RFC 5649, and `live_envelope_keywrap` through Cosmian.)
#[test]
fn key_wrap_vector_blob_reads_as_listed() {
    use kmipkit::envelope::model1::{ProtectedDek, ProtectionMethod, protected_dek_of};
    let v = load(&dir().join("07-model1-key-wrap.json"));
    let blob = field(&v, "wrapped_dek");
    let protected = ProtectedDek::from_bytes(&blob).unwrap();
    let listed = &v["protected_dek"];
    assert_eq!(listed["method"], 2);
    assert_eq!(protected.method, ProtectionMethod::KmipKeyWrapAesPadding);
    assert_eq!(protected.kek.name, listed["kek_name"].as_str().unwrap());
    assert_eq!(
        u64::from(protected.kek.version),
        listed["kek_version"].as_u64().unwrap()
    );
    assert_eq!(protected.kek.uid, listed["kek_uid"].as_str().unwrap());
    assert!(protected.iv.is_empty() && protected.tag.is_empty());
    assert_eq!(protected.encrypted_dek, field(listed, "encrypted_dek"));
    assert_eq!(protected.encrypted_dek.len(), 40);
    assert_eq!(protected.to_bytes().unwrap(), blob);
    assert_eq!(
        protected_dek_of(&field(&v, "ciphertext")).unwrap(),
        protected
    );
}

#[test]
#[ignore = "generator: run by hand with --ignored write_more_vectors"]
fn write_more_vectors() {
    write_context_vectors();
    write_negative_vectors();
}

fn write_new(path: PathBuf, value: &Value) {
    if path.exists() {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
}

fn write_context_vectors() {
    let valid: &[&[(&str, &str)]] = &[
        &[],
        &[("table", "orders")],
        &[("table", "orders"), ("row", "7")],
        &[("k", "")],
        &[("a", "b=c"), ("b", "==")],
        &[("path\\to", "C:\\data\\x"), ("cr", "a\rb")],
        &[("note", "line one\nline two")],
        &[("k", "\n=\n")],
        &[("row", "1"), ("région", "eu"), ("Z", "upper first")],
        &[("κ", "1"), ("😀", "emoji"), ("z", "2")],
        &[("nul", "\0")],
    ];
    let refused: &[&[(&str, &str)]] = &[
        &[("", "empty key")],
        &[("a=b", "key holding =")],
        &[("a\nb", "key holding a line feed")],
        &[("a", "1"), ("a", "2")],
    ];
    let list = |cases: &[&[(&str, &str)]], with_bytes: bool| -> Vec<Value> {
        cases
            .iter()
            .map(|pairs| {
                let mut case = json!({ "pairs": pairs.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>() });
                if with_bytes {
                    case["bytes"] = json!(hex(&encode_context(pairs.iter().copied()).unwrap()));
                }
                case
            })
            .collect()
    };
    write_new(
        dir().join("contexts/encodings.json"),
        &json!({
            "description": "canonical encodings of key-value encryption contexts (FORMAT.md §3.1): `pairs` encode to `bytes` in any order; `refused` pairs have no encoding",
            "valid": list(valid, true),
            "refused": list(refused, false),
        }),
    );

    let pairs = [
        ("table", "orders"),
        ("row", "7"),
        ("région", "eu-west"),
        ("note", "first line\nsecond line"),
        ("path", "C:\\exports\\a=b"),
    ];
    let context = encode_context(pairs).unwrap();
    let dek: [u8; 32] = std::array::from_fn(|i| (0xA0 + i) as u8);
    let salt: [u8; 32] = std::array::from_fn(|i| (0x60 + i) as u8);
    let mut params = Params::new(KeyRef {
        name: "customer-000123".into(),
        version: 1,
        uid: "41".into(),
    });
    params.frame_size = 64;
    let plaintext = b"order 7: 3 items, shipped".to_vec();
    let ciphertext = seal_with_salt(&dek, &params, &context, salt, &plaintext).unwrap();
    write_new(
        dir().join("06-context-pairs.json"),
        &json!({
            "description": "context given as key-value pairs (FORMAT.md §3.1), with `=`, a backslash, a line feed and a non-ASCII key; `context` is their canonical encoding",
            "dek": hex(&dek),
            "salt": hex(&salt),
            "key_name": params.key_ref.name,
            "key_version": params.key_ref.version,
            "key_uid": params.key_ref.uid,
            "wrapped_dek": "",
            "context": hex(&context),
            "context_pairs": pairs.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "frame_size": 64,
            "plaintext": hex(&plaintext),
            "ciphertext": hex(&ciphertext),
        }),
    );
}

fn write_negative_vectors() {
    // Vector 03: header of 138 bytes (B = 104, no wrapped DEK), frames of 80, 80 and 38 bytes.
    let frames = load(&dir().join("03-model2-frames.json"));
    let (ct, dek, context) = (
        field(&frames, "ciphertext"),
        field(&frames, "dek"),
        field(&frames, "context"),
    );
    let header_len = Header::parse(&ct).unwrap().1;
    assert_eq!(header_len, 138);
    let body = |i: usize| header_len + 80 * i;
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut c = ct.clone();
        f(&mut c);
        c
    };
    let mut wrong_key = dek.clone();
    wrong_key[31] ^= 1;
    // Vector 02: key name "orders-kek" at offset 47.
    let model1 = load(&dir().join("02-model1-small.json"));
    let (ct2, dek2, context2) = (
        field(&model1, "ciphertext"),
        field(&model1, "dek"),
        field(&model1, "context"),
    );
    let in_name = |bytes: &[u8]| {
        let mut c = ct2.clone();
        c[47..47 + bytes.len()].copy_from_slice(bytes);
        c
    };

    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Vec<u8>,
        &'a [u8],
        &'a [u8],
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "01-header-salt",
            "03-model2-frames",
            "one bit of the salt flipped",
            edit(&|c| c[13] ^= 1),
            &dek,
            &context,
            "commitment",
        ),
        (
            "02-header-key-version",
            "03-model2-frames",
            "key version 2 changed to 3",
            edit(&|c| c[47 + 15 + 3] = 3),
            &dek,
            &context,
            "commitment",
        ),
        (
            "03-header-commitment",
            "03-model2-frames",
            "one bit of the stored commitment flipped",
            edit(&|c| c[104] ^= 0x80),
            &dek,
            &context,
            "commitment",
        ),
        (
            "04-header-version",
            "03-model2-frames",
            "format version 2",
            edit(&|c| c[4] = 2),
            &dek,
            &context,
            "header",
        ),
        (
            "05-header-frame-size",
            "03-model2-frames",
            "frame size 63, below the minimum",
            edit(&|c| c[12] = 63),
            &dek,
            &context,
            "header",
        ),
        (
            "06-frame-tampered",
            "03-model2-frames",
            "one bit of frame 1's ciphertext flipped",
            edit(&|c| c[body(1) + 5] ^= 1),
            &dek,
            &context,
            "frames",
        ),
        (
            "07-frame-tag-tampered",
            "03-model2-frames",
            "one bit of the final frame's tag flipped",
            edit(&|c| *c.last_mut().unwrap() ^= 1),
            &dek,
            &context,
            "frames",
        ),
        (
            "08-frames-reordered",
            "03-model2-frames",
            "frames 0 and 1 swapped",
            edit(&|c| {
                let (a, b) = (c[body(0)..body(1)].to_vec(), c[body(1)..body(2)].to_vec());
                c[body(0)..body(1)].copy_from_slice(&b);
                c[body(1)..body(2)].copy_from_slice(&a);
            }),
            &dek,
            &context,
            "frames",
        ),
        (
            "09-truncated-at-frame-boundary",
            "03-model2-frames",
            "the final frame dropped",
            ct[..body(2)].to_vec(),
            &dek,
            &context,
            "frames",
        ),
        (
            "10-truncated-inside-frame",
            "03-model2-frames",
            "the last 5 bytes cut",
            ct[..ct.len() - 5].to_vec(),
            &dek,
            &context,
            "frames",
        ),
        (
            "11-truncated-body-empty",
            "03-model2-frames",
            "no frame at all after the header",
            ct[..header_len].to_vec(),
            &dek,
            &context,
            "frames",
        ),
        (
            "12-truncated-header",
            "03-model2-frames",
            "cut inside the key name",
            ct[..60].to_vec(),
            &dek,
            &context,
            "header",
        ),
        (
            "13-appended-bytes",
            "03-model2-frames",
            "16 zero bytes after the final frame",
            edit(&|c| c.extend_from_slice(&[0; 16])),
            &dek,
            &context,
            "frames",
        ),
        (
            "14-wrong-context",
            "03-model2-frames",
            "context customer=000124 instead of customer=000123",
            ct.clone(),
            &dek,
            b"customer=000124",
            "commitment",
        ),
        (
            "15-wrong-key",
            "03-model2-frames",
            "the last bit of the DEK flipped",
            ct.clone(),
            &wrong_key,
            &context,
            "commitment",
        ),
        (
            "16-name-overlong-utf8",
            "02-model1-small",
            "key name starts C0 AF, an overlong `/` (not UTF-8 under RFC 3629)",
            in_name(&[0xC0, 0xAF]),
            &dek2,
            &context2,
            "header",
        ),
        (
            "17-name-surrogate",
            "02-model1-small",
            "key name starts ED A0 80, the surrogate U+D800 (not UTF-8 under RFC 3629)",
            in_name(&[0xED, 0xA0, 0x80]),
            &dek2,
            &context2,
            "header",
        ),
        (
            "18-several-faults",
            "03-model2-frames",
            "format version 2, a tampered frame, a wrong key and a wrong context: the header's format error wins",
            edit(&|c| {
                c[4] = 2;
                c[body(1)] ^= 1;
            }),
            &wrong_key,
            b"other",
            "header",
        ),
        (
            "19-commitment-before-frames",
            "03-model2-frames",
            "a tampered frame under a wrong context: the commitment fails first",
            edit(&|c| c[body(0)] ^= 1),
            &dek,
            b"other",
            "commitment",
        ),
    ];
    for (name, base, change, ciphertext, dek, context, stage) in cases {
        let error = if stage == "header" {
            "format"
        } else {
            "integrity"
        };
        write_new(
            dir().join("negative").join(format!("{name}.json")),
            &json!({
                "description": format!("vector {base} with {change}"),
                "based_on": format!("{base}"),
                "dek": hex(dek),
                "context": hex(context),
                "ciphertext": hex(&ciphertext),
                "error": error,
                "fails_at": stage,
            }),
        );
    }
}
