//! The command line: every subcommand, flag and help text (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

pub use crate::args_key::{KeyCommand, KeyRef};

const AFTER_HELP: &str = "\
Configuration: --config PATH, else $KMIPKIT_CONFIG, else ./kmipkit.toml
  (`kmipkit config example` prints a commented one; it must be mode 0600).

Exit codes: 0 ok · 1 general · 2 usage · 3 configuration · 4 connection/TLS
            5 refused by the key server · 6 integrity (wrong key/context, tampered data or log)
            7 local file · 130/143 interrupted (Ctrl-C/SIGTERM; unfinished output removed)

First steps:
  kmipkit demo                       walk through everything against a throw-away local server
  kmipkit servers check              is every configured key server reachable and healthy?
  kmipkit encrypt --kek app-kek --create-kek -o data.kmk data.csv
  kmipkit decrypt -o data.csv data.kmk";

/// kmipkit: keys live on a KMIP key manager; data is encrypted where it lives.
#[derive(Parser)]
#[command(name = "kmipkit", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short = 'c',
        global = true,
        env = "KMIPKIT_CONFIG",
        default_value = "kmipkit.toml",
        value_name = "PATH",
        display_order = 900
    )]
    pub config: PathBuf,
    /// Print one JSON document (errors: JSON on stderr) instead of text.
    #[arg(long, global = true, display_order = 901)]
    pub json: bool,
    /// Print nothing but errors (and the JSON document with --json); no progress bar.
    #[arg(long, short = 'q', global = true, display_order = 902)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Start a local PyKMIP key server and walk through kmipkit: connect, keys, Model 1 and
    /// Model 2 envelope encryption, rotation, failover. Needs python3 (3.11+).
    #[command(
        after_help = "Examples:\n  kmipkit demo\n  kmipkit demo --keep    keep certificates, logs and kmipkit.toml to try other commands on\nThe servers are stopped and the files removed at the end, also on failure or Ctrl-C."
    )]
    Demo {
        /// Keep the servers' directory (certificates, logs, configuration) afterwards.
        #[arg(long)]
        keep: bool,
    },
    /// Check the configured key servers.
    Servers {
        #[command(subcommand)]
        command: ServersCommand,
    },
    /// Manage keys on the key manager, by name or unique identifier.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Encrypt a file or stdin (Model 1: a new data key under a KEK; Model 2: the key of an id).
    Encrypt(EncryptArgs),
    /// Decrypt a file or stdin; the ciphertext names its key, so no key option is needed.
    Decrypt(DecryptArgs),
    /// Model 1 protected data-key (DEK) files.
    Dek {
        #[command(subcommand)]
        command: DekCommand,
    },
    /// Move ciphertexts to the newest key version: re-wrap (Model 1) or re-encrypt (Model 2).
    Rotate(RotateArgs),
    /// Tamper-evident logs.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Show the CSV audit trail: the last rows, filtered.
    Audit(AuditArgs),
    /// The configuration file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a shell completion script: `kmipkit completions bash > /etc/bash_completion.d/kmipkit`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: Shell,
    },
}

/// `kmipkit servers …`
#[derive(Subcommand)]
pub enum ServersCommand {
    /// Reachability, TLS and certificate, KMIP version, server information and round-trip time
    /// of each configured server, with advice on each failure.
    #[command(
        after_help = "Examples:\n  kmipkit servers check\n  kmipkit servers check --server kms2 --json\nExit 0 when every server passed, else the code of the first failure (4 connection/TLS, 5 refused)."
    )]
    Check {
        /// Check only the server with this name.
        #[arg(long)]
        server: Option<String>,
    },
}

/// Options shared by encrypt, decrypt and rotate: the encryption context.
#[derive(Args, Clone, Default)]
pub struct ContextArgs {
    /// Encryption context KEY=VALUE, bound to the ciphertext: decryption needs the same pairs.
    /// Repeatable; order does not matter. Encoded as docs/FORMAT.md §3.1 says, the same context
    /// as the Python mapping {"KEY": "VALUE"}.
    #[arg(long = "context", short = 'C', value_name = "KEY=VALUE")]
    pub pairs: Vec<String>,
}

/// `kmipkit encrypt`
#[derive(Args)]
#[command(after_help = "\
Examples:
  kmipkit encrypt --kek app-kek -C table=orders -o orders.kmk orders.csv
  pg_dump shop | kmipkit encrypt --dek shop.dek > shop.sql.kmk
  kmipkit encrypt --for C-1042 --prefix customer: -C field=email < email.txt > email.kmk")]
