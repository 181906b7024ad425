//! `kmipkit`: the command-line tool of the kmipkit SDK.
//!
//! `kmipkit demo` starts a throw-away PyKMIP key server on loopback and walks through the
//! KMIP operations an application uses, printing each step in plain words.

mod demo;
mod harness;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// kmipkit: keys on a key manager, data encrypted where it lives.
#[derive(Parser)]
#[command(name = "kmipkit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a local PyKMIP key server and walk through connecting, negotiating, creating,
    /// using and destroying a key. Needs python3 (3.11+); the first run builds a venv.
    Demo {
        /// Keep the server's directory (certificates, logs) instead of deleting it.
        #[arg(long)]
        keep: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo { keep } => demo::run(keep),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
