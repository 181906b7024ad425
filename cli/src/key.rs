//! `kmipkit key …`: key operations by name or unique identifier.

use kmipkit::Error;
use kmipkit::client::Client;
use kmipkit::keys::SecretBytes;
use kmipkit::message::{
    Attribute, AttributeEntry, DateTime, GetRequest, KeyMaterial, KeyValue, LocateRequest, Object,
    RevokeRequest,
};
use kmipkit::spec::{RevocationReasonCode, State};
use serde_json::{Map, Value, json};

use crate::args::{KeyCommand, KeyRef};
use crate::args_key::{locate_request, refuse_early, revocation_reason};
use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};
use crate::output::{Out, iso_time};

/// Runs one `key` subcommand.
pub fn run(ctx: &Ctx, command: KeyCommand) -> CliResult {
    // Refusals first: with a server down they would otherwise wait out the failover deadline
    // and report the connection instead of the mistake.
    refuse_early(&command)?;
    let out = ctx.out;
    ctx.with_client(async move |client, config| match command {
        KeyCommand::Create {
            name,
            bits,
            pre_active,
            allow_duplicate,
        } => {
            let existing = client.locate_by_name(&name).await?;
            if !existing.is_empty() && !allow_duplicate {
                return Err(Failure::usage(format!(
                    "a key named {name:?} already exists (id {})",
                    existing.join(", ")
                ))
                .hint("use it, pick another name, or pass --allow-duplicate"));
            }
            create(&client, &out, &name, bits, pre_active).await
        }
        KeyCommand::Get { key, reveal } => get(&client, &out, &key, reveal).await,
        KeyCommand::Locate {
            name,
            state,
            object_type,
            max,
        } => {
            let request = locate_request(name, state, object_type, max)?;
            locate(&client, &out, request).await
        }
        KeyCommand::Attributes { key } => attributes(&client, &out, &key).await,
        KeyCommand::Activate { key } => {
            let uid = resolve(&client, &key).await?;
            client.activate(&uid).await?;
            done(&out, "activated", &uid)
        }
        KeyCommand::Revoke { key, reason } => {
            let code = revocation_reason(&reason)?;
            let uid = resolve(&client, &key).await?;
            let mut request = RevokeRequest::new(Some(uid.clone()), code);
            if matches!(code, RevocationReasonCode::KeyCompromise) {
                request.compromise_occurrence_date = Some(DateTime(now()));
            }
            client.revoke(request).await?;
            done(&out, "revoked", &uid)
        }
        KeyCommand::Destroy { key, revoke, .. } => {
            let uid = resolve(&client, &key).await?;
            if revoke && client.state(&uid).await? == State::Active {
                client
                    .revoke_for(&uid, RevocationReasonCode::CessationOfOperation)
                    .await?;
            }
            if let Err(e) = client.destroy(&uid).await {
                // Servers differ in how they refuse an active key (PyKMIP: PermissionDenied).
                let active = matches!(e, Error::Server { .. })
                    && matches!(client.state(&uid).await, Ok(State::Active));
                let failure = Failure::from(e);
                return Err(if active {
                    failure.hint("the key is active: revoke it first (`kmipkit key revoke`), or add --revoke")
                } else {
                    failure
                });
            }
            done(&out, "destroyed", &uid)
        }
        KeyCommand::Rotate {
            name,
            kek,
            retire_old,
        } => {
            let method = config.key.kek_method;
            crate::key_rotate::rotate(&client, &out, &name, kek, method, retire_old).await
        }
    })
}

async fn create(client: &Client, out: &Out, name: &str, bits: i32, pre_active: bool) -> CliResult {
    let uid = client.create_aes_key(name, bits).await?;
    if !pre_active {
        client.activate(&uid).await?;
    }
    let state = if pre_active { "PreActive" } else { "Active" };
    out.line(format!(
        "created key {uid} named {name:?}: AES-{bits}, {state}"
    ));
    out.document(json!({"id": uid, "name": name, "bits": bits, "state": state}));
    Ok(())
}

