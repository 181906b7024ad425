//! `kmipkit key rotate`: a new key version, for Model 2 keys and Model 1 KEKs.

use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::model1::{Model1, kek_key_name};
use kmipkit::envelope::model2::Model2;
use kmipkit::envelope::rotation::Model2Rotation;
use kmipkit::spec::State;
use serde_json::json;

use crate::exit::{CliResult, Exit, Failure};
use crate::output::Out;

/// Adds a version of `name` and makes it the one that encrypts.
pub async fn rotate(
    client: &Arc<Client>,
    out: &Out,
    name: &str,
    kek: bool,
    retire_old: bool,
) -> CliResult {
    if kek {
        let current = latest_kek_version(client, name).await?.ok_or_else(|| {
            Failure::new(Exit::Refused, format!("the key manager has no KEK {:?}", kek_key_name(name, 1)))
                .hint("create the KEK with `kmipkit encrypt --kek NAME --create-kek` or `kmipkit dek create --kek NAME --create-kek`")
        })?;
        let next = Model1::new(client.clone(), name, current + 1)?;
        let key = next.ensure_kek().await?;
        out.line(format!(
            "KEK {name} version {} is key {} ({}); version {current} stays active so existing DEKs unlock",
            key.version,
            key.uid,
            next.kek_key_name()
        ));
        out.line("next: re-wrap data keys with `kmipkit rotate --bulk PATH...`");
        out.document(json!({"name": name, "model": 1, "version": key.version, "id": key.uid, "previous_version": current}));
        return Ok(());
    }
    // `customer:C-1042` is identifier `C-1042` under prefix `customer:` (the naming rule).
    let (model, id) = Model2::for_key_name(client.clone(), name)?;
    let rotation = Model2Rotation::new(Arc::new(model));
    let versions = rotation.versions(&id).await?;
    let Some(previous) = versions
        .iter()
        .rev()
        .find(|v| v.state == State::Active)
        .cloned()
    else {
        return Err(Failure::new(
            Exit::Refused,
            format!("the key manager has no active key named {name:?}"),
        )
        .hint("create it with `kmipkit key create NAME` or `kmipkit encrypt --for ID`"));
    };
    let added = rotation.add_version(&id).await?;
    rotation.promote(&id, added.version).await?;
    if retire_old {
        rotation.deactivate(&id, previous.key.version).await?;
    }
    out.line(format!(
        "{name} version {} is key {} and now encrypts; version {} {}",
        added.version,
        added.uid,
        previous.key.version,
        if retire_old {
            "is deactivated (decrypts only)"
        } else {
            "stays active"
        }
    ));
    out.document(json!({
        "name": name, "model": 2, "version": added.version, "id": added.uid,
        "previous_version": previous.key.version, "previous_retired": retire_old,
    }));
    Ok(())
}

/// The newest existing version N of the KEK `name` (KMIP names `name/vN`), looking past up to
/// four missing (destroyed) versions.
pub async fn latest_kek_version(client: &Client, name: &str) -> CliResult<Option<u32>> {
    let mut latest = None;
    let mut missing = 0;
    for version in 1.. {
        if client
            .locate_by_name(&kek_key_name(name, version))
            .await?
            .is_empty()
        {
            missing += 1;
            if missing > 4 {
                break;
            }
        } else {
            missing = 0;
            latest = Some(version);
        }
    }
    Ok(latest)
}
