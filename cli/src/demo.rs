//! `kmipkit demo`: a guided walk through KMIP against a throw-away local PyKMIP server.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::config::{Config, ConfigBuilder, ServerBuilder};
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::{Model2, key_ref_of};
use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation};
use kmipkit::message::{Attribute, Bytes, CryptographicParameters, DecryptRequest, EncryptRequest};
use kmipkit::spec::{BlockCipherMode, CryptographicAlgorithm, RevocationReasonCode};

use crate::demo_steps::{say, step};
use crate::harness::LocalServer;

/// Runs the demo; the server is stopped and its directory removed (unless `keep`) on any exit.
pub fn run(keep: bool, json: bool, quiet: bool) -> Result<(), String> {
    if json {
        crate::demo_steps::collect_json();
    } else if quiet {
        crate::demo_steps::be_quiet();
    }
    let dir = demo_dir()?;
    if !keep {
        crate::cleanup::guard_dir(&dir);
    }
    let outcome = run_in(&dir);
    if keep {
        step("Kept");
        say(&format!(
            "the servers' files are kept in {} (the servers themselves have stopped)",
            dir.display()
        ));
        // Only commands that work without the servers, on files that are still there.
        if outcome.is_ok() {
            let log = dir.join("log");
            say(&format!(
                "try it: kmipkit log verify {}",
                log.join("kmipkit.log").display()
            ));
            say(&format!(
                "try it: kmipkit audit --file {}",
                log.join("audit.csv").display()
            ));
        }
    } else {
        let _ = fs::remove_dir_all(&dir);
        if outcome.is_ok() {
            say(
                "its files are removed; `kmipkit demo --keep` keeps the configuration, certificates and log to look at",
            );
        }
    }
    if let Some(steps) = crate::demo_steps::take_json() {
        let failed = outcome.as_ref().err();
        let doc = serde_json::json!({"ok": outcome.is_ok(), "steps": steps, "error": failed});
        crate::demo_steps::print_line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    outcome
}

fn run_in(dir: &Path) -> Result<(), String> {
    step(
        "Starting two local PyKMIP 0.11 key servers, each with a fresh test certificate authority",
    );
    let started = Instant::now();
    let server = LocalServer::start(&dir.join("server"))?;
    let backup = LocalServer::start(&dir.join("server2"))?;
    let port = server.port()?;
    say(&format!(
        "primary on 127.0.0.1:{port} (pid {}), secondary on 127.0.0.1:{} (pid {}), ready in {:.1} s; both require a client certificate (mutual TLS)",
        server.pid(),
        backup.port()?,
        backup.pid(),
        started.elapsed().as_secs_f64()
    ));

    step("Writing a configuration file for them");
    let config_path = write_config(dir, &server, &backup)?;
    say(&format!(
        "{} (mode 0600: kmipkit refuses configurations other users can read)",
        config_path.display()
    ));
    let config = Config::load(&config_path).map_err(|e| e.to_string())?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the I/O runtime: {e}"))?;
    runtime.block_on(async {
        let client = walk(&config).await?;
        crate::demo_steps::model1_file(client.clone(), dir).await?;
        crate::demo_steps::failover(&client, server).await?;
        crate::demo_steps::verify_log(&client, dir)
    })?;

    step("Stopping the key servers");
    backup.stop()?;
    say("stopped by their process ids");
    step("Done");
    say("every step above was a real KMIP request over mutual TLS");
    Ok(())
}

async fn walk(config: &Config) -> Result<Arc<Client>, String> {
    let e = |e: kmipkit::Error| e.to_string();

    step("Connecting and negotiating the protocol version");
    let client = Client::connect(config).await.map_err(e)?;
    let versions = client.discover_versions(Vec::new()).await.map_err(e)?;
    let offered: Vec<String> = versions.iter().map(ToString::to_string).collect();
    say(&format!(
        "the server speaks KMIP {}; kmipkit agreed on KMIP {}",
        offered.join(", "),
        client.version()
    ));

    step("Creating an AES-256 key on the key server");
    let name = format!("demo-key-{}", unique_suffix());
    let id = client.create_aes_key(&name, 256).await.map_err(e)?;
    say(&format!(
        "created key {id} (named {name}); it is pre-active: nobody can use it yet"
    ));

    step("Activating it");
    client.activate(&id).await.map_err(e)?;
    say("the key is now active: it may encrypt and decrypt");

    step("Finding it again by name, as an application would after a restart");
    let found = client.locate_by_name(&name).await.map_err(e)?;
    say(&format!("Locate by name returned {found:?}"));

    step("Encrypting a message on the key server with AES-256-GCM (the key never leaves it)");
    let plaintext = b"4111 1111 1111 1111 (a card number)";
    let mut parameters = CryptographicParameters::default();
    parameters.cryptographic_algorithm = Some(CryptographicAlgorithm::AES);
    parameters.block_cipher_mode = Some(BlockCipherMode::GCM);
    parameters.tag_length = Some(16);
    parameters.random_iv = Some(true);
    let mut encrypt = EncryptRequest::new(Some(id.clone()), plaintext.to_vec());
    encrypt.cryptographic_parameters = Some(parameters.clone());
    encrypt.authenticated_encryption_additional_data = Some(Bytes(b"customer=42".to_vec()));
    let sealed = client.encrypt(encrypt).await.map_err(e)?;
    let ciphertext = sealed.data.clone().unwrap_or_default();
    let iv = sealed.iv_counter_nonce.clone().unwrap_or_default();
    let tag = sealed
        .authenticated_encryption_tag
        .clone()
        .unwrap_or_default();
    say(&format!(
        "{} plaintext bytes became {} ciphertext bytes, a {}-byte IV chosen by the server and a {}-byte tag",
        plaintext.len(),
        ciphertext.0.len(),
        iv.0.len(),
        tag.0.len()
    ));

    step("Decrypting it on the key server");
    let mut decrypt = DecryptRequest::new(Some(id.clone()), ciphertext);
    decrypt.cryptographic_parameters = Some(parameters);
    decrypt.iv_counter_nonce = Some(iv);
    decrypt.authenticated_encryption_tag = Some(tag);
    decrypt.authenticated_encryption_additional_data = Some(Bytes(b"customer=42".to_vec()));
    let opened = client.decrypt(decrypt).await.map_err(e)?;
    let recovered = opened.data.map(|mut d| d.take()).unwrap_or_default();
    if recovered != plaintext {
        return Err("the decrypted message differs from the original".into());
    }
    say("the message came back unchanged, and the tag proved nobody altered it");

    step("Reading the key's attributes");
    let attributes = client.all_attributes(&id).await.map_err(e)?;
    for attribute in attributes.iter() {
        if let Some(line) = describe(attribute) {
            say(&line);
        }
    }

    step("Revoking the key (no longer in service) and destroying it");
    client
        .revoke_for(&id, RevocationReasonCode::CessationOfOperation)
        .await
        .map_err(e)?;
    client.destroy(&id).await.map_err(e)?;
    say(&format!(
        "key {id} is revoked and its key material destroyed"
    ));

    let client = Arc::new(client);
    envelopes(client.clone()).await?;
    Ok(client)
}

/// Model 1 and Model 2 envelope encryption: what applications use kmipkit for.
async fn envelopes(client: Arc<Client>) -> Result<(), String> {
    let e = |e: kmipkit::Error| e.to_string();

    step("Model 1: a data key protected by a key-encryption key that never leaves the key manager");
    let model1 = Model1::new(client.clone(), "demo-kek", 1).map_err(e)?;
    let kek = model1.ensure_kek().await.map_err(e)?;
    say(&format!(
        "key-encryption key {} version {} is key {} on the server",
        kek.name, kek.version, kek.uid
    ));
    let (dek, protected) = model1.create_dek().await.map_err(e)?;
    say(&format!(
        "the key manager made a {}-byte data key and encrypted it under the KEK ({} bytes protected); \
         the plain data key exists only in locked memory here",
        dek.len(),
        protected.to_bytes().map_err(e)?.len()
    ));
    let record = b"patient 1234: blood type O-";
    let sealed = model1
        .seal_with_dek(&dek, &protected, b"table=patients", record)
        .map_err(e)?;
    drop(dek);
    say(&format!(
        "a {}-byte record became a {}-byte ciphertext that carries the protected data key; the data key is erased",
        record.len(),
        sealed.len()
    ));
    let opened = model1.open(&sealed, b"table=patients").await.map_err(e)?;
    if opened.as_slice() != record {
        return Err("Model 1 decryption returned something else".into());
    }
    say(
        "reading it back sent the protected data key to the key manager to unlock, then decrypted locally",
    );
    match model1.open(&sealed, b"table=doctors").await {
        Err(kmipkit::Error::Integrity { .. }) => {
            say("the same ciphertext under another context (table=doctors) is refused")
        }
        other => {
            return Err(format!(
                "opening under the wrong context must fail, got {other:?}"
            ));
        }
    }

    step("Model 2: a key per customer, named and versioned in every ciphertext");
    let model2 = Model2::new(client.clone(), "demo-customer:").map_err(e)?;
    for customer in ["42", "43"] {
        let sealed = model2
            .encrypt(customer, b"field=email", b"someone@example.com")
            .await
            .map_err(e)?;
        let key = key_ref_of(&sealed).map_err(e)?;
        say(&format!(
            "customer {customer}: encrypted with key {} (version {}, id {})",
            key.name, key.version, key.uid
        ));
        let opened = model2
            .decrypt(customer, &sealed, b"field=email")
            .await
            .map_err(e)?;
        if opened.as_slice() != b"someone@example.com" {
            return Err("Model 2 decryption returned something else".into());
        }
        if customer == "42" {
            match model2.decrypt("43", &sealed, b"field=email").await {
                Err(kmipkit::Error::Integrity { .. }) => {
                    say("customer 42's ciphertext cannot be opened as customer 43's")
                }
                other => {
                    return Err(format!(
                        "customer 43 must not open 42's data, got {other:?}"
                    ));
                }
            }
        }
    }
    say("each customer's key was created on first use and found by name afterwards");

    step("Rotating keys without taking data offline");
    let kek_v2 = Model1::new(client.clone(), "demo-kek", 2).map_err(e)?;
    kek_v2.ensure_kek().await.map_err(e)?;
    let mut rewrapper = Model1Rotation::new(kek_v2);
    let rewrapped = rewrapper.rewrap(&sealed).await.map_err(e)?;
    let header = |c: &[u8]| c.len() - body_len(c);
    let same_body = sealed[header(&sealed)..] == rewrapped[header(&rewrapped)..];
    say(&format!(
        "Model 1: the data key was re-wrapped under KEK version 2; the encrypted record itself {}",
        if same_body {
            "did not change a byte"
        } else {
            "CHANGED (unexpected)"
        }
    ));
    if !same_body
        || rewrapper
            .target()
            .open(&rewrapped, b"table=patients")
            .await
            .map_err(e)?
            .as_slice()
            != record
    {
        return Err("Model 1 re-wrap did not keep the record readable and unchanged".into());
    }
    let model2 = Arc::new(model2);
    let rotation = Model2Rotation::new(model2.clone());
    let before = model2
        .encrypt("42", b"field=email", b"old@example.com")
        .await
        .map_err(e)?;
    let v2 = rotation.add_version("42").await.map_err(e)?;
    rotation.promote("42", v2.version).await.map_err(e)?;
    let after = model2
        .encrypt("42", b"field=email", b"new@example.com")
        .await
        .map_err(e)?;
    rotation.deactivate("42", 1).await.map_err(e)?;
    let old = model2
        .decrypt("42", &before, b"field=email")
        .await
        .map_err(e)?;
    let new = model2
        .decrypt("42", &after, b"field=email")
        .await
        .map_err(e)?;
    if old.as_slice() != b"old@example.com" || new.as_slice() != b"new@example.com" {
        return Err("Model 2 rotation lost data".into());
    }
    say(&format!(
        "Model 2: customer 42 now encrypts with {} version {}; version 1 is deactivated but still decrypts old data",
        v2.name, v2.version
    ));
    Ok(())
}

/// Length of a ciphertext's body (everything after its header).
fn body_len(ciphertext: &[u8]) -> usize {
    kmipkit::envelope::format::Header::parse(ciphertext)
        .map_or(0, |(_, header_len)| ciphertext.len() - header_len)
}

/// One line about an attribute worth showing; key material is never among them.
fn describe(attribute: &Attribute) -> Option<String> {
    Some(match attribute {
        Attribute::Name(n) => format!("name: {}", n.name_value),
        Attribute::ObjectType(t) => format!("object type: {t}"),
        Attribute::CryptographicAlgorithm(a) => format!("algorithm: {a}"),
        Attribute::CryptographicLength(l) => format!("length: {l} bits"),
        Attribute::CryptographicUsageMask(m) => format!("usage: {m}"),
        Attribute::State(s) => format!("state: {s}"),
        _ => return None,
    })
}

fn write_config(dir: &Path, server: &LocalServer, backup: &LocalServer) -> Result<PathBuf, String> {
    let entry = |s: &LocalServer, name: &str| -> Result<ServerBuilder, String> {
        Ok(ServerBuilder::new("127.0.0.1")
            .name(name)
            .port(s.port()?)
            .ca(s.path("ca")?)
            .client_cert(s.path("client_cert")?)
            .client_key(s.path("client_key")?))
    };
    let builder = ConfigBuilder::new()
        .server(entry(server, "kms1")?)
        .server(entry(backup, "kms2")?)
        .log("destination", "file")
        .log("path", "log/kmipkit.log")
        .audit_path("log/audit.csv")
        .timeout("connect", "5s")
        .timeout("request", "30s")
        .timeout("deadline", "60s")
        .timeout("failover_delay", "100ms")
        .base_dir(dir);
    let text = format!(
        "# Written by `kmipkit demo` for two throw-away PyKMIP servers.\n{}",
        builder.to_toml().map_err(|e| e.to_string())?
    );
    let path = dir.join("kmipkit.toml");
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn demo_dir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!(
        "kmipkit-demo-{}-{}",
        std::process::id(),
        unique_suffix()
    ));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn unique_suffix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64 % 1_000_000_000)
}
