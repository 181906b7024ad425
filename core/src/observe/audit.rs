//! The CSV audit trail: one row per key-manager operation and configuration change.
//!
//! RFC 4180: rows end with CRLF; a field holding a comma, a double quote, CR or LF is quoted,
//! with quotes doubled, and so is one holding `;` or a tab (other spreadsheet separators).
//! Formula-injection guard: a field starting with `=`, `+`, `-`, `@`, a tab, CR, LF or NUL is
//! prefixed with a single quote `'`, so a spreadsheet shows it as text instead of
//! evaluating it (OWASP's advice for CSV injection); the reader gives the field back as written,
//! quote included. The file is created with mode 0600, and an existing file that other users
//! can read or write is refused with the `chmod` that fixes it.
//!
//! Columns ([`COLUMNS`]): date and time (UTC), operation, server, ip_addr, port, key_name,
//! key_uid, user, outcome, reason, duration_ms, request_id, and `details`: every other field
//! the event carries as `key=value` pairs separated by `; `. Events hold no key values, hashes
//! of keys, plaintext or ciphertext (see `observe/event.rs`), so neither does the audit trail.
//!
//! **Not tamper-evident.** Rows have no serial number and no hash: whoever can write the file can
//! remove, change or add rows unseen. The tamper-evident record is the hash-chained log (every
//! event of the CSV is in it; check it with [`super::verify`] / `kmipkit log verify`); the CSV is
//! for spreadsheets and filtering.
//!
//! The file is never opened through a symbolic link, and its directory must not be writable by
//! other users (see [`crate::files`]).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::state::log_error;
use super::{Event, iso8601};
use crate::error::Result;

/// The header row.
pub const COLUMNS: [&str; 14] = [
    "date",
    "time",
    "operation",
    "server",
    "ip_addr",
    "port",
    "key_name",
    "key_uid",
    "user",
    "outcome",
    "reason",
    "duration_ms",
    "request_id",
    "details",
];

/// The fields of one row, in [`COLUMNS`] order, before quoting.
///
/// ```
/// use kmipkit::observe::{Event, Outcome, audit};
/// let event = Event::operation("Get", 1_700_000_000_123).key("=cmd|' /C calc'!A0", "")
///     .finished(Outcome::Failure, Some("ItemNotFound".into()), 3);
/// let row = audit::row(&event);
/// assert_eq!(&row[..3], ["2023-11-14", "22:13:20.123", "Get"]);
/// assert_eq!(audit::csv_line(&row).split(',').nth(6), Some("'=cmd|' /C calc'!A0"));
/// ```
pub fn row(event: &Event) -> Vec<String> {
    let stamp = iso8601(event.unix_ms);
    let (date, time) = stamp.split_once('T').unwrap_or((&stamp, ""));
    let details = event
        .details
        .iter()
        .map(|d| format!("{}={}", d.key, d.value))
        .collect::<Vec<_>>()
        .join("; ");
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        date.to_string(),
        time.trim_end_matches('Z').to_string(),
        event.operation.clone(),
        text(&event.server),
        event.ip_addr.map(|ip| ip.to_string()).unwrap_or_default(),
        event.port.map(|p| p.to_string()).unwrap_or_default(),
        text(&event.key_name),
        text(&event.key_uid),
        text(&event.user),
        event.outcome.as_str().to_string(),
        text(&event.reason),
        event.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
        text(&event.request_id),
        details,
    ]
}

/// One CSV record with its CRLF, each field guarded and quoted as RFC 4180 requires.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| quote(&guard(f.as_ref())))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn guard(field: &str) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\0') => format!("'{field}"),
        _ => field.to_string(),
    }
}

/// RFC 4180 quoting, also of fields holding `;` or a tab: spreadsheets in locales whose list
/// separator is `;` (or that detect tabs) would split an unquoted field there, and what follows
/// the split (`x;=cmd|...`) would be a cell the guard never saw.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n', ';', '\t']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Appends rows to an audit file.
///
/// ```
/// use kmipkit::observe::{Event, audit::AuditWriter};
/// let dir = std::env::temp_dir().join(format!("kmipkit-audit-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("audit.csv");
/// let mut writer = AuditWriter::open(&path).unwrap();
/// writer.write(&Event::operation("Create", 0)).unwrap();
/// let rows = kmipkit::observe::audit::read(&path).unwrap();
/// assert_eq!(rows[0].get("operation"), Some("Create"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct AuditWriter {
    path: PathBuf,
    file: fs::File,
}

impl AuditWriter {
    /// Opens (or creates, mode 0600, with the header row and any missing directory) an audit
    /// file for appending. Refused, with the fix named: a directory other users can write (unless
    /// sticky), and a path that is a symbolic link, not a regular file, another user's file or a
    /// file other users can read or write (see [`crate::files`]).
    pub fn open(path: &Path) -> Result<Self> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir)
            .map_err(|e| log_error(dir, format!("cannot create the audit directory: {e}")))?;
        crate::files::check_directory(dir, "audit").map_err(|reason| log_error(dir, reason))?;
        let mut file = crate::files::open_append(path)
            .map_err(|e| log_error(path, format!("cannot open the audit trail: {e}")))?;
        // Checked on the file opened, not on whatever the path names before or after.
        check_private(path, &file)?;
        let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(false);
        if empty {
            file.write_all(csv_line(&COLUMNS).as_bytes())
                .map_err(|e| log_error(path, format!("cannot write the audit trail: {e}")))?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends the row of `event`.
    pub fn write(&mut self, event: &Event) -> Result<()> {
        self.file
            .write_all(csv_line(&row(event)).as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|e| log_error(&self.path, format!("cannot write the audit trail: {e}")))
    }
}

/// Refuses a file other users can read (writing was refused when it was opened).
fn check_private(path: &Path, file: &fs::File) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_or(0, |m| m.permissions().mode() & 0o777);
        if mode & 0o077 != 0 {
            return Err(log_error(
                path,
                format!(
                    "the audit trail is accessible to other users (mode {mode:04o}); run: chmod 600 {}",
                    path.display()
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, file);
    Ok(())
}

/// One row read back, with the header's names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    /// (column, value) in file order.
    pub fields: Vec<(String, String)>,
}

impl AuditRow {
    /// The value of `column`, if the file has it.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads an audit file (for `kmipkit audit`: tail, filter).
pub fn read(path: &Path) -> Result<Vec<AuditRow>> {
    let mut text = String::new();
    crate::files::open_regular(fs::OpenOptions::new().read(true), path)
        .and_then(|mut file| file.read_to_string(&mut text))
        .map_err(|e| log_error(path, format!("cannot read the audit trail: {e}")))?;
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().unwrap_or_default();
    Ok(records
        .map(|r| AuditRow {
            fields: header.iter().cloned().zip(r).collect(),
        })
        .collect())
}

/// Splits RFC 4180 text into records of fields (quotes removed, doubled quotes undone).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}
