//! Module layering that the compiler does not enforce: `spec` (tags, item types, enumerations)
//! is the bottom layer and `ttlv` (the codec) builds on it, never the reverse. A `spec` that
//! imports from `ttlv` makes the two one tangle again (issue 12 item 4); this test reads the
//! sources under `core/src/spec/` and names each line that does.

use std::path::{Path, PathBuf};

/// The ways a file under `src/spec/` could reach the `ttlv` module: absolute, relative (from
/// `spec/mod.rs` or a file below it) or in a grouped `crate::{...}` import.
fn ttlv_references(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_crate_group = false;
    for (number, line) in source.lines().enumerate() {
        // Doc comments may show `kmipkit::ttlv` to users; comments are not imports.
        let code = line.split("//").next().unwrap_or("");
        let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("crate::{") {
            in_crate_group = true;
        }
        let direct = ["crate::ttlv", "super::ttlv", "super::super::ttlv"]
            .iter()
            .any(|path| compact.contains(path));
        let grouped = in_crate_group
            && compact
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == "ttlv");
        if direct || grouped {
            found.push((number + 1, line.trim().to_string()));
        }
        if in_crate_group && compact.contains("};") {
            in_crate_group = false;
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn spec_does_not_import_ttlv() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/spec");
    let mut files = Vec::new();
    rust_files(&spec, &mut files);
    assert!(
        files.len() >= 4,
        "found only {files:?} under {}",
        spec.display()
    );
    let mut offences = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("read a spec source");
        for (line, text) in ttlv_references(&source) {
            offences.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    assert!(
        offences.is_empty(),
        "core/src/spec must not use the ttlv module (ttlv depends on spec); move what spec \
         needs into spec and re-export it from ttlv:\n{}",
        offences.join("\n")
    );
}

/// The scanner itself catches each form of import, and lets comments and look-alikes pass.
#[test]
fn the_scanner_finds_every_form() {
    let lines = |source: &str| -> Vec<usize> {
        ttlv_references(source)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    };
    assert_eq!(lines("use crate::ttlv::ItemType;"), [1]);
    assert_eq!(lines("use super::ttlv::Item;"), [1]);
    assert_eq!(lines("fn f() -> crate :: ttlv :: Item<'static> {}"), [1]);
    assert_eq!(
        lines("use crate::{\n    error::Error,\n    ttlv::Item,\n};\nuse ttlv_like::X;"),
        [3]
    );
    assert_eq!(lines("use crate::{ttlv, error};"), [1]);
    assert!(lines("//! see `kmipkit::ttlv::ItemType`\nuse super::item_type::ItemType;").is_empty());
    assert!(lines("use crate::{error::Error};\nlet ttlv = 1;").is_empty());
}
