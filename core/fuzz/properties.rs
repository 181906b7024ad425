//! The properties each fuzz target checks, shared with `core/tests/fuzz_regressions.rs` so that
//! every saved crash input is replayed by the normal test suite. Each function panics when its
//! property does not hold.

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::ttlv::{Item, Limits, Placeholders, json, xml};

/// Any bytes: decoding never panics; whatever decodes re-encodes to a tree that decodes equal
/// (padding bytes may differ: the decoder accepts any, the encoder writes zeros).
pub fn ttlv_decode(data: &[u8]) {
    if let Ok(item) = Item::decode(data, &Limits::default()) {
        let bytes = item.to_bytes();
        assert_eq!(bytes.len(), item.encoded_len());
        let again = Item::decode(&bytes, &Limits::default()).expect("re-decode");
        assert_eq!(again, item);
    }
}

/// Any bytes: typed decoding never panics, and a decoded message survives encode + decode.
pub fn typed_decode(data: &[u8]) {
    let Ok(item) = Item::decode(data, &Limits::default()) else {
        return;
    };
    if let Ok(message) = RequestMessage::from_item(&item) {
        let again = RequestMessage::from_bytes(&message.to_bytes(), &Limits::default());
        assert_eq!(again.as_ref().ok(), Some(&message));
    }
    if let Ok(message) = ResponseMessage::from_item(&item) {
        let again = ResponseMessage::from_bytes(&message.to_bytes(), &Limits::default());
        assert_eq!(again.as_ref().ok(), Some(&message));
    }
}

/// Any text: the XML reader never panics, and what it reads writes back to the same tree.
pub fn xml_decode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut placeholders = Placeholders::default();
    if let Ok(item) = xml::from_str(text, &mut placeholders) {
        let written = xml::to_string(&item, &placeholders);
        let again = xml::from_str(&written, &mut placeholders).expect("re-read written XML");
        assert_eq!(again, item);
    }
    let _ = xml::messages_from_str(text, &mut placeholders);
}

/// Any text: the JSON reader never panics, and what it reads writes back to the same tree.
pub fn json_decode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut placeholders = Placeholders::default();
    if let Ok(item) = json::from_str(text, &mut placeholders) {
        let written = json::to_string(&item, &placeholders);
        let again = json::from_str(&written, &mut placeholders).expect("re-read written JSON");
        assert_eq!(again, item);
    }
}
