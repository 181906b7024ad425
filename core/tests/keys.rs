//! Protected key material (`kmipkit::keys`): redaction, borrow-only access, wiping of sources,
//! fixed buffers, and — on Linux — locking and core-dump exclusion as the kernel reports them in
//! /proc/self/smaps.

use kmipkit::keys::{SecretBytes, SecretString, protection_stats};
use proptest::prelude::*;
use zeroize::Zeroizing;

const KEY: [u8; 32] = [
    0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4,
];

/// Every way the bytes could appear in text: hex in both cases, decimal lists, and raw.
fn leaks(text: &str, bytes: &[u8]) -> bool {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    text.to_lowercase().contains(&hex)
        || text.contains(&format!("{bytes:?}"))
        || text.contains(&String::from_utf8_lossy(bytes).into_owned())
        || text.contains("222, 173")
}

#[test]
fn debug_and_display_never_show_the_bytes() {
    let key = SecretBytes::from(&KEY[..]);
    for text in [format!("{key:?}"), format!("{key:#?}"), format!("{key}")] {
        assert!(!leaks(&text, &KEY), "{text}");
        let state = if key.is_locked() {
            "locked"
        } else {
            "not locked"
        };
        assert_eq!(text, format!("SecretBytes(<32 bytes, {state}>)"));
    }
    // Also inside other types' derived Debug.
    let wrapped = format!("{:?}", Some(vec![key.clone()]));
    assert!(!leaks(&wrapped, &KEY), "{wrapped}");

    let password = SecretString::from("swordfish-42");
    for text in [format!("{password:?}"), format!("{password}")] {
        assert!(!text.contains("swordfish"), "{text}");
        assert!(text.starts_with("SecretString(<12 bytes, "), "{text}");
    }
}

#[test]
fn expose_returns_the_bytes() {
    let key = SecretBytes::from(&KEY[..]);
    assert_eq!(key.expose(), KEY);
    assert_eq!(key.len(), 32);
    assert!(!key.is_empty());
    let empty = SecretBytes::from(Vec::new());
    assert!(empty.is_empty());
    assert_eq!(empty.expose(), b"");
    assert!(!empty.is_locked(), "nothing to lock");
}

#[test]
fn a_mutable_vector_source_is_left_all_zeros() {
    let mut source = Vec::with_capacity(100);
    source.extend_from_slice(&KEY);
    let capacity = source.capacity();
    let key = SecretBytes::from(&mut source);
    assert_eq!(key.expose(), KEY);
    assert_eq!(source, [0u8; 32], "the source keeps its length, wiped");
    assert_eq!(source.capacity(), capacity);
}

#[test]
fn owned_sources_are_taken() {
    assert_eq!(SecretBytes::from(KEY.to_vec()).expose(), KEY);
    assert_eq!(
        SecretBytes::from(Zeroizing::new(KEY.to_vec())).expose(),
        KEY
    );
    assert_eq!(
        SecretBytes::from(KEY.to_vec().into_boxed_slice()).expose(),
        KEY
    );
    assert_eq!(SecretString::from(String::from("pw")).expose(), "pw");
    assert_eq!(
        SecretString::from(Zeroizing::new(String::from("pw"))).expose(),
        "pw"
    );
}

#[test]
fn the_buffer_never_moves_or_changes_length() {
    let mut key = SecretBytes::zeroed(32);
    assert_eq!(key.expose(), [0u8; 32]);
    let address = key.expose().as_ptr();
    key.expose_mut().copy_from_slice(&KEY);
    key.expose_mut()[0] ^= 0xff;
    assert_eq!(key.len(), 32);
    assert_eq!(key.expose().as_ptr(), address);
    assert_eq!(key.expose()[1..], KEY[1..]);

    let filled = SecretBytes::try_init(32, |buf| {
        buf.copy_from_slice(&KEY);
        Ok::<_, ()>(())
    });
    assert_eq!(filled.unwrap().expose(), KEY);
}

#[test]
fn clones_are_separate_protected_secrets() {
    let key = SecretBytes::from(&KEY[..]);
    let copy = key.clone();
    assert_eq!(copy, key);
    assert_ne!(copy.expose().as_ptr(), key.expose().as_ptr());
    assert_eq!(copy.protection(), key.protection());
    drop(key);
    assert_eq!(copy.expose(), KEY, "dropping one wipes only its own memory");
}

