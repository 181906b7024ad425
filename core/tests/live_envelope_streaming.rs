//! Model 1 and Model 2 streaming (pulled from a reader, pushed in chunks) against a live PyKMIP
//! server, with the checks that a ciphertext is under the caller's key: the model's KEK, the
//! identifier's key with a UID, the right model.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;

use kmipkit::ErrorKind;
use kmipkit::envelope::format::{self, Header, KeyRef, Params, Plaintext, error_of};
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use kmipkit::envelope::rotation::Model2Rotation;
use kmipkit::envelope::streaming::{HeaderBuffer, Opener, Sealer};
use kmipkit::keys::{CacheLimits, KeyCache};
use kmipkit::spec::{ProtocolVersion, RevocationReasonCode};
use support::client::client;
use support::pykmip::TestServer;

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

/// The kind of the kmipkit error inside a streaming I/O error.
fn kind(err: &std::io::Error) -> ErrorKind {
    error_of(err)
        .unwrap_or_else(|| panic!("not a kmipkit error: {err}"))
        .kind()
}

fn push_seal(mut sealer: Sealer, plaintext: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in plaintext.chunks(10_000) {
        sealer.update_into(piece, &mut out).expect("update");
    }
    sealer.finish_into(&mut out).expect("finish");
    out
}

/// The header of a ciphertext fed in 1,000-byte chunks, and where its body starts.
fn push_header(ciphertext: &[u8]) -> (Header, usize) {
    let mut buffer = HeaderBuffer::new();
    for (i, piece) in ciphertext.chunks(1000).enumerate() {
        if let Some((header, used)) = buffer.feed(piece).expect("header") {
            return (header, i * 1000 + used);
        }
    }
    panic!("no complete header");
}

