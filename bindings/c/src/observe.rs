//! Logging, audit and log verification.
//!
//! The log and the audit trail are configured like every other setting — the `[log]` and
//! `[audit]` tables of `kmipkit.toml`, or `kmipkit_config_builder_set_text(b, "log", "file",
//! path)` and friends — and the client starts them when it connects, as in every kmipkit front
//! end. This file verifies a written log: the core's `observe::verify::verify_files`.

use std::ffi::c_char;
use std::path::PathBuf;

use kmipkit::observe::verify::{StateSource, VerifyOptions, VerifyReport, verify_files};

use crate::arrays::text_array;
use crate::boundary::{fail, ffi, ffi_value, give, handle, optional_text, out, take_back};
use crate::bytes::give_string;
use crate::result::kmipkit_result;

/// What `kmipkit_log_verify` found: the counts and every problem (a deleted, inserted,
/// altered or reordered line, a missing tail, a restarted chain), in the order found.
///
/// Thread safety: immutable; may be read from many threads at once, freed once.
pub struct kmipkit_log_report {
    inner: VerifyReport,
}

/// Checks the hash chain of a log and its rotated files (`paths`: `count` file names, in any
/// order) and writes the report to `*out_report` (freed with `kmipkit_log_report_free`).
/// `state_file` names the chain state file to compare the end of the log with; NULL looks for
/// `<newest file>.state` beside the log, and `""` checks without one (a removed tail then goes
/// unnoticed).
///
/// A broken chain is not a failure of the call: the result is `KMIPKIT_RESULT_OK` and the
/// report says what was found. A file that cannot be read gives `KMIPKIT_RESULT_LOG`.
///
/// ```c
/// const char *files[] = {"/var/log/kmipkit.log", "/var/log/kmipkit.log.1"};
/// kmipkit_log_report *report = NULL;
/// if (kmipkit_log_verify(files, 2, NULL, &report) == KMIPKIT_RESULT_OK) {
///     if (!kmipkit_log_report_intact(report)) {
///         char *text = NULL;
///         kmipkit_log_report_text(report, &text);
///         fputs(text, stderr);
///         kmipkit_string_free(text);
///     }
///     kmipkit_log_report_free(report);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_verify(
    paths: *const *const c_char,
    count: usize,
    state_file: *const c_char,
    out_report: *mut *mut kmipkit_log_report,
) -> kmipkit_result {
    ffi("kmipkit_log_verify", || {
        let slot = out(out_report, "out_report")?;
        *slot = std::ptr::null_mut();
        if count == 0 {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                "argument `count` is 0: give the log file (and its rotated files) to verify",
            );
        }
        let files: Vec<PathBuf> = text_array(paths, count, "paths")?
            .into_iter()
            .map(PathBuf::from)
            .collect();
        let state = match optional_text(state_file, "state_file")? {
            None => StateSource::Auto,
            Some("") => StateSource::Ignore,
            Some(path) => StateSource::At(PathBuf::from(path)),
        };
        let inner = verify_files(&files, &VerifyOptions { state })?;
        *slot = give(kmipkit_log_report { inner });
        Ok(())
    })
}

/// Frees a report. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_free(report: *mut kmipkit_log_report) {
    ffi_value((), || take_back(report));
}

/// Whether the chain is intact (nothing found); false when `report` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_intact(report: *const kmipkit_log_report) -> bool {
    ffi_value(false, || {
        // SAFETY: NULL or a live report this library returned (the header's contract).
        unsafe { report.as_ref() }.is_some_and(|r| r.inner.is_intact())
    })
}

/// The number of non-empty lines read; 0 when `report` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_lines(report: *const kmipkit_log_report) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live report this library returned (the header's contract).
        unsafe { report.as_ref() }.map_or(0, |r| r.inner.lines)
    })
}

/// The number of problems found; 0 when `report` is NULL or the chain is intact.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_finding_count(report: *const kmipkit_log_report) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live report this library returned (the header's contract).
        unsafe { report.as_ref() }.map_or(0, |r| r.inner.findings.len())
    })
}

/// The lowest and highest serial seen, as `*out_first` and `*out_last` (0 for both when the
/// log has no serial line).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_serials(
    report: *const kmipkit_log_report,
    out_first: *mut u64,
    out_last: *mut u64,
) -> kmipkit_result {
    ffi("kmipkit_log_report_serials", || {
        let first = out(out_first, "out_first")?;
        let last = out(out_last, "out_last")?;
        let report = &handle(report, "report")?.inner;
        *first = report.first_serial.unwrap_or(0);
        *last = report.last_serial.unwrap_or(0);
        Ok(())
    })
}

/// Problem `index` (from 0) as a sentence naming its kind, serial, file and line (`"altered:
/// serial 3 (kmipkit.log line 3): ..."`), and its kind alone (`deleted`, `inserted`,
/// `altered`, `reordered`, `tail-missing`, `restarted`) as `*out_kind` when that is not NULL.
/// Both are freed with `kmipkit_string_free`. `KMIPKIT_RESULT_INVALID_ARGUMENT` past the last.
///
/// ```c
/// for (size_t i = 0; i < kmipkit_log_report_finding_count(report); i++) {
///     char *sentence = NULL;
///     kmipkit_log_report_finding(report, i, &sentence, NULL);
///     puts(sentence);
///     kmipkit_string_free(sentence);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_finding(
    report: *const kmipkit_log_report,
    index: usize,
    out_sentence: *mut *mut c_char,
    out_kind: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_log_report_finding", || {
        let sentence = out(out_sentence, "out_sentence")?;
        *sentence = std::ptr::null_mut();
        // SAFETY: NULL (the kind is not wanted) or a writable `char *` (the header's contract).
        let mut kind = unsafe { out_kind.as_mut() };
        if let Some(kind) = kind.as_deref_mut() {
            *kind = std::ptr::null_mut();
        }
        let findings = &handle(report, "report")?.inner.findings;
        let Some(finding) = findings.get(index) else {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                format!(
                    "argument `index`: {index} is past the last finding (the report has {})",
                    findings.len()
                ),
            );
        };
        *sentence = give_string(finding.to_string());
        if let Some(kind) = kind {
            *kind = give_string(finding.kind.as_str());
        }
        Ok(())
    })
}

/// The whole report as `kmipkit log verify` prints it (counts, then one line a problem, or
/// `chain intact`), as `*out_text` (freed with `kmipkit_string_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_text(
    report: *const kmipkit_log_report,
    out_text: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_log_report_text", || {
        let slot = out(out_text, "out_text")?;
        *slot = std::ptr::null_mut();
        *slot = give_string(handle(report, "report")?.inner.to_string());
        Ok(())
    })
}

/// The report as a JSON object, the document of `kmipkit log verify --json`: `intact`,
/// `files`, `lines`, `first_serial`, `last_serial`, `state_serial` and `findings` (each with
/// `kind`, `serial`, `last_serial`, `file`, `line`, `detail`), as `*out_json` (freed with
/// `kmipkit_string_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_log_report_json(
    report: *const kmipkit_log_report,
    out_json: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_log_report_json", || {
        let slot = out(out_json, "out_json")?;
        *slot = std::ptr::null_mut();
        let report = &handle(report, "report")?.inner;
        let mut doc = serde_json::to_value(report).map_err(|e| {
            crate::boundary::Failure::Binding(
                kmipkit_result::KMIPKIT_RESULT_LOG,
                format!("the report cannot be written as JSON: {e}"),
            )
        })?;
        doc["intact"] = serde_json::Value::Bool(report.is_intact());
        *slot = give_string(doc.to_string());
        Ok(())
    })
}
