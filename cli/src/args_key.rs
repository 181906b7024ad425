//! The `kmipkit key …` command line: key operations by name or unique identifier, and the
//! checks of its values that need no key server.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use kmipkit::message::{Attribute, Attributes, LocateRequest, Name};
use kmipkit::spec::{ObjectType, RevocationReasonCode, State};

use crate::exit::{CliResult, Failure};

/// A key named or numbered on the command line.
#[derive(Args, Clone)]
pub struct KeyRef {
    /// The key's name, or its unique identifier (names are tried first).
    pub key: String,
    /// Treat KEY as a unique identifier only.
    #[arg(long)]
    pub id: bool,
}

/// `kmipkit key …`
#[derive(Subcommand)]
pub enum KeyCommand {
    /// Create an AES key on the key manager, activated unless --pre-active.
    #[command(
        after_help = "Examples:\n  kmipkit key create orders\n  kmipkit key create staging --bits 128 --pre-active"
    )]
    Create {
        /// The key's name.
        name: String,
        /// Key length in bits: 128, 192 or 256.
        #[arg(long, default_value_t = 256)]
        bits: i32,
        /// Leave the key pre-active (not usable until `kmipkit key activate`).
        #[arg(long)]
        pre_active: bool,
        /// Create it even if a key with this name exists (names then stop being unique).
        #[arg(long)]
        allow_duplicate: bool,
    },
    /// Show a key's state and main attributes; its bytes only with --reveal.
    #[command(
        after_help = "Examples:\n  kmipkit key get orders\n  kmipkit key get 42 --id --json\n  kmipkit key get orders --reveal orders.key    raw key bytes, mode 0600: a secret"
    )]
    Get {
        #[command(flatten)]
        key: KeyRef,
        /// Write the key's raw bytes to this file (mode 0600), or to stdout with `-` when
        /// stdout is not a terminal. Never part of --json output.
        #[arg(long, value_name = "FILE")]
        reveal: Option<PathBuf>,
    },
    /// Find keys by name, state or object type.
    #[command(
        after_help = "Examples:\n  kmipkit key locate --state active\n  kmipkit key locate --name orders --json\n  kmipkit key locate --type symmetric-key --max 10\nValues are written in kebab-case; case, '-' and '_' are ignored, so the KMIP names\n(PreActive, SymmetricKey) work too."
    )]
    Locate {
        /// Exact name to match.
        #[arg(long)]
        name: Option<String>,
        /// KMIP state: pre-active, active, deactivated, compromised, destroyed,
        /// destroyed-compromised (case, '-' and '_' ignored: PreActive works too).
        #[arg(long)]
        state: Option<String>,
        /// KMIP object type, e.g. symmetric-key, secret-data, private-key (case, '-' and '_'
        /// ignored: SymmetricKey works too).
        #[arg(long = "type")]
        object_type: Option<String>,
        /// Return at most this many.
        #[arg(long, value_name = "N")]
        max: Option<i32>,
    },
    /// Every attribute of a key.
    #[command(after_help = "Example:\n  kmipkit key attributes orders --json")]
    Attributes {
        #[command(flatten)]
        key: KeyRef,
    },
    /// Make a pre-active key active.
    #[command(
        after_help = "Example:\n  kmipkit key create orders --pre-active && kmipkit key activate orders"
    )]
    Activate {
        #[command(flatten)]
        key: KeyRef,
    },
    /// Revoke a key: it no longer encrypts (it still decrypts unless compromised).
    #[command(
        after_help = "Examples:\n  kmipkit key revoke orders --reason superseded\n  kmipkit key revoke orders --reason compromise    also records when\nValues are written in kebab-case; case, '-' and '_' are ignored, so the KMIP names\n(KeyCompromise, AffiliationChanged) work too."
    )]
    Revoke {
        #[command(flatten)]
        key: KeyRef,
        /// Why: cessation (no longer needed), superseded, compromise, affiliation-changed,
        /// privilege-withdrawn, unspecified (case, '-' and '_' ignored; the KMIP names such as
        /// KeyCompromise work too).
        #[arg(long, default_value = "cessation")]
        reason: String,
    },
    /// Destroy a key's material on the key manager. Irreversible: needs --yes.
    #[command(
        after_help = "Examples:\n  kmipkit key destroy old-key --yes\n  kmipkit key destroy old-key --yes --revoke\nFirst see what still depends on it: kmipkit rotate --bulk DIR --dry-run"
    )]
    Destroy {
        #[command(flatten)]
        key: KeyRef,
        /// Confirm: data encrypted under this key becomes unreadable for ever.
        #[arg(long)]
        yes: bool,
        /// Revoke it first if it is active.
        #[arg(long)]
        revoke: bool,
    },
    /// Add a new version of a key and make it the one used for encryption.
    ///
    /// Model 2 keys (default): NAME, NAME/v2, NAME/v3, ...; old versions stay for decryption.
    /// With --kek: the Model 1 KEK NAME/vN gets version N+1; then re-wrap with `kmipkit rotate`.
    #[command(
        after_help = "Examples:\n  kmipkit key rotate customer-42 --retire-old\n  kmipkit key rotate --kek app-kek && kmipkit rotate --bulk /data/encrypted"
    )]
    Rotate {
        /// The key's base name.
        name: String,
        /// Rotate a Model 1 key-encryption key instead of a Model 2 key.
        #[arg(long)]
        kek: bool,
        /// Model 2: deactivate the previous version (it then only decrypts).
        #[arg(long)]
        retire_old: bool,
    },
}

