//! Every OASIS test case shipped in conformance/vectors passes the runner's checks.

use std::path::Path;

use kmipkit_conformance::{check_file, xml_files};

fn check_dir(dir: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/oasis-xml")
        .join(dir);
    let files = xml_files(&root).expect("vector directory");
    assert!(!files.is_empty(), "no vectors under {}", root.display());
    let failures: Vec<String> = files
        .iter()
        .map(|f| check_file(f))
        .filter_map(|r| r.failure.map(|why| format!("{}: {why}", r.path.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn kmip_1_4_profiles_test_cases() {
    check_dir("v1.4");
}

#[test]
fn kmip_2_0_profiles_test_cases() {
    check_dir("v2.0");
}

#[test]
fn kmip_1_1_test_cases() {
    check_dir("v1.1-testcases");
}
