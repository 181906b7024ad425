//! The logger without the `net` feature: no background threads or sinks exist there (a browser
//! has neither), so it writes nothing. The client still builds every event; a host that wants
//! them renders them itself with [`super::render`].

use std::time::Duration;

use super::{Event, Level};

/// A logger that writes nothing (builds without the `net` feature).
///
/// ```
/// let logger = kmipkit::observe::Logger::disabled();
/// assert_eq!(logger.level(), kmipkit::observe::Level::None);
/// ```
#[derive(Debug, Default)]
pub struct Logger;

impl Logger {
    /// A logger that writes nothing.
    pub fn disabled() -> Self {
        Self
    }

    /// Whether an audit trail is written: never here.
    pub fn has_audit(&self) -> bool {
        false
    }

    /// The level events are logged at: none here.
    pub fn level(&self) -> Level {
        Level::None
    }

    /// Drops `event`.
    pub fn emit(&self, event: Event) {
        drop(event);
    }

    /// Events dropped because a queue was full: there is no queue.
    pub fn dropped(&self) -> u64 {
        0
    }

    /// Nothing is ever pending.
    pub fn flush(&self, within: Duration) -> bool {
        let _ = within;
        true
    }
}
