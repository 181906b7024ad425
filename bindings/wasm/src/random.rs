//! Randomness from the host: `crypto.getRandomValues` on wasm32 (getrandom's `wasm_js` backend),
//! the operating system's generator on native builds (the unit tests).

use kmipkit::platform::Random;

/// A fresh 32-byte salt for one message (FORMAT.md §5: never reused with one key).
pub fn salt() -> Result<[u8; 32], kmipkit::Error> {
    let mut salt = [0u8; 32];
    HostRandom.fill(&mut salt)?;
    Ok(salt)
}

/// The core's generator trait over the host's: for the client, which takes its randomness
/// through [`kmipkit::platform::Platform`].
#[derive(Debug, Clone, Copy, Default)]
pub struct HostRandom;

impl Random for HostRandom {
    fn fill(&self, out: &mut [u8]) -> kmipkit::error::Result<()> {
        // The core's own error for a failed generator, so every front end reports it alike.
        getrandom::fill(out).map_err(|_| kmipkit::platform::random_failed())
    }
}
