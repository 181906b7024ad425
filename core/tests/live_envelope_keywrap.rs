//! Model 1 with both KEK methods against a live Cosmian KMS 5.28 (KMIP 1.4 and 2.1): AES-GCM
//! Encrypt (blob method 0x01) and AES key wrap on the key manager (method 0x02). Unlock follows
//! the blob's method, tampering and a wrong KEK are integrity errors, rotation and streaming
//! headers work for key-wrapped DEKs, and no temporary object is left on the server. Against
//! PyKMIP, which cannot unwrap, key wrap is refused at setup.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;

use kmipkit::Error;
use kmipkit::client::Client;
use kmipkit::envelope::format::{self, Header, Params};
use kmipkit::envelope::model1::{KekMethod, Model1, ProtectedDek, ProtectionMethod, kek_key_name};
use kmipkit::envelope::rotation::Model1Rotation;
use kmipkit::keys::SecretBytes;
use kmipkit::message::{Attributes, ImportRequest, KeyBlock, LocateRequest, Object, SymmetricKey};
use kmipkit::spec::{CryptographicAlgorithm, CryptographicUsageMask, ProtocolVersion, State};
use support::client::client as pinned;
use support::client::saw;
use support::cosmian::cosmian;
use support::pykmip::{Family, ServerCert, TestServer};

/// Every object the client's identity can see that still holds key material. Cosmian keeps a
/// destroyed object's metadata (state Destroyed, KMIP's Destroy) and lists it in Locate;
/// PyKMIP deletes it.
async fn all_objects(client: &Client) -> Vec<String> {
    let ids = client
        .locate(LocateRequest::new(Attributes::default()))
        .await
        .expect("locate all")
        .unique_identifier;
    let mut live = Vec::new();
    for id in ids {
        let state = client.state(&id).await.expect("state");
        if state != State::Destroyed {
            live.push(id);
        }
    }
    live.sort();
    live
}

fn integrity(result: kmipkit::error::Result<impl std::fmt::Debug>, what: &str) -> String {
    let err = result.expect_err(what);
    saw(&err);
    assert!(matches!(err, Error::Integrity { .. }), "{what}: {err:?}");
    eprintln!("{what}: {err}");
    err.to_string()
}

