//! Protected key material: [`SecretBytes`] for keys, [`SecretString`] for passwords.
//!
//! Both are zeroized on drop, print as `SecretBytes(<32 bytes, locked>)` in `Debug` and `Display`,
//! are read only through a borrow (`expose`, with no `Deref` or `AsRef` to copy them by accident),
//! compare in constant time, and keep their bytes in one buffer allocated at its final size, so no
//! reallocation leaves a copy behind.
//!
//! On Unix each non-empty secret has its own page-aligned anonymous mapping, locked with `mlock`
//! so it never reaches swap; on Linux it is also marked `MADV_DONTDUMP`, so it is left out of core
//! dumps. Both are best-effort: when RLIMIT_MEMLOCK (`ulimit -l`) is exhausted the secret still
//! works, [`SecretBytes::is_locked`] says false, and [`protection_stats`] counts it. Each secret
//! costs at least one page (4 KiB) of locked memory. On Linux the mapping is also marked
//! `MADV_DONTFORK`: a child made with `fork()` does not get the key (in the child the secret is
//! not [`available`](SecretBytes::is_available), a [`KeyCache`] fetches again, and `expose` panics
//! rather than read an empty address). On wasm32 and Windows the secret is a
//! heap buffer that is zeroized on drop, without locking.
//!
//! ```
//! use kmipkit::keys::{SecretBytes, SecretString};
//!
//! // Write key material straight into protected memory: no other copy exists.
//! let dek = SecretBytes::try_init(32, |buf| {
//!     buf.fill(0x11); // e.g. a CSPRNG or a decryption filling the buffer
//!     Ok::<_, std::convert::Infallible>(())
//! })
//! .unwrap();
//! assert_eq!(dek.expose().len(), 32);
//! let shown = format!("{dek}");
//! assert!(shown == "SecretBytes(<32 bytes, locked>)" || shown == "SecretBytes(<32 bytes, not locked>)");
//!
//! let password = SecretString::from("correct horse");
//! assert_eq!(password.expose(), "correct horse");
//! ```

mod cache;
mod lock;
mod secret;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use cache::SystemClock;
pub use cache::{CacheLimits, CacheScope, CacheStats, Clock, KeyCache, ManualClock};
pub use lock::{Protection, ProtectionStats, protection_stats};
pub use secret::{SecretBytes, SecretString};
