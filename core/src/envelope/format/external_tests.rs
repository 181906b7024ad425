//! The external-AES frame plan against the software path: byte-identical frames, the frozen
//! vectors, and the same errors for tampering and truncation.

use super::crypto::{Backend, RustCrypto};
use super::external::{frame_error, open_frames, plan_open, plan_seal, seal_frames};
use super::memory::{open_with, seal_with};
use super::{KeyRef, Params};
use crate::error::Result;

/// Seals through the plan, with RustCrypto standing in for the host's AES-GCM.
fn seal_planned(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plain: &[u8],
) -> Vec<u8> {
    let (mut out, plan) = plan_seal(dek, params, context, salt).unwrap();
    let key = RustCrypto::key(plan.key());
    for frame in seal_frames(plan.frame_size(), plain.len()).unwrap() {
        let mut buf = plain[frame.start..frame.end].to_vec();
        let tag = RustCrypto::seal(&key, &plan.nonce(frame.index, frame.last), &mut buf);
        out.extend_from_slice(&buf);
        out.extend_from_slice(&tag);
    }
    out
}

/// Opens through the plan, as the WebCrypto path does (including the truncation retry).
fn open_planned(ciphertext: &[u8], dek: &[u8; 32], context: &[u8]) -> Result<Vec<u8>> {
    let (plan, body_start) = plan_open(ciphertext, dek, context)?;
    let body = &ciphertext[body_start..];
    let key = RustCrypto::key(plan.key());
    let mut out = Vec::new();
    for frame in open_frames(plan.frame_size(), body.len())? {
        let mut buf = body[frame.start..frame.end].to_vec();
        if !RustCrypto::open(&key, &plan.nonce(frame.index, frame.last), &mut buf) {
            let mut again = body[frame.start..frame.end].to_vec();
            let non_final = RustCrypto::open(&key, &plan.nonce(frame.index, false), &mut again);
            return Err(frame_error(&frame, plan.frame_size(), non_final));
        }
        out.extend_from_slice(&buf[..buf.len() - 16]);
    }
    Ok(out)
}

fn params(frame_size: u32) -> Params {
    let mut params = Params::new(KeyRef {
        name: "k".into(),
        version: 3,
        uid: "u".into(),
    });
    params.frame_size = frame_size;
    params.wrapped_dek = vec![7; 40];
    params
}

#[test]
fn planned_frames_equal_the_software_path_byte_for_byte() {
    let dek = [0x42; 32];
    for (frame_size, len) in [
        (64, 0),
        (64, 1),
        (64, 64),
        (64, 128),
        (64, 200),
        (65536, 65537),
    ] {
        let plain: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let planned = seal_planned(&dek, &params(frame_size), b"ctx", [3; 32], &plain);
        let software =
            seal_with::<RustCrypto>(&dek, &params(frame_size), b"ctx", [3; 32], &plain).unwrap();
        assert_eq!(planned, software, "frame size {frame_size}, {len} bytes");
        assert_eq!(open_planned(&software, &dek, b"ctx").unwrap(), plain);
    }
}

#[test]
fn planned_path_gives_the_software_errors() {
    let dek = [0x42; 32];
    let plain: Vec<u8> = (0..300).map(|i| i as u8).collect();
    let ct = seal_with::<RustCrypto>(&dek, &params(64), b"ctx", [3; 32], &plain).unwrap();
    let body_start = ct.len() - (300 + 5 * 16);
    let mut cases: Vec<(&str, Vec<u8>, &[u8])> = vec![
        ("wrong context", ct.clone(), b"other"),
        (
            "cut at a frame boundary",
            ct[..body_start + 2 * 80].to_vec(),
            b"ctx",
        ),
        (
            "cut inside a tag",
            ct[..body_start + 80 + 70].to_vec(),
            b"ctx",
        ),
        ("cut after the header", ct[..body_start].to_vec(), b"ctx"),
        (
            "cut inside the last frame",
            ct[..ct.len() - 1].to_vec(),
            b"ctx",
        ),
    ];
    let mut flipped = ct.clone();
    flipped[body_start + 100] ^= 1;
    cases.push(("a modified frame", flipped, b"ctx"));
    let mut header = ct.clone();
    header[10] ^= 1;
    cases.push(("a modified header", header, b"ctx"));
    for (what, bytes, context) in cases {
        let software = open_with::<RustCrypto>(&bytes, &dek, context).unwrap_err();
        let planned = open_planned(&bytes, &dek, context).unwrap_err();
        assert_eq!(planned.kind(), software.kind(), "{what}");
        assert_eq!(planned.to_string(), software.to_string(), "{what}");
    }
}

#[test]
fn planned_path_reproduces_and_opens_the_frozen_vectors() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/envelope");
    if !dir.is_dir() {
        eprintln!(
            "skipped: {} is absent (not a repository checkout)",
            dir.display()
        );
        return;
    }
    let unhex = |t: &str| -> Vec<u8> {
        (0..t.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&t[i..i + 2], 16).unwrap())
            .collect()
    };
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
        let mut params = Params::new(KeyRef {
            name: json["key_name"].as_str().unwrap().into(),
            version: json["key_version"].as_u64().unwrap() as u32,
            uid: json["key_uid"].as_str().unwrap().into(),
        });
        params.frame_size = json["frame_size"].as_u64().unwrap() as u32;
        params.wrapped_dek = field("wrapped_dek");
        let salt: [u8; 32] = field("salt").try_into().unwrap();
        let (context, plain, ct) = (field("context"), field("plaintext"), field("ciphertext"));
        assert_eq!(
            seal_planned(&dek, &params, &context, salt, &plain),
            ct,
            "{}",
            path.display()
        );
        assert_eq!(
            open_planned(&ct, &dek, &context).unwrap(),
            plain,
            "{}",
            path.display()
        );
        count += 1;
    }
    assert!(count >= 5);
}
