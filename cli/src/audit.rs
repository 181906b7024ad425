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
                .map(|c| r.get(c).unwrap_or("").to_string())
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
                line(SHOWN.iter().map(|c| row.get(c).unwrap_or("")).collect())
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

/// The `[audit]` file of kmipkit.toml.
fn configured(ctx: &Ctx) -> CliResult<PathBuf> {
    let config = ctx.config()?;
    config.audit.map(|a| a.path).ok_or_else(|| {
        Failure::usage("no audit file given and kmipkit.toml has no [audit] section").hint(
            "kmipkit audit --file PATH, or add [audit] path = \"log/audit.csv\" to kmipkit.toml",
        )
    })
}
