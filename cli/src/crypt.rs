//! `kmipkit encrypt` and `kmipkit decrypt`: files and stdin/stdout, streamed in constant memory.
//!
//! Model 1 (`--kek`, or `--dek FILE`): the data key is protected under a KEK on the key manager
//! and its protected form travels in the ciphertext header. Model 2 (`--for ID`): the key of the
//! identifier, its name and version in the header. Without a version, Model 1 uses the KEK's
//! current version (the newest Active one, [`Model1::current`]). Decryption takes the expected
//! key from the caller, never from the file: `--kek NAME` or `[key] name` (Model 1, any version of
//! that KEK), `--for ID` (Model 2); a file under another key is refused with exit 6 (the code of
//! "wrong key"), and with no expected key at all the command is refused (exit 2). The key, and
//! the check that a file is under the expected one, come from the core's streaming
//! ([`kmipkit::envelope::streaming`]); data flows through its `Encryptor`/`Decryptor` (64 KiB
//! frames) and its copy loop, so memory stays constant whatever the size.

use std::io;
use std::path::Path;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::config::Config;
use kmipkit::envelope::format::{self, Header, KeyRef};
use kmipkit::envelope::model1::{Model1, ProtectedDek};
use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use kmipkit::envelope::streaming::{CopyError, OpeningKey, Sealed, SealingKey, copy, sealed_by};
use serde_json::json;

use crate::args::{ContextArgs, DecryptArgs, EncryptArgs};
use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};
use crate::files::{Input, Output};
use crate::output::Out;
use crate::progress::{Bar, Counting};

/// `kmipkit encrypt`.
pub fn encrypt(ctx: &Ctx, args: EncryptArgs, show_progress: bool) -> CliResult {
    let context = context_bytes(&args.context)?;
    let input = Input::open(args.input.as_deref())?;
    if input.is_terminal() {
        ctx.out
            .notice("reading the plaintext from the terminal; end it with Ctrl-D");
    }
    let output = Output::create(args.output.as_deref(), true)?;
    let out = if output.is_stdout() {
        ctx.out.data_on_stdout()
    } else {
        ctx.out
    };
    ctx.with_client(async move |client, config| {
        let (key, model) = encryption_key(&client, &config, &args).await?;
        let mut bar = Bar::bytes("encrypting", input.len(), show_progress);
        let input_name = input.name();
        let mut reader = Counting {
            inner: input,
            bar: &mut bar,
            count: 0,
        };
        let mut encryptor = key
            .encryptor(output, &context)
            .map_err(|e| stream_error(e, "write", args.output.as_deref()))?;
        let key_ref = key.key_ref().clone();
        drop(key);
        copy(&mut reader, &mut encryptor)
            .map_err(|e| copy_failure(e, &input_name, args.output.as_deref()))?;
        let output = encryptor
            .finish()
            .map_err(|e| stream_error(e, "write", args.output.as_deref()))?;
        output.commit()?;
        let bytes = reader.count;
        bar.finish();
        let key = &key_ref;
        out.line(format!(
            "encrypted {} from {input_name} with {} (key {} version {}, id {}){}",
            crate::output::size(bytes),
            if model == 1 {
                "Model 1: a data key protected under the KEK"
            } else {
                "Model 2"
            },
            key.name,
            key.version,
            key.uid,
            args.output
                .as_ref()
                .map(|p| format!(" into {}", p.display()))
                .unwrap_or_default()
        ));
        out.document(json!({
            "model": model,
            "key": {"name": key.name, "version": key.version, "id": key.uid},
            "plaintext_bytes": bytes,
            "output": args.output,
        }));
        Ok(())
    })
}