pub struct EncryptArgs {
    /// The file to encrypt; stdin when absent or `-`.
    pub input: Option<PathBuf>,
    /// Where to write the ciphertext; stdout when absent or `-` (never a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Model 1: a new data key from the key manager, protected under this KEK (default: [key]
    /// name in kmipkit.toml). The KEK must exist, unless --create-kek. With --dek: the KEK the
    /// file must be protected under.
    #[arg(long, conflicts_with = "for_id")]
    pub kek: Option<String>,
    /// Model 1: the KEK version (default: [key] version, else the current one: the newest
    /// active version).
    #[arg(long, requires = "kek", conflicts_with = "dek", value_name = "N")]
    pub kek_version: Option<u32>,
    /// Model 1: create the KEK on the key manager if it does not exist yet (without this, a
    /// misspelt name is an error rather than a new key).
    #[arg(long, conflicts_with_all = ["dek", "for_id"])]
    pub create_kek: bool,
    /// Model 1: use the data key in this protected-DEK file (`kmipkit dek create`); it must be
    /// protected under --kek, else [key] name in kmipkit.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "for_id")]
    pub dek: Option<PathBuf>,
    /// Model 2: encrypt with the key of this identifier (customer, document); created on first use.
    #[arg(long = "for", value_name = "ID")]
    pub for_id: Option<String>,
    /// Model 2: the key-name prefix, empty or ending with its only `:`; the key of ID is named
    /// PREFIX + ID (version N ≥ 2: PREFIX + ID + "/vN"). Encryption uses the newest Active version.
    #[arg(long, default_value = "", requires = "for_id")]
    pub prefix: String,
    #[command(flatten)]
    pub context: ContextArgs,
}

/// `kmipkit decrypt`
#[derive(Args)]
#[command(after_help = "\
Examples:
  kmipkit decrypt -C table=orders -o orders.csv orders.kmk
  kmipkit decrypt --kek shop-kek < shop.sql.kmk | psql shop
  kmipkit decrypt --for C-1042 --prefix customer: -C field=email email.kmk
The key is yours to name, not the file's: --kek NAME (else [key] name in kmipkit.toml) for
Model 1, --for ID for Model 2; a file under another key is refused (exit 6).
Exit 6 means wrong key or context, or modified or truncated data. With -o nothing is written\nthen; to stdout, the frames before the failure were already written: discard all output.")]
pub struct DecryptArgs {
    /// The ciphertext; stdin when absent or `-`.
    pub input: Option<PathBuf>,
    /// Where to write the plaintext; stdout when absent or `-`.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Model 1: the KEK the ciphertext must be under, any version (default: [key] name in
    /// kmipkit.toml).
    #[arg(long, conflicts_with = "for_id")]
    pub kek: Option<String>,
    /// Model 2: the identifier the ciphertext must belong to.
    #[arg(long = "for", value_name = "ID")]
    pub for_id: Option<String>,
    /// Model 2: the key-name prefix used with --for.
    #[arg(long, default_value = "", requires = "for_id")]
    pub prefix: String,
    /// Model 2: also decrypt with a key version revoked as compromised (to recover its data
    /// before re-encrypting it under a new version). Without it such a key is refused (exit 5).
    #[arg(long)]
    pub allow_compromised: bool,
    #[command(flatten)]
    pub context: ContextArgs,
}

