//! Files (plain reads and writes for the cross-language matrix) and the codec: TTLV ↔ KMIP XML
//! ↔ KMIP JSON through `kmipkit::ttlv`.

use std::path::PathBuf;

use kmipkit::ttlv::{Item, Limits, Placeholders, json, xml};
use serde_json::{Value, json};

use super::{ActionError, Args, bad};
use crate::steps::State;
use crate::values::{hex, unhex};

/// Runs `write_file`, `read_file`, `codec_ttlv` or `codec_xml`.
pub fn run(state: &mut State, action: &str, a: &Args<'_>) -> Result<Value, ActionError> {
    match action {
        "write_file" => {
            let path = under(&state.env.work, &a.text("path")?);
            let data = a.bytes("data")?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| bad(format!("cannot create {}: {e}", parent.display())))?;
            }
            std::fs::write(&path, data)
                .map_err(|e| bad(format!("cannot write {}: {e}", path.display())))?;
            Ok(json!({}))
        }
        "read_file" => {
            let path = under(&state.env.work, &a.text("path")?);
            let data = std::fs::read(&path)
                .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
            Ok(json!({ "data": hex(&data) }))
        }
        "codec_ttlv" => {
            let path = under(&state.env.vectors, &a.text("file")?);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
            let ttlv = unhex(&text).map_err(|e| bad(format!("{}: {e}", path.display())))?;
            let mut placeholders = Placeholders::new();
            let (via_xml, via_json) = round_trips(&ttlv, &mut placeholders)?;
            Ok(json!({
                "ttlv": hex(&ttlv), "via_xml": hex(&via_xml), "via_json": hex(&via_json),
            }))
        }
        "codec_xml" => {
            let path = under(&state.env.vectors, &a.text("file")?);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
            let mut placeholders = Placeholders::new();
            let messages = xml::messages_from_str(&text, &mut placeholders)?;
            let (mut ttlv, mut via_xml, mut via_json) = (Vec::new(), Vec::new(), Vec::new());
            for message in &messages {
                let bytes = message.to_bytes();
                let (x, j) = round_trips(&bytes, &mut placeholders)?;
                ttlv.push(hex(&bytes));
                via_xml.push(hex(&x));
                via_json.push(hex(&j));
            }
            Ok(json!({
                "count": messages.len(), "ttlv": ttlv, "via_xml": via_xml, "via_json": via_json,
            }))
        }
        other => Err(bad(format!("unknown action {other:?}"))),
    }
}

/// `path` as given when absolute, else under `base`.
fn under(base: &std::path::Path, path: &str) -> PathBuf {
    base.join(path)
}

/// TTLV bytes → XML → TTLV, and TTLV → JSON → TTLV.
fn round_trips(
    ttlv: &[u8],
    placeholders: &mut Placeholders,
) -> Result<(Vec<u8>, Vec<u8>), ActionError> {
    let item = Item::from_bytes(ttlv, &Limits::default())?;
    let text = xml::to_string(&item, placeholders);
    let via_xml = xml::from_str(&text, placeholders)?.to_bytes();
    let text = json::to_string(&item, placeholders);
    let via_json = json::from_str(&text, placeholders)?.to_bytes();
    Ok((via_xml, via_json))
}
