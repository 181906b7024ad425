//! Generates `kmipkit.h` from this crate's source with cbindgen into `OUT_DIR`. The committed
//! copy is `c-header/kmipkit.h`; `tests/header.rs` fails when the two differ, and
//! `KMIPKIT_WRITE_HEADER=1 cargo test -p kmipkit-ffi --test header` writes it.

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    soname();
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can read the crate")
        .write_to_file(format!("{out_dir}/kmipkit.h"));
}

/// Gives the shared library a soname when `KMIPKIT_SONAME` names one (`c-header/install.sh`
/// does), so programs linked against an installed `libkmipkit.so` record the versioned name and
/// keep loading the compatible library after an upgrade. Unset by default: the development build
/// in `target/` is then found by its plain file name (the C tests link it through an rpath).
fn soname() {
    println!("cargo:rerun-if-env-changed=KMIPKIT_SONAME");
    let elf = matches!(
        std::env::var("CARGO_CFG_TARGET_OS").as_deref(),
        Ok("linux" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "android")
    );
    if let (true, Ok(soname)) = (elf, std::env::var("KMIPKIT_SONAME")) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
}
