//! Files kmipkit writes beside other people's files: logs, audit trails, state files and the
//! CLI's outputs. None of them is ever opened through a symbolic link, and a temporary file is
//! always a new file under an unguessable name.
//!
//! Whoever can create a name in a directory kmipkit writes to could otherwise plant a link there
//! (`kmipkit.log.state.tmp -> /etc/passwd`, `audit.csv -> ~/.bashrc`) and have kmipkit replace or
//! append to the file it points to. So:
//! - [`create_temp`] makes `.NAME.kmipkit-PID-RANDOM.tmp` with `O_CREAT|O_EXCL|O_NOFOLLOW`, mode
//!   0600: a planted name (link or file) makes it pick another name, never write through it;
//! - [`open_append`] opens with `O_NOFOLLOW`, and refuses what is not a regular file, belongs to
//!   another user or is writable by other users;
//! - [`check_directory`] refuses a directory other users can write unless it is sticky (like
//!   `/tmp`, where no one can rename or remove another user's files) and owned by root or by this
//!   user; the message names the `chmod` that fixes it.
//!
//! - `open_regular` opens a file to read (a log to verify, a state file, a CA) only if it is a
//!   regular file, without blocking on a FIFO swapped in.
//!
//! On platforms without `O_NOFOLLOW` (not Unix) the files are opened plainly.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Tries before [`create_temp`] gives up: each collision is a planted or leftover name.
const TEMP_ATTEMPTS: u32 = 16;

/// Creates a new private file (mode 0600) beside `target`, named `.NAME.kmipkit-PID-RANDOM.tmp`,
/// for writing `target` atomically (write, `sync_all`, rename over `target`).
///
/// The name is not predictable, and the file is created with `O_EXCL|O_NOFOLLOW`: an existing name
/// of any kind, a symbolic link included, is never opened, and another name is tried.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("kmipkit-temp-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let (_file, temp) = kmipkit::files::create_temp(&dir.join("out.kmk")).unwrap();
/// let name = temp.file_name().unwrap().to_str().unwrap();
/// assert_eq!(kmipkit::files::temp_owner(name), Some(std::process::id()));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn create_temp(target: &Path) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..TEMP_ATTEMPTS {
        let temp = temp_path(target)?;
        match create_new(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary name was free")))
}

/// A fresh temporary name beside `target`, `.NAME.kmipkit-PID-RANDOM.tmp`, for a caller that must
/// know the name before the file exists (to remove it if a signal comes); create it with
/// [`create_new`].
pub fn temp_path(target: &Path) -> io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file name", target.display()),
        )
    })?;
    Ok(dir.join(format!(
        ".{}.kmipkit-{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        random_u64()
    )))
}

/// Creates `path` as a new private file (mode 0600) with `O_CREAT|O_EXCL|O_NOFOLLOW`: fails with
/// `AlreadyExists` if anything, a symbolic link included, has that name.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    no_follow(&mut options, 0o600);
    options.open(path)
}

