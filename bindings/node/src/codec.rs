//! The KMIP codec, as Python's `kmipkit.ttlv` and the CLI's `kmipkit codec` give it: binary
//! TTLV <-> the KMIP JSON and XML encodings, the readable dump, and the typed message model.
//! Everything here is the core's `kmipkit::ttlv`; decoding is bounded by its default `Limits`
//! (bad or oversized input is a `Decode`/`LimitExceeded` error, never a panic).

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, dump, json, xml};
use napi::bindgen_prelude::{Buffer, Uint8Array};
use napi_derive::napi;

use crate::errors;

fn decode(data: &[u8]) -> napi::Result<Item<'static>> {
    Item::from_bytes(data, &Limits::default()).map_err(errors::to_napi)
}

fn buffer(item: &Item<'_>) -> Buffer {
    Buffer::from(item.to_bytes())
}

/// Converts between TTLV bytes and KMIP XML or JSON text. Test-case placeholders (`$NOW`,
/// `$UNIQUE_IDENTIFIER_0`, ...) read from text become stand-in values that this codec writes
/// back as the same placeholders, so one codec should serve one test case.
#[napi]
#[derive(Default)]
pub struct NativeTextCodec {
    placeholders: Placeholders,
}

#[napi]
impl NativeTextCodec {
    /// A codec with no placeholders read yet.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// One KMIP XML element to TTLV bytes.
    #[napi]
    pub fn xml_to_ttlv(&mut self, text: String) -> napi::Result<Buffer> {
        let item = xml::from_str(&text, &mut self.placeholders).map_err(errors::to_napi)?;
        Ok(buffer(&item))
    }

    /// Every message of a KMIP XML test case, as TTLV bytes.
    #[napi]
    pub fn xml_messages_to_ttlv(&mut self, text: String) -> napi::Result<Vec<Buffer>> {
        let items =
            xml::messages_from_str(&text, &mut self.placeholders).map_err(errors::to_napi)?;
        Ok(items.iter().map(buffer).collect())
    }

    /// TTLV bytes to KMIP XML.
    #[napi]
    pub fn ttlv_to_xml(&self, data: Uint8Array) -> napi::Result<String> {
        Ok(xml::to_string(&decode(&data)?, &self.placeholders))
    }

    /// KMIP JSON to TTLV bytes.
    #[napi]
    pub fn json_to_ttlv(&mut self, text: String) -> napi::Result<Buffer> {
        let item = json::from_str(&text, &mut self.placeholders).map_err(errors::to_napi)?;
        Ok(buffer(&item))
    }

    /// TTLV bytes to KMIP JSON (`compact`: on one line).
    #[napi]
    pub fn ttlv_to_json(&self, data: Uint8Array, compact: Option<bool>) -> napi::Result<String> {
        let item = decode(&data)?;
        Ok(if compact.unwrap_or(false) {
            json::to_string_compact(&item, &self.placeholders)
        } else {
            json::to_string(&item, &self.placeholders)
        })
    }

    /// How many placeholders this codec has read.
    #[napi(getter)]
    pub fn placeholders(&self) -> u32 {
        u32::try_from(self.placeholders.len()).unwrap_or(u32::MAX)
    }
}

/// A readable tree of TTLV bytes; byte strings show only their length (never key bytes).
#[napi]
pub fn dump_ttlv(data: Uint8Array) -> napi::Result<String> {
    Ok(dump::to_string(&decode(&data)?))
}

/// Checks that TTLV bytes are well-formed and re-encodes them (the canonical form).
#[napi]
pub fn normalize_ttlv(data: Uint8Array) -> napi::Result<Buffer> {
    Ok(buffer(&decode(&data)?))
}

/// One batch item's outcome in a response.
#[napi(object)]
pub struct BatchResult {
    /// The Result Status (`"Success"`, `"OperationFailed"`, ...).
    pub status: String,
    /// The Result Reason of a failure (`"ItemNotFound"`).
    pub reason: Option<String>,
}

/// A request or response message read into the core's typed model.
#[napi(object)]
pub struct ParsedMessage {
    /// `"request"` or `"response"`.
    pub kind: String,
    /// The header's protocol version (`"2.0"`).
    pub version: String,
    /// Each batch item's operation (a response item may name none).
    pub operations: Vec<Option<String>>,
    /// For responses: each batch item's status and reason.
    pub results: Vec<BatchResult>,
    /// The typed model written back as TTLV.
    pub reencoded: Buffer,
}

/// Reads a request or response message into the typed model.
#[napi]
pub fn parse_message(data: Uint8Array) -> napi::Result<ParsedMessage> {
    let item = decode(&data)?;
    if item.tag == Tag::RequestMessage {
        let m = RequestMessage::from_item(&item).map_err(errors::to_napi)?;
        return Ok(ParsedMessage {
            kind: "request".into(),
            version: m.header.protocol_version.to_string(),
            operations: m
                .batch_items
                .iter()
                .map(|b| Some(b.operation.to_string()))
                .collect(),
            results: Vec::new(),
            reencoded: Buffer::from(m.to_bytes()),
        });
    }
    let m = ResponseMessage::from_item(&item).map_err(errors::to_napi)?;
    Ok(ParsedMessage {
        kind: "response".into(),
        version: m.header.protocol_version.to_string(),
        operations: m
            .batch_items
            .iter()
            .map(|b| b.operation.map(|o| o.to_string()))
            .collect(),
        results: m
            .batch_items
            .iter()
            .map(|b| BatchResult {
                status: b.result_status.to_string(),
                reason: b.result_reason.map(|r| r.to_string()),
            })
            .collect(),
        reencoded: Buffer::from(m.to_bytes()),
    })
}
