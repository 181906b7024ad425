//! One convention across the command line, against a real PyKMIP server: option values in
//! kebab-case with any case and separator accepted, `--json` with numbers as numbers and attribute
//! values as structures, error codes in the hex the documentation writes, and a demo that points
//! only at files and commands that still work when it has finished.

mod support;

use std::process::Command;

use support::{Entry, TestServer, kmipkit, scratch, write_config};

#[test]
fn option_values_ignore_case_and_separators() {
    let server = TestServer::start(0);
    let dir = scratch("consistency-cfg");
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
    let k = |args: &[&str]| kmipkit(&cfg, &dir, args, b"");

    k(&["key", "create", "staged", "--pre-active"]).expect(0);
    k(&["key", "create", "live"]).expect(0);
    // The documented spelling, the KMIP name and a shouted one find the same key.
    for state in ["pre-active", "PreActive", "PRE_ACTIVE", "preactive"] {
        let found = k(&["key", "locate", "--state", state, "--json"])
            .expect(0)
            .json();
        let keys = found["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "--state {state}: {found}");
        assert_eq!(keys[0]["names"][0], "staged", "--state {state}");
    }
    for object_type in ["symmetric-key", "SymmetricKey", "SYMMETRIC_KEY"] {
        let found = k(&["key", "locate", "--type", object_type, "--json"])
            .expect(0)
            .json();
        assert_eq!(found["keys"].as_array().unwrap().len(), 2, "{found}");
    }
    // A wrong value is refused before any request, listing the kebab-case spellings.
    let run = k(&["key", "locate", "--state", "Sleeping"]).expect(2);
    assert!(
        run.stderr.contains("pre-active, active, deactivated"),
        "{}",
        run.stderr
    );
    // --reason: kebab-case, the KMIP name, any case.
    k(&["key", "revoke", "live", "--reason", "AffiliationChanged"]).expect(0);
    k(&["key", "activate", "staged"]).expect(0);
    k(&["key", "revoke", "staged", "--reason", "KEY-COMPROMISE"]).expect(0);
    let compromised = k(&["key", "locate", "--state", "compromised", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        compromised["keys"][0]["names"][0], "staged",
        "{compromised}"
    );
    let run = k(&["key", "revoke", "live", "--reason", "bored"]).expect(2);
    assert!(run.stderr.contains("affiliation-changed"), "{}", run.stderr);

    // --help says so.
    let help = k(&["key", "locate", "--help"]).expect(0).text();
    assert!(
        help.contains("pre-active") && help.contains("case, '-' and '_' ignored"),
        "{help}"
    );
    drop(server);
}

#[test]
fn json_numbers_structures_and_error_codes() {
    let server = TestServer::start(0);
    let dir = scratch("consistency-json-cfg");
    let cfg = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
    let k = |args: &[&str]| kmipkit(&cfg, &dir, args, b"");

    k(&["key", "create", "orders", "--bits", "128"]).expect(0);
    let doc = k(&["key", "attributes", "orders", "--json"])
        .expect(0)
        .json();
    let value = |name: &str| {
        doc["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {doc}"))["value"]
            .clone()
    };
    assert_eq!(value("Cryptographic Length"), 128, "{doc}");
    assert_eq!(value("Cryptographic Algorithm"), "AES");
    assert_eq!(value("State"), "Active");
    assert_eq!(value("Name")["NameValue"], "orders", "{doc}");
    // kmipkit marks what it creates with Application Specific Information: its fields, not
    // Rust's Debug text.
    let marker = value("Application Specific Information");
    assert!(
        marker["ApplicationNamespace"].is_string() && marker["ApplicationData"].is_string(),
        "{doc}"
    );
    assert!(!doc.to_string().contains("Some("), "{doc}");
    // The text report shows the same fields.
    let text = k(&["key", "attributes", "orders"]).expect(0).text();
    assert!(
        text.contains("Application Specific Information: {")
            && text.contains("\"ApplicationNamespace\":"),
        "{text}"
    );

    // Error codes are the library's codes in hex, as ErrorKind::code and the README write them.
    let err = k(&["key", "activate", "orders", "--json"])
        .expect(5)
        .error_json();
    assert_eq!(err["error"]["kind"], "Server", "{err}");
    assert_eq!(err["error"]["kmipkit_code"], "0x0301", "{err}");
    drop(server);
}

/// Every "try it" command the demo prints works after it has exited; without --keep it prints
/// none, since it removes its files.
#[test]
fn demo_points_only_at_what_is_left() {
    let demo = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
            .arg("demo")
            .args(args)
            .output()
            .expect("run kmipkit demo");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "demo failed: {stderr}");
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let lines: Vec<String> = doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["lines"].as_array().unwrap().clone())
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        lines
    };
    let lines = demo(&["--json"]);
    assert!(!lines.iter().any(|l| l.contains("try it")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("--keep")), "{lines:#?}");

    let lines = demo(&["--json", "--keep"]);
    let tries: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("try it: kmipkit "))
        .collect();
    assert_eq!(tries.len(), 2, "{lines:#?}");
    let mut kept = None;
    for command in tries {
        let args: Vec<&str> = command.split(' ').collect();
        let run = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
            .args(&args)
            .current_dir(std::env::temp_dir())
            .env_remove("KMIPKIT_CONFIG")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "kmipkit {command}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        kept = std::path::Path::new(args[args.len() - 1])
            .parent()
            .and_then(|log| log.parent())
            .map(std::path::Path::to_path_buf);
    }
    // The demo's directory is ours to remove now.
    let kept = kept.unwrap();
    assert!(kept.join("kmipkit.toml").is_file());
    std::fs::remove_dir_all(kept).unwrap();
}
