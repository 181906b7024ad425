//! Links the whole sans-IO codec into one wasm module: TTLV, XML, JSON and the typed model.
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
