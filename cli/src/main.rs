//! `kmipkit`: the command-line tool of the kmipkit SDK.
//!
//! Short verbs over the SDK: check the key servers, manage keys, encrypt and decrypt files and
//! streams (Model 1 and Model 2), manage protected data keys, rotate in bulk, and a guided demo.
//! Every command takes `--json`; exit codes are stable (see `exit.rs` and README.md).

mod args;
mod args_key;
mod audit;
mod cleanup;
mod crypt;
mod ctx;
mod dek;
mod demo;
mod demo_steps;
mod exit;
mod files;
mod harness;
mod key;
mod key_rotate;
mod log;
mod output;
mod progress;
mod rotate;
mod rotate_files;
mod servers;
mod servers_profile;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command, ConfigCommand, LogCommand, ServersCommand};
use ctx::Ctx;
use exit::{CliResult, Exit, Failure};
use output::Out;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    cleanup::watch(cli.json);
    let out = Out {
        json: cli.json,
        quiet: cli.quiet,
        data_on_stdout: false,
    };
    let ctx = Ctx {
        config_path: cli.config.clone(),
        out,
    };
    match run(&ctx, cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.failure(&failure);
            ExitCode::from(failure.exit.code())
        }
    }
}

fn run(ctx: &Ctx, cli: Cli) -> CliResult {
    let show_progress = !cli.json && !cli.quiet && std::io::stderr().is_terminal();
    match cli.command {
        Command::Demo { keep } => {
            demo::run(keep, cli.json, cli.quiet).map_err(|e| Failure::new(Exit::General, e))
        }
        Command::Servers {
            command: ServersCommand::Check { server },
        } => servers::check(ctx, server.as_deref()),
        Command::Key { command } => key::run(ctx, command),
        Command::Encrypt(a) => crypt::encrypt(ctx, a, show_progress),
        Command::Decrypt(a) => crypt::decrypt(ctx, a, show_progress),
        Command::Dek { command } => dek::run(ctx, command),
        Command::Rotate(a) => rotate::run(ctx, a, show_progress),
        Command::Log {
            command:
                LogCommand::Verify {
                    files,
                    state,
                    no_state,
                },
        } => log::verify(ctx, files, state, no_state),
        Command::Audit(a) => audit::run(ctx, a),
        Command::Config { command } => config(ctx, command),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            // Into memory first: clap_complete panics on a write error such as a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "kmipkit", &mut script);
            if ctx.out.json {
                let script = String::from_utf8_lossy(&script);
                ctx.out
                    .document(serde_json::json!({"shell": shell.to_string(), "script": script}));
            } else {
                let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
            }
            Ok(())
        }
    }
}

fn config(ctx: &Ctx, command: ConfigCommand) -> CliResult {
    match command {
        ConfigCommand::Example if ctx.out.json => {
            ctx.out
                .document(serde_json::json!({"toml": kmipkit::config::EXAMPLE_TOML}));
            Ok(())
        }
        ConfigCommand::Example => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(
                &mut std::io::stdout(),
                kmipkit::config::EXAMPLE_TOML.as_bytes(),
            );
            Ok(())
        }
        ConfigCommand::Check => {
            let config = ctx.config()?;
            // The files, keys and credential as a connection reads them, not only the text.
            config.check()?;
            let servers: Vec<serde_json::Value> = config
                .servers
                .iter()
                .map(|s| serde_json::json!({"name": s.name, "address": s.address()}))
                .collect();
            ctx.out.line(format!(
                "{} is valid: {} key server(s): {}",
                ctx.config_path.display(),
                servers.len(),
                config
                    .servers
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.address()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            ctx.out.document(serde_json::json!({
                "ok": true,
                "file": config.path,
                "servers": servers,
                "key": {"name": config.key.name, "version": config.key.version},
            }));
            Ok(())
        }
    }
}

/// Command-line errors: clap's text (exit 2), or JSON on stderr with `--json`; help and version
/// go to stdout with exit 0.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(
        e.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(Exit::Usage.code())
        } else {
            ExitCode::SUCCESS
        };
    }
    if std::env::args().any(|a| a == "--json") {
        // clap's text spreads one error over lines (what is missing comes on the next ones) and
        // ends with the usage line: keep all of the message, and the usage as the hint.
        let message = e.render().to_string();
        let lines: Vec<&str> = message.lines().map(str::trim).collect();
        let first = lines
            .iter()
            .take_while(|l| !l.starts_with("Usage:"))
            .filter(|l| !l.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let first = first.trim_start_matches("error: ");
        let usage = lines
            .iter()
            .find_map(|l| l.strip_prefix("Usage: "))
            .map_or_else(
                || "see `kmipkit --help`".to_string(),
                |u| format!("usage: {u} (see --help)"),
            );
        let out = Out {
            json: true,
            quiet: false,
            data_on_stdout: false,
        };
        out.failure(&Failure::usage(first).hint(usage));
    } else {
        let _ = e.print();
    }
    ExitCode::from(Exit::Usage.code())
}
