//! Replays every input saved under `core/fuzz/regressions/<target>/` (crashes found by fuzzing,
//! and seeds) through the same property its fuzz target checks.

#[path = "../fuzz/properties.rs"]
mod properties;

use std::path::PathBuf;

fn replay(target: &str, property: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "README.md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| property(&data));
        assert!(
            outcome.is_ok(),
            "{} violates the {target} property",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "no inputs under {}", dir.display());
}

#[test]
fn ttlv_decode_regressions() {
    replay("ttlv_decode", properties::ttlv_decode);
}

#[test]
fn typed_decode_regressions() {
    replay("typed_decode", properties::typed_decode);
}

#[test]
fn xml_decode_regressions() {
    replay("xml_decode", properties::xml_decode);
}

#[test]
fn json_decode_regressions() {
    replay("json_decode", properties::json_decode);
}
