//! Inputs and outputs: files or stdin/stdout, and outputs written atomically.
//!
//! An output file is written to a temporary file beside it (mode 0600: outputs may be plaintext
//! or key material) and renamed over the target only when the whole operation succeeded, so a
//! failed or interrupted command never leaves a half-written file under the target name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::exit::{CliResult, Exit, Failure};

/// Where data is read from.
pub enum Input {
    /// Standard input.
    Stdin(io::Stdin),
    /// A file, with its size for progress.
    File(File, u64, PathBuf),
}

impl Input {
    /// Opens `path`, or stdin for `None` or `-`.
    pub fn open(path: Option<&Path>) -> CliResult<Self> {
        match path {
            None => Ok(Self::Stdin(io::stdin())),
            Some(p) if p == Path::new("-") => Ok(Self::Stdin(io::stdin())),
            Some(p) => {
                if p.is_dir() {
                    return Err(is_a_directory(p, "the input"));
                }
                let file = File::open(p).map_err(|e| Failure::io("open", p, &e))?;
                let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                Ok(Self::File(file, len, p.to_path_buf()))
            }
        }
    }

    /// The size when known (files), for a progress bar with a percentage.
    pub fn len(&self) -> Option<u64> {
        match self {
            Self::File(_, len, _) => Some(*len),
            Self::Stdin(_) => None,
        }
    }

    /// Whether this is stdin attached to a terminal (someone would have to type the input).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Stdin(s) if s.is_terminal())
    }

    /// A name for messages.
    pub fn name(&self) -> String {
        match self {
            Self::File(_, _, p) => p.display().to_string(),
            Self::Stdin(_) => "standard input".into(),
        }
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Stdin(s) => s.read(buf),
            Self::File(f, _, _) => f.read(buf),
        }
    }
}

/// Where data is written: stdout, or a file that appears only on [`Output::commit`].
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file renamed to `target` on commit, removed otherwise.
    File(AtomicFile),
    /// A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`), written in place: renaming a
    /// file over it would replace the device itself (as root, /dev/null for the whole system).
    Special(BufWriter<File>, PathBuf),
}

impl Output {
    /// `path`, or stdout for `None` or `-`. `binary` refuses a terminal as stdout (ciphertext or
    /// key bytes would garble it and end up in its scroll-back).
    pub fn create(path: Option<&Path>, binary: bool) -> CliResult<Self> {
        match path {
            Some(p) if p != Path::new("-") && is_special(p) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(|e| Failure::io("open", p, &e))?;
                if binary && file.is_terminal() {
                    return Err(terminal_refused());
                }
                Ok(Self::Special(
                    BufWriter::with_capacity(1 << 16, file),
                    p.to_path_buf(),
                ))
            }
            Some(p) if p != Path::new("-") => Ok(Self::File(AtomicFile::create(p)?)),
            _ => {
                if binary && io::stdout().is_terminal() {
                    return Err(terminal_refused());
                }
                Ok(Self::Stdout(BufWriter::with_capacity(
                    1 << 16,
                    io::stdout(),
                )))
            }
        }
    }

    /// Whether this writes as it goes, to stdout or a device (so reports move to stderr, and a
    /// failure cannot take back what was written).
    pub fn is_stdout(&self) -> bool {
        matches!(self, Self::Stdout(_) | Self::Special(..))
    }

    /// Finishes the output: flushes stdout, or syncs and renames the file into place.
    pub fn commit(self) -> CliResult<()> {
        match self {
            Self::Stdout(mut s) => s.flush().map_err(|e| match e.kind() {
                io::ErrorKind::BrokenPipe => crate::crypt::closed_pipe(),
                _ => Failure::new(Exit::Io, format!("cannot write standard output: {e}")),
            }),
            Self::File(f) => f.commit(),
            Self::Special(mut s, p) => s.flush().map_err(|e| Failure::io("write", &p, &e)),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Stdout(s) => s.write(buf),
            Self::Special(s, _) => s.write(buf),
            Self::File(f) => f.file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stdout(s) => s.flush(),
            Self::Special(s, _) => s.flush(),
            Self::File(f) => f.file.flush(),
        }
    }
}

/// A file written under a temporary name and renamed into place when complete.
pub struct AtomicFile {
    file: BufWriter<File>,
    temp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl AtomicFile {
    /// Creates the temporary file (mode 0600) in `target`'s directory.
    pub fn create(target: &Path) -> CliResult<Self> {
        // Checked now: the rename at the end would fail only after all the work was done.
        if target.is_dir() || target.as_os_str().to_string_lossy().ends_with('/') {
            return Err(is_a_directory(target, "the output"));
        }
        if is_special(target) {
            return Err(Failure::new(
                Exit::Io,
                format!(
                    "{} is not a regular file (a device, FIFO or socket)",
                    target.display()
                ),
            )
            .hint("name a regular file"));
        }
        // The rename replaces what it lands on: through a link, that must be the linked file.
        let resolved;
        let target = match fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                resolved =
                    fs::canonicalize(target).map_err(|e| Failure::io("resolve", target, &e))?;
                resolved.as_path()
            }
            _ => target,
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // An unpredictable name, created with O_EXCL|O_NOFOLLOW (the core's rule for every
        // file kmipkit writes); guarded before it exists, so a signal never leaves it behind.
        let temp = kmipkit::files::temp_path(target)
            .map_err(|_| Failure::usage(format!("{} is not a file name", target.display())))?;
        crate::cleanup::guard_file(&temp);
        let file = kmipkit::files::create_new(&temp).map_err(|e| {
            crate::cleanup::release_file(&temp);
            Failure::io("create a file in", dir, &e)
        })?;
        Ok(Self {
            file: BufWriter::with_capacity(1 << 16, file),
            temp,
            target: target.to_path_buf(),
            done: false,
        })
    }

    /// Writes everything, syncs, and renames over the target.
    pub fn commit(mut self) -> CliResult<()> {
        let io_err = |e: io::Error, p: &Path| Failure::io("write", p, &e);
        self.file.flush().map_err(|e| io_err(e, &self.target))?;
        self.file
            .get_ref()
            .sync_all()
            .map_err(|e| io_err(e, &self.target))?;
        fs::rename(&self.temp, &self.target).map_err(|e| io_err(e, &self.target))?;
        self.done = true;
        crate::cleanup::release_file(&self.temp);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.temp);
            crate::cleanup::release_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `target` atomically (mode 0600).
pub fn write_atomic(target: &Path, bytes: &[u8]) -> CliResult<()> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)
        .map_err(|e| Failure::io("write", target, &e))?;
    file.commit()
}

fn terminal_refused() -> Failure {
    Failure::usage("refusing to write binary output to a terminal")
        .hint("redirect stdout to a file or pipe, or name an output file (-o FILE, --reveal FILE)")
}

/// Whether `path` exists and is neither a regular file nor a directory (links followed).
fn is_special(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A directory given where a file is needed (exit 7).
fn is_a_directory(path: &Path, what: &str) -> Failure {
    Failure::new(
        Exit::Io,
        format!("{} is a directory; {what} must be a file", path.display()),
    )
    .hint("name a file (for many files: `kmipkit rotate --bulk DIR` re-encrypts a directory)")
}

/// Reads a whole (small) file, naming it on failure.
pub fn read(path: &Path) -> CliResult<Vec<u8>> {
    fs::read(path).map_err(|e| Failure::io("read", path, &e))
}

/// The process id in the name of an [`AtomicFile`] temporary file (`.NAME.kmipkit-PID-N.tmp`),
/// so leftovers of dead processes can be told apart.
pub use kmipkit::files::temp_owner;
