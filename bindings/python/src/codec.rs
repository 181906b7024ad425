//! The TTLV codec: binary TTLV, the KMIP XML and JSON encodings, the readable dump, and the typed
//! message model, over bytes and text.

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, dump, json, xml};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert::version_text;
use crate::errors::IntoPy;

/// Converts between binary TTLV and the KMIP XML and JSON encodings. Test-case placeholders
/// (`$NOW`, `$UNIQUE_IDENTIFIER_0`, ...) read from text map to stand-in values that are written
/// back as the same placeholders by this codec.
#[pyclass(module = "kmipkit._native", name = "TextCodec")]
#[derive(Default)]
pub struct TextCodec {
    placeholders: Placeholders,
}

fn bytes<'py>(py: Python<'py>, item: &Item<'_>) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &item.to_bytes())
}

fn decode(data: &[u8]) -> PyResult<Item<'static>> {
    Item::from_bytes(data, &Limits::default()).py()
}

#[pymethods]
impl TextCodec {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// One KMIP XML element to TTLV bytes.
    fn xml_to_ttlv<'py>(&mut self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyBytes>> {
        let item = xml::from_str(text, &mut self.placeholders).py()?;
        Ok(bytes(py, &item))
    }

    /// Every message of a KMIP XML test case, as TTLV bytes.
    fn xml_messages_to_ttlv<'py>(
        &mut self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let items = xml::messages_from_str(text, &mut self.placeholders).py()?;
        Ok(items.iter().map(|i| bytes(py, i)).collect())
    }

    /// TTLV bytes to KMIP XML.
    fn ttlv_to_xml(&self, data: &[u8]) -> PyResult<String> {
        Ok(xml::to_string(&decode(data)?, &self.placeholders))
    }

    /// KMIP JSON to TTLV bytes.
    fn json_to_ttlv<'py>(&mut self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyBytes>> {
        let item = json::from_str(text, &mut self.placeholders).py()?;
        Ok(bytes(py, &item))
    }

    /// TTLV bytes to KMIP JSON (`compact`: one line).
    #[pyo3(signature = (data, compact=false))]
    fn ttlv_to_json(&self, data: &[u8], compact: bool) -> PyResult<String> {
        let item = decode(data)?;
        Ok(if compact {
            json::to_string_compact(&item, &self.placeholders)
        } else {
            json::to_string(&item, &self.placeholders)
        })
    }

    /// How many placeholders have been read so far.
    fn __len__(&self) -> usize {
        self.placeholders.len()
    }

    fn __repr__(&self) -> String {
        format!("<TextCodec {} placeholders>", self.placeholders.len())
    }
}

/// A readable tree of TTLV bytes; byte strings show only their length.
#[pyfunction]
pub fn dump_ttlv(data: &[u8]) -> PyResult<String> {
    Ok(dump::to_string(&decode(data)?))
}

/// Checks that TTLV bytes are well-formed and re-encodes them (the canonical form).
#[pyfunction]
pub fn normalize_ttlv<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    Ok(bytes(py, &decode(data)?))
}

/// Reads a request or response message into the typed model: `kind` (`request` or
/// `response`), `version`, `operations`, for responses `results` (status, reason) and
/// `reencoded`: the typed model written back to TTLV.
#[pyfunction]
pub fn parse_message<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let item = decode(data)?;
    let d = PyDict::new(py);
    if item.tag == Tag::RequestMessage {
        let m = RequestMessage::from_item(&item).py()?;
        d.set_item("kind", "request")?;
        d.set_item("version", version_text(m.header.protocol_version))?;
        let ops: Vec<String> = m
            .batch_items
            .iter()
            .map(|b| b.operation.to_string())
            .collect();
        d.set_item("operations", ops)?;
        d.set_item("reencoded", PyBytes::new(py, &m.to_bytes()))?;
    } else {
        let m = ResponseMessage::from_item(&item).py()?;
        d.set_item("kind", "response")?;
        d.set_item("version", version_text(m.header.protocol_version))?;
        let ops: Vec<Option<String>> = m
            .batch_items
            .iter()
            .map(|b| b.operation.map(|o| o.to_string()))
            .collect();
        d.set_item("operations", ops)?;
        let results: Vec<(String, Option<String>)> = m
            .batch_items
            .iter()
            .map(|b| {
                (
                    b.result_status.to_string(),
                    b.result_reason.map(|r| r.to_string()),
                )
            })
            .collect();
        d.set_item("results", results)?;
        d.set_item("reencoded", PyBytes::new(py, &m.to_bytes()))?;
    }
    Ok(d)
}