/// `kmipkit dek …`
#[derive(Subcommand)]
pub enum DekCommand {
    /// Make a data key on the key manager and write it protected under a KEK to FILE.
    #[command(
        after_help = "Examples:\n  kmipkit dek create --kek app-kek --create-kek -o store.dek\n  kmipkit encrypt --dek store.dek -o a.kmk a.csv"
    )]
    Create {
        /// The protected-DEK file to write (it holds no plaintext key).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
        /// The KEK (default: [key] name in kmipkit.toml); it must exist, unless --create-kek.
        #[arg(long)]
        kek: Option<String>,
        /// The KEK version (default: [key] version, else the current one: the newest active
        /// version).
        #[arg(long, value_name = "N")]
        kek_version: Option<u32>,
        /// Create the KEK on the key manager if it does not exist yet.
        #[arg(long)]
        create_kek: bool,
        /// Generate the data key locally (aws-lc-rs CSPRNG) instead of on the key manager.
        #[arg(long)]
        local: bool,
        /// Replace FILE if it exists (the data key in it is then lost, and so is every file
        /// encrypted with it, unless the old FILE is kept elsewhere).
        #[arg(long)]
        force: bool,
    },
    /// Check that the key manager unlocks a protected-DEK file; the key only with --reveal.
    #[command(
        after_help = "Examples:\n  kmipkit dek unlock store.dek\n  kmipkit dek unlock store.dek --kek app-kek --reveal store.key    the plain data key, mode 0600: a secret"
    )]
    Unlock {
        /// The protected-DEK file.
        file: PathBuf,
        /// The KEK the file must be protected under, any version (default: [key] name in
        /// kmipkit.toml).
        #[arg(long)]
        kek: Option<String>,
        /// Write the plain data key (32 bytes) to this file (mode 0600), or `-` for stdout when
        /// it is not a terminal.
        #[arg(long, value_name = "FILE")]
        reveal: Option<PathBuf>,
    },
    /// Re-protect a protected-DEK file under another KEK version (in place unless -o).
    #[command(
        after_help = "Examples:\n  kmipkit key rotate --kek app-kek && kmipkit dek rewrap store.dek\n  kmipkit dek rewrap store.dek --to-version 3 -o store-v3.dek"
    )]
    Rewrap {
        /// The protected-DEK file.
        file: PathBuf,
        /// The KEK version to protect it under (default: the current one: the newest active
        /// version).
        #[arg(long, value_name = "N")]
        to_version: Option<u32>,
        /// Write here instead of replacing FILE.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `kmipkit rotate`
#[derive(Args)]
#[command(after_help = "\
Examples:
  kmipkit key rotate --kek app-kek && kmipkit rotate --bulk /data/encrypted
  kmipkit rotate --bulk --list files.txt --dry-run
Each file is replaced atomically; an interrupted run is resumed by running it again. A file\nchanged by another writer during its rotation is left as that writer made it (and reported).\nModel 2 files are decrypted with -C: files with another context fail and stay as they are.")]
pub struct RotateArgs {
    /// Ciphertext files, or with --bulk also directories (walked recursively).
    pub paths: Vec<PathBuf>,
    /// Bulk mode: walk directories, read --list, show progress and a summary.
    #[arg(long)]
    pub bulk: bool,
    /// A file listing ciphertext paths, one per line (with --bulk).
    #[arg(long, value_name = "FILE", requires = "bulk")]
    pub list: Option<PathBuf>,
    /// Model 1: re-wrap under this KEK version (default: the current one: the newest active
    /// version).
    #[arg(long, value_name = "N")]
    pub to_version: Option<u32>,
    /// Only report which key versions the files depend on; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Model 2 re-encryption: the encryption context of the files.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// `kmipkit config …`
#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example kmipkit.toml showing every setting.
    Example,
    /// Load the configuration (with its permission checks), read its certificates, keys and
    /// passwords as a connection would (opening none), and summarize it.
    Check,
}

/// `kmipkit log …`
#[derive(Subcommand)]
pub enum LogCommand {
    /// Check the hash chain: finds deleted, inserted, altered and reordered lines and a removed
    /// tail, across rotated files. Exit 6 when anything is found.
    #[command(
        after_help = "Examples:\n  kmipkit log verify\n  kmipkit log verify log/kmipkit.log log/kmipkit.log.1 --json"
    )]
    Verify {
        /// The log and its rotated files, in any order (default: the [log] file of kmipkit.toml
        /// and its .1, .2, ... copies).
        files: Vec<PathBuf>,
        /// The chain state file to compare the end with (default: <newest file>.state).
        #[arg(long, value_name = "FILE", conflicts_with = "no_state")]
        state: Option<PathBuf>,
        /// Do not use a state file (a removed tail then goes unnoticed).
        #[arg(long)]
        no_state: bool,
    },
}

/// `kmipkit audit`
#[derive(Args)]
#[command(
    after_help = "Examples:\n  kmipkit audit --op Create --outcome failure -n 50\n  kmipkit audit --key orders --since 2024-05-01\n  kmipkit audit -f --json"
)]
pub struct AuditArgs {
    /// The audit CSV (default: [audit] path in kmipkit.toml).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Show the last N matching rows.
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N")]
    pub tail: usize,
    /// Only this operation (Create, Get, Encrypt, ...).
    #[arg(long = "op")]
    pub operation: Option<String>,
    /// Only success or failure.
    #[arg(long)]
    pub outcome: Option<String>,
    /// Only this key server (its configured name).
    #[arg(long)]
    pub server: Option<String>,
    /// Only this key (name or unique identifier).
    #[arg(long)]
    pub key: Option<String>,
    /// Only this user.
    #[arg(long)]
    pub user: Option<String>,
    /// Only rows at or after this UTC time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.
    #[arg(long)]
    pub since: Option<String>,
    /// Keep watching: print matching rows as they are appended (with --json: one JSON object
    /// per line) until interrupted.
    #[arg(long, short = 'f')]
    pub follow: bool,
}
