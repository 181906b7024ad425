//! Envelope encryption: Model 1 (KEK on the key manager), Model 2 (a key per identifier),
//! rotation, the key cache, streaming over real files in `{{work}}`, and the header.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::format::Header;
use kmipkit::envelope::model1::{Model1, kek_versions};
use kmipkit::envelope::model2::Model2;
use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation};
use serde_json::{Value, json};

use super::{ActionError, Args, bad};
use crate::steps::State;
use crate::values::hex;

/// The actions that need no key manager: `header` and `cache_stats`.
pub fn local(state: &mut State, action: &str, a: &Args<'_>) -> Result<Value, ActionError> {
    match action {
        "header" => {
            let ciphertext = a.bytes("ciphertext")?;
            let (header, _) = Header::parse(&ciphertext)?;
            let model = if header.wrapped_dek.is_empty() { 2 } else { 1 };
            Ok(json!({
                "model": model,
                "key_name": header.key_ref.name,
                "key_version": header.key_ref.version,
            }))
        }
        "cache_stats" => {
            let stats = state.cache().stats();
            Ok(json!({"hits": stats.hits, "misses": stats.misses, "entries": stats.entries}))
        }
        other => Err(bad(format!("unknown action {other:?}"))),
    }
}

/// Runs a `model1_*` or `model2_*` action with `client` (the step's client, named `name`).
pub async fn run(
    state: &mut State,
    name: &str,
    client: Arc<Client>,
    action: &str,
    a: &Args<'_>,
) -> Result<Value, ActionError> {
    match action {
        "model1_kek" => {
            let model = Model1::current(client, a.text("kek")?).await?;
            let kek = model.ensure_kek().await?;
            Ok(json!({ "version": kek.version, "id": kek.uid }))
        }
        "model1_encrypt" => model1_encrypt(state, client, a).await,
        "model1_decrypt" => model1_decrypt(state, client, a).await,
        "model1_rotate" => {
            let kek = a.text("kek")?;
            let versions = kek_versions(&client, &kek).await?;
            let Some(newest) = versions.last() else {
                // No KEK yet: the library's refusal of a KEK that does not exist.
                Model1::new(client, kek, 1)?.kek().await?;
                return Err(bad("the key manager has no version of this KEK"));
            };
            // After the highest version that exists, whatever its state (as `kmipkit key
            // rotate --kek` does).
            let next = newest.key.version + 1;
            let added = Model1::new(client, kek, next)?.ensure_kek().await?;
            Ok(json!({ "version": added.version }))
        }
        "model1_rewrap" => {
            let target = Model1::current(client, a.text("kek")?).await?;
            let ciphertext = a.bytes("ciphertext")?;
            let rewrapped = Model1Rotation::new(target).rewrap(&ciphertext).await?;
            Ok(json!({ "ciphertext": hex(&rewrapped) }))
        }
        "model1_is_current" => {
            let target = Model1::current(client, a.text("kek")?).await?;
            let current = Model1Rotation::new(target).is_current(&a.bytes("ciphertext")?)?;
            Ok(json!({ "current": current }))
        }
        "model2_encrypt" => {
            let model = model2(state, name, client, &a.text("prefix")?, a.flag("cache"))?;
            let id = a.text("id")?;
            let (plaintext, context) = (a.bytes("plaintext")?, a.context()?);
            let ciphertext = if a.flag("stream") {
                let (input, output) = (state.scratch("m2-plain"), state.scratch("m2-sealed"));
                streamed(&input, &output, &plaintext, |r, w| async move {
                    model.encrypt_stream(&id, r, w, &context).await
                })
                .await?
            } else {
                model.encrypt(&id, &context, &plaintext).await?
            };
            Ok(json!({ "ciphertext": hex(&ciphertext) }))
        }
        "model2_decrypt" => {
            let prefix = a.text("prefix")?;
            let model = model2(state, name, client, &prefix, a.flag("cache"))?;
            let ciphertext = a.bytes("ciphertext")?;
            let context = a.context()?;
            let id = match a.opt_text("id")? {
                Some(id) => id,
                // No expected identifier: the one the header names under this prefix.
                None => {
                    let (header, _) = Header::parse(&ciphertext)?;
                    let key_name = header.key_ref.name;
                    key_name
                        .strip_prefix(prefix.as_str())
                        .map_or(key_name.clone(), str::to_string)
                }
            };
            let plaintext = if a.flag("stream") {
                let (input, output) = (state.scratch("m2-sealed"), state.scratch("m2-opened"));
                streamed(&input, &output, &ciphertext, |r, w| async move {
                    model.decrypt_stream(&id, r, w, &context).await
                })
                .await?
            } else {
                model
                    .decrypt(&id, &ciphertext, &context)
                    .await?
                    .as_slice()
                    .to_vec()
            };
            Ok(json!({ "plaintext": hex(&plaintext) }))
        }
        "model2_key" => {
            let model = model2_in_use(state, name, client, &a.text("prefix")?)?;
            let key = model.key_for(&a.text("id")?).await?;
            Ok(json!({ "version": key.version, "id": key.uid }))
        }
        "model2_rotate" => {
            let rotation = model2_rotation(state, name, client, a)?;
            let id = a.text("id")?;
            let added = rotation.add_version(&id).await?;
            rotation.promote(&id, added.version).await?;
            Ok(json!({ "version": added.version }))
        }
        "model2_reencrypt" => {
            let rotation = model2_rotation(state, name, client, a)?;
            let id = a.text("id")?;
            let ciphertext = a.bytes("ciphertext")?;
            let context = a.context()?;
            let mut new = None;
            rotation
                .reencrypt_all(
                    &id,
                    [((), context, ciphertext.clone())],
                    |_, sealed| {
                        new = Some(sealed);
                        Ok(())
                    },
                    |_| {},
                )
                .await?;
            // Already under the current version: the ciphertext as it is.
            Ok(json!({ "ciphertext": hex(&new.unwrap_or(ciphertext)) }))
        }
        other => Err(bad(format!("unknown action {other:?}"))),
    }
}

