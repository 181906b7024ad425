//! Where the client logic draws random bytes.

use crate::error::{Error, Result};
use crate::platform::{MaybeSend, MaybeSync};

/// A cryptographically secure random generator.
///
/// ```
/// use kmipkit::platform::{Random, SystemRandom};
/// let mut iv = [0u8; 12];
/// SystemRandom.fill(&mut iv).unwrap();
/// ```
pub trait Random: MaybeSend + MaybeSync {
    /// Fills `out` with random bytes, or fails (never returns predictable bytes).
    fn fill(&self, out: &mut [u8]) -> Result<()>;
}

/// The operating system's generator, through aws-lc-rs.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRandom;

#[cfg(not(target_arch = "wasm32"))]
impl Random for SystemRandom {
    fn fill(&self, out: &mut [u8]) -> Result<()> {
        aws_lc_rs::rand::fill(out).map_err(|_| random_failed())
    }
}

/// The error of a generator that failed.
pub fn random_failed() -> Error {
    Error::Encode {
        what: "random bytes".into(),
        reason: "the random number generator failed".into(),
    }
}