async fn get(
    client: &Client,
    out: &Out,
    key: &KeyRef,
    reveal: Option<std::path::PathBuf>,
) -> CliResult {
    // Key bytes on stdout: the summary moves to stderr so the bytes stay clean.
    let out = &match &reveal {
        Some(p) if p.as_os_str() == "-" => out.data_on_stdout(),
        _ => *out,
    };
    let uid = resolve(client, key).await?;
    let attributes = client.all_attributes(&uid).await?;
    let mut summary = Map::new();
    summary.insert("id".into(), json!(uid));
    out.line(format!("id: {uid}"));
    for attribute in attributes.iter() {
        let (label, value) = match attribute {
            Attribute::Name(n) => ("name", json!(n.name_value)),
            Attribute::ObjectType(t) => ("object_type", json!(t.to_string())),
            Attribute::CryptographicAlgorithm(a) => ("algorithm", json!(a.to_string())),
            Attribute::CryptographicLength(l) => ("bits", json!(l)),
            Attribute::CryptographicUsageMask(m) => ("usage", json!(m.to_string())),
            Attribute::State(s) => ("state", json!(s.to_string())),
            Attribute::InitialDate(d) => ("created", json!(iso_time(d.0))),
            Attribute::ActivationDate(d) => ("activated", json!(iso_time(d.0))),
            Attribute::DeactivationDate(d) => ("deactivated", json!(iso_time(d.0))),
            _ => continue,
        };
        out.line(format!(
            "{}: {}",
            label.replace('_', " "),
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string)
        ));
        summary.insert(label.into(), value);
    }
    if let Some(path) = reveal {
        let bytes = key_bytes(client, &uid).await?;
        let mut output = crate::files::Output::create(Some(&path), true)?;
        std::io::Write::write_all(&mut output, bytes.expose())
            .map_err(|e| Failure::io("write", &path, &e))?;
        output.commit()?;
        if path.as_os_str() != "-" {
            out.line(format!(
                "key bytes written to {} (mode 0600)",
                path.display()
            ));
            summary.insert("revealed_to".into(), json!(path));
        }
    }
    out.document(Value::Object(summary));
    Ok(())
}

async fn locate(client: &Client, out: &Out, request: LocateRequest) -> CliResult {
    let ids = client.locate(request).await?.unique_identifier;
    let mut found = Vec::new();
    for uid in &ids {
        // Names and states make the list useful; a key that vanished meanwhile is still listed.
        let attrs = client.all_attributes(uid).await.ok();
        let names: Vec<String> = attrs
            .iter()
            .flat_map(|a| a.iter())
            .filter_map(|a| match a {
                Attribute::Name(n) => Some(n.name_value.clone()),
                _ => None,
            })
            .collect();
        let state = attrs.as_ref().and_then(|a| {
            a.iter().find_map(|x| match x {
                Attribute::State(s) => Some(s.to_string()),
                _ => None,
            })
        });
        out.line(format!(
            "{uid}\t{}\t{}",
            state.as_deref().unwrap_or("-"),
            names.join(", ")
        ));
        found.push(json!({"id": uid, "names": names, "state": state}));
    }
    if ids.is_empty() {
        out.line("no matching keys");
    }
    out.document(json!({ "keys": found }));
    Ok(())
}

async fn attributes(client: &Client, out: &Out, key: &KeyRef) -> CliResult {
    let uid = resolve(client, key).await?;
    let attributes = client.all_attributes(&uid).await?;
    let mut list = Vec::new();
    for attribute in attributes.iter() {
        let name = AttributeEntry::from(attribute.clone()).name().into_owned();
        out.line(format!("{name}: {}", attribute.value_text()));
        list.push(json!({"name": name, "value": attribute.value_json()}));
    }
    out.document(json!({"id": uid, "attributes": list}));
    Ok(())
}

/// The unique identifier of KEY: by name first, else as an identifier.
pub async fn resolve(client: &Client, key: &KeyRef) -> CliResult<String> {
    if !key.id {
        let mut ids = client.locate_by_name(&key.key).await?;
        match ids.len() {
            1 => return Ok(ids.remove(0)),
            0 => {}
            _ => {
                return Err(Failure::usage(format!(
                    "{} keys are named {:?}: {}",
                    ids.len(),
                    key.key,
                    ids.join(", ")
                ))
                .hint("pick one and pass it with --id"));
            }
        }
    }
    match client.state(&key.key).await.map_err(Failure::from) {
        Ok(_) => Ok(key.key.clone()),
        // The server's refusal stays the failure (its kind and reason for --json); only the
        // sentence says what the user asked for.
        Err(f) if f.kind == Some(kmipkit::ErrorKind::Server) => Err(Failure {
            message: format!(
                "no key is named {:?} or has that id ({})",
                key.key, f.message
            ),
            ..f
        }
        .hint("list keys with `kmipkit key locate` (a client sees only its own keys)")),
        Err(f) => Err(f),
    }
}

/// A symmetric key's bytes, straight into protected memory.
pub async fn key_bytes(client: &Client, uid: &str) -> CliResult<SecretBytes> {
    let got = client.get(GetRequest::new(Some(uid.to_string()))).await?;
    let not_raw = || {
        Failure::new(
            Exit::General,
            format!("key {uid} has no raw key bytes to reveal (not a symmetric key in Raw format)"),
        )
    };
    let Object::SymmetricKey(key) = got.object else {
        return Err(not_raw());
    };
    match key.key_block.key_value {
        Some(KeyValue::Structure(value)) => match value.key_material {
            KeyMaterial::Bytes(mut bytes) => Ok(SecretBytes::from(bytes.take())),
            _ => Err(not_raw()),
        },
        _ => Err(not_raw()),
    }
}

fn done(out: &Out, what: &str, uid: &str) -> CliResult {
    out.line(format!("key {uid} {what}"));
    out.document(json!({"id": uid, "result": what}));
    Ok(())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
