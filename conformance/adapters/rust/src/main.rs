//! The Rust adapter of kmipkit's conformance suite: reads the scenarios of
//! `conformance/scenarios/`, runs them through the `kmipkit` crate's public API and writes one
//! results file (the contract is `conformance/adapters/README.md`).
//!
//! ```text
//! kmipkit-conformance-rust --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...
//! ```

mod actions;
mod matching;
mod steps;
mod values;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::steps::{Env, Scenario};

/// This adapter's language name.
pub const LANG: &str = "rust";

const USAGE: &str = "usage: kmipkit-conformance-rust --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...";

/// The command line.
struct Args {
    env: PathBuf,
    phase: String,
    out: PathBuf,
    globs: Vec<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut env = None;
    let mut phase = None;
    let mut out = None;
    let mut globs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--check" => return Ok(None),
            "--env" => env = Some(PathBuf::from(value("--env")?)),
            "--phase" => phase = Some(value("--phase")?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--scenario" => globs.push(value("--scenario")?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let phase = phase.unwrap_or_else(|| "main".into());
    if !matches!(phase.as_str(), "main" | "seal" | "open") {
        return Err(format!("--phase must be main, seal or open, not {phase:?}"));
    }
    Ok(Some(Args {
        env: env.ok_or(format!("--env is required\n{USAGE}"))?,
        phase,
        out: out.ok_or(format!("--out is required\n{USAGE}"))?,
        globs,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kmipkit-conformance-rust: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let env = Arc::new(Env::load(&args.env)?);
    std::fs::create_dir_all(&env.work)
        .map_err(|e| format!("cannot create {}: {e}", env.work.display()))?;
    let scenarios = load_scenarios(&env.scenarios)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    let mut results = Vec::new();
    for scenario in scenarios
        .iter()
        .filter(|s| s.phase == args.phase)
        .filter(|s| args.globs.is_empty() || args.globs.iter().any(|g| glob(g, &s.name)))
    {
        for (variant, peer) in variants(scenario, &args.phase, &env) {
            let outcome = runtime.block_on(steps::run_scenario(
                env.clone(),
                scenario,
                &variant,
                peer.as_deref(),
            ));
            let status = if outcome.failure.is_none() {
                "pass"
            } else {
                "fail"
            };
            eprintln!("{status} {}[{variant}]", scenario.name);
            let mut entry = json!({
                "scenario": scenario.name, "variant": variant, "status": status,
                "steps": scenario.steps.len(),
            });
            if let Some(f) = outcome.failure {
                eprintln!("     step {} {}: {}", f.step, f.action, f.detail);
                entry["step"] = json!(f.step);
                entry["action"] = json!(f.action);
                entry["detail"] = json!(f.detail);
            }
            results.push(entry);
        }
    }
    let document = json!({"language": LANG, "phase": args.phase, "results": results});
    let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&args.out, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    Ok(())
}

/// Every scenario of `dir/*.json`, files in name order, scenarios in file order.
fn load_scenarios(dir: &Path) -> Result<Vec<Scenario>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
        let list = doc
            .get("scenarios")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{} has no \"scenarios\" list", file.display()))?;
        for s in list {
            out.push(Scenario::parse(s).map_err(|e| format!("{}: {e}", file.display()))?);
        }
    }
    Ok(out)
}

/// The variants of a scenario in a phase, each with the peer whose output it reads (open: every
/// language of the run, this one included).
fn variants(scenario: &Scenario, phase: &str, env: &Env) -> Vec<(String, Option<String>)> {
    if phase == "open" {
        return env
            .languages
            .iter()
            .map(|l| (l.clone(), Some(l.clone())))
            .collect();
    }
    match &scenario.versions {
        Some(versions) => versions.iter().map(|v| (v.clone(), None)).collect(),
        None => vec![("-".to_string(), None)],
    }
}

/// `fnmatch`-style matching: `*`, `?`, `[abc]`, `[!abc]`, `[a-z]`.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob_at(&p, &t)
}

fn glob_at(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => (0..=t.len()).any(|i| glob_at(&p[1..], &t[i..])),
        Some('?') => !t.is_empty() && glob_at(&p[1..], &t[1..]),
        Some('[') => {
            let Some(close) = p.iter().skip(2).position(|c| *c == ']').map(|i| i + 2) else {
                return t.first() == Some(&'[') && glob_at(&p[1..], &t[1..]);
            };
            let Some(c) = t.first() else { return false };
            let (negate, set) = match p[1] {
                '!' => (true, &p[2..close]),
                _ => (false, &p[1..close]),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == '-' {
                    hit |= set[i] <= *c && *c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == *c;
                    i += 1;
                }
            }
            hit != negate && glob_at(&p[close + 1..], &t[1..])
        }
        Some(c) => t.first() == Some(c) && glob_at(&p[1..], &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("ops/*", "ops/symmetric-lifecycle"));
        assert!(!glob("ops/*", "envelope/x"));
        assert!(glob("*/model[12]-?", "envelope/model1-a"));
        assert!(glob("[!x]*", "abc"));
        assert!(glob("*", ""));
    }
}
