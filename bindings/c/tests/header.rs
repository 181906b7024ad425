//! The committed `c-header/kmipkit.h` is what cbindgen makes from the source now (build.rs
//! writes it to OUT_DIR). Stale? `KMIPKIT_WRITE_HEADER=1 cargo test -p kmipkit-ffi --test header`.

use std::path::Path;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/kmipkit.h"));

#[test]
fn committed_header_is_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../c-header/kmipkit.h");
    if std::env::var_os("KMIPKIT_WRITE_HEADER").is_some() {
        std::fs::write(&committed, GENERATED).expect("c-header/kmipkit.h is writable");
        return;
    }
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        current == GENERATED,
        "c-header/kmipkit.h is stale: the C API changed. Regenerate it with\n  \
         KMIPKIT_WRITE_HEADER=1 cargo test -p kmipkit-ffi --test header\nand commit it."
    );
}
