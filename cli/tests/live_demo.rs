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

/// Ctrl-C (here SIGTERM) in the middle of the demo stops both key servers and removes the
/// demo's directory: nothing keeps running or lies around afterwards.
#[test]
fn interrupted_demo_stops_its_servers() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut child = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kmipkit demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // "   /tmp/kmipkit-demo-…/kmipkit.toml (mode 0600: …)": both servers run by then.
    let dir = loop {
        let line = lines
            .next()
            .expect("the demo ended early")
            .expect("demo output");
        if let Some(path) = line
            .trim()
            .split(' ')
            .next()
            .filter(|p| p.ends_with("kmipkit.toml"))
        {
            break std::path::Path::new(path).parent().unwrap().to_path_buf();
        }
    };
    // Stop the process we started, by its own id.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    drop(lines);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("stopped 2 test key server(s)"), "{stderr}");
    assert!(!dir.exists(), "{} left behind", dir.display());
    let needle = dir.to_string_lossy().into_owned();
    let running: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&needle))
        .collect();
    assert!(running.is_empty(), "still running: {running:?}");
}

/// `--quiet` means nothing but errors, for the demo too.
#[test]
fn quiet_demo_prints_nothing() {
    let output = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(["demo", "--quiet"])
        .output()
        .expect("run kmipkit demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
