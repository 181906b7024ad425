//! What the client logic needs from where it runs, besides a key server: time and randomness.
//!
//! Everything above the transport seam (the [`Client`](crate::client::Client), failover, Model 1,
//! Model 2, rotation) reads the time and draws random bytes only through these small traits, so
//! it runs wherever someone supplies them: natively the operating system does
//! ([`Platform::native`]); in a browser the WebAssembly binding passes `performance.now()`,
//! `Date.now()` and `crypto.getRandomValues`.
//!
//! ```
//! use kmipkit::platform::Platform;
//! let platform = Platform::native();
//! let mut marker = [0u8; 16];
//! platform.random.fill(&mut marker).unwrap();
//! assert!(platform.wall.unix_millis() > 1_700_000_000_000);
//! ```

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod block_on;
mod clock;
mod future;
mod random;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use block_on::block_on;
pub use clock::{Clock, ManualClock, WallClock};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use clock::{SystemClock, SystemWallClock};
pub use future::{BoxFuture, MaybeSend, MaybeSync};
#[cfg(not(target_arch = "wasm32"))]
pub use random::SystemRandom;
pub use random::{Random, random_failed};

use std::sync::Arc;

/// The time and randomness one client uses.
#[derive(Clone)]
pub struct Platform {
    /// Monotonic time: deadlines, back-off, elapsed times in events.
    pub clock: Arc<dyn Clock>,
    /// Calendar time: request time stamps and event times.
    pub wall: Arc<dyn WallClock>,
    /// A cryptographically secure generator: data keys, IVs, request markers.
    pub random: Arc<dyn Random>,
}

impl std::fmt::Debug for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform").finish_non_exhaustive()
    }
}

impl Platform {
    /// A platform from its three parts (for hosts without an operating system clock or
    /// generator, and for tests).
    pub fn new(clock: Arc<dyn Clock>, wall: Arc<dyn WallClock>, random: Arc<dyn Random>) -> Self {
        Self {
            clock,
            wall,
            random,
        }
    }

    /// The operating system's monotonic clock, calendar clock and CSPRNG (aws-lc-rs).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn native() -> Self {
        Self::new(
            Arc::new(SystemClock::default()),
            Arc::new(SystemWallClock),
            Arc::new(SystemRandom),
        )
    }

    /// The calendar time in Unix seconds (request time stamps).
    pub fn unix_seconds(&self) -> i64 {
        i64::try_from(self.wall.unix_millis() / 1000).unwrap_or(i64::MAX)
    }
}

/// The process id for exchange ids in events; 0 where there are no processes.
pub(crate) fn process_id() -> u32 {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    return std::process::id();
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    return 0;
}