/// The data key with its header fields, and the model number, for `encrypt`.
async fn encryption_key(
    client: &Arc<Client>,
    config: &Config,
    args: &EncryptArgs,
) -> CliResult<(SealingKey, u8)> {
    if let Some(id) = &args.for_id {
        // The current (highest Active) version, created on first use; refused when none is
        // Active.
        let model = Model2::new(client.clone(), args.prefix.clone())?;
        return Ok((model.sealing_key(id).await.map_err(key_state)?, 2));
    }
    let key = match &args.dek {
        Some(path) => {
            let protected = read_protected(path)?;
            let model = expected_kek(client, config, args.kek.as_deref(), path)?;
            model.unlock_sealing_key(&protected).await?
        }
        None => {
            let model = kek_model(client, config, args.kek.as_deref(), args.kek_version).await?;
            existing_kek(&model, args.create_kek).await?;
            model.sealing_key().await?
        }
    };
    Ok((key, 1))
}

/// A key-state refusal from the core (no Active version, a Compromised or Destroyed version)
/// is the key manager's state speaking: exit 5, like a refusal by the server.
fn key_state(e: kmipkit::Error) -> Failure {
    let refused = matches!(e, kmipkit::Error::Protocol { .. });
    let mut failure = Failure::from(e);
    if refused {
        failure.exit = Exit::Refused;
    }
    failure
}

/// The KEK of `model`: found by name, or created when the caller asked with `--create-kek`.
/// Creating by default would turn a misspelt name into a new key that nobody meant to trust.
pub async fn existing_kek(model: &Model1, create: bool) -> CliResult<KeyRef> {
    if create {
        return Ok(model.ensure_kek().await?);
    }
    let name = model.kek_key_name();
    if model.client().locate_by_name(&name).await?.is_empty() {
        // The kind the core gives a missing KEK (`Model1::kek`), so --json agrees with it.
        return Err(Failure {
            kind: Some(kmipkit::ErrorKind::Protocol),
            ..Failure::new(
                Exit::Refused,
                format!("the key manager has no KEK named {name:?}"),
            )
        }
        .hint("check the name (kmipkit key locate), or add --create-kek to create it"));
    }
    Ok(model.kek().await?)
}

/// The KEK to protect new data keys under: the name from the flag, else `[key]` in kmipkit.toml;
/// the version from the flag, else `[key] version` (when the name came from there too), else
/// the KEK's current version (the newest Active one; 1 when it has none yet).
pub async fn kek_model(
    client: &Arc<Client>,
    config: &Config,
    kek: Option<&str>,
    version: Option<u32>,
) -> CliResult<Model1> {
    // `[key] kek_method` comes with it: how new data keys are protected (unlocking follows each
    // file).
    Model1::from_config(client.clone(), &config.key, kek, version, None)
        .await?
        .ok_or_else(|| {
            Failure::usage("which key? none given and kmipkit.toml has no [key] name").hint(
                "pass --kek NAME (Model 1) or --for ID (Model 2), or set [key] name in kmipkit.toml",
            )
        })
}

/// The model of the KEK a file must be under to be unlocked: `--kek`, else `[key] name`. The
/// file's own KEK name is never trusted: any file under another KEK this identity can use
/// would otherwise "authenticate". The version does not matter (any version unlocks).
pub fn expected_kek(
    client: &Arc<Client>,
    config: &Config,
    kek: Option<&str>,
    file: &Path,
) -> CliResult<Model1> {
    let name = kek.map(str::to_string).or_else(|| config.key.name.clone()).ok_or_else(|| {
        Failure::usage(format!(
            "which KEK must {} be under? none given and kmipkit.toml has no [key] name",
            file.display()
        ))
        .hint("pass --kek NAME (or --for ID for a Model 2 file), or set [key] name in kmipkit.toml; the key named inside the file is not trusted on its own")
    })?;
    Ok(Model1::new(client.clone(), name, 1)?)
}

