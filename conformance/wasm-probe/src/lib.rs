//! Links the whole sans-IO core into one wasm module: TTLV, XML, JSON, the typed model and the
//! envelope ciphertext format (RustCrypto AES-256-GCM and HKDF on wasm32).
//!
//! `scripts/check-wasm-imports.py` then reads the module's import section; the codec must not
//! need anything from the host (no `env` imports), or it would not run in a browser as is.

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::ttlv::{Item, Limits, Placeholders, json, xml};

/// Decodes `len` bytes at `ptr` as a KMIP message and re-encodes it through every encoding;
/// returns the re-encoded length, or -1 when the input is not a message.
///
/// The pointer is taken as an integer so this crate stays free of `unsafe`: the probe only has
/// to exist in the module, it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_probe_roundtrip(input_len: usize) -> i64 {
    let bytes = vec![0u8; input_len];
    roundtrip(&bytes).map_or(-1, |n| n as i64)
}

/// Seals and opens `len` bytes with the envelope format; returns the ciphertext length, or -1.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_probe_envelope(len: usize) -> i64 {
    envelope(&vec![7u8; len]).map_or(-1, |n| n as i64)
}

/// The envelope round trip behind the exported probe.
pub fn envelope(plaintext: &[u8]) -> Option<usize> {
    use kmipkit::envelope::format::{KeyRef, Params, open, seal_with_salt};
    let dek = [1u8; 32];
    let key_ref = KeyRef {
        name: "probe".into(),
        version: 1,
        uid: "1".into(),
    };
    let sealed = seal_with_salt(&dek, &Params::new(key_ref), b"ctx", [2u8; 32], plaintext).ok()?;
    let opened = open(&sealed, &dek, b"ctx").ok()?;
    (opened.as_slice() == plaintext).then_some(sealed.len())
}

/// The round trip behind the exported probe.
pub fn roundtrip(bytes: &[u8]) -> Option<usize> {
    let item = Item::decode(bytes, &Limits::default()).ok()?;
    let mut placeholders = Placeholders::default();
    let xml_text = xml::to_string(&item, &placeholders);
    let from_xml = xml::from_str(&xml_text, &mut placeholders).ok()?;
    let json_text = json::to_string(&from_xml, &placeholders);
    let from_json = json::from_str(&json_text, &mut placeholders).ok()?;
    let bytes = match RequestMessage::from_item(&from_json) {
        Ok(m) => m.to_bytes(),
        Err(_) => ResponseMessage::from_item(&from_json).ok()?.to_bytes(),
    };
    Some(bytes.len())
}
