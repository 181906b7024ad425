//! The conformance checks behind `kmipkit-conformance`.
//!
//! For every message of an OASIS KMIP XML test-case file:
//! 1. XML -> item tree -> typed message (strict: every KMIP-defined item must be modelled);
//! 2. typed -> item tree must equal the tree read from XML (so typed -> XML reproduces the file);
//! 3. typed -> TTLV bytes -> typed must be identical;
//! 4. typed -> JSON -> item tree -> typed must be identical.
//!
//! Placeholders such as `$NOW` or `$UNIQUE_IDENTIFIER_0` are replaced, while reading, by
//! deterministic stand-in values that map back to the same placeholder when written (see
//! `kmipkit::ttlv::Placeholders`); nothing else is normalized.

use std::path::{Path, PathBuf};

use kmipkit::message::{RequestMessage, ResponseMessage};
use kmipkit::spec::Tag;
use kmipkit::ttlv::{Item, Limits, Placeholders, first_difference, json, xml};

/// The outcome of checking one file.
#[derive(Debug)]
pub struct FileReport {
    /// The file checked.
    pub path: PathBuf,
    /// Messages that passed every check.
    pub messages: usize,
    /// The first failure, if any: which message and what differed.
    pub failure: Option<String>,
}

/// A typed message of either direction.
#[derive(Debug, PartialEq)]
enum Typed {
    Request(RequestMessage),
    Response(ResponseMessage),
}

impl Typed {
    fn read(item: &Item<'_>) -> Result<Self, String> {
        let typed = match item.tag {
            Tag::RequestMessage => RequestMessage::from_item_strict(item).map(Self::Request),
            Tag::ResponseMessage => ResponseMessage::from_item_strict(item).map(Self::Response),
            other => return Err(format!("{other:?} is not a KMIP message")),
        };
        typed.map_err(|e| format!("typed model: {e}"))
    }

    fn to_item(&self) -> Item<'static> {
        match self {
            Self::Request(m) => m.to_item(),
            Self::Response(m) => m.to_item(),
        }
    }
}

/// Checks one OASIS XML test-case file.
pub fn check_file(path: &Path) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        messages: 0,
        failure: None,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            report.failure = Some(format!("cannot read: {e}"));
            return report;
        }
    };
    let mut placeholders = Placeholders::default();
    let messages = match xml::messages_from_str(&text, &mut placeholders) {
        Ok(m) => m,
        Err(e) => {
            report.failure = Some(format!("XML: {e}"));
            return report;
        }
    };
    if messages.is_empty() {
        report.failure = Some("no RequestMessage or ResponseMessage found".into());
        return report;
    }
    for (i, message) in messages.iter().enumerate() {
        if let Err(e) = check_message(message, &mut placeholders) {
            report.failure = Some(format!("message {i} ({:?}): {e}", message.tag));
            return report;
        }
        report.messages += 1;
    }
    report
}

fn check_message(item: &Item<'static>, placeholders: &mut Placeholders) -> Result<(), String> {
    let typed = Typed::read(item)?;

    let back = typed.to_item();
    if let Some(d) = first_difference(item, &back) {
        return Err(format!("XML -> typed -> XML: {d}"));
    }
    let written = xml::to_string(&back, placeholders);
    let reread = xml::from_str(&written, placeholders)
        .map_err(|e| format!("re-reading written XML: {e}"))?;
    if let Some(d) = first_difference(item, &reread) {
        return Err(format!("typed -> XML text -> tree: {d}"));
    }

    let bytes = back.to_bytes();
    let decoded = Item::decode(&bytes, &Limits::default()).map_err(|e| format!("TTLV: {e}"))?;
    let from_ttlv = Typed::read(&decoded)?;
    if from_ttlv != typed {
        let d = first_difference(&back, &from_ttlv.to_item()).unwrap_or_default();
        return Err(format!("typed -> TTLV -> typed: {d}"));
    }

    let text = json::to_string(&from_ttlv.to_item(), placeholders);
    let from_json = json::from_str(&text, placeholders).map_err(|e| format!("JSON: {e}"))?;
    let typed_json = Typed::read(&from_json)?;
    if typed_json != typed {
        let d = first_difference(&back, &typed_json.to_item()).unwrap_or_default();
        return Err(format!("typed -> JSON -> typed: {d}"));
    }
    Ok(())
}

/// Every `.xml` file under `dir` (recursively), sorted by path.
pub fn xml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
