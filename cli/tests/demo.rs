//! `kmipkit demo --json` runs the whole tour against two fresh PyKMIP servers and exits 0.
//! (scripts/test.sh also runs the text version, as README's first command.)

use std::process::Command;

#[test]
fn demo_runs_every_step() {
    let output = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(["demo", "--json"])
        .output()
        .expect("run kmipkit demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed: {stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    let text = doc["steps"].to_string();
    for needle in [
        "negotiating",
        "Model 1",
        "Model 2",
        "re-wrapped under KEK version 2",
        "orders.dek",
        "Failover",
        "went to kms2",
        "chain intact",
        "is caught",
        "stopped by their process ids",
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} missing from the demo's steps: {text}"
        );
    }
}