/// Model 1 with `method` round trips, and the server keeps only the KEKs (besides `before`,
/// what the server held already).
async fn both_ways(client: Arc<Client>, method: KekMethod) {
    let before = all_objects(&client).await;
    let name = format!("kw-{method}");
    let model = Model1::new(client.clone(), name.as_str(), 1)
        .expect("model")
        .with_kek_method(method);
    let kek = model.ensure_kek().await.expect("ensure KEK");
    let mut keks = [before.clone(), vec![kek.uid.clone()]].concat();
    keks.sort();
    assert_eq!(all_objects(&client).await, keks, "only the KEK after setup");

    // A server-generated DEK and a local one, each protected and unlocked.
    let (dek, protected) = model.create_dek().await.expect("create DEK");
    assert_eq!(protected.method, method.protection());
    let (local, local_protected) = model.create_local_dek().await.expect("local DEK");
    for (dek, protected) in [(&dek, &protected), (&local, &local_protected)] {
        let blob = protected.to_bytes().expect("blob");
        let back = ProtectedDek::from_bytes(&blob).expect("parse blob");
        assert_eq!(&back, protected);
        let unlocked = model.unlock(&back).await.expect("unlock");
        assert_eq!(unlocked.expose(), dek.expose());
    }
    if method == KekMethod::KeyWrap {
        assert!(protected.iv.is_empty() && protected.tag.is_empty());
        assert_eq!(protected.encrypted_dek.len(), 40);
    }

    // Seal and open; the streaming path (unlock_header) too.
    let ciphertext = model
        .seal_with_dek(&dek, &protected, b"ctx", b"hello")
        .expect("seal");
    assert_eq!(
        &model.open(&ciphertext, b"ctx").await.expect("open")[..],
        b"hello"
    );
    let header = Header::parse(&ciphertext).expect("header").0;
    let from_header = model.unlock_header(&header).await.expect("unlock header");
    assert_eq!(from_header.expose(), dek.expose());

    // A modified wrapped or encrypted DEK is an integrity error, not a server error.
    let mut tampered = protected.clone();
    tampered.encrypted_dek[3] ^= 0x40;
    integrity(model.unlock(&tampered).await, "tampered blob");

    // The same bytes under another KEK of the same name (version 2): integrity error.
    let v2 = Model1::new(client.clone(), name.as_str(), 2)
        .expect("model v2")
        .with_kek_method(method);
    let kek2 = v2.ensure_kek().await.expect("ensure KEK v2");
    let mut wrong = protected.clone();
    wrong.kek = kek2.clone();
    integrity(v2.unlock(&wrong).await, "wrong KEK");

    // Rotation: re-wrap under v2 with the same method; the body is unchanged and opens.
    let mut rotation = Model1Rotation::new(v2.clone());
    let rewrapped = rotation.rewrap(&ciphertext).await.expect("rewrap");
    let new_blob = kmipkit::envelope::model1::protected_dek_of(&rewrapped).expect("new blob");
    assert_eq!(new_blob.kek, kek2);
    assert_eq!(new_blob.method, method.protection());
    assert_eq!(
        &v2.open(&rewrapped, b"ctx").await.expect("open v2")[..],
        b"hello"
    );

    // Nothing but the two KEKs is left: every temporary object was destroyed, also after the
    // refused unwraps.
    let mut keks = [before, vec![kek.uid, kek2.uid]].concat();
    keks.sort();
    assert_eq!(all_objects(&client).await, keks, "leftover objects");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosmian_kmip_2_1_both_methods() {
    let Some(server) = cosmian() else { return };
    let client = Arc::new(pinned(&server, ProtocolVersion::V2_1).await);
    both_ways(client.clone(), KekMethod::KeyWrap).await;
    both_ways(client, KekMethod::Encrypt).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosmian_kmip_1_4_both_methods() {
    let Some(server) = cosmian() else { return };
    let client = Arc::new(pinned(&server, ProtocolVersion::V1_4).await);
    both_ways(client.clone(), KekMethod::KeyWrap).await;
    both_ways(client, KekMethod::Encrypt).await;
}

/// Unlock follows the blob: a model set to one method unlocks DEKs protected with the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosmian_unlock_follows_the_blob_method() {
    let Some(server) = cosmian() else { return };
    let client = Arc::new(pinned(&server, ProtocolVersion::V2_1).await);
    let wrap = Model1::new(client.clone(), "mixed", 1)
        .unwrap()
        .with_kek_method(KekMethod::KeyWrap);
    wrap.ensure_kek().await.expect("KEK v1 for key wrap");
    let (dek, wrapped) = wrap.create_dek().await.expect("wrapped DEK");
    let encrypt = Model1::new(client.clone(), "mixed", 2)
        .unwrap()
        .with_kek_method(KekMethod::Encrypt);
    encrypt.ensure_kek().await.expect("KEK v2 for Encrypt");
    let (dek2, encrypted) = encrypt.create_dek().await.expect("encrypted DEK");
    assert_eq!(wrapped.method, ProtectionMethod::KmipKeyWrapAesPadding);
    assert_eq!(encrypted.method, ProtectionMethod::KmipEncryptAesGcm);
    assert_eq!(
        encrypt.unlock(&wrapped).await.unwrap().expose(),
        dek.expose()
    );
    assert_eq!(
        wrap.unlock(&encrypted).await.unwrap().expose(),
        dek2.expose()
    );

    // A KEK made for Encrypt cannot wrap: choosing key wrap on it is refused at setup.
    let on_encrypt_kek = Model1::new(client.clone(), "mixed", 2)
        .unwrap()
        .with_kek_method(KekMethod::KeyWrap);
    let err = on_encrypt_kek
        .ensure_kek()
        .await
        .expect_err("Encrypt-only KEK");
    saw(&err);
    assert!(err.to_string().contains("AES key wrap"), "{err}");
    assert!(err.to_string().contains("Wrap Key"), "{err}");
}

/// PyKMIP cannot unwrap on the server: key wrap is refused when the model is set up, with a
/// message that says so and what to use instead, and leaves nothing behind but the KEK.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_refuses_key_wrap_at_setup() {
    // PyKMIP whatever KMIPKIT_TEST_SERVER says: this is its refusal.
    let server = TestServer::start_family(Family::PyKmip, 0, ServerCert::Good);
    let client = Arc::new(support::client::client(&server, ProtocolVersion::V2_0).await);
    let model = Model1::new(client.clone(), "kw", 1)
        .unwrap()
        .with_kek_method(KekMethod::KeyWrap);
    let err = model.ensure_kek().await.expect_err("PyKMIP cannot unwrap");
    saw(&err);
    let text = err.to_string();
    eprintln!("PyKMIP's refusal: {text}");
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(
        text.contains("cannot protect Model 1 data keys by AES key wrap"),
        "{text}"
    );
    assert!(text.contains("KekMethod::Encrypt"), "{text}");
    let kek = model.kek().await.expect("the KEK exists");
    assert_eq!(all_objects(&client).await, vec![kek.uid]);

    // The Encrypt method still works there.
    let encrypt = Model1::new(client, "kw-gcm", 1).unwrap();
    encrypt.ensure_kek().await.expect("KEK");
    let (dek, protected) = encrypt.create_dek().await.expect("DEK");
    let unlocked = encrypt.unlock(&protected).await.expect("unlock");
    assert_eq!(unlocked.expose(), dek.expose());
}