/// `kmipkit decrypt`.
pub fn decrypt(ctx: &Ctx, args: DecryptArgs, show_progress: bool) -> CliResult {
    let context = context_bytes(&args.context)?;
    let mut input = Input::open(args.input.as_deref())?;
    if input.is_terminal() {
        // Nobody types a ciphertext: the file argument or the pipe was forgotten.
        return Err(
            Failure::usage("no ciphertext given: standard input is a terminal")
                .hint("kmipkit decrypt FILE, or pipe the ciphertext in: kmipkit decrypt < FILE"),
        );
    }
    let input_name = input.name();
    let header = Header::read_from(&mut input).map_err(|e| match format::error_of(&e) {
        Some(err) => Failure::from(err.clone()),
        None => stream_error(e, "read", args.input.as_deref()),
    })?;
    let output = Output::create(args.output.as_deref(), false)?;
    let to_stdout = output.is_stdout();
    let out = if to_stdout {
        ctx.out.data_on_stdout()
    } else {
        ctx.out
    };
    ctx.with_client(async move |client, config| {
        let (key, model) = decryption_key(&client, &config, &header, &args, out).await?;
        let k = key.key_ref().clone();
        let mut bar = Bar::bytes("decrypting", input.len(), show_progress);
        let reader = Counting { inner: input, bar: &mut bar, count: 0 };
        let mut decryptor = key.decryptor(reader, &context)?;
        drop(key);
        let mut output = output;
        let result = copy(&mut decryptor, &mut output)
            .map_err(|e| copy_failure(e, &input_name, args.output.as_deref()));
        if let Err(mut failure) = result {
            if to_stdout && failure.exit == Exit::Integrity {
                failure = failure.hint(
                    "some plaintext was already written to standard output before the failure: discard all of it",
                );
            }
            return Err(failure);
        }
        output.commit()?;
        bar.finish();
        out.line(format!(
            "decrypted {input_name} (Model {model}, key {} version {}){}; every frame authenticated",
            k.name,
            k.version,
            args.output.as_ref().map(|p| format!(" into {}", p.display())).unwrap_or_default()
        ));
        out.document(json!({
            "model": model,
            "key": {"name": k.name, "version": k.version, "id": k.uid},
            "output": args.output,
            "authenticated": true,
        }));
        Ok(())
    })
}

/// The key that opens a ciphertext with this header, from the key manager, provided the
/// header names the key the caller expects: the core checks it (see the module documentation).
async fn decryption_key(
    client: &Arc<Client>,
    config: &Config,
    header: &Header,
    args: &DecryptArgs,
    out: Out,
) -> CliResult<(OpeningKey, u8)> {
    let file = args.input.as_deref().unwrap_or(Path::new("standard input"));
    let sealed = sealed_by(header)?;
    if let Some(id) = &args.for_id {
        let policy = DecryptPolicy::allowing_compromised(args.allow_compromised);
        // The ciphertext must be a Model 2 one naming `id`'s key, and the version's state is
        // checked before its bytes are fetched: Compromised only with --allow-compromised.
        let model = Model2::new(client.clone(), args.prefix.clone())?;
        let key = model
            .opening_key(id, header, policy)
            .await
            .map_err(|e| match sealed {
                Sealed::Model1(_) => Failure::from(e).hint(
                    "a Model 1 ciphertext opens through its KEK: pass --kek NAME instead of --for",
                ),
                Sealed::Model2(_) => key_state(e).hint("a compromised key's data is read with --allow-compromised, then re-encrypted under a new version (kmipkit key rotate NAME, kmipkit rotate)"),
            })?;
        // The key with the header's UID *and* name, on whichever server holds it.
        if let Some(detour) = key.detour() {
            out.notice(detour);
        }
        return Ok((key, 2));
    }
    let protected = match sealed {
        Sealed::Model1(protected) => protected,
        Sealed::Model2(key_ref) => {
            if let Some(kek) = &args.kek {
                // Not a failed authentication: the file is of the other model, as the core
                // says when a Model 1 reader is handed Model 2 data.
                return Err(kmipkit::Error::Format {
                    reason: format!(
                        "--kek {kek}: this is a Model 2 ciphertext of key {:?}, not one under a KEK",
                        key_ref.name
                    ),
                }
                .into());
            }
            return Err(Failure::usage(format!(
                "{} is a Model 2 ciphertext: which identifier must it belong to?",
                file.display()
            ))
            .hint("pass --for ID (and --prefix PREFIX if its keys have one); the key named inside the file is not trusted on its own"));
        }
    };
    let model = expected_kek(client, config, args.kek.as_deref(), file)?;
    let key = model.opening_key(header).await.map_err(|e| {
        let failure = Failure::from(e);
        if protected.kek.name == model.kek_name() {
            return failure;
        }
        failure.hint(format!(
            "if {} is meant to be under KEK {:?}, say so with --kek {:?}",
            file.display(),
            protected.kek.name,
            protected.kek.name
        ))
    })?;
    Ok((key, 1))
}

