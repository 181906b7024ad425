//! `kmipkit key rotate`: a new key version, for Model 2 keys and Model 1 KEKs.

use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::model1::{KekMethod, Model1, current_of, kek_key_name, kek_versions};
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
    kek_method: Option<KekMethod>,
    retire_old: bool,
) -> CliResult {
    if kek {
        let versions = kek_versions(client, name).await?;
        let Some(newest) = versions.last() else {
            return Err(Failure::new(Exit::Refused, format!("the key manager has no KEK {:?}", kek_key_name(name, 1)))
                .hint("create the KEK with `kmipkit encrypt --kek NAME --create-kek` or `kmipkit dek create --kek NAME --create-kek`"));
        };
        // After the highest version that exists, whatever its state: a staged or retired
        // version keeps its number.
        // `[key] kek_method` decides the new version's usages (Encrypt/Decrypt or Wrap/Unwrap Key).
        let mut next = Model1::new(client.clone(), name, newest.key.version + 1)?;
        if let Some(method) = kek_method {
            next = next.with_kek_method(method);
        }
        let key = next.ensure_kek().await?;
        let current = current_of(&versions).map_or(newest.key.version, |v| v.key.version);
        out.line(format!(
            "KEK {name} version {} is key {} ({}) and now protects new data keys; version {current} stays active so existing DEKs unlock",
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
