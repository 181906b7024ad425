//! A small progress bar on stderr, drawn only when stderr is a terminal.
//!
//! Piped or redirected runs (scripts, CI) get no bar at all: no carriage returns in their logs.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

/// A progress bar over bytes or items.
pub struct Bar {
    label: String,
    total: Option<u64>,
    done: u64,
    bytes: bool,
    enabled: bool,
    started: Instant,
    drawn: Option<Instant>,
}

impl Bar {
    /// A bar for `total` bytes (unknown for stdin), shown if stderr is a terminal and `show`.
    pub fn bytes(label: &str, total: Option<u64>, show: bool) -> Self {
        Self::new(label, total, true, show)
    }

    /// A bar for `total` items.
    pub fn items(label: &str, total: u64, show: bool) -> Self {
        Self::new(label, Some(total), false, show)
    }

    fn new(label: &str, total: Option<u64>, bytes: bool, show: bool) -> Self {
        Self {
            label: label.to_string(),
            total,
            done: 0,
            bytes,
            enabled: show && std::io::stderr().is_terminal(),
            started: Instant::now(),
            drawn: None,
        }
    }

    /// Moves the bar to `done`.
    pub fn set(&mut self, done: u64) {
        self.done = done;
        if !self.enabled {
            return;
        }
        // Redrawing more than ten times a second costs time and shows nothing more.
        if self
            .drawn
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.drawn = Some(Instant::now());
        self.draw();
    }

    /// Adds `n` to the count.
    pub fn add(&mut self, n: u64) {
        self.set(self.done + n);
    }

    fn draw(&self) {
        let amount = |n: u64| {
            if self.bytes {
                crate::output::size(n)
            } else {
                n.to_string()
            }
        };
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = if self.bytes {
            format!(
                "  {}/s",
                crate::output::size((self.done as f64 / secs) as u64)
            )
        } else {
            String::new()
        };
        let line = match self.total {
            Some(total) if total > 0 => {
                let fraction = (self.done as f64 / total as f64).min(1.0);
                let filled = (fraction * 30.0) as usize;
                format!(
                    "{} [{}{}] {:>3}%  {}/{}{rate}",
                    self.label,
                    "#".repeat(filled),
                    "-".repeat(30 - filled),
                    (fraction * 100.0) as u32,
                    amount(self.done),
                    amount(total)
                )
            }
            _ => format!("{} {}{rate}", self.label, amount(self.done)),
        };
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.enabled && self.drawn.is_some() {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
        self.enabled = false;
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A reader that moves a [`Bar`] as bytes pass through it.
pub struct Counting<'b, R> {
    /// The reader.
    pub inner: R,
    /// The bar.
    pub bar: &'b mut Bar,
    /// Bytes read so far.
    pub count: u64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        self.bar.add(n as u64);
        Ok(n)
    }
}
