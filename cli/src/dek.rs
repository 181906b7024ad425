//! `kmipkit dek …`: Model 1 protected data-key files.
//!
//! A protected-DEK file is the core's protected-DEK blob (docs/FORMAT.md appendix): a data key
//! encrypted under a KEK on the key manager, naming the KEK's name, version and id. It holds no
//! plaintext key, so it may sit beside the data; `kmipkit encrypt --dek FILE` encrypts with it.

use std::path::PathBuf;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::model1::Model1;
use serde_json::json;

use crate::args::DekCommand;
use crate::crypt::{existing_kek, kek_choice, read_protected};
use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};
use crate::files::{Output, write_atomic};
use crate::key_rotate::latest_kek_version;
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
        } => ctx.with_client(async move |client, config| {
            let (name, version) = kek_choice(&config, kek.as_deref(), kek_version)?;
            let model = Model1::new(client, name, version)?;
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
        }),
        DekCommand::Unlock { file, reveal } => unlock(ctx, out, file, reveal),
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

fn unlock(ctx: &Ctx, out: Out, file: PathBuf, reveal: Option<PathBuf>) -> CliResult {
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
    ctx.with_client(async move |client, _config| {
        let kek = &protected.kek;
        let model = Model1::new(client, kek.name.clone(), kek.version)?;
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

/// `to_version`, else the newest existing version of the KEK `name`.
pub async fn target_version(
    client: &Arc<Client>,
    name: &str,
    to_version: Option<u32>,
) -> CliResult<u32> {
    if let Some(v) = to_version {
        return Ok(v);
    }
    latest_kek_version(client, name).await?.ok_or_else(|| {
        Failure::new(
            Exit::Refused,
            format!("the key manager has no version of KEK {name:?}"),
        )
    })
}
