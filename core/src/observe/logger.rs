//! The logger: a bounded queue per destination, drained by a background thread, so a key
//! operation never waits on a disk or a log receiver.
//!
//! [`Logger::emit`] only tries to queue the event; when the queue is full the event is dropped
//! and counted. Dropped events never get a serial, so the chain has no gap: the next line that
//! gets through is preceded by an `event=dropped` line carrying `dropped=N` (and `lost=N` for
//! lines that were sealed but could not be written, e.g. to a receiver that went away, which
//! the receiver's copy shows as deleted serials). The chain state is saved whenever the queue runs
//! empty (once per burst of lines) and on every flush.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::audit::AuditWriter;
use super::sink::{self, Sink};
use super::{
    AuditSettings, Chain, ChainState, Destination, Event, EventKind, Format, Level, LogSettings,
    Origin,
};
use crate::error::Result;

/// Writes events to the configured log and audit trail from background threads.
///
/// ```
/// use kmipkit::observe::{Destination, Event, Level, LogSettings, Logger, Rotation};
/// let dir = std::env::temp_dir().join(format!("kmipkit-logger-doc-{}", std::process::id()));
/// let path = dir.join("kmipkit.log");
/// let settings = LogSettings {
///     destination: Some(Destination::File { path: path.clone(), rotation: Rotation::External }),
///     ..LogSettings::default()
/// };
/// let logger = Logger::start(&settings, None).unwrap();
/// logger.emit(Event::operation("Get", 0));
/// assert!(logger.flush(std::time::Duration::from_secs(5)));
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert!(text.contains("event=log_start"));
/// assert!(text.contains("serial=2 "));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct Logger {
    level: Level,
    log: Option<Queue>,
    audit: Option<Queue>,
}

#[derive(Debug)]
struct Queue {
    sender: SyncSender<Job>,
    dropped: Arc<AtomicU64>,
    dropped_total: AtomicU64,
}

enum Job {
    Event(Box<Event>),
    Flush(SyncSender<()>),
}

impl Logger {
    /// A logger that writes nothing.
    pub fn disabled() -> Self {
        Self {
            level: Level::None,
            log: None,
            audit: None,
        }
    }

    /// Opens the destinations and starts their threads. Prints the level's start-up warning
    /// (verbose, debug) to standard error and logs a `log_start` line.
    pub fn start(log: &LogSettings, audit: Option<&AuditSettings>) -> Result<Self> {
        let log_queue = match (&log.destination, log.level) {
            (Some(destination), level) if level > Level::None => {
                if let Some(warning) = level.startup_warning() {
                    eprintln!("warning: {warning}");
                }
                let state_path = log.state_path();
                if let Some(dir) = state_path.as_deref().and_then(Path::parent) {
                    let dir = Some(dir).filter(|d| !d.as_os_str().is_empty());
                    let dir = dir.unwrap_or(Path::new("."));
                    crate::files::check_directory(dir, "log state")
                        .map_err(|reason| super::state::log_error(dir, reason))?;
                }
                let mut state = match &state_path {
                    Some(path) => ChainState::load(path)?,
                    None => None,
                };
                // Lines a crash left written but not yet in the state file are continued
                // from, never given their serials again. Only with the state beside the log:
                // a state kept elsewhere was separated so that lines appended to the log while
                // no logger ran are reported, not adopted. The log_start line says how many.
                let mut recovered = 0;
                if let (Some(saved), Destination::File { path, .. }, None) =
                    (state, destination, &log.state_file)
                {
                    let caught_up = saved.caught_up(path);
                    recovered = caught_up.last_serial - saved.last_serial;
                    state = Some(caught_up);
                }
                let origin = Origin {
                    facility: log.facility,
                    ..Origin::new(
                        &log.hostname.clone().unwrap_or_else(hostname),
                        std::process::id(),
                    )
                };
                let worker = LogWorker {
                    continued: state.is_some(),
                    recovered,
                    saved: state.unwrap_or_default(),
                    chain: Chain::new(state.unwrap_or_default()),
                    sink: sink::open(destination)?,
                    state_path,
                    format: log.format,
                    level,
                    origin,
                    lost: 0,
                };
                let start = worker.start_event(now_ms());
                let queue = Queue::spawn(log.queue, "kmipkit-log", Box::new(worker));
                // Queued like any event: a dead receiver must not hold up the start either.
                queue.push(Box::new(start));
                Some(queue)
            }
            _ => None,
        };
        let audit_queue = match audit {
            Some(settings) => {
                let writer = AuditWriter::open(&settings.path)?;
                Some(Queue::spawn(log.queue, "kmipkit-audit", Box::new(writer)))
            }
            None => None,
        };
        Ok(Self {
            level: match log_queue {
                Some(_) => log.level,
                None => Level::None,
            },
            log: log_queue,
            audit: audit_queue,
        })
    }

