//! All 30 PyKMIP 0.11 captures decode into the typed model and re-encode to identical bytes.

use std::path::PathBuf;

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::ttlv::{Item, Limits, first_difference};

fn captures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/pykmip-0.11");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("capture directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".hex"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let text = text.trim();
            let bytes = (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect();
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_capture_round_trips_through_the_typed_model_byte_for_byte() {
    let all = captures();
    assert_eq!(all.len(), 60, "30 request/response pairs");
    let mut failures = Vec::new();
    for (name, bytes) in &all {
        let item = Item::decode(bytes, &Limits::default()).expect(name);
        let back = if name.ends_with(".req.hex") {
            RequestMessage::from_item_strict(&item).map(|m| m.to_item())
        } else {
            ResponseMessage::from_item_strict(&item).map(|m| m.to_item())
        };
        match back {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(back) => {
                if back.to_bytes() != *bytes {
                    let diff = first_difference(&item, &back).unwrap_or_default();
                    failures.push(format!("{name}: re-encoded bytes differ: {diff}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