/// The mistakes that need no key server to see.
pub fn refuse_early(command: &KeyCommand) -> CliResult {
    match command {
        KeyCommand::Create { bits, .. } if ![128, 192, 256].contains(bits) => Err(Failure::usage(
            format!("--bits {bits}: AES keys have 128, 192 or 256 bits"),
        )
        .hint("leave --bits out for AES-256")),
        KeyCommand::Destroy {
            key, yes: false, ..
        } => Err(Failure::usage(format!(
            "destroying {} is irreversible: data encrypted under it becomes unreadable",
            key.key
        ))
        .hint("add --yes to confirm (and --revoke to revoke an active key first)")),
        KeyCommand::Revoke { reason, .. } => revocation_reason(reason).map(drop),
        // Refused before the Get: the key bytes should not even be fetched for a terminal.
        KeyCommand::Get {
            reveal: Some(path), ..
        } if path.as_os_str() == "-" && std::io::stdout().is_terminal() => Err(Failure::usage(
            "refusing to write key bytes to a terminal (they would stay in its scroll-back)",
        )
        .hint("pass --reveal FILE (written with mode 0600), or pipe stdout into the program that needs the key")),
        KeyCommand::Locate {
            name,
            state,
            object_type,
            max,
        } => locate_request(name.clone(), state.clone(), object_type.clone(), *max).map(drop),
        _ => Ok(()),
    }
}

/// The Locate request of `key locate`'s filters, or which filter is not a KMIP value.
pub fn locate_request(
    name: Option<String>,
    state: Option<String>,
    object_type: Option<String>,
    max: Option<i32>,
) -> CliResult<LocateRequest> {
    let mut attributes = Attributes::default();
    if let Some(name) = name {
        attributes.push(Attribute::Name(Name::text(name)));
    }
    if let Some(state) = state {
        let value = State::INFO.value_of_loose(&state).ok_or_else(|| {
            Failure::usage(format!("--state {state}: not a KMIP state"))
                .hint(State::INFO.kebab_names().join(", "))
        })?;
        attributes.push(Attribute::State(State(value)));
    }
    if let Some(t) = object_type {
        let value = ObjectType::INFO.value_of_loose(&t).ok_or_else(|| {
            Failure::usage(format!("--type {t}: not a KMIP object type"))
                .hint(ObjectType::INFO.kebab_names().join(", "))
        })?;
        attributes.push(Attribute::ObjectType(ObjectType(value)));
    }
    let mut request = LocateRequest::new(attributes);
    request.maximum_items = max;
    Ok(request)
}

/// The KMIP revocation reason of `--reason`: the short forms below, or any KMIP reason name in
/// any case and separators (`key-compromise`, `KeyCompromise`).
pub fn revocation_reason(text: &str) -> CliResult<RevocationReasonCode> {
    let short = match text.to_ascii_lowercase().as_str() {
        "cessation" => Some(RevocationReasonCode::CessationOfOperation),
        "compromise" => Some(RevocationReasonCode::KeyCompromise),
        _ => None,
    };
    short
        .or_else(|| {
            RevocationReasonCode::INFO
                .value_of_loose(text)
                .map(RevocationReasonCode)
        })
        .ok_or_else(|| {
            Failure::usage(format!("--reason {text}: unknown reason")).hint(
                "cessation, superseded, compromise, affiliation-changed, privilege-withdrawn, \
                 unspecified (or another KMIP reason: ca-compromise, cessation-of-operation, ...)",
            )
        })
}