    /// The running logger for these settings, or a new one: clients of one process that share
    /// a configuration share one logger, so two chains never interleave in one file.
    ///
    /// ```
    /// use kmipkit::observe::{LogSettings, Logger};
    /// let a = Logger::shared(&LogSettings::default(), None).unwrap();
    /// let b = Logger::shared(&LogSettings::default(), None).unwrap();
    /// assert!(std::sync::Arc::ptr_eq(&a, &b));
    /// ```
    pub fn shared(log: &LogSettings, audit: Option<&AuditSettings>) -> Result<Arc<Logger>> {
        type Running = Vec<(LogSettings, Option<AuditSettings>, Weak<Logger>)>;
        static RUNNING: Mutex<Running> = Mutex::new(Vec::new());
        let mut running = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|(_, _, logger)| logger.strong_count() > 0);
        let found = running
            .iter()
            .find(|(l, a, _)| l == log && a.as_ref() == audit)
            .and_then(|(_, _, logger)| logger.upgrade());
        if let Some(logger) = found {
            return Ok(logger);
        }
        // Another configuration for the same log file would interleave a second chain.
        if let Some(path) = log.state_path().filter(|_| log.level > Level::None)
            && running
                .iter()
                .any(|(l, _, _)| l.level > Level::None && l.state_path().as_ref() == Some(&path))
        {
            return Err(super::state::log_error(
                &path,
                "this log is already written by a logger of this process with other [log] settings; use one configuration per log file",
            ));
        }
        let logger = Arc::new(Logger::start(log, audit)?);
        running.push((log.clone(), audit.cloned(), Arc::downgrade(&logger)));
        Ok(logger)
    }

    /// Whether an audit trail is written.
    pub fn has_audit(&self) -> bool {
        self.audit.is_some()
    }

    /// The level events are logged at.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Queues `event` for the log and the audit trail; never blocks. Events that do not fit
    /// in a full queue are dropped and counted.
    pub fn emit(&self, event: Event) {
        match (&self.log, &self.audit) {
            (Some(log), Some(audit)) => {
                audit.push(Box::new(event.clone()));
                log.push(Box::new(event));
            }
            (Some(queue), None) | (None, Some(queue)) => queue.push(Box::new(event)),
            (None, None) => {}
        }
    }

    /// Records a configuration change: `setting` now has `value` (never a secret).
    pub fn config_change(&self, setting: &str, value: impl ToString) {
        self.emit(Event::config_change(setting, value, now_ms()));
    }

    /// Events dropped so far because a queue was full (log and audit together).
    pub fn dropped(&self) -> u64 {
        [&self.log, &self.audit]
            .into_iter()
            .flatten()
            .map(|q| q.dropped_total.load(Ordering::Relaxed))
            .sum()
    }

    /// Waits until everything queued so far is written and the chain state saved, at most
    /// `within`; `false` on timeout.
    pub fn flush(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        [&self.log, &self.audit].into_iter().flatten().all(|queue| {
            let (done, wait) = mpsc::sync_channel(1);
            let mut job = Job::Flush(done);
            // Waits for room in a full queue, but never past the deadline.
            loop {
                match queue.sender.try_send(job) {
                    Ok(()) => break,
                    Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                        job = back;
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return false,
                }
            }
            wait.recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .is_ok()
        })
    }
}

