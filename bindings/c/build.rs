//! Generates `kmipkit.h` from this crate's source with cbindgen into `OUT_DIR`. The committed
//! copy is `c-header/kmipkit.h`; `tests/header.rs` fails when the two differ, and
//! `KMIPKIT_WRITE_HEADER=1 cargo test -p kmipkit-ffi --test header` writes it.

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can read the crate")
        .write_to_file(format!("{out_dir}/kmipkit.h"));
}
