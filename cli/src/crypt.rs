//! `kmipkit encrypt` and `kmipkit decrypt`: files and stdin/stdout, streamed in constant memory.
//!
//! Model 1 (`--kek`, or `--dek FILE`): the data key is protected under a KEK on the key manager
//! and its protected form travels in the ciphertext header. Model 2 (`--for ID`): the key of the
//! identifier, its name and version in the header. Decryption reads the header and needs no key
//! option. Data flows through the core's streaming `Encryptor`/`Decryptor` (64 KiB frames), so
//! memory stays constant whatever the size.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::config::Config;
use kmipkit::envelope::format::{self, Decryptor, Encryptor, Header, KeyRef, Params};
use kmipkit::envelope::lookup::fetch_key_of;
use kmipkit::envelope::model1::{Model1, ProtectedDek, dek_array};
use kmipkit::envelope::model2::Model2;
use kmipkit::envelope::rotation::Model2Rotation;
use kmipkit::keys::SecretBytes;
use serde_json::json;

use crate::args::{ContextArgs, DecryptArgs, EncryptArgs};
use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};
use crate::files::{Input, Output};
use crate::output::Out;
use crate::progress::{Bar, Counting};

/// Buffer size of the copy loops: one frame.
const CHUNK: usize = 64 * 1024;

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
        let (dek, params, model) = encryption_key(&client, &config, &args).await?;
        let mut bar = Bar::bytes("encrypting", input.len(), show_progress);
        let input_name = input.name();
        let mut reader = Counting {
            inner: input,
            bar: &mut bar,
            count: 0,
        };
        let mut encryptor = Encryptor::new(output, dek_array(&dek)?, &params, &context)
            .map_err(|e| stream_error(e, "write", args.output.as_deref()))?;
        drop(dek);
        pump(
            &mut reader,
            &mut encryptor,
            &input_name,
            args.output.as_deref(),
        )?;
        let output = encryptor
            .finish()
            .map_err(|e| stream_error(e, "write", args.output.as_deref()))?;
        output.commit()?;
        let bytes = reader.count;
        bar.finish();
        let key = &params.key_ref;
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

/// The data key, the header parameters and the model number for `encrypt`.
async fn encryption_key(
    client: &Arc<Client>,
    config: &Config,
    args: &EncryptArgs,
) -> CliResult<(SecretBytes, Params, u8)> {
    if let Some(id) = &args.for_id {
        let model = Arc::new(Model2::new(client.clone(), args.prefix.clone())?);
        let key_ref = Model2Rotation::new(model).primary(id).await?;
        let (key, _) = fetch_key_of(client, &key_ref).await?;
        return Ok((key, Params::new(key_ref), 2));
    }
    let (dek, protected) = match &args.dek {
        Some(path) => {
            let protected = read_protected(path)?;
            let model = Model1::new(
                client.clone(),
                protected.kek.name.clone(),
                protected.kek.version,
            )?;
            (model.unlock(&protected).await?, protected)
        }
        None => {
            let (name, version) = kek_choice(config, args.kek.as_deref(), args.kek_version)?;
            let model = Model1::new(client.clone(), name, version)?;
            existing_kek(&model, args.create_kek).await?;
            model.create_dek().await?
        }
    };
    let params = Params {
        wrapped_dek: protected.to_bytes()?,
        ..Params::new(protected.kek.clone())
    };
    Ok((dek, params, 1))
}

/// The KEK of `model`: found by name, or created when the caller asked with `--create-kek`.
/// Creating by default would turn a misspelt name into a new key that nobody meant to trust.
pub async fn existing_kek(model: &Model1, create: bool) -> CliResult<KeyRef> {
    if create {
        return Ok(model.ensure_kek().await?);
    }
    let name = model.kek_key_name();
    if model.client().locate_by_name(&name).await?.is_empty() {
        return Err(Failure::new(
            Exit::Refused,
            format!("the key manager has no KEK named {name:?}"),
        )
        .hint("check the name (kmipkit key locate), or add --create-kek to create it"));
    }
    Ok(model.kek().await?)
}

