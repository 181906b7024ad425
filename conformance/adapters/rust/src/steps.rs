//! The step runner: the environment, scenarios and steps as read from JSON, one scenario
//! variant's state (saved variables, lazily connected clients, the key cache), and how a step's
//! outcome is judged against its expectation.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use kmipkit::client::Client;
use kmipkit::config::Config;
use kmipkit::envelope::model2::Model2;
use kmipkit::keys::{CacheLimits, KeyCache};
use serde_json::{Map, Value};

use crate::actions::{self, ActionError};
use crate::matching;
use crate::values::{Templates, resolve, shorten};

/// The environment file written by `conformance/run`.
#[derive(Debug)]
pub struct Env {
    /// The run's id.
    pub run: String,
    /// `conformance/vectors`.
    pub vectors: PathBuf,
    /// `conformance/scenarios`.
    pub scenarios: PathBuf,
    /// Where seal scenarios write and open scenarios read.
    pub shared: PathBuf,
    /// This adapter's scratch directory (`work/rust`).
    pub work: PathBuf,
    /// The languages of the run.
    pub languages: Vec<String>,
    /// `kmipkit.toml` per client name (and `name@version`).
    pub configs: HashMap<String, PathBuf>,
}

impl Env {
    /// Reads `ENV.json`.
    pub fn load(path: &Path) -> Result<Env, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the environment {}: {e}", path.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("the environment {} is not JSON: {e}", path.display()))?;
        let text_of = |key: &str| {
            doc.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("the environment has no {key:?}"))
        };
        let configs = doc
            .get("configs")
            .and_then(Value::as_object)
            .ok_or("the environment has no \"configs\"")?
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|p| (k.clone(), PathBuf::from(p))))
            .collect();
        let languages = doc
            .get("languages")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Env {
            run: text_of("run")?,
            vectors: PathBuf::from(text_of("vectors")?),
            scenarios: PathBuf::from(text_of("scenarios")?),
            shared: PathBuf::from(text_of("shared")?),
            work: PathBuf::from(text_of("work")?).join(crate::LANG),
            languages,
            configs,
        })
    }
}

/// One scenario.
#[derive(Debug)]
pub struct Scenario {
    /// `group/what`.
    pub name: String,
    /// The KMIP versions it runs under, if pinned.
    pub versions: Option<Vec<String>>,
    /// `main`, `seal` or `open`.
    pub phase: String,
    /// Its steps.
    pub steps: Vec<Step>,
}

/// One step.
#[derive(Debug)]
pub struct Step {
    /// The action.
    pub action: String,
    /// Its arguments (an object).
    pub args: Value,
    /// The client configuration.
    pub client: String,
    /// Where to keep the result.
    pub save: Option<String>,
    /// The expected outcome (absent: success).
    pub expect: Option<Value>,
    /// Only for these variants.
    pub versions: Option<Vec<String>>,
}

fn strings(v: Option<&Value>, what: &str) -> Result<Option<Vec<String>>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{what} must be a list of strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("{what} must be a list of strings")),
    }
}

impl Scenario {
    /// Reads a scenario object.
    pub fn parse(v: &Value) -> Result<Scenario, String> {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a scenario without a name")?
            .to_string();
        let bad = |e: String| format!("scenario {name}: {e}");
        let steps = v
            .get("steps")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no steps list".into()))?
            .iter()
            .map(Step::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        Ok(Scenario {
            versions: strings(v.get("versions"), "versions").map_err(bad)?,
            phase: v
                .get("phase")
                .and_then(Value::as_str)
                .unwrap_or("main")
                .to_string(),
            steps,
            name,
        })
    }
}

impl Step {
    fn parse(v: &Value) -> Result<Step, String> {
        let action = v
            .get("do")
            .and_then(Value::as_str)
            .ok_or("a step without \"do\"")?
            .to_string();
        let args = match v.get("args") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(a @ Value::Object(_)) => a.clone(),
            Some(_) => return Err(format!("step {action}: args must be an object")),
        };
        Ok(Step {
            args,
            client: v
                .get("client")
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_string(),
            save: v.get("save").and_then(Value::as_str).map(str::to_string),
            expect: v.get("expect").cloned().filter(|e| !e.is_null()),
            versions: strings(v.get("versions"), "step versions")?,
            action,
        })
    }
}

