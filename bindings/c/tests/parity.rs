//! Every operation the core's client sends (`kmipkit::client::catalog::OPERATIONS`) has a C
//! function `kmipkit_client_<method>` declared in the committed `c-header/kmipkit.h`. When the
//! core gains an operation, this fails naming it, until the binding exports it and the header
//! is regenerated.
//!
//! The list is read from the core's source (`core/src/client/catalog.rs`, whose own tests keep
//! it true to the client's methods) rather than linked: this crate's library is also named
//! `kmipkit` (the C library's name), so a test of this package cannot name the core crate.

use std::path::Path;

const CATALOG: &str = include_str!("../../../core/src/client/catalog.rs");

/// The method names of the `operations! { Create => create, ... }` block of the catalog.
fn core_methods(source: &str) -> Vec<&str> {
    let block = source
        .split_once("\noperations! {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map_or("", |(block, _)| block);
    block
        .lines()
        .filter_map(|line| line.trim().strip_suffix(',')?.split_once("=>"))
        .map(|(_, method)| method.trim())
        .collect()
}

/// The names of the functions `header` declares: the identifier before each `(` that starts
/// with `kmipkit_`.
fn declared(header: &str) -> Vec<&str> {
    header
        .split('(')
        .filter_map(|before| {
            let name = before
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            name.starts_with("kmipkit_").then_some(name)
        })
        .collect()
}

#[test]
fn every_core_operation_has_a_c_function() {
    let methods = core_methods(CATALOG);
    // The reader must have found the list: an empty one would pass everything.
    assert!(
        methods.len() >= 33
            && methods
                .iter()
                .all(|m| m.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "could not read the operations! list of core/src/client/catalog.rs: {methods:?}"
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../c-header/kmipkit.h");
    let header = std::fs::read_to_string(&path).expect("c-header/kmipkit.h is readable");
    let declared = declared(&header);
    let missing: Vec<String> = methods
        .iter()
        .map(|method| format!("kmipkit_client_{method}"))
        .filter(|name| !declared.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "c-header/kmipkit.h declares no function for {} of the core's {} operations: {}. Export \
         them from bindings/c/src/operations/ and regenerate the header",
        missing.len(),
        methods.len(),
        missing.join(", ")
    );
}

#[test]
fn the_readers_find_what_is_there_and_only_that() {
    let catalog = "x\noperations! {\n    Create => create,\n    MAC => mac,\n}\ny => z,\n";
    assert_eq!(core_methods(catalog), ["create", "mac"]);
    let header = "kmipkit_result kmipkit_client_get(const kmipkit_client *client);";
    assert_eq!(declared(header), ["kmipkit_client_get"]);
    assert!(!declared(header).contains(&"kmipkit_client_create"));
}