async fn model1_encrypt(
    state: &mut State,
    client: Arc<Client>,
    a: &Args<'_>,
) -> Result<Value, ActionError> {
    let mut model = Model1::current(client, a.text("kek")?).await?;
    if a.flag("cache") {
        model = model.with_cache(state.cache());
    }
    let (plaintext, context) = (a.bytes("plaintext")?, a.context()?);
    let ciphertext = if a.flag("stream") {
        let (input, output) = (state.scratch("m1-plain"), state.scratch("m1-sealed"));
        streamed(&input, &output, &plaintext, |r, w| async move {
            model.encrypt_stream(r, w, &context).await
        })
        .await?
    } else {
        let (dek, protected) = model.create_dek().await?;
        model.seal_with_dek(&dek, &protected, &context, &plaintext)?
    };
    Ok(json!({ "ciphertext": hex(&ciphertext) }))
}

async fn model1_decrypt(
    state: &mut State,
    client: Arc<Client>,
    a: &Args<'_>,
) -> Result<Value, ActionError> {
    let ciphertext = a.bytes("ciphertext")?;
    let kek = match a.opt_text("kek")? {
        Some(k) => k,
        // No KEK named: the one the header names (the caller trusts the ciphertext).
        None => Header::parse(&ciphertext)?.0.key_ref.name,
    };
    // The version only chooses what new DEKs are protected under; decryption follows the blob.
    let mut model = Model1::new(client, kek, 1)?;
    if a.flag("cache") {
        model = model.with_cache(state.cache());
    }
    let context = a.context()?;
    let plaintext = if a.flag("stream") {
        let (input, output) = (state.scratch("m1-sealed"), state.scratch("m1-opened"));
        streamed(&input, &output, &ciphertext, |r, w| async move {
            model.decrypt_stream(r, w, &context).await
        })
        .await?
    } else {
        model.open(&ciphertext, &context).await?.as_slice().to_vec()
    };
    Ok(json!({ "plaintext": hex(&plaintext) }))
}

/// The scenario's Model 2 for (client, prefix, cached), made on first use.
fn model2(
    state: &mut State,
    name: &str,
    client: Arc<Client>,
    prefix: &str,
    cached: bool,
) -> Result<Arc<Model2>, ActionError> {
    let key = (name.to_string(), prefix.to_string(), cached);
    if let Some(m) = state.model2.get(&key) {
        return Ok(m.clone());
    }
    let mut model = Model2::new(client, prefix)?;
    if cached {
        model = model.with_cache(state.cache());
    }
    let model = Arc::new(model);
    state.model2.insert(key, model.clone());
    Ok(model)
}

/// The scenario's cached Model 2 of this prefix when there is one (so that its cache forgets
/// what a rotation changes, as for a user holding one model), else a plain one.
fn model2_in_use(
    state: &mut State,
    name: &str,
    client: Arc<Client>,
    prefix: &str,
) -> Result<Arc<Model2>, ActionError> {
    let cached = state
        .model2
        .contains_key(&(name.to_string(), prefix.to_string(), true));
    model2(state, name, client, prefix, cached)
}

/// Rotation through [`model2_in_use`].
fn model2_rotation(
    state: &mut State,
    name: &str,
    client: Arc<Client>,
    a: &Args<'_>,
) -> Result<Model2Rotation, ActionError> {
    let prefix = a.text("prefix")?;
    Ok(Model2Rotation::new(model2_in_use(
        state, name, client, &prefix,
    )?))
}

/// Writes `data` to `input`, runs `work(reader of input, writer of output)` (a streaming call
/// of the API over real files), and returns what it wrote to `output`. Both files are removed.
async fn streamed<F, Fut>(
    input: &Path,
    output: &Path,
    data: &[u8],
    work: F,
) -> Result<Vec<u8>, ActionError>
where
    F: FnOnce(File, File) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<u64>>,
{
    let io =
        |what: &str, path: &Path, e: std::io::Error| bad(format!("{what} {}: {e}", path.display()));
    std::fs::write(input, data).map_err(|e| io("cannot write", input, e))?;
    let reader = File::open(input).map_err(|e| io("cannot open", input, e))?;
    let writer = File::create(output).map_err(|e| io("cannot create", output, e))?;
    let result = work(reader, writer).await;
    let written = std::fs::read(output);
    let _ = std::fs::remove_file(input);
    let _ = std::fs::remove_file(output);
    result?;
    written.map_err(|e| io("cannot read", output, e))
}
