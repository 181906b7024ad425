//! Fixed-size memory for one secret, locked and kept out of core dumps where the platform allows.
//!
//! On Unix a non-empty secret gets its own anonymous, page-aligned mapping (memmap2's safe
//! `MmapMut::map_anon`), which is then locked with `mlock` (`MmapMut::lock`) and, on Linux, marked
//! `MADV_DONTDUMP` and `MADV_DONTFORK` (`MmapMut::advise`). Because the mapping holds nothing else,
//! unlocking it on drop cannot unlock another secret's page, and nothing else is excluded from a
//! core dump or a child process. Everywhere
//! else (wasm32, Windows), and on Unix when the mapping cannot be made, the secret lives in a
//! `Box<[u8]>` allocated once at its final size.
//!
//! Protection is best-effort: a failed `mlock` (RLIMIT_MEMLOCK exhausted, no `CAP_IPC_LOCK`) or
//! `madvise` never fails the secret; it is recorded in the secret's [`Protection`] and in the
//! process-wide [`ProtectionStats`].
//!
//! **Fork.** A child made with `fork()` does not inherit a `MADV_DONTFORK` mapping: the address
//! holds nothing there (or, later, an unrelated mapping of the child's). `MADV_WIPEONFORK` (a
//! zero-filled copy) would be gentler, but memmap2 0.9 offers it in neither its safe nor its unsafe
//! advice, and calling `madvise` directly takes `unsafe`, which the core forbids; a zeroed key would
//! also encrypt silently under an all-zero key where a missing one fails loudly. So each such
//! region remembers the process that made it: in another process it reads as unavailable
//! ([`Region::available`]; the key cache treats it as a miss), touching its bytes panics with an
//! explanation instead of reading whatever is mapped there, and dropping it leaves the child's
//! address space alone (no wipe, no `munmap` of an address the child may have reused).

use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::Zeroize;

/// Lock attempts that failed since the process started (see [`ProtectionStats::lock_failures`]).
static LOCK_FAILURES: AtomicU64 = AtomicU64::new(0);
/// Core-dump exclusions that failed since the process started.
static DUMP_EXCLUSION_FAILURES: AtomicU64 = AtomicU64::new(0);
/// Fork exclusions that failed since the process started.
static FORK_EXCLUSION_FAILURES: AtomicU64 = AtomicU64::new(0);
/// Non-empty secrets alive now whose memory is not locked.
static UNLOCKED_LIVE: AtomicU64 = AtomicU64::new(0);

/// How the memory of one secret is protected, beyond being zeroized on drop (which is unconditional).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Protection {
    /// The memory is locked in RAM (`mlock`), so it is never written to swap.
    pub locked: bool,
    /// The memory is excluded from core dumps (`madvise(MADV_DONTDUMP)`, Linux only).
    pub excluded_from_core_dumps: bool,
    /// The memory is not inherited by a child process made with `fork()`
    /// (`madvise(MADV_DONTFORK)`, Linux only): a child cannot read the secret.
    pub excluded_from_fork: bool,
}

/// Process-wide counters of protection that could not be applied; see [`protection_stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ProtectionStats {
    /// Secrets whose memory could not be locked, since the process started: `mlock` failed
    /// (RLIMIT_MEMLOCK exhausted, see `ulimit -l`) or no separate mapping could be made. Never
    /// counted where locking is not attempted (wasm32, Windows) nor for empty secrets.
    pub lock_failures: u64,
    /// Secrets whose memory could not be excluded from core dumps, since the process started
    /// (Linux only, where it is attempted).
    pub dump_exclusion_failures: u64,
    /// Secrets whose memory could not be kept from child processes made with `fork()`, since the
    /// process started (Linux only, where it is attempted; a heap fallback counts too).
    pub fork_exclusion_failures: u64,
    /// Non-empty secrets alive now whose memory is not locked, on any platform.
    pub unlocked_live: u64,
}

/// The process-wide [`ProtectionStats`]: a non-zero `unlocked_live` means some key material can
/// reach swap, which an application may want to report (raise `ulimit -l`, or grant `CAP_IPC_LOCK`).
///
/// ```
/// let before = kmipkit::keys::protection_stats();
/// let key = kmipkit::keys::SecretBytes::from(&[7u8; 32][..]);
/// if !key.is_locked() {
///     assert!(kmipkit::keys::protection_stats().unlocked_live >= 1);
/// }
/// # let _ = before;
/// ```
pub fn protection_stats() -> ProtectionStats {
    ProtectionStats {
        lock_failures: LOCK_FAILURES.load(Ordering::Relaxed),
        dump_exclusion_failures: DUMP_EXCLUSION_FAILURES.load(Ordering::Relaxed),
        fork_exclusion_failures: FORK_EXCLUSION_FAILURES.load(Ordering::Relaxed),
        unlocked_live: UNLOCKED_LIVE.load(Ordering::Relaxed),
    }
}

