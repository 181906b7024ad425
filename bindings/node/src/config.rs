//! A configuration from a plain JS object with the fields of `kmipkit.toml`, given to the core's
//! `ConfigBuilder`: the same parser, checks (file permissions included) and messages as a file.
//!
//! ```js
//! { primary: { host: '127.0.0.1', port: 5696, ca: 'ca.pem', client_cert: 'c.pem', client_key: 'c.key' },
//!   secondary: [{ host: 'kms2', ca: 'ca.pem', client_cert: 'c.pem', client_key: 'c.key' }],
//!   timeouts: { connect: '2s', deadline: 10 }, key: { name: 'orders-kek' } }
//! ```
//!
//! A file path goes to `Config::load` unchanged (see `client.rs`).

use std::path::Path;

use kmipkit::Error;
use kmipkit::config::{Config, ConfigBuilder, ServerBuilder, Setting};
use serde_json::{Map, Value as Json};

/// The configuration `object` describes; relative paths resolve against `base_dir`.
pub fn from_object(object: &Json, base_dir: &Path) -> kmipkit::error::Result<Config> {
    let Json::Object(sections) = object else {
        return Err(refuse("a configuration is an object like the tables of kmipkit.toml (primary, secondary, timeouts, ...)".into()));
    };
    let mut builder = ConfigBuilder::new().base_dir(base_dir);
    if let Some(primary) = sections.get("primary") {
        builder = builder.server(server("primary", primary)?);
    } else if sections.contains_key("secondary") {
        return Err(refuse(
            "secondary servers need a primary: add `primary`".into(),
        ));
    }
    match sections.get("secondary") {
        None | Some(Json::Null) => {}
        Some(Json::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                builder = builder.server(server(&format!("secondary[{i}]"), entry)?);
            }
        }
        Some(_) => return Err(refuse("secondary is a list of server objects".into())),
    }
    for (section, table) in sections {
        if section == "primary" || section == "secondary" || table.is_null() {
            continue;
        }
        // Unknown section names are refused by the builder, which names the known ones; an
        // empty table is declared, as a bare `[audit]` line is, so one that needs a setting is
        // refused instead of dropped.
        let entries = table_of(section, table)?;
        builder = builder.table(section);
        for (key, value) in entries {
            if let Some(value) = setting(section, key, value)? {
                builder = builder.set(section, key, value);
            }
        }
    }
    builder.build()
}

/// One `primary` or `secondary` entry.
fn server(what: &str, value: &Json) -> kmipkit::error::Result<ServerBuilder> {
    let mut built = ServerBuilder::default();
    for (key, value) in table_of(what, value)? {
        if let Some(value) = setting(what, key, value)? {
            built = built.set(key, value);
        }
    }
    Ok(built)
}

fn table_of<'a>(what: &str, value: &'a Json) -> kmipkit::error::Result<&'a Map<String, Json>> {
    match value {
        Json::Object(table) => Ok(table),
        _ => Err(refuse(format!(
            "{what} is an object of settings, as the [{what}] table of kmipkit.toml"
        ))),
    }
}

/// A JS value as a setting: strings, numbers and booleans as the file writes them; `null` and
/// `undefined` leave it unset.
fn setting(section: &str, key: &str, value: &Json) -> kmipkit::error::Result<Option<Setting>> {
    Ok(Some(match value {
        Json::Null => return Ok(None),
        Json::Bool(b) => Setting::Bool(*b),
        Json::String(s) => Setting::Text(s.clone()),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Setting::Integer(i),
            None => Setting::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::Array(_) | Json::Object(_) => {
            return Err(refuse(format!(
                "{section}.{key} is a string, a number or a boolean"
            )));
        }
    }))
}

fn refuse(reason: String) -> Error {
    Error::Config {
        file: None,
        line: None,
        reason,
    }
}

/// Loads `path` as `Config::load` does (permission checks included).
pub fn from_path(path: &str) -> kmipkit::error::Result<Config> {
    Config::load(path)
}
