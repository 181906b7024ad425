//! `kmipkit dek …`: Model 1 protected data-key files.
//!
//! A protected-DEK file is the core's protected-DEK blob (docs/FORMAT.md appendix): a data key
//! encrypted under a KEK on the key manager, naming the KEK's name, version and id. It holds no
//! plaintext key, so it may sit beside the data; `kmipkit encrypt --dek FILE` encrypts with it.
//! It is the only copy of the data key: `dek create` does not replace an existing file without
//! `--force`. `dek unlock` checks the file against the KEK the caller names (`--kek`, else
//! `[key] name`), never the one the file names.

use std::path::PathBuf;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::model1::{Model1, current_of, kek_versions};
use serde_json::json;

use crate::args::DekCommand;
use crate::crypt::{existing_kek, expected_kek, kek_model, read_protected};
use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};
use crate::files::{Output, write_atomic};
use crate::output::Out;

/// Runs one `dek` subcommand.
pub fn run(ctx: &Ctx, command: DekCommand) -> CliResult {
    let out = ctx.out;
    match command {
        DekCommand::Create {
            output,
            kek,
            kek_version,
            create_kek,
            local,
            force,
        } => {
            // Before the key manager makes a key: the file may hold the only copy of another.
            // (A device or a directory is refused later, as not a file to keep.)
            if !force && std::fs::metadata(&output).is_ok_and(|m| m.is_file()) {
                return Err(Failure::usage(format!(
                    "{} exists: it may be the only copy of a data key that files are encrypted with",
                    output.display()
                ))
                .hint("choose another file name, or pass --force to replace it"));
            }
            create(ctx, out, output, kek, kek_version, create_kek, local)
        }
        DekCommand::Unlock { file, kek, reveal } => unlock(ctx, out, file, kek, reveal),
        DekCommand::Rewrap {
            file,
            to_version,
            output,
        } => {
            let protected = read_protected(&file)?;
            ctx.with_client(async move |client, _config| {
                let name = protected.kek.name.clone();
                let target = target_version(&client, &name, to_version).await?;
                if target == protected.kek.version {
                    out.line(format!(
                        "{} is already protected under KEK {name} version {target}; nothing to do",
                        file.display()
                    ));
                    out.document(json!({"file": file, "kek": {"name": name, "version": target}, "changed": false}));
                    return Ok(());
                }
                let source = Model1::new(client.clone(), name.clone(), protected.kek.version)?;
                let dek = source.unlock(&protected).await?;
                let destination = Model1::new(client, name.clone(), target)?;
                destination.kek().await.map_err(|e| {
                    Failure::from(e).hint(format!(
                        "version {target} of KEK {name} does not exist: create it with `kmipkit key rotate --kek {name}`"
                    ))
                })?;
                let new = destination.protect(&dek).await?;
                drop(dek);
                let path = output.unwrap_or_else(|| file.clone());
                write_atomic(&path, &new.to_bytes()?)?;
                out.line(format!(
                    "re-wrapped {} from KEK {name} version {} to version {target} (key {}) into {}",
                    file.display(),
                    protected.kek.version,
                    new.kek.uid,
                    path.display()
                ));
                out.document(json!({
                    "file": path,
                    "from": {"name": name, "version": protected.kek.version, "id": protected.kek.uid},
                    "kek": {"name": new.kek.name, "version": new.kek.version, "id": new.kek.uid},
                    "changed": true,
                }));
                Ok(())
            })
        }
    }
}

/// `dek create` once the output is known to be free (or `--force`).
fn create(
    ctx: &Ctx,
    out: Out,
    output: PathBuf,
    kek: Option<String>,
    kek_version: Option<u32>,
    create_kek: bool,
    local: bool,
) -> CliResult {
    ctx.with_client(async move |client, config| {
        let model = kek_model(&client, &config, kek.as_deref(), kek_version).await?;
        let kek = existing_kek(&model, create_kek).await?;
        let (dek, protected) = if local {
            model.create_local_dek().await?
        } else {
            model.create_dek().await?
        };
        drop(dek);
        write_atomic(&output, &protected.to_bytes()?)?;
        out.line(format!(
            "wrote {}: a {} data key protected under KEK {} version {} (key {})",
            output.display(),
            if local {
                "locally generated"
            } else {
                "key-manager generated"
            },
            kek.name,
            kek.version,
            kek.uid
        ));
        out.document(json!({
            "file": output,
            "kek": {"name": kek.name, "version": kek.version, "id": kek.uid},
            "generated_by": if local { "local" } else { "key manager" },
        }));
        Ok(())
    })
}

fn unlock(
    ctx: &Ctx,
    out: Out,
    file: PathBuf,
    expected: Option<String>,
    reveal: Option<PathBuf>,
) -> CliResult {
    let protected = read_protected(&file)?;
    // Open the reveal target before asking the key manager, so a terminal is refused up front.
    let target = reveal
        .as_deref()
        .map(|p| Output::create(Some(p), true))
        .transpose()?;
    let out = if target.as_ref().is_some_and(Output::is_stdout) {
        out.data_on_stdout()
    } else {
        out
    };
    ctx.with_client(async move |client, config| {
        let kek = &protected.kek;
        let model = expected_kek(&client, &config, expected.as_deref(), &file)?;
        let dek = model.unlock(&protected).await?;
        if let Some(mut target) = target {
            std::io::Write::write_all(&mut target, dek.expose())
                .map_err(|e| Failure::new(Exit::Io, format!("cannot write the data key: {e}")))?;
            target.commit()?;
        }
        out.line(format!(
            "{} unlocks: a {}-byte data key under KEK {} version {} (key {})",
            file.display(),
            dek.len(),
            kek.name,
            kek.version,
            kek.uid
        ));
        out.document(json!({
            "file": file,
            "unlocked": true,
            "kek": {"name": kek.name, "version": kek.version, "id": kek.uid},
            "revealed_to": reveal,
        }));
        Ok(())
    })
}

/// `to_version`, else the current version of the KEK `name` (the newest Active one).
pub async fn target_version(
    client: &Arc<Client>,
    name: &str,
    to_version: Option<u32>,
) -> CliResult<u32> {
    if let Some(v) = to_version {
        return Ok(v);
    }
    let versions = kek_versions(client, name).await?;
    if versions.is_empty() {
        return Err(Failure::new(
            Exit::Refused,
            format!("the key manager has no version of KEK {name:?}"),
        ));
    }
    let current = current_of(&versions).ok_or_else(|| {
        Failure::new(
            Exit::Refused,
            format!("no version of KEK {name:?} is Active: none may protect data keys"),
        )
        .hint(format!("rotate it: kmipkit key rotate --kek {name}"))
    })?;
    Ok(current.key.version)
}
