//! A log file: appended with mode 0600, rotated by size or reopened after logrotate moved it.
//!
//! Every open (the first, after a rotation, after logrotate) goes through
//! [`crate::files::open_append`]: never through a symbolic link, never a file of another user or
//! one other users can write. The directory is checked once, when the sink opens: one that other
//! users can write (and that is not sticky) is refused, as they could swap the files in it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::Sink;
use crate::error::Result;
use crate::observe::settings::Rotation;
use crate::observe::state::log_error;

/// Appends lines to a file.
///
/// ```
/// use kmipkit::observe::{Rotation, sink::{FileSink, Sink}};
/// let dir = std::env::temp_dir().join(format!("kmipkit-file-sink-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("kmipkit.log");
/// let mut sink = FileSink::open(&path, Rotation::Size { max_bytes: 20, keep: 2 }).unwrap();
/// for _ in 0..3 {
///     sink.write_line("0123456789").unwrap();
/// }
/// assert!(dir.join("kmipkit.log.1").exists());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    rotation: Rotation,
    file: File,
    size: u64,
}

impl FileSink {
    /// Opens (or creates, mode 0600) `path` for appending. Refused: a directory other users can
    /// write, and a path that is a symbolic link, not a regular file, another user's file or one
    /// other users can write (see [`crate::files`]); each refusal names the fix.
    pub fn open(path: &Path, rotation: Rotation) -> Result<Self> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir)
            .map_err(|e| log_error(dir, format!("cannot create the log directory: {e}")))?;
        crate::files::check_directory(dir, "log").map_err(|reason| log_error(dir, reason))?;
        let file =
            append(path).map_err(|e| log_error(path, format!("cannot open the log: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Self {
            path: path.to_path_buf(),
            rotation,
            file,
            size,
        })
    }

    fn rotate(&mut self, keep: u32) -> io::Result<()> {
        let numbered = |n: u32| {
            let mut name = self.path.as_os_str().to_owned();
            name.push(format!(".{n}"));
            PathBuf::from(name)
        };
        if keep == 0 {
            fs::remove_file(&self.path)?;
        } else {
            let _ = fs::remove_file(numbered(keep));
            for n in (1..keep).rev() {
                let from = numbered(n);
                if from.exists() {
                    fs::rename(&from, numbered(n + 1))?;
                }
            }
            fs::rename(&self.path, numbered(1))?;
        }
        self.file = append(&self.path)?;
        self.size = 0;
        Ok(())
    }

    /// Whether the path no longer names the open file (moved or removed by logrotate).
    fn moved(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match (fs::metadata(&self.path), self.file.metadata()) {
                (Ok(on_disk), Ok(open)) => {
                    on_disk.ino() != open.ino() || on_disk.dev() != open.dev()
                }
                _ => true,
            }
        }
        #[cfg(not(unix))]
        {
            !self.path.exists()
        }
    }
}

impl Sink for FileSink {
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        let bytes = line.len() as u64 + 1;
        match self.rotation {
            Rotation::Size { max_bytes, keep }
                if self.size > 0 && self.size + bytes > max_bytes =>
            {
                self.rotate(keep)?;
            }
            Rotation::External if self.moved() => {
                self.file = append(&self.path)?;
                self.size = self.file.metadata().map(|m| m.len()).unwrap_or(0);
            }
            _ => {}
        }
        let mut buffer = String::with_capacity(line.len() + 1);
        buffer.push_str(line);
        buffer.push('\n');
        // One write per line, so a concurrent reader never sees half a line from us.
        self.file.write_all(buffer.as_bytes())?;
        self.file.flush()?;
        self.size += bytes;
        Ok(())
    }
}

fn append(path: &Path) -> io::Result<File> {
    crate::files::open_append(path)
}