/// A failure of the copy loop, naming the side that failed.
fn copy_failure(e: CopyError, input: &str, output: Option<&Path>) -> Failure {
    match e {
        CopyError::Read(e) => match format::error_of(&e) {
            Some(err) => err.clone().into(),
            None => Failure::new(Exit::Io, format!("cannot read {input}: {e}")),
        },
        CopyError::Write(e) => stream_error(e, "write", output),
    }
}

/// An error of the streaming API: a kmipkit error inside, or an I/O error on `path`.
fn stream_error(e: io::Error, what: &str, path: Option<&Path>) -> Failure {
    match format::error_of(&e) {
        Some(err) => err.clone().into(),
        None if e.kind() == io::ErrorKind::UnexpectedEof => Failure::new(
            Exit::Integrity,
            "the input ended inside the ciphertext header: truncated, or not a kmipkit ciphertext",
        ),
        None if e.kind() == io::ErrorKind::BrokenPipe => closed_pipe(),
        None => {
            let stream = if what == "read" {
                "standard input"
            } else {
                "standard output"
            };
            let name = path.map_or_else(|| stream.to_string(), |p| p.display().to_string());
            Failure::new(Exit::Io, format!("cannot {what} {name}: {e}"))
        }
    }
}

/// The reader of our output went away (`kmipkit decrypt F | head`): not a fault to diagnose, but
/// the output is incomplete, so the exit code still says so.
pub fn closed_pipe() -> Failure {
    Failure::new(
        Exit::Io,
        "the output pipe was closed before everything was written (the reading program exited)",
    )
    .hint("the data it received is incomplete; if that was intended (like `| head`), ignore this")
}

/// The encryption context as bytes: the core's canonical encoding of the `KEY=VALUE` pairs
/// (FORMAT.md §3.1), so the order on the command line does not matter and Python's
/// `{"KEY": "VALUE"}` is the same context.
pub fn context_bytes(args: &ContextArgs) -> CliResult<Vec<u8>> {
    let mut pairs = Vec::new();
    for pair in &args.pairs {
        let Some(split) = pair.split_once('=') else {
            return Err(Failure::usage(format!(
                "--context {pair:?}: expected KEY=VALUE"
            )));
        };
        pairs.push(split);
    }
    kmipkit::envelope::format::encode_context(pairs)
        .map_err(|e| Failure::usage(format!("--context: {e}")))
}

/// Reads a protected-DEK file.
pub fn read_protected(path: &Path) -> CliResult<ProtectedDek> {
    let bytes = crate::files::read(path)?;
    ProtectedDek::from_bytes(&bytes).map_err(|e| {
        Failure::from(e).hint(format!(
            "{} is not a protected-DEK file (made by `kmipkit dek create`)",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_sorted_and_checked() {
        let args = |v: &[&str]| ContextArgs {
            pairs: v.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(context_bytes(&args(&["b=2", "a=1"])).unwrap(), b"a=1\nb=2");
        assert_eq!(
            context_bytes(&args(&["table=patients"])).unwrap(),
            b"table=patients"
        );
        assert!(context_bytes(&args(&[])).unwrap().is_empty());
        assert!(context_bytes(&args(&["novalue"])).is_err());
        assert!(context_bytes(&args(&["a=1", "a=2"])).is_err());
        assert!(context_bytes(&args(&["=v"])).is_err());
        assert!(context_bytes(&args(&["a\nb=v"])).is_err());
        // A value may hold `=` (the key ends at the first one) and, escaped, a line feed.
        assert_eq!(context_bytes(&args(&["a=b=c"])).unwrap(), b"a=b=c");
        assert_eq!(context_bytes(&args(&["a=1\n2"])).unwrap(), b"a=1\n=2");
    }
}
