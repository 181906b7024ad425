//! Fuzz target: see `properties::json_decode` for the property checked.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::json_decode(data));