/// The KEK of the frozen key-wrap vector, stored on a fresh Cosmian under the vector's UID
/// (Import lets the client choose it) with the vector's Name, Wrap/Unwrap Key usage, Active.
async fn import_vector_kek(client: &Client, vector: &serde_json::Value) {
    let field = |name: &str| vector[name].as_str().expect(name).to_string();
    let kek = support::client::unhex(&field("kek"));
    let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, kek);
    let attributes = support::client::key_attributes(
        CryptographicAlgorithm::AES,
        256,
        CryptographicUsageMask::WrapKey | CryptographicUsageMask::UnwrapKey,
        &kek_key_name(&field("key_name"), 1),
    );
    let uid = field("key_uid");
    let import = ImportRequest::new(
        uid.clone(),
        Object::SymmetricKey(SymmetricKey::new(key)),
        attributes,
    );
    client
        .batch(vec![import.into()])
        .await
        .expect("import")
        .remove(0)
        .expect("import the vector's KEK");
    client
        .activate(&uid)
        .await
        .expect("activate the vector's KEK");
}

fn vector_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/vectors/envelope/07-model1-key-wrap.json")
}

/// The frozen key-wrap vector still opens through a real key manager: its blob, wrapped once by
/// Cosmian, is unwrapped by Cosmian again under the same KEK bytes (FORMAT.md appendix).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosmian_opens_the_frozen_key_wrap_vector() {
    let vector: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vector_path()).expect("vector")).expect("JSON");
    let Some(server) = cosmian() else { return };
    let client = Arc::new(pinned(&server, ProtocolVersion::V2_1).await);
    import_vector_kek(&client, &vector).await;
    let name = vector["key_name"].as_str().unwrap();
    let model = Model1::new(client, name, 1).unwrap();
    let hex = |f: &str| support::client::unhex(vector[f].as_str().unwrap());
    let plain = model
        .open(&hex("ciphertext"), &hex("context"))
        .await
        .expect("open the vector");
    assert_eq!(&plain[..], &hex("plaintext")[..]);
}

/// Writes `07-model1-key-wrap.json` (never overwrites): a known DEK protected by Cosmian with
/// key wrap under a known KEK, sealed with a known salt. Run by hand:
/// `cargo test -p kmipkit --test live_envelope_keywrap -- --ignored write_key_wrap_vector`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "generator: run by hand with --ignored write_key_wrap_vector"]
async fn write_key_wrap_vector() {
    let path = vector_path();
    if path.exists() {
        return;
    }
    let kek: Vec<u8> = (0x80u8..0xa0).collect();
    let dek: Vec<u8> = (0x20u8..0x40).collect();
    let salt: Vec<u8> = (0xc0u8..0xe0).collect();
    let context = b"tenant=acme;record=17".to_vec();
    let plaintext = b"Wrapped by the key manager, unwrapped by it too".to_vec();
    let seed = serde_json::json!({
        "kek": support::client::hex(&kek),
        "key_name": "vector-kek",
        "key_uid": "kek-0007",
    });
    let Some(server) = cosmian() else { return };
    let client = Arc::new(pinned(&server, ProtocolVersion::V2_1).await);
    import_vector_kek(&client, &seed).await;
    let model = Model1::new(client, "vector-kek", 1)
        .unwrap()
        .with_kek_method(KekMethod::KeyWrap);
    let protected = model
        .protect(&SecretBytes::from(dek.clone()))
        .await
        .expect("protect");
    let blob = protected.to_bytes().unwrap();
    let params = Params {
        wrapped_dek: blob.clone(),
        ..Params::new(protected.kek.clone())
    };
    let dek_array: [u8; 32] = dek.clone().try_into().unwrap();
    let salt_array: [u8; 32] = salt.clone().try_into().unwrap();
    let ciphertext =
        format::seal_with_salt(&dek_array, &params, &context, salt_array, &plaintext).unwrap();
    let h = support::client::hex;
    let vector = serde_json::json!({
        "description": "Model 1 with a real protected DEK, method 0x02: the DEK wrapped by Cosmian KMS 5.28 with AES key wrap with padding (RFC 5649) under `kek`; `protected_dek` lists the blob's fields (FORMAT.md appendix)",
        "dek": h(&dek),
        "salt": h(&salt),
        "key_name": "vector-kek",
        "key_version": 1,
        "key_uid": "kek-0007",
        "wrapped_dek": h(&blob),
        "context": h(&context),
        "frame_size": format::DEFAULT_FRAME_SIZE,
        "plaintext": h(&plaintext),
        "ciphertext": h(&ciphertext),
        "kek": h(&kek),
        "protected_dek": {
            "method": 2,
            "kek_name": "vector-kek",
            "kek_version": 1,
            "kek_uid": "kek-0007",
            "iv": "",
            "tag": "",
            "encrypted_dek": h(&protected.encrypted_dek),
        },
    });
    std::fs::write(&path, serde_json::to_string_pretty(&vector).unwrap() + "\n").unwrap();
}
