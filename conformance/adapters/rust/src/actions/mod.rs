//! The actions of `conformance/scenarios/README.md`, each mapped onto kmipkit's public API:
//! KMIP operations (`ops`), envelope encryption (`envelope`), files and the codec (`codec`).

mod codec;
mod envelope;
mod ops;

use serde_json::{Map, Value};

use crate::steps::State;
use crate::values::{self, Context};

/// Why an action did not produce a result.
#[derive(Debug)]
pub enum ActionError {
    /// The API's error.
    Kmip(kmipkit::Error),
    /// An I/O error of a streaming call that carries no kmipkit error.
    Io(std::io::Error),
    /// The adapter could not run the action: a bad argument, or `unsupported: ...`.
    Adapter(String),
}

impl From<kmipkit::Error> for ActionError {
    fn from(e: kmipkit::Error) -> Self {
        ActionError::Kmip(e)
    }
}

impl From<std::io::Error> for ActionError {
    /// A streaming error: the kmipkit error inside it when there is one.
    fn from(e: std::io::Error) -> Self {
        match kmipkit::envelope::format::error_of(&e) {
            Some(err) => ActionError::Kmip(err.clone()),
            None => ActionError::Io(e),
        }
    }
}

impl ActionError {
    /// For a failure detail: the error kind, the Result Reason of a server error, and the
    /// message (the core's messages never hold key material).
    pub fn describe(&self) -> String {
        match self {
            ActionError::Kmip(e) => {
                let reason = result_reason(e)
                    .map(|r| format!(" (reason {r})"))
                    .unwrap_or_default();
                let message: String = e.to_string().chars().take(400).collect();
                format!("error {}{reason}: {message}", e.kind().name())
            }
            ActionError::Io(e) => format!("I/O error without a kmipkit error: {e}"),
            ActionError::Adapter(text) => format!("adapter error: {text}"),
        }
    }
}

/// The KMIP Result Reason of a server error, by its spec name without spaces.
pub fn result_reason(e: &kmipkit::Error) -> Option<String> {
    match e {
        kmipkit::Error::Server { reason, .. } => Some(reason.to_string()),
        _ => None,
    }
}

/// A bad argument.
pub(crate) fn bad(text: impl Into<String>) -> ActionError {
    ActionError::Adapter(text.into())
}

/// Runs `action` with `args` (resolved) for the step's client `client`.
pub async fn run(
    state: &mut State,
    client: &str,
    action: &str,
    args: &Map<String, Value>,
) -> Result<Value, ActionError> {
    let a = Args(args);
    match action {
        "write_file" | "read_file" | "codec_ttlv" | "codec_xml" => codec::run(state, action, &a),
        "header" | "cache_stats" => envelope::local(state, action, &a),
        a_name if a_name.starts_with("model") => {
            let c = state.client(client).await?;
            envelope::run(state, client, c, action, &a).await
        }
        _ if ops::ACTIONS.contains(&action) => {
            let c = state.client(client).await?;
            ops::run(&c, action, &a).await
        }
        other => Err(bad(format!("unknown action {other:?}"))),
    }
}

/// Reading the arguments of one step.
pub(crate) struct Args<'a>(&'a Map<String, Value>);

impl Args<'_> {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn text(&self, key: &str) -> Result<String, ActionError> {
        self.opt_text(key)?
            .ok_or_else(|| bad(format!("argument {key:?} is required")))
    }

    pub fn opt_text(&self, key: &str) -> Result<Option<String>, ActionError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(bad(format!(
                "argument {key:?} must be text, not {}",
                values::shorten(other)
            ))),
        }
    }

    pub fn int(&self, key: &str, default: i64) -> Result<i64, ActionError> {
        Ok(self.opt_int(key)?.unwrap_or(default))
    }

    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, ActionError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| bad(format!("argument {key:?} must be an integer"))),
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn bytes(&self, key: &str) -> Result<Vec<u8>, ActionError> {
        let v = self
            .get(key)
            .ok_or_else(|| bad(format!("argument {key:?} is required")))?;
        values::bytes(v).map_err(|e| bad(format!("argument {key:?}: {e}")))
    }

    pub fn opt_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, ActionError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.bytes(key).map(Some),
        }
    }

    pub fn texts(&self, key: &str) -> Result<Option<Vec<String>>, ActionError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad(format!("argument {key:?} must be a list of text")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(_) => Err(bad(format!("argument {key:?} must be a list of text"))),
        }
    }

    /// The `context` argument as bytes: key-value pairs through the core's canonical encoding.
    pub fn context(&self) -> Result<Vec<u8>, ActionError> {
        match values::context(self.get("context")).map_err(|e| bad(format!("context: {e}")))? {
            Context::Raw(b) => Ok(b),
            Context::Pairs(pairs) => Ok(kmipkit::envelope::format::encode_context(pairs)?),
        }
    }
}

/// An enumeration value by its KMIP name.
pub(crate) fn enum_value<T>(
    what: &str,
    name: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, ActionError> {
    parse(name).ok_or_else(|| bad(format!("unknown {what} {name:?}")))
}