/// A zero-initialised buffer of fixed length that is wiped on drop and never moves or grows.
pub(crate) struct Region {
    memory: Memory,
    protection: Protection,
    /// The process that made the region: only it has the memory when `excluded_from_fork`.
    owner: u32,
}

enum Memory {
    /// A private anonymous mapping holding this secret only.
    #[cfg(unix)]
    Mapped(memmap2::MmapMut),
    /// A heap buffer allocated at its final size (no protection beyond zeroize-on-drop).
    Heap(Box<[u8]>),
}

impl Region {
    /// A region of `len` zero bytes, protected before any secret byte is written to it.
    pub(crate) fn zeroed(len: usize) -> Self {
        if len == 0 {
            return Self {
                memory: Memory::Heap(Box::default()),
                protection: Protection::default(),
                owner: 0,
            };
        }
        #[cfg(unix)]
        if let Some(region) = Self::mapped(len) {
            return region;
        }
        #[cfg(unix)]
        LOCK_FAILURES.fetch_add(1, Ordering::Relaxed);
        #[cfg(target_os = "linux")]
        FORK_EXCLUSION_FAILURES.fetch_add(1, Ordering::Relaxed);
        UNLOCKED_LIVE.fetch_add(1, Ordering::Relaxed);
        Self {
            memory: Memory::Heap(vec![0; len].into_boxed_slice()),
            protection: Protection::default(),
            owner: 0,
        }
    }

    #[cfg(unix)]
    fn mapped(len: usize) -> Option<Self> {
        if forced_failure() {
            return None;
        }
        let map = memmap2::MmapMut::map_anon(len).ok()?;
        let protection = Protection {
            locked: map.lock().is_ok(),
            excluded_from_core_dumps: exclude_from_core_dumps(&map),
            excluded_from_fork: exclude_from_fork(&map),
        };
        if !protection.locked {
            LOCK_FAILURES.fetch_add(1, Ordering::Relaxed);
            UNLOCKED_LIVE.fetch_add(1, Ordering::Relaxed);
        }
        Some(Self {
            memory: Memory::Mapped(map),
            protection,
            owner: std::process::id(),
        })
    }

    /// Whether the bytes can be read here: false only in a child process forked after the region
    /// was made, which did not inherit its memory.
    pub(crate) fn available(&self) -> bool {
        !self.protection.excluded_from_fork || std::process::id() == self.owner
    }

    /// The length, known without touching the memory (so also in a forked child).
    pub(crate) fn len(&self) -> usize {
        match &self.memory {
            #[cfg(unix)]
            Memory::Mapped(map) => map.len(),
            Memory::Heap(heap) => heap.len(),
        }
    }

    /// # Panics
    /// In a child process forked after the region was made (see the module documentation):
    /// reading the address would read nothing or another mapping's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.assert_available();
        match &self.memory {
            #[cfg(unix)]
            Memory::Mapped(map) => map,
            Memory::Heap(heap) => heap,
        }
    }

    /// # Panics
    /// As [`Region::bytes`].
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        self.assert_available();
        match &mut self.memory {
            #[cfg(unix)]
            Memory::Mapped(map) => map,
            Memory::Heap(heap) => heap,
        }
    }

    fn assert_available(&self) {
        assert!(
            self.available(),
            "kmipkit: a secret made before fork() was used in the child process, which does not inherit secret memory (MADV_DONTFORK); make or fetch keys after forking"
        );
    }

    pub(crate) fn protection(&self) -> Protection {
        self.protection
    }
}