/// The KEK name and version: the flags, else `[key]` in kmipkit.toml.
pub fn kek_choice(
    config: &Config,
    kek: Option<&str>,
    version: Option<u32>,
) -> CliResult<(String, u32)> {
    let name = kek.map(str::to_string).or_else(|| config.key.name.clone()).ok_or_else(|| {
        Failure::usage("which key? none given and kmipkit.toml has no [key] name")
            .hint("pass --kek NAME (Model 1) or --for ID (Model 2), or set [key] name in kmipkit.toml")
    })?;
    let version = version
        .or(if kek.is_none() {
            config.key.version
        } else {
            None
        })
        .unwrap_or(1);
    Ok((name, version))
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
    ctx.with_client(async move |client, _config| {
        let (key, model, k) = decryption_key(&client, &header, &args, out).await?;
        let mut bar = Bar::bytes("decrypting", input.len(), show_progress);
        let reader = Counting { inner: input, bar: &mut bar, count: 0 };
        let mut decryptor = Decryptor::new(reader, &header, dek_array(&key)?, &context)?;
        drop(key);
        let mut output = output;
        let result = pump(&mut decryptor, &mut output, &input_name, args.output.as_deref());
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

/// The key that opens a ciphertext with this header, from the key manager.
async fn decryption_key(
    client: &Arc<Client>,
    header: &Header,
    args: &DecryptArgs,
    out: Out,
) -> CliResult<(SecretBytes, u8, KeyRef)> {
    if !header.wrapped_dek.is_empty() {
        let protected = ProtectedDek::from_bytes(&header.wrapped_dek)?;
        if let Some(id) = &args.for_id {
            return Err(Failure::from(kmipkit::Error::Integrity {
                reason: format!(
                    "--for {id}: this is a Model 1 ciphertext (KEK {:?}), not one of an identifier's key",
                    protected.kek.name
                ),
            })
            .hint("leave out --for: a Model 1 ciphertext opens through its KEK"));
        }
        if protected.kek.name != header.key_ref.name {
            return Err(kmipkit::Error::Integrity {
                reason: "the ciphertext's key reference does not name the KEK of its protected DEK"
                    .into(),
            }
            .into());
        }
        let model = Model1::new(
            client.clone(),
            protected.kek.name.clone(),
            protected.kek.version,
        )?;
        let kek = protected.kek.clone();
        return Ok((model.unlock(&protected).await?, 1, kek));
    }
    let key_ref: &KeyRef = &header.key_ref;
    if let Some(id) = &args.for_id {
        let expected = Model2::new(client.clone(), args.prefix.clone())?.key_name(id)?;
        if key_ref.name != expected {
            return Err(kmipkit::Error::Integrity {
                reason: format!(
                    "the ciphertext was made with key {:?}, not {expected:?}: it belongs to another identifier",
                    key_ref.name
                ),
            }
            .into());
        }
    }
    // The key with the header's UID *and* name, on whichever server holds it.
    let (key, holder) = fetch_key_of(client, key_ref).await?;
    if let Some(detour) = holder.detour() {
        out.notice(detour);
    }
    Ok((key, 2, key_ref.clone()))
}

/// Copies `reader` into `writer` in frame-sized chunks, naming the side that failed.
fn pump(
    reader: &mut impl Read,
    writer: &mut impl Write,
    input: &str,
    output: Option<&Path>,
) -> CliResult<u64> {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK]);
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(match format::error_of(&e) {
                    Some(err) => err.clone().into(),
                    None => Failure::new(Exit::Io, format!("cannot read {input}: {e}")),
                });
            }
        };
        writer
            .write_all(&buf[..n])
            .map_err(|e| stream_error(e, "write", output))?;
        total += n as u64;
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

/// The encryption context as bytes: `KEY=VALUE` pairs sorted by key, joined by newlines (one
/// pair is just `KEY=VALUE`), so the order on the command line does not matter.
pub fn context_bytes(args: &ContextArgs) -> CliResult<Vec<u8>> {
    let mut pairs = Vec::new();
    for pair in &args.pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(Failure::usage(format!(
                "--context {pair:?}: expected KEY=VALUE"
            )));
        };
        if key.is_empty() || key.contains('\n') || value.contains('\n') {
            return Err(Failure::usage(format!(
                "--context {pair:?}: the key must be non-empty and neither part may contain a line break"
            )));
        }
        pairs.push((key, value));
    }
    pairs.sort();
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Failure::usage(format!(
            "--context: the key {:?} is given twice",
            w[0].0
        )));
    }
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes())
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
    }
}
