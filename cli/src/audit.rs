//! `kmipkit audit`: tail and filter the CSV audit trail.
//!
//! Reads the trail with the core's reader (`observe::audit::read`, RFC 4180), keeps the rows that
//! match every filter, and shows the last N: aligned columns for people, objects with --json.

use std::path::PathBuf;

use kmipkit::observe::audit::{AuditRow, read};
use serde_json::{Map, Value, json};

use crate::args::AuditArgs;
use crate::ctx::Ctx;
use crate::exit::{CliResult, Failure};

/// Columns shown in text mode, in this order (`--json` has every column).
const SHOWN: [&str; 9] = [
    "date",
    "time",
    "operation",
    "server",
    "key_name",
    "key_uid",
    "user",
    "outcome",
    "reason",
];

/// Runs `kmipkit audit`.
pub fn run(ctx: &Ctx, args: AuditArgs) -> CliResult {
    check_filters(&args)?;
    let path = match &args.file {
        Some(p) => p.clone(),
        None => configured(ctx)?,
    };
    let rows = read(&path)?;
    let matching: Vec<&AuditRow> = rows.iter().filter(|r| keep(r, &args)).collect();
    let start = matching.len().saturating_sub(args.tail);
    let shown = &matching[start..];

    let table: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            SHOWN
                .iter()
                .map(|c| printable(r.get(c).unwrap_or("")))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = SHOWN.iter().map(|c| c.len()).collect();
    for row in &table {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    ctx.out.line(line(SHOWN.to_vec()));
    for row in &table {
        ctx.out.line(line(row.iter().map(String::as_str).collect()));
    }
    if !args.follow {
        ctx.out.line(format!(
            "{} of {} matching rows shown ({} rows in {})",
            shown.len(),
            matching.len(),
            rows.len(),
            path.display()
        ));
    }
    let objects: Vec<Value> = shown
        .iter()
        .map(|r| {
            let map: Map<String, Value> = r
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            Value::Object(map)
        })
        .collect();
    if args.follow {
        for object in &objects {
            if !emit(&object.to_string()) {
                return Ok(());
            }
        }
        return follow(ctx, &path, rows.len(), &args, line);
    }
    ctx.out.document(json!({
        "file": path,
        "total_rows": rows.len(),
        "matching_rows": matching.len(),
        "rows": objects,
    }));
    Ok(())
}

/// Prints rows appended after the first `seen`, every half second, until the process is stopped.
fn follow(
    ctx: &Ctx,
    path: &std::path::Path,
    mut seen: usize,
    args: &AuditArgs,
    line: impl Fn(Vec<&str>) -> String,
) -> CliResult {
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let rows = read(path)?;
        // A rotated or truncated trail starts again from its first row.
        if rows.len() < seen {
            seen = 0;
        }
        for row in rows[seen..].iter().filter(|r| keep(r, args)) {
            let text = if ctx.out.json {
                let map: Map<String, Value> = row
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect();
                Value::Object(map).to_string()
            } else {
                let cells: Vec<String> = SHOWN
                    .iter()
                    .map(|c| printable(row.get(c).unwrap_or("")))
                    .collect();
                line(cells.iter().map(String::as_str).collect())
            };
            // Stop quietly when the reader of a pipe went away.
            if !emit(&text) {
                return Ok(());
            }
        }
        seen = rows.len();
    }
}

/// Writes one line to stdout now; false when stdout is gone (a closed pipe).
fn emit(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").is_ok() && out.flush().is_ok()
}

/// A cell as shown on a terminal: the trail keeps names as given (CSV quotes them); the core
/// escapes what must not reach a terminal raw, as its log does.
fn printable(cell: &str) -> String {
    kmipkit::observe::render::escaped(cell)
}

/// Whether a row passes every filter (case-insensitive exact match; --since compares dates).
fn keep(row: &AuditRow, args: &AuditArgs) -> bool {
    let is = |column: &str, want: &Option<String>| {
        want.as_ref()
            .is_none_or(|w| row.get(column).is_some_and(|v| v.eq_ignore_ascii_case(w)))
    };
    is("operation", &args.operation)
        && is("outcome", &args.outcome)
        && is("server", &args.server)
        && is("user", &args.user)
        && (args.key.as_ref().is_none_or(|k| {
            row.get("key_name").is_some_and(|v| v == k)
                || row.get("key_uid").is_some_and(|v| v == k)
        }))
        && args.since.as_ref().is_none_or(|since| {
            let stamp = format!(
                "{}T{}",
                row.get("date").unwrap_or(""),
                row.get("time").unwrap_or("")
            );
            stamp.as_str() >= since.as_str()
        })
}

/// Filters that can match nothing by mistake (`--since yesterday`, `--outcome sucess`) are
/// refused: an empty table would read as "nothing happened".
fn check_filters(args: &AuditArgs) -> CliResult {
    if let Some(outcome) = &args.outcome
        && !["success", "failure"].contains(&outcome.to_ascii_lowercase().as_str())
    {
        return Err(
            Failure::usage(format!("--outcome {outcome}: expected success or failure"))
                .hint("kmipkit audit --outcome failure"),
        );
    }
    if let Some(since) = &args.since
        && !is_utc_time(since)
    {
        return Err(Failure::usage(format!(
            "--since {since}: expected a UTC date or time, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]"
        ))
        .hint("kmipkit audit --since 2024-05-01T08:00"));
    }
    Ok(())
}

/// `YYYY-MM-DD`, optionally followed by `THH`, `THH:MM` or `THH:MM:SS` (the prefix compared).
fn is_utc_time(text: &str) -> bool {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    let bytes = text.as_bytes();
    [10, 13, 16, 19].contains(&bytes.len())
        && bytes.iter().zip(SHAPE).all(|(b, s)| match s {
            b'd' => b.is_ascii_digit(),
            _ => b == s,
        })
}

/// The `[audit]` file of kmipkit.toml.
fn configured(ctx: &Ctx) -> CliResult<PathBuf> {
    let config = ctx.config()?;
    config.audit.map(|a| a.path).ok_or_else(|| {
        Failure::usage("no audit file given and kmipkit.toml has no [audit] section").hint(
            "kmipkit audit --file PATH, or add [audit] path = \"log/audit.csv\" to kmipkit.toml",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{is_utc_time, printable};

    #[test]
    fn terminal_controls_in_cells_are_escaped() {
        assert_eq!(printable("orders-kek"), "orders-kek");
        assert_eq!(printable("caf\u{e9}"), "caf\u{e9}");
        assert_eq!(printable("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(printable("x\r\ny"), "x\\r\\ny");
        assert_eq!(printable("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
    }

    #[test]
    fn since_takes_dates_and_times_only() {
        for ok in [
            "2024-05-01",
            "2024-05-01T08",
            "2024-05-01T08:30",
            "2024-05-01T08:30:59",
        ] {
            assert!(is_utc_time(ok), "{ok}");
        }
        for bad in [
            "yesterday",
            "2024-5-1",
            "2024-05-01 08:30",
            "2024-05-01T8:30",
            "",
            "2024-05-01T08:30:59Z",
        ] {
            assert!(!is_utc_time(bad), "{bad}");
        }
    }
}