fn push_open(mut opener: Opener, body: &[u8]) -> kmipkit::error::Result<Plaintext> {
    let mut out = Plaintext::default();
    for piece in body.chunks(33_333) {
        opener.update_into(piece, &mut out)?;
    }
    opener.finish_into(&mut out)?;
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model1_streams_pulled_and_pushed_under_its_own_kek_only() {
    let server = TestServer::start(0);
    let client = Arc::new(client(&server, ProtocolVersion::V2_0).await);
    let model = Model1::new(client.clone(), "stream-kek", 1).expect("model");
    model.ensure_kek().await.expect("KEK");
    let plaintext = data(300_000); // several 64 KiB frames

    // Pull: one call each way; the streamed form is the in-memory format.
    let mut ciphertext = Vec::new();
    let n = model
        .encrypt_stream(&plaintext[..], &mut ciphertext, b"ctx")
        .await
        .expect("encrypt_stream");
    assert_eq!(n, 300_000);
    assert_eq!(
        &model.open(&ciphertext, b"ctx").await.expect("open")[..],
        &plaintext[..]
    );
    let mut back = Vec::new();
    let n = model
        .decrypt_stream(&ciphertext[..], &mut back, b"ctx")
        .await
        .expect("decrypt_stream");
    assert_eq!((n, &back), (300_000, &plaintext));

    // Push: the sealer and opener fed in chunks.
    let sealed = push_seal(
        model.start_encrypt(b"ctx").await.expect("sealer"),
        &plaintext,
    );
    let (header, body) = push_header(&sealed);
    let opener = model.start_decrypt(&header, b"ctx").await.expect("opener");
    assert_eq!(
        &push_open(opener, &sealed[body..]).expect("open")[..],
        &plaintext[..]
    );
    let opener = model.start_decrypt(&header, b"ctx").await.expect("opener");
    let cut = push_open(opener, &sealed[body..sealed.len() - 1]).unwrap_err();
    assert_eq!(cut.kind(), ErrorKind::Integrity);

    // Truncated and wrong-context streams fail as integrity errors.
    let err = model
        .decrypt_stream(&ciphertext[..ciphertext.len() - 20], Vec::new(), b"ctx")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Integrity);
    let err = model
        .decrypt_stream(&ciphertext[..], Vec::new(), b"other")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Integrity);

    // Another KEK's model refuses the ciphertext before asking the key manager: that KEK does
    // not even exist there, and the error is still "not your key".
    let other = Model1::new(client.clone(), "no-such-kek", 1).expect("model");
    let err = other
        .decrypt_stream(&ciphertext[..], Vec::new(), b"ctx")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Integrity);
    assert!(err.to_string().contains("stream-kek"), "{err}");
    assert!(other.start_decrypt(&header, b"ctx").await.is_err());

    // An existing protected DEK seals streams; one of another KEK is refused for this model.
    let (dek, protected) = model.create_dek().await.expect("DEK");
    let key = model.unlock_sealing_key(&protected).await.expect("unlock");
    let mut again = Vec::new();
    key.encrypt_stream(&b"row"[..], &mut again, b"")
        .expect("seal");
    assert_eq!(&model.open(&again, b"").await.expect("open")[..], b"row");
    let foreign = other
        .sealing_key_with(Arc::new(dek), &protected)
        .unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::Integrity);
    let err = other.unlock_sealing_key(&protected).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);

    // A Model 2 ciphertext is not a Model 1 one.
    let model2 = Model2::new(client, "s:").expect("model 2");
    let of_model2 = model2.encrypt("A", b"", b"x").await.expect("encrypt");
    let err = model
        .decrypt_stream(&of_model2[..], Vec::new(), b"")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Format);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model2_streams_only_for_the_identifier_through_the_cache() {
    let server = TestServer::start(0);
    let client = Arc::new(client(&server, ProtocolVersion::V2_0).await);
    let cache = Arc::new(KeyCache::new(CacheLimits::default()));
    let model = Arc::new(
        Model2::new(client.clone(), "cust:")
            .expect("model")
            .with_cache(cache.clone()),
    );
    let plaintext = data(150_000);

    let mut ciphertext = Vec::new();
    let n = model
        .encrypt_stream("C-1", &plaintext[..], &mut ciphertext, b"t=1")
        .await
        .expect("encrypt_stream");
    assert_eq!(n, 150_000);
    assert_eq!(
        &model
            .decrypt("C-1", &ciphertext, b"t=1")
            .await
            .expect("decrypt")[..],
        &plaintext[..]
    );
    // Decrypting streams of C-1 again costs no key-manager round trip: the model's cache.
    let fetches = cache.stats().fetches;
    let mut back = Vec::new();
    model
        .decrypt_stream("C-1", &ciphertext[..], &mut back, b"t=1")
        .await
        .expect("decrypt_stream");
    assert_eq!(back, plaintext);
    assert_eq!(cache.stats().fetches, fetches);

    // Push, both ways.
    let sealed = push_seal(
        model.start_encrypt("C-1", b"t=1").await.expect("sealer"),
        &plaintext,
    );
    let (header, body) = push_header(&sealed);
    assert_eq!(header.key_ref.name, "cust:C-1");
    let opener = model
        .start_decrypt("C-1", &header, b"t=1", DecryptPolicy::default())
        .await
        .expect("opener");
    assert_eq!(
        &push_open(opener, &sealed[body..]).expect("open")[..],
        &plaintext[..]
    );

    // Another identifier's ciphertext, or one with no key UID, is refused before any request.
    let err = model
        .decrypt_stream("C-2", &ciphertext[..], Vec::new(), b"t=1")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Integrity);
    let no_uid = KeyRef {
        uid: String::new(),
        ..header.key_ref.clone()
    };
    let forged = format::seal(&[7; 32], &Params::new(no_uid), b"", b"x").expect("seal");
    let err = model
        .decrypt_stream("C-1", &forged[..], Vec::new(), b"")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Format);
    assert!(err.to_string().contains("no key UID"), "{err}");
    let err = model
        .decrypt_stream("bad/id", &ciphertext[..], Vec::new(), b"t=1")
        .await
        .unwrap_err();
    assert!(error_of(&err).is_some(), "{err}");

    // A Model 1 ciphertext belongs to no identifier.
    let model1 = Model1::new(client.clone(), "cust-kek", 1).expect("model 1");
    model1.ensure_kek().await.expect("KEK");
    let mut of_model1 = Vec::new();
    model1
        .encrypt_stream(&b"x"[..], &mut of_model1, b"")
        .await
        .expect("model 1 stream");
    let err = model
        .decrypt_stream("C-1", &of_model1[..], Vec::new(), b"")
        .await
        .unwrap_err();
    assert_eq!(kind(&err), ErrorKind::Integrity);
    assert!(err.to_string().contains("Model 1"), "{err}");

    // A compromised version streams only on request.
    Model2Rotation::new(model.clone())
        .revoke("C-1", 1, RevocationReasonCode::KeyCompromise)
        .await
        .expect("revoke");
    let err = model
        .decrypt_stream("C-1", &ciphertext[..], Vec::new(), b"t=1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("compromised"), "{err}");
    let mut back = Vec::new();
    model
        .decrypt_stream_with(
            "C-1",
            &ciphertext[..],
            &mut back,
            b"t=1",
            DecryptPolicy::allow_compromised(),
        )
        .await
        .expect("allowed");
    assert_eq!(back, plaintext);
}