impl Drop for Region {
    /// Wipes the bytes while the pages are still locked, then unlocks and unmaps (or frees) them.
    fn drop(&mut self) {
        if !self.available() {
            // Not this process's memory: nothing to wipe, and unmapping the address could unmap
            // a mapping the child made there since. Only the handle is forgotten.
            #[cfg(unix)]
            if let Memory::Mapped(map) =
                std::mem::replace(&mut self.memory, Memory::Heap(Box::default()))
            {
                std::mem::forget(map);
            }
            return;
        }
        self.bytes_mut().zeroize();
        #[cfg(unix)]
        if let Memory::Mapped(map) = &self.memory
            && self.protection.locked
        {
            // munmap would unlock too; an error here leaves nothing to undo.
            let _ = map.unlock();
        }
        if !self.protection.locked && self.len() != 0 {
            UNLOCKED_LIVE.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(target_os = "linux")]
fn exclude_from_core_dumps(map: &memmap2::MmapMut) -> bool {
    let excluded = map.advise(memmap2::Advice::DontDump).is_ok();
    if !excluded {
        DUMP_EXCLUSION_FAILURES.fetch_add(1, Ordering::Relaxed);
    }
    excluded
}

/// Keeps the mapping out of child processes (`MADV_DONTFORK`, in memmap2's safe API on Linux).
#[cfg(target_os = "linux")]
fn exclude_from_fork(map: &memmap2::MmapMut) -> bool {
    let excluded = map.advise(memmap2::Advice::DontFork).is_ok();
    if !excluded {
        FORK_EXCLUSION_FAILURES.fetch_add(1, Ordering::Relaxed);
    }
    excluded
}

/// Other Unix systems: memmap2 offers no fork advice there (BSD's `minherit` is not wrapped), so
/// nothing is attempted and nothing is counted.
#[cfg(all(unix, not(target_os = "linux")))]
fn exclude_from_fork(_map: &memmap2::MmapMut) -> bool {
    false
}

/// Other Unix systems have no `MADV_DONTDUMP` in memmap2's safe API (FreeBSD's `MADV_NOCORE`
/// is not offered), so nothing is attempted and nothing is counted.
#[cfg(all(unix, not(target_os = "linux")))]
fn exclude_from_core_dumps(_map: &memmap2::MmapMut) -> bool {
    false
}

#[cfg(test)]
thread_local! {
    /// Makes this thread's next regions take the unprotected path, as a full RLIMIT_MEMLOCK would.
    static FORCE_FAILURE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(all(unix, test))]
fn forced_failure() -> bool {
    FORCE_FAILURE.with(std::cell::Cell::get)
}

#[cfg(all(unix, not(test)))]
fn forced_failure() -> bool {
    false
}

#[cfg(test)]
pub(crate) fn force_failure(on: bool) {
    FORCE_FAILURE.with(|f| f.set(on));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_region_is_unprotected() {
        let region = Region::zeroed(0);
        assert!(region.bytes().is_empty());
        assert_eq!(region.protection(), Protection::default());
    }

    #[test]
    fn region_is_zeroed_and_fixed() {
        let mut region = Region::zeroed(100);
        assert_eq!(region.bytes(), &[0u8; 100][..]);
        let address = region.bytes().as_ptr();
        region.bytes_mut().copy_from_slice(&[0xA5; 100]);
        assert_eq!(region.bytes().as_ptr(), address);
        assert_eq!(region.bytes(), &[0xA5u8; 100][..]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_region_is_excluded_from_core_dumps() {
        assert!(Region::zeroed(32).protection().excluded_from_core_dumps);
    }

    /// The kernel's own record: `dc` ("do not copy area on fork") in the mapping's VmFlags.
    #[cfg(target_os = "linux")]
    #[test]
    fn linux_region_is_not_copied_into_a_forked_child() {
        let region = Region::zeroed(32);
        assert!(region.protection().excluded_from_fork);
        let address = region.bytes().as_ptr() as usize;
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut in_region = false;
        let mut flags = None;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((start, end)) = range.split_once('-')
                && let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                )
            {
                in_region = (start..end).contains(&address);
            } else if in_region && let Some(f) = line.strip_prefix("VmFlags:") {
                flags = Some(f.split_whitespace().map(str::to_string).collect::<Vec<_>>());
            }
        }
        let flags = flags.expect("the secret's mapping is in /proc/self/smaps");
        assert!(flags.iter().any(|f| f == "dc"), "{flags:?}");
        assert!(flags.iter().any(|f| f == "dd"), "{flags:?}");
    }

    /// What a forked child sees (the kernel part is the test above; a real fork is in
    /// python/tests/test_threads_fork.py): the region says it is unavailable, refuses to be read,
    /// and dropping it touches neither the address nor the mapping.
    #[cfg(target_os = "linux")]
    #[test]
    fn in_another_process_a_region_is_unavailable_and_drops_without_touching_memory() {
        let mut region = Region::zeroed(32);
        region.bytes_mut().fill(0x5A);
        let stats_before = protection_stats();
        region.owner = std::process::id().wrapping_add(1);
        assert!(!region.available());
        assert_eq!(region.len(), 32);
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| region.bytes()[0]));
        let message = read.unwrap_err();
        let message = message.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(message.contains("fork"), "{message}");
        drop(region);
        assert_eq!(protection_stats().unlocked_live, stats_before.unlocked_live);
    }

    #[test]
    fn failed_lock_is_recorded_and_the_region_still_works() {
        force_failure(true);
        let mut region = Region::zeroed(16);
        force_failure(false);
        assert!(!region.protection().locked);
        region.bytes_mut().copy_from_slice(&[1; 16]);
        assert_eq!(region.bytes(), &[1u8; 16][..]);
        let stats = protection_stats();
        assert!(stats.unlocked_live >= 1);
        #[cfg(unix)]
        assert!(stats.lock_failures >= 1);
    }
}
