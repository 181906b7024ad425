//! Tamper-evident logging and the CSV audit trail.
//!
//! Every key-manager operation (success and failure) and every configuration change is one
//! [`Event`] with normalized `key=value` fields. A [`Chain`] gives each line a serial number
//! (+1 per line, continued across restarts through a [`ChainState`] file) and a SHA-256 hash
//! over the previous line's hash and this line's content; [`verify`] finds deleted, inserted,
//! altered and reordered lines. Lines are rendered as RFC 3164 syslog (the default), RFC 5424,
//! ArcSight CEF, QRadar LEEF 2.0 or JSON lines ([`Format`]); [`audit`] writes the CSV trail.
//!
//! The event model, renderers, chain and verifier are pure and build for wasm32; the sinks
//! (files with rotation, syslog over a unix socket, UDP, TCP, TLS) and the background writer
//! need the `net` feature. See docs/LOGGING.md for the design and its limits.
//!
//! ```
//! use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin, Outcome};
//! let mut chain = Chain::new(ChainState::default());
//! let event = Event::operation("Get", 1_700_000_000_000)
//!     .server("dc1", Some("10.0.0.5".parse().unwrap()), 5696)
//!     .key("payroll-kek", "4d2f")
//!     .finished(Outcome::Success, None, 12);
//! let line = chain.append(Format::Rfc3164, &Origin::new("app01", 4242), Level::Basic, &event);
//! assert!(line.starts_with("<86>Nov 14 22:13:20 app01 kmipkit[4242]: serial=1 time=2023-11-14T22:13:20.000Z event=operation op=Get server=dc1 ip_addr=10.0.0.5 port=5696"));
//! assert!(kmipkit::observe::verify::verify_lines(&[line], None).is_intact());
//! ```

pub mod audit;
pub mod chain;
mod event;
mod level;
#[cfg(feature = "net")]
mod logger;
#[cfg(not(feature = "net"))]
mod quiet;
pub mod render;
mod settings;
#[cfg(feature = "net")]
pub mod sink;
pub mod state;
pub mod verify;

pub use chain::{Chain, ParsedLine, parse_line};
pub use event::{Detail, Event, EventKind, Outcome, iso8601};
pub use level::Level;
pub use render::{Format, Origin, Unsealed, render};
pub use settings::{AuditSettings, Destination, FACILITIES, LogSettings, Rotation};
pub use state::ChainState;

#[cfg(feature = "net")]
pub use logger::{Logger, now_ms};
#[cfg(not(feature = "net"))]
pub use quiet::Logger;