#[test]
fn equality_compares_contents() {
    let key = SecretBytes::from(&KEY[..]);
    let mut other = KEY;
    other[31] ^= 1;
    assert_ne!(key, SecretBytes::from(&other[..]));
    assert_ne!(key, SecretBytes::from(&KEY[..31]));
    assert_eq!(key, SecretBytes::from(&KEY[..]));
    assert_ne!(SecretString::from("a"), SecretString::from("b"));
}

#[test]
fn secrets_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SecretBytes>();
    send_sync::<SecretString>();
    let key = SecretBytes::from(&KEY[..]);
    let seen = std::thread::spawn(move || key.expose().to_vec())
        .join()
        .unwrap();
    assert_eq!(seen, KEY);
}

proptest! {
    #[test]
    fn any_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..5000)) {
        let key = SecretBytes::from(bytes.as_slice());
        prop_assert_eq!(key.expose(), bytes.as_slice());
        prop_assert_eq!(key.len(), bytes.len());
        let text = format!("{key:?}");
        prop_assert_eq!(text.clone(), format!("{key}"));
        let prefix = format!("SecretBytes(<{} bytes, ", bytes.len());
        prop_assert!(text.starts_with(&prefix));
    }

    #[test]
    fn any_text_round_trips(text in ".{0,200}") {
        let secret = SecretString::from(text.as_str());
        prop_assert_eq!(secret.expose(), text.as_str());
    }
}

/// The limits and privileges that decide whether `mlock` can succeed, read from /proc.
#[cfg(target_os = "linux")]
mod linux {
    use super::*;

    /// The soft RLIMIT_MEMLOCK in bytes, or None for "unlimited".
    fn memlock_limit() -> Option<u64> {
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max locked memory"))
            .unwrap();
        line.split_whitespace().nth(3).unwrap().parse().ok()
    }

    /// Whether CAP_IPC_LOCK (bit 14) is effective, which lifts RLIMIT_MEMLOCK.
    fn can_lock_without_limit() -> bool {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let caps = status
            .lines()
            .find_map(|l| l.strip_prefix("CapEff:"))
            .unwrap();
        u64::from_str_radix(caps.trim(), 16).unwrap() & (1 << 14) != 0
    }

    /// The VmFlags of the mapping holding `address`, from /proc/self/smaps.
    fn vm_flags(address: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().unwrap_or_default();
            if let Some((start, end)) = range.split_once('-')
                && let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                )
            {
                inside = (start..end).contains(&address);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.split_whitespace().map(str::to_owned).collect();
            }
        }
        panic!("no mapping holds {address:#x}");
    }

    #[test]
    fn the_kernel_sees_the_secret_locked_and_out_of_core_dumps() {
        let key = SecretBytes::from(&KEY[..]);
        let flags = vm_flags(key.expose().as_ptr() as usize);
        assert!(key.protection().excluded_from_core_dumps);
        assert!(
            flags.iter().any(|f| f == "dd"),
            "not MADV_DONTDUMP: {flags:?}"
        );
        // A 32-byte secret fits any non-trivial RLIMIT_MEMLOCK unless it is already used up.
        if key.is_locked() {
            assert!(flags.iter().any(|f| f == "lo"), "not mlocked: {flags:?}");
        } else {
            assert!(
                !can_lock_without_limit(),
                "mlock failed despite CAP_IPC_LOCK"
            );
            assert!(protection_stats().unlocked_live >= 1);
        }
    }

    #[test]
    fn a_secret_over_the_memlock_limit_still_works_unlocked() {
        let size = 16 << 20;
        let key = SecretBytes::zeroed(size);
        assert_eq!(key.len(), size);
        let over_limit = memlock_limit().is_some_and(|limit| limit < size as u64);
        if over_limit && !can_lock_without_limit() {
            assert!(!key.is_locked());
            assert!(key.protection().excluded_from_core_dumps);
            let stats = protection_stats();
            assert!(
                stats.lock_failures >= 1 && stats.unlocked_live >= 1,
                "{stats:?}"
            );
            assert!(format!("{key:?}").ends_with("not locked>)"));
        } else {
            assert!(
                key.is_locked(),
                "the limit allows it, or CAP_IPC_LOCK lifts it"
            );
        }
        assert!(key.expose().iter().all(|&b| b == 0));
    }
}
