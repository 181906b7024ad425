//! Configuration: `kmipkit.toml` -> typed settings, with permission checks on secret files.

mod tls_material;

pub use tls_material::TlsMaterial;