/// The process id in the name of a [`create_temp`] file (`.NAME.kmipkit-PID-N.tmp`), so the
/// leftovers of dead processes can be told apart and removed.
///
/// ```
/// use kmipkit::files::temp_owner;
/// assert_eq!(temp_owner(".a.kmk.kmipkit-4242-17.tmp"), Some(4242));
/// assert_eq!(temp_owner("notes.tmp"), None);
/// ```
pub fn temp_owner(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, tail) = inner.rsplit_once(".kmipkit-")?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Opens `path` for appending, creating it with mode 0600, without following a symbolic link.
///
/// Refused (as `PermissionDenied`, with a message naming the fix): a path that is a symbolic link,
/// anything but a regular file, a file owned by another user, and a file other users can write.
pub fn open_append(path: &Path) -> io::Result<File> {
    // A FIFO would block the open (and a device is no log): refuse both before opening, and
    // open without waiting in case one replaced the file since.
    if fs::symlink_metadata(path).is_ok_and(|m| !m.is_file() && !m.file_type().is_symlink()) {
        return Err(refused(format!(
            "{} is not a regular file; name a file",
            path.display()
        )));
    }
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    no_follow_nonblocking(&mut options, 0o600);
    let file = options.open(path).map_err(|e| symlink_refused(path, e))?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(refused(format!(
            "{} is not a regular file; name a file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Some(uid) = effective_uid()
            && metadata.uid() != uid
        {
            return Err(refused(format!(
                "{} belongs to another user (uid {}); remove it, or run: chown {uid} {}",
                path.display(),
                metadata.uid(),
                path.display()
            )));
        }
        let mode = metadata.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(refused(format!(
                "{} is writable by other users (mode {mode:04o}); run: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    Ok(file)
}

/// Checks that other users cannot replace, remove or add files in `dir`, which holds kmipkit's
/// `what` (e.g. "log"): `Err` carries the message with the `chmod` that fixes it.
///
/// A directory group or others can write is refused unless it has the sticky bit (then only a
/// file's owner may rename or remove it) and belongs to root or to this user. A missing directory
/// passes (it is created privately).
///
/// ```
/// # #[cfg(unix)] {
/// use std::os::unix::fs::PermissionsExt;
/// let dir = std::env::temp_dir().join(format!("kmipkit-dir-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
/// let refusal = kmipkit::files::check_directory(&dir, "log").unwrap_err();
/// assert!(refusal.ends_with(&format!("run: chmod go-w {}", dir.display())));
/// std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
/// assert!(kmipkit::files::check_directory(&dir, "log").is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # }
/// ```
pub fn check_directory(dir: &Path, what: &str) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(metadata) = fs::metadata(dir) else {
            return Ok(());
        };
        let mode = metadata.mode() & 0o7777;
        if mode & 0o022 == 0 {
            return Ok(());
        }
        let sticky = mode & 0o1000 != 0;
        let owner_ok = metadata.uid() == 0 || effective_uid().is_none_or(|u| u == metadata.uid());
        if sticky && owner_ok {
            return Ok(());
        }
        let shown = dir.display();
        let why = if sticky {
            format!(
                "is writable by other users (mode {mode:04o}) and belongs to another user (uid {})",
                metadata.uid()
            )
        } else {
            format!("is writable by other users (mode {mode:04o})")
        };
        Err(format!(
            "the {what} directory {shown} {why}: another user could replace the {what} files or plant links in their place; run: chmod go-w {shown}"
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, what);
        Ok(())
    }
}

/// The effective user id, where it can be read without `unsafe` (Linux: `/proc/self/status`).
#[cfg(unix)]
fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    // Real, effective, saved, file-system.
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `O_NOFOLLOW` and the creation mode, where the platform has them.
fn no_follow(options: &mut OpenOptions, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = (options, mode);
}

/// [`no_follow`] plus `O_NONBLOCK`, which changes how FIFOs and devices open, not regular files.
fn no_follow_nonblocking(options: &mut OpenOptions, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    let _ = (options, mode);
}

/// `O_NOFOLLOW` on a link fails with `ELOOP`: say what happened instead.
fn symlink_refused(path: &Path, e: io::Error) -> io::Error {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return e;
    }
    refused(format!(
        "{} is a symbolic link; kmipkit never writes through one (another user may have planted it): remove the link, or configure the path it points to",
        path.display()
    ))
}

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message)
}

/// 64 unpredictable bits for a temporary name: std's hasher keys come from the operating system's
/// random source, so the name cannot be guessed ahead (`O_EXCL` keeps a guessed one harmless too).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// Opens `path` as `options` say (to read, append or create a log, a state file, an audit
/// trail) only if it is a regular file or does not exist yet: a FIFO, device or directory is
/// refused before it is opened, and the open itself never blocks, so one swapped in meanwhile is
/// refused too (a FIFO opened to write with no reader fails at once, with one it is seen here).
pub(crate) fn open_regular(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    let not_regular = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or directory); name a regular file",
        )
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(not_regular());
    }
    let file = without_waiting(options).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// `options` with O_NONBLOCK: it changes how FIFOs and devices open and behave, not regular files.
pub(crate) fn without_waiting(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(temp_owner(".a.kmk.kmipkit-4242-17.tmp"), Some(4242));
        assert_eq!(temp_owner(".x.kmipkit-1-2.tmp.kmipkit-77-3.tmp"), Some(77));
        for other in [
            ".notes.tmp",
            "a.kmipkit-1-2.tmp",
            ".a.kmipkit-x-2.tmp",
            ".a.kmipkit-1-2",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
    }

    #[test]
    fn temporary_names_differ() {
        let dir = std::env::temp_dir().join(format!("kmipkit-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("t");
        let (_, a) = create_temp(&target).unwrap();
        let (_, b) = create_temp(&target).unwrap();
        assert_ne!(a, b);
        fs::remove_dir_all(&dir).unwrap();
    }
}
