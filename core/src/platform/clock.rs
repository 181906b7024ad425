//! Where the client logic and the [`KeyCache`](crate::keys::KeyCache) read the time: a monotonic
//! [`Clock`] for deadlines and ages, a [`WallClock`] for calendar time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{MaybeSend, MaybeSync};

/// A monotonic clock: the time elapsed since an origin of the clock's choosing. It must never go
/// backwards (a wall clock that can be set is not suitable).
pub trait Clock: MaybeSend + MaybeSync {
    /// The time elapsed since this clock's origin.
    fn now(&self) -> Duration;
}

/// The operating system's monotonic clock (`std::time::Instant`), from the moment it was made.
/// Not on wasm32-unknown-unknown, which has no clock: supply one there (for example from
/// `performance.now()`).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    origin: std::time::Instant,
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Default for SystemClock {
    fn default() -> Self {
        Self {
            origin: std::time::Instant::now(),
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told to, for tests; clones share one time.
///
/// ```
/// use std::time::Duration;
/// use kmipkit::platform::{Clock, ManualClock};
///
/// let clock = ManualClock::default();
/// let handle = clock.clone();
/// handle.advance(Duration::from_secs(5));
/// assert_eq!(clock.now(), Duration::from_secs(5));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// Moves the time forward by `by` (saturating at about 584 years).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // `fetch_update` cannot fail here: the closure always returns `Some`.
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(by))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

/// The calendar clock: milliseconds since the Unix epoch (it may be set, so it times nothing).
pub trait WallClock: MaybeSend + MaybeSync {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn unix_millis(&self) -> u64;
}

/// The operating system's calendar clock (`std::time::SystemTime`).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemWallClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl WallClock for SystemWallClock {
    fn unix_millis(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

impl WallClock for ManualClock {
    /// The manual clock's time, read as milliseconds since the epoch.
    fn unix_millis(&self) -> u64 {
        u64::try_from(self.now().as_millis()).unwrap_or(u64::MAX)
    }
}
