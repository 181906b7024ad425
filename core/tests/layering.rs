//! Module layering that the compiler does not enforce: `spec` (tags, item types, enumerations)
//! is the bottom layer and `ttlv` (the codec) builds on it, never the reverse. A `spec` that
//! imports from `ttlv` makes the two one tangle again (issue 12 item 4); this test reads the
//! sources under `core/src/spec/` and names each line that does. And no top-level modules of
//! the core import each other in a cycle (ARCHITECTURE.md's picture has none).

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

/// The top-level modules named by `crate::` paths in `source` (code only: comments are
/// dropped), including each first-level name of a grouped `crate::{a::X, b}` import.
fn crate_modules(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut found = Vec::new();
    let mut rest = compact.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // First-level names: after `{` or a `,` at depth 1.
            let (mut depth, mut start) = (1, true);
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ if start => {
                        if !name.is_empty() {
                            found.push(std::mem::take(&mut name));
                        }
                        start = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

/// The core's top-level modules and which others each one imports, from the sources.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("core/src") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if ["lib", "main"].contains(&stem) {
            continue;
        }
        // `client.rs` beside `client/` is one module.
        let mut files = Vec::new();
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path.clone());
        } else {
            continue;
        }
        let imports: &mut std::collections::BTreeSet<String> =
            graph.entry(stem.to_string()).or_default();
        for file in files {
            let source = std::fs::read_to_string(&file).expect("read a source");
            imports.extend(crate_modules(&source).into_iter().filter(|m| m != stem));
        }
    }
    let modules: std::collections::BTreeSet<String> = graph.keys().cloned().collect();
    for imports in graph.values_mut() {
        imports.retain(|m| modules.contains(m));
    }
    graph
}

/// No two modules of the core depend on each other, directly or through others: each layer
/// of ARCHITECTURE.md's picture can be read, tested and compiled for wasm32 on its own terms.
#[test]
fn the_core_modules_import_each_other_without_a_cycle() {
    let graph = module_graph();
    assert!(
        [
            "client",
            "envelope",
            "transport",
            "observe",
            "config",
            "spec",
            "ttlv"
        ]
        .iter()
        .all(|m| graph.contains_key(*m)),
        "modules found: {:?}",
        graph.keys()
    );
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(
        module: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_string());
            return Some(cycle);
        }
        if !done.insert(module.to_string()) {
            return None;
        }
        path.push(module.to_string());
        for next in &graph[module] {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "the core's modules import each other in a cycle: {}; move the shared part \
                 into the lower module (or into files/platform), and fix ARCHITECTURE.md",
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_module_scanner_reads_paths_and_groups() {
    assert_eq!(crate_modules("use crate::files::open_regular;"), ["files"]);
    assert_eq!(
        crate_modules("use crate::{\n    error::{Error, Result},\n    ttlv::Item,\n};"),
        ["error", "ttlv"]
    );
    assert_eq!(
        crate_modules("let x = crate::time::UtcTime::now();"),
        ["time"]
    );
    assert!(crate_modules("// use crate::config::Config;\nuse std::fs;").is_empty());
}
