//! `kmipkit log verify` and `kmipkit audit` on the log and audit trail written by real commands
//! against a PyKMIP server; tampering (deleted, altered, reordered lines) gives exit 6.

mod support;

use std::fs;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

#[test]
fn log_verify_and_audit() {
    let server = TestServer::start(0);
    let dir = scratch("log-cfg");
    let extra = "[log]\ndestination = \"file\"\npath = \"log/kmipkit.log\"\n\n[audit]\npath = \"log/audit.csv\"\n";
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], extra);
    let k = |args: &[&str]| kmipkit(&cfg, &dir, args, b"");

    k(&["key", "create", "audited"]).expect(0);
    k(&["key", "get", "audited"]).expect(0);
    k(&["key", "get", "missing-key"]).expect(5);
    k(&["encrypt", "--kek", "log-kek", "--create-kek", "-o", "x.kmk"]).expect(0);

    // The configured log verifies; --json carries the core's report.
    let text = k(&["log", "verify"]).expect(0).text();
    assert!(text.contains("chain intact"), "{text}");
    let doc = k(&["log", "verify", "--json"]).expect(0).json();
    assert_eq!(doc["intact"], true);
    assert!(doc["lines"].as_u64().unwrap() > 10);

    // The audit trail: filters and tail; nothing secret in it.
    let all = k(&["audit", "--tail", "1000", "--json"]).expect(0).json();
    let total = all["matching_rows"].as_u64().unwrap();
    assert!(total > 5);
    let creates = k(&["audit", "--op", "create", "--json"]).expect(0).json();
    assert!(
        creates["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["operation"] == "Create")
    );
    assert!(creates["matching_rows"].as_u64().unwrap() >= 2, "{creates}");
    let failures = k(&["audit", "--outcome", "failure", "--json"])
        .expect(0)
        .json();
    assert!(
        failures["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key_uid"] == "missing-key"),
        "{failures}"
    );
    let last = k(&["audit", "-n", "2", "--json"]).expect(0).json();
    assert_eq!(last["rows"].as_array().unwrap().len(), 2);
    let table = k(&["audit", "--key", "audited"]).expect(0).text();
    assert!(
        table.contains("operation") && table.contains("Create"),
        "{table}"
    );
    let csv = fs::read_to_string(dir.join("log/audit.csv")).unwrap();
    assert!(!csv.contains("KMKE"), "no ciphertext in the audit trail");

    // Tampering: a deleted line, an altered line, two lines swapped; each exit 6.
    let log = dir.join("log/kmipkit.log");
    let lines: Vec<String> = fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let check = |name: &str, lines: &[String], kind: &str| {
        let path = dir.join(name);
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        let run = k(&["log", "verify", "--no-state", path.to_str().unwrap()]).expect(6);
        assert!(run.text().contains(kind), "{name}: {}", run.text());
        assert!(run.stderr.contains("broken"), "{}", run.stderr);
        let doc = k(&[
            "log",
            "verify",
            "--no-state",
            "--json",
            path.to_str().unwrap(),
        ])
        .expect(6)
        .json();
        assert_eq!(doc["intact"], false);
    };
    let mut deleted = lines.clone();
    deleted.remove(3);
    check("deleted.log", &deleted, "deleted");
    let mut altered = lines.clone();
    altered[2] = altered[2].replacen("op=", "op=X", 1);
    check("altered.log", &altered, "altered");
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    check("swapped.log", &swapped, "reordered");
    // A removed tail is caught through the state file.
    let mut short = lines.clone();
    short.pop();
    fs::write(&log, short.join("\n") + "\n").unwrap();
    let run = k(&["log", "verify"]).expect(6);
    assert!(run.text().contains("tail"), "{}", run.text());

    // Filters that would silently match nothing are refused.
    k(&["audit", "--since", "yesterday"]).expect(2);
    k(&["audit", "--outcome", "sucess"]).expect(2);
    let today = k(&["audit", "--json"]).expect(0).json()["rows"][0]["date"].clone();
    let since = k(&["audit", "--since", today.as_str().unwrap(), "--json"])
        .expect(0)
        .json();
    assert_eq!(since["matching_rows"], all["matching_rows"]);

    // Missing files: exit 7; no [audit] and no --file: usage.
    k(&["log", "verify", "no-such.log"]).expect(7);
    k(&["audit", "--file", "no-such.csv"]).expect(7);
    let plain = write_config(&dir, "plain.toml", &[Entry::of("kms1", &server)], "");
    kmipkit(&plain, &dir, &["audit"], b"").expect(2);
    kmipkit(&plain, &dir, &["log", "verify"], b"").expect(2);
    drop(server);
}

#[test]
fn audit_follow_prints_new_rows() {
    let server = TestServer::start(0);
    let dir = scratch("follow-cfg");
    let extra = "[audit]\npath = \"audit.csv\"\n";
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], extra);
    kmipkit(&cfg, &dir, &["key", "create", "first"], b"").expect(0);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(["audit", "--follow", "--json", "-n", "0", "--op", "Create"])
        .env("KMIPKIT_CONFIG", &cfg)
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    kmipkit(&cfg, &dir, &["key", "create", "second"], b"").expect(0);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // Stop the follower we started, by its own handle.
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "only the new Create: {text}");
    assert_eq!(rows[0]["key_name"], "second");
    drop(server);
}