/// Why a scenario failed.
#[derive(Debug)]
pub struct Failure {
    /// The step (0-based).
    pub step: usize,
    /// Its action.
    pub action: String,
    /// What was expected and what happened.
    pub detail: String,
}

/// The outcome of one scenario variant.
#[derive(Debug)]
pub struct Outcome {
    /// `None`: passed.
    pub failure: Option<Failure>,
}

/// The state of one scenario variant while it runs.
pub struct State {
    /// The environment.
    pub env: Arc<Env>,
    /// The variant (`1.4`, `-`, or the peer in the open phase).
    pub variant: String,
    /// Whether clients are pinned to the variant's version.
    pinned: bool,
    /// `{{...}}`.
    pub templates: Templates,
    /// Saved results.
    pub vars: HashMap<String, Value>,
    clients: HashMap<String, Arc<Client>>,
    /// The scenario's key cache, made on first use.
    cache: Option<Arc<KeyCache>>,
    /// Model 2 instances, by (client, prefix, cached), kept for the scenario as a user keeps
    /// one model.
    pub model2: HashMap<(String, String, bool), Arc<Model2>>,
    /// For scratch file names.
    pub counter: u64,
}

impl State {
    /// The client named `name` (`default`, `pair`, ...), connected on first use.
    pub async fn client(&mut self, name: &str) -> Result<Arc<Client>, ActionError> {
        let label = if self.pinned {
            format!("{name}@{}", self.variant)
        } else {
            name.to_string()
        };
        if let Some(c) = self.clients.get(&label) {
            return Ok(c.clone());
        }
        let path = self.env.configs.get(&label).ok_or_else(|| {
            ActionError::Adapter(format!("the environment has no configuration {label:?}"))
        })?;
        let config = Config::load(path)?;
        let client = Arc::new(Client::connect(&config).await?);
        self.clients.insert(label, client.clone());
        Ok(client)
    }

    /// The scenario's key cache, made on first use (default limits).
    pub fn cache(&mut self) -> Arc<KeyCache> {
        self.cache
            .get_or_insert_with(|| Arc::new(KeyCache::new(CacheLimits::default())))
            .clone()
    }

    /// A fresh scratch path under `{{work}}`.
    pub fn scratch(&mut self, what: &str) -> PathBuf {
        self.counter += 1;
        let variant = self.variant.replace(['.', '/'], "_");
        self.env.work.join(format!(
            "{what}-{}-{variant}-{}",
            std::process::id(),
            self.counter
        ))
    }
}

/// Runs one variant of `scenario`; clients are closed (dropped) at its end.
pub async fn run_scenario(
    env: Arc<Env>,
    scenario: &Scenario,
    variant: &str,
    peer: Option<&str>,
) -> Outcome {
    let dirs = [
        env.shared.to_string_lossy().into_owned(),
        env.work.to_string_lossy().into_owned(),
        env.vectors.to_string_lossy().into_owned(),
    ];
    let templates = Templates::new(
        crate::LANG,
        variant,
        &env.run,
        peer,
        [&dirs[0], &dirs[1], &dirs[2]],
    );
    let mut state = State {
        env,
        variant: variant.to_string(),
        pinned: scenario.versions.is_some() && peer.is_none(),
        templates,
        vars: HashMap::new(),
        clients: HashMap::new(),
        cache: None,
        model2: HashMap::new(),
        counter: 0,
    };
    for (i, step) in scenario.steps.iter().enumerate() {
        if let Some(only) = &step.versions
            && !only.iter().any(|v| v == variant)
        {
            continue;
        }
        let outcome = CatchUnwind(Box::pin(run_step(&mut state, step))).await;
        let failed = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(detail)) => Some(detail),
            Err(panic) => Some(format!("the adapter panicked: {panic}")),
        };
        if let Some(detail) = failed {
            return Outcome {
                failure: Some(Failure {
                    step: i,
                    action: step.action.clone(),
                    detail,
                }),
            };
        }
    }
    Outcome { failure: None }
}

