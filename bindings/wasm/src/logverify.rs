//! Log-chain verification of log text: what `kmipkit log verify` does with files, here with the
//! text of a log (oldest line first) and optionally its state file's text.

use kmipkit::observe::ChainState;
use kmipkit::observe::verify::verify_lines;
use wasm_bindgen::prelude::*;

use crate::errors::to_js;
use crate::json_value;

/// Checks the hash chain of `log` (the whole text of one log, oldest line first; rotated files
/// concatenated oldest first). With `state` (the text of the log's `.state` file) a removed tail
/// is found too. Returns the CLI's `--json` report: `{intact, lines, first_serial, last_serial,
/// state_serial, findings: [{kind, serial, last_serial, line, detail}], text}`, `text` being
/// the report the CLI prints. A `state` that is no state file throws `KMIPKIT_LOG`.
///
/// ```js
/// const report = verifyLog(logText, stateText);
/// if (!report.intact) console.log(report.text);
/// ```
#[wasm_bindgen(js_name = verifyLog)]
pub fn verify_log(log: &str, state: Option<String>) -> Result<JsValue, JsValue> {
    let state = match state {
        Some(text) => Some(ChainState::parse(&text).ok_or_else(|| {
            to_js(kmipkit::Error::Log {
                path: None,
                reason: "the state text is not a kmipkit log state file (it starts with \"kmipkit-log-state 1\")".into(),
            })
        })?),
        None => None,
    };
    let lines: Vec<&str> = log.lines().collect();
    let report = verify_lines(&lines, state);
    let mut doc = serde_json::to_value(&report).unwrap_or_else(|_| serde_json::json!({}));
    doc["intact"] = report.is_intact().into();
    doc["text"] = report.to_string().into();
    json_value(&doc)
}