impl Drop for Logger {
    fn drop(&mut self) {
        // Lines still queued get a moment to reach their destination; a dead receiver cannot
        // hold the caller up longer than this.
        self.flush(Duration::from_secs(1));
    }
}

/// What drains a queue.
trait Worker: Send {
    /// Writes `event`; `dropped` events were lost to a full queue just before it.
    fn event(&mut self, event: &Event, dropped: u64);
    /// The queue is empty (or a flush was asked for): report drops, save state.
    fn idle(&mut self, dropped: u64);
}

impl Queue {
    fn spawn(capacity: usize, name: &str, mut worker: Box<dyn Worker>) -> Self {
        let (sender, receiver): (SyncSender<Job>, Receiver<Job>) =
            mpsc::sync_channel(capacity.max(1));
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = dropped.clone();
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                // Drains whatever is queued, then goes idle once: the chain state is saved
                // once per burst instead of once per line.
                while let Ok(mut job) = receiver.recv() {
                    loop {
                        let dropped = counter.swap(0, Ordering::Relaxed);
                        match job {
                            Job::Event(event) => worker.event(&event, dropped),
                            Job::Flush(done) => {
                                worker.idle(dropped);
                                let _ = done.send(());
                            }
                        }
                        match receiver.try_recv() {
                            Ok(next) => job = next,
                            Err(_) => break,
                        }
                    }
                    worker.idle(counter.swap(0, Ordering::Relaxed));
                }
            });
        if spawned.is_err() {
            // Without a thread nothing is drained: every event is then counted as dropped.
            eprintln!("warning: kmipkit cannot start its {name} thread; events are dropped");
        }
        Self {
            sender,
            dropped,
            dropped_total: AtomicU64::new(0),
        }
    }

    fn push(&self, event: Box<Event>) {
        match self.sender.try_send(Job::Event(event)) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                self.dropped_total.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

struct LogWorker {
    chain: Chain,
    /// The state last saved, to skip saving an unchanged one.
    saved: ChainState,
    continued: bool,
    /// Lines found after the saved state at start (written before a crash), now continued.
    recovered: u64,
    sink: Box<dyn Sink>,
    state_path: Option<PathBuf>,
    format: Format,
    level: Level,
    origin: Origin,
    lost: u64,
}

impl Worker for LogWorker {
    fn event(&mut self, event: &Event, dropped: u64) {
        self.report_drops(dropped);
        self.write(event);
    }

    fn idle(&mut self, dropped: u64) {
        self.report_drops(dropped);
        if let Some(path) = &self.state_path
            && self.chain.state() != &self.saved
            && self.chain.state().save(path).is_ok()
        {
            self.saved = *self.chain.state();
        }
    }
}

impl LogWorker {
    fn report_drops(&mut self, dropped: u64) {
        if dropped > 0 || self.lost > 0 {
            let report = dropped_event(dropped).detail(Level::Basic, "lost", self.lost);
            self.lost = 0;
            self.write(&report);
        }
    }

    fn write(&mut self, event: &Event) {
        let line = self
            .chain
            .append(self.format, &self.origin, self.level, event);
        if self.sink.write_line(&line).is_err() {
            self.lost += 1;
        }
    }

    fn start_event(&self, unix_ms: u64) -> Event {
        let chain = if self.continued { "continued" } else { "new" };
        let event = Event::new(EventKind::LogStart, "log_start", unix_ms)
            .detail(Level::Basic, "level", self.level)
            .detail(Level::Basic, "format", self.format)
            .detail(Level::Basic, "chain", chain);
        match self.recovered {
            0 => event,
            n => event.detail(Level::Basic, "recovered", n),
        }
    }
}

impl Worker for AuditWriter {
    fn event(&mut self, event: &Event, dropped: u64) {
        self.idle(dropped);
        // A row that cannot be written is lost; the log still has the event.
        let _ = self.write(event);
    }

    fn idle(&mut self, dropped: u64) {
        if dropped > 0 {
            let _ = self.write(&dropped_event(dropped));
        }
    }
}

fn dropped_event(dropped: u64) -> Event {
    Event::new(EventKind::Dropped, "dropped", now_ms()).detail(Level::Basic, "dropped", dropped)
}

/// The current time in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
