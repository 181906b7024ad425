//! The files of `kmipkit rotate`: which to visit, which key version each depends on, and the
//! checks that make rewriting them in place safe.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use kmipkit::envelope::format::Header;
use kmipkit::envelope::rotation::current_key_of;

use crate::args::RotateArgs;
use crate::exit::{CliResult, Exit, Failure};

/// Which key version each file depends on now, from its header (files without one are left out).
pub fn dependencies(files: &[PathBuf]) -> BTreeMap<(String, u32), Vec<PathBuf>> {
    let mut map: BTreeMap<(String, u32), Vec<PathBuf>> = BTreeMap::new();
    for path in files {
        let key = File::open(path)
            .ok()
            .and_then(|f| {
                let mut r = Recording {
                    inner: BufReader::new(f),
                    seen: Vec::new(),
                };
                Header::read_from(&mut r).ok().map(|_| r.seen)
            })
            .and_then(|bytes| current_key_of(&bytes).ok())
            .map(|k| (k.name, k.version));
        if let Some(key) = key {
            map.entry(key).or_default().push(path.clone());
        }
    }
    map
}

/// The files named on the command line (files, directories walked with --bulk, --list entries),
/// and the temporary files of killed runs that the walk removed (with --dry-run: found).
pub fn collect(args: &RotateArgs) -> CliResult<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut leftovers = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            if !args.bulk {
                return Err(Failure::usage(format!("{} is a directory", path.display()))
                    .hint("add --bulk to walk directories"));
            }
            walk(path, args.dry_run, &mut files, &mut leftovers)?;
        } else {
            files.push(path.clone());
        }
    }
    if let Some(list) = &args.list {
        let text = String::from_utf8(crate::files::read(list)?)
            .map_err(|_| Failure::new(Exit::Io, format!("{} is not UTF-8 text", list.display())))?;
        files.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(PathBuf::from),
        );
    }
    files.sort();
    files.dedup();
    Ok((files, leftovers))
}

fn walk(
    dir: &Path,
    dry_run: bool,
    files: &mut Vec<PathBuf>,
    leftovers: &mut Vec<PathBuf>,
) -> CliResult {
    let entries = std::fs::read_dir(dir).map_err(|e| Failure::io("list", dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Failure::io("list", dir, &e))?;
        let path = entry.path();
        // Temporary files are not ciphertexts to rotate. Those of a process that no longer
        // exists (killed with SIGKILL, or the machine went down) would stay for ever: removed.
        if let Some(pid) = crate::files::temp_owner(&entry.file_name().to_string_lossy()) {
            let dead = Path::new("/proc/self").exists()
                && !Path::new("/proc").join(pid.to_string()).exists();
            if dead && (dry_run || std::fs::remove_file(&path).is_ok()) {
                leftovers.push(path);
            }
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|e| Failure::io("stat", &path, &e))?;
        if kind.is_dir() {
            walk(&path, dry_run, files, leftovers)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// What identifies a file's content without reading it again: another writer that replaced or
/// rewrote the file while it was being rotated changes at least one of these.
#[derive(PartialEq, Eq, Debug)]
pub struct Snapshot {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Snapshot {
    pub fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Refuses to replace `target` when it is no longer the file that was read: the rotated copy
    /// would silently undo the other writer's change (or, for a re-wrap, which copies the body
    /// unread, mix its bytes with the old header).
    pub fn unchanged(&self, target: &Path, shown: &Path) -> CliResult {
        let now = std::fs::metadata(target).map_err(|e| Failure::io("stat", shown, &e))?;
        if Self::of(&now) == *self {
            return Ok(());
        }
        Err(Failure::new(
            Exit::Io,
            format!(
                "{} changed while it was being rotated; it was left as the other writer made it",
                shown.display()
            ),
        )
        .hint("run the rotation again when nothing else writes to it"))
    }
}

/// A reader that keeps a copy of what it read (the header bytes).
pub struct Recording<R> {
    /// The reader.
    pub inner: R,
    /// What was read from it.
    pub seen: Vec<u8>,
}

impl<R: Read> Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_meanwhile_is_not_replaced() {
        let dir = std::env::temp_dir().join(format!("kmipkit-snapshot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.kmk");
        std::fs::write(&path, b"old").unwrap();
        let before = Snapshot::of(&File::open(&path).unwrap().metadata().unwrap());
        assert!(before.unchanged(&path, &path).is_ok());
        // Rewritten in place, same length: only the times tell.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, b"new").unwrap();
        let failure = before.unchanged(&path, &path).unwrap_err();
        assert_eq!(failure.exit, Exit::Io);
        assert!(
            failure.message.contains("changed while"),
            "{}",
            failure.message
        );
        // Replaced by another file (a rename, as an atomic writer does).
        let before = Snapshot::of(&std::fs::metadata(&path).unwrap());
        std::fs::write(dir.join("n"), b"new").unwrap();
        std::fs::rename(dir.join("n"), &path).unwrap();
        assert!(before.unchanged(&path, &path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
