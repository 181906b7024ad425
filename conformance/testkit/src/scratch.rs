//! Fresh private directories for tests, under Cargo's target directory.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where [`scratch`] directories go: `KMIPKIT_TEST_TMPDIR` if set, else the `tmp` directory of
/// the Cargo target directory the running test binary was built in (what Cargo calls
/// `CARGO_TARGET_TMPDIR`, which only the test crate itself can read at compile time), else the
/// system's temporary directory.
///
/// ```
/// assert!(kmipkit_testkit::scratch_root().is_absolute());
/// ```
pub fn scratch_root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        if let Some(dir) = std::env::var_os("KMIPKIT_TEST_TMPDIR") {
            return std::path::absolute(dir).expect("KMIPKIT_TEST_TMPDIR as an absolute path");
        }
        // Test binaries live in <target>/<profile>/deps (or <target>/<triple>/<profile>/deps);
        // Cargo keeps its rustc cache and a CACHEDIR.TAG in <target> itself (the tag only when
        // Cargo created the directory).
        std::env::current_exe()
            .ok()
            .and_then(|exe| {
                exe.ancestors()
                    .find(|dir| {
                        dir.join(".rustc_info.json").is_file() || dir.join("CACHEDIR.TAG").is_file()
                    })
                    .map(|target| target.join("tmp"))
            })
            .unwrap_or_else(std::env::temp_dir)
    })
    .clone()
}

/// A new empty directory (mode 0700) for one test or one server: `<root>/<tag>-<pid>-<n>`,
/// unique within the test process and across concurrent test processes.
///
/// ```
/// let a = kmipkit_testkit::scratch("doc");
/// let b = kmipkit_testkit::scratch("doc");
/// assert_ne!(a, b);
/// assert!(std::fs::read_dir(&a).unwrap().next().is_none());
/// # std::fs::remove_dir(a).unwrap(); std::fs::remove_dir(b).unwrap();
/// ```
pub fn scratch(tag: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = scratch_root().join(format!(
        "{tag}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    // A directory left by an earlier process that had the same PID.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
        .unwrap_or_else(|e| panic!("chmod 0700 {}: {e}", dir.display()));
    dir
}