/// Runs one step and judges its outcome; `Err` is the failure detail.
async fn run_step(state: &mut State, step: &Step) -> Result<(), String> {
    let args = state.templates.expand(&step.args)?;
    let args = resolve(&args, &state.vars, None)?;
    let Value::Object(args) = args else {
        return Err("args must be an object".into());
    };
    let outcome = actions::run(state, &step.client, &step.action, &args).await;
    let expect = match &step.expect {
        Some(e) => Some(state.templates.expand(e)?),
        None => None,
    };
    match (expect, outcome) {
        (None, Ok(result)) => {
            save(state, step, result);
            Ok(())
        }
        (None, Err(e)) => Err(format!("expected success, got {}", e.describe())),
        (Some(Value::Object(e)), outcome) if e.contains_key("error") => check_error(&e, outcome),
        (Some(pattern), Ok(result)) => {
            let pattern = resolve(&pattern, &state.vars, Some(&result))?;
            matching::check(&pattern, Some(&result), "", &state.env.vectors)?;
            save(state, step, result);
            Ok(())
        }
        (Some(_), Err(e)) => Err(format!("expected a result, got {}", e.describe())),
    }
}

fn save(state: &mut State, step: &Step, result: Value) {
    if let Some(name) = &step.save {
        state.vars.insert(name.clone(), result);
    }
}

/// `{"error": KIND or [KINDS], "reason"?, "message_contains"?}` against the outcome.
fn check_error(
    expect: &Map<String, Value>,
    outcome: Result<Value, ActionError>,
) -> Result<(), String> {
    // A misspelt key would otherwise be ignored and the step pass on less than it says.
    if let Some(key) = expect
        .keys()
        .find(|k| !matches!(k.as_str(), "error" | "reason" | "message_contains"))
    {
        return Err(format!(
            "bad expectation: unknown key {key:?} beside \"error\""
        ));
    }
    let kinds: Vec<&str> = match expect.get("error") {
        Some(Value::String(k)) => vec![k.as_str()],
        Some(Value::Array(list)) if list.iter().all(Value::is_string) => {
            list.iter().filter_map(Value::as_str).collect()
        }
        _ => return Err("bad expectation: \"error\" must be a kind or a list of kinds".into()),
    };
    let wanted = kinds.join(" or ");
    let error = match outcome {
        Ok(result) => {
            return Err(format!(
                "expected error {wanted}, got success {}",
                shorten(&result)
            ));
        }
        Err(e) => e,
    };
    let ActionError::Kmip(err) = &error else {
        return Err(format!("expected error {wanted}, got {}", error.describe()));
    };
    let kind = err.kind().name();
    if !kinds.contains(&kind) {
        return Err(format!("expected error {wanted}, got {}", error.describe()));
    }
    if let Some(reason) = expect.get("reason").and_then(Value::as_str) {
        let got = actions::result_reason(err);
        if got.as_deref() != Some(reason) {
            return Err(format!(
                "expected error {wanted} with reason {reason}, got {}",
                error.describe()
            ));
        }
    }
    if let Some(text) = expect.get("message_contains").and_then(Value::as_str)
        && !err.to_string().contains(text)
    {
        return Err(format!(
            "expected error {wanted} whose message contains {text:?}, got {}",
            error.describe()
        ));
    }
    Ok(())
}

/// A future that turns a panic while polling `F` into an `Err` with the panic's message.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".into());
                Poll::Ready(Err(message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_panicking_step_becomes_an_error() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = CatchUnwind(Box::pin(async { panic!("boom") })).await;
        std::panic::set_hook(quiet);
        let result: Result<(), String> = caught;
        assert_eq!(result.unwrap_err(), "boom");
        assert_eq!(CatchUnwind(Box::pin(async { 7 })).await, Ok(7));
    }

    #[test]
    fn error_expectations_refuse_what_they_cannot_check() {
        let misspelt = json!({"error": "Integrity", "reasn": "ItemNotFound"});
        let err = check_error(misspelt.as_object().unwrap(), Ok(json!({}))).unwrap_err();
        assert!(err.contains("unknown key \"reasn\""), "{err}");
        let not_kinds = json!({"error": ["Integrity", 3]});
        let err = check_error(not_kinds.as_object().unwrap(), Ok(json!({}))).unwrap_err();
        assert!(err.contains("bad expectation"), "{err}");
        let success = json!({"error": "Integrity"});
        let err = check_error(success.as_object().unwrap(), Ok(json!({}))).unwrap_err();
        assert!(err.contains("got success"), "{err}");
    }
}
