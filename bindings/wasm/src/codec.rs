//! The TTLV codec: binary TTLV, the KMIP XML and JSON encodings, the readable dump, and the
//! typed message model, over `Uint8Array`s and strings. The same calls as Python's `TextCodec`,
//! `dump_ttlv`, `normalize_ttlv` and `parse_message`.

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, dump, json, xml};
use serde_json::json as j;
use wasm_bindgen::prelude::*;

use crate::errors::IntoJs;
use crate::json_value;

/// Converts between binary TTLV and the KMIP XML and JSON encodings. Test-case placeholders
/// (`$NOW`, `$UNIQUE_IDENTIFIER_0`, ...) read from text map to stand-in values that this codec
/// writes back as the same placeholders, so keep one codec per test case.
///
/// ```js
/// const codec = new TextCodec();
/// const bytes = codec.jsonToTtlv('{"tag":"ProtocolVersionMajor","type":"Integer","value":1}');
/// codec.ttlvToXml(bytes); // '<ProtocolVersionMajor type="Integer" value="1"/>'
/// ```
#[wasm_bindgen]
#[derive(Default)]
pub struct TextCodec {
    placeholders: Placeholders,
}

fn decode(data: &[u8]) -> Result<Item<'static>, JsValue> {
    // The default limits cap size, depth and item count: nothing a peer sends can make the
    // decoder allocate more than it received or recurse without bound.
    Item::from_bytes(data, &Limits::default()).js()
}

#[wasm_bindgen]
impl TextCodec {
    /// A codec with no placeholders read yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// One KMIP XML element to TTLV bytes.
    #[wasm_bindgen(js_name = xmlToTtlv)]
    pub fn xml_to_ttlv(&mut self, text: &str) -> Result<Vec<u8>, JsValue> {
        Ok(xml::from_str(text, &mut self.placeholders).js()?.to_bytes())
    }

    /// Every message of a KMIP XML test case, as TTLV bytes.
    #[wasm_bindgen(js_name = xmlMessagesToTtlv)]
    pub fn xml_messages_to_ttlv(&mut self, text: &str) -> Result<Vec<js_sys::Uint8Array>, JsValue> {
        let items = xml::messages_from_str(text, &mut self.placeholders).js()?;
        Ok(items
            .iter()
            .map(|i| js_sys::Uint8Array::from(&i.to_bytes()[..]))
            .collect())
    }

    /// TTLV bytes to KMIP XML.
    #[wasm_bindgen(js_name = ttlvToXml)]
    pub fn ttlv_to_xml(&self, data: &[u8]) -> Result<String, JsValue> {
        Ok(xml::to_string(&decode(data)?, &self.placeholders))
    }

    /// KMIP JSON to TTLV bytes.
    #[wasm_bindgen(js_name = jsonToTtlv)]
    pub fn json_to_ttlv(&mut self, text: &str) -> Result<Vec<u8>, JsValue> {
        Ok(json::from_str(text, &mut self.placeholders)
            .js()?
            .to_bytes())
    }

    /// TTLV bytes to KMIP JSON (`compact`: on one line).
    #[wasm_bindgen(js_name = ttlvToJson)]
    pub fn ttlv_to_json(&self, data: &[u8], compact: Option<bool>) -> Result<String, JsValue> {
        let item = decode(data)?;
        Ok(if compact.unwrap_or(false) {
            json::to_string_compact(&item, &self.placeholders)
        } else {
            json::to_string(&item, &self.placeholders)
        })
    }

    /// How many placeholders have been read so far.
    #[wasm_bindgen(getter, js_name = placeholderCount)]
    pub fn placeholder_count(&self) -> usize {
        self.placeholders.len()
    }
}

/// A readable tree of TTLV bytes; byte strings show only their length.
#[wasm_bindgen(js_name = dumpTtlv)]
pub fn dump_ttlv(data: &[u8]) -> Result<String, JsValue> {
    Ok(dump::to_string(&decode(data)?))
}

/// Checks that TTLV bytes are well-formed and re-encodes them (the canonical form).
#[wasm_bindgen(js_name = normalizeTtlv)]
pub fn normalize_ttlv(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    Ok(decode(data)?.to_bytes())
}

/// Reads a request or response message into the typed model: `{kind: "request" | "response",
/// version: "1.4", operations: [...], results?: [{status, reason}], reencoded: Uint8Array}`,
/// `reencoded` being the typed model written back to TTLV.
#[wasm_bindgen(js_name = parseMessage)]
pub fn parse_message(data: &[u8]) -> Result<JsValue, JsValue> {
    let item = decode(data)?;
    let (doc, reencoded) = if item.tag == Tag::RequestMessage {
        let m = RequestMessage::from_item(&item).js()?;
        let ops: Vec<String> = m
            .batch_items
            .iter()
            .map(|b| b.operation.to_string())
            .collect();
        let doc = j!({
            "kind": "request",
            "version": m.header.protocol_version.to_string(),
            "operations": ops,
        });
        (doc, m.to_bytes())
    } else {
        let m = ResponseMessage::from_item(&item).js()?;
        let ops: Vec<Option<String>> = m
            .batch_items
            .iter()
            .map(|b| b.operation.map(|o| o.to_string()))
            .collect();
        let results: Vec<serde_json::Value> = m
            .batch_items
            .iter()
            .map(|b| {
                j!({
                    "status": b.result_status.to_string(),
                    "reason": b.result_reason.map(|r| r.to_string()),
                })
            })
            .collect();
        let doc = j!({
            "kind": "response",
            "version": m.header.protocol_version.to_string(),
            "operations": ops,
            "results": results,
        });
        (doc, m.to_bytes())
    };
    let out = json_value(&doc)?;
    let bytes = js_sys::Uint8Array::from(&reencoded[..]);
    js_sys::Reflect::set(&out, &"reencoded".into(), &bytes)?;
    Ok(out)
}
