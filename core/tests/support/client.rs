//! Shared setup for the `Client` tests against live PyKMIP servers: connecting, known keys,
//! and assertions on attributes and refusals.

use std::time::Duration;

use kmipkit::Error;
use kmipkit::client::{Client, VersionChoice};
use kmipkit::config::TlsMaterial;
use kmipkit::error::Result;
use kmipkit::message::{
    Attribute, Attributes, KeyBlock, KeyMaterial, Name, Object, RegisterRequest, SymmetricKey,
};
use kmipkit::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, ProtocolVersion, ResultReason,
};
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;

use super::pykmip::{TestServer, TlsIdentity};

/// The known AES-256 key of the conformance vectors: 00 01 02 .. 1f.
pub fn known_key() -> Vec<u8> {
    (0u8..32).collect()
}

/// The known HMAC-SHA256 key: 40 41 .. 5f (distinct from the AES key, so a mix-up shows).
pub fn known_hmac_key() -> Vec<u8> {
    (0x40u8..0x60).collect()
}

/// The password registered as secret data in the tests.
pub const PASSWORD: &str = "correct horse battery staple 7!";

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (test vectors); panics on bad input.
pub fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Short timeouts: a hung PyKMIP fails the test instead of stalling it.
fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    }
}

/// A client of `server` with `tls`, speaking `version` as chosen.
pub async fn client_with(server: &TestServer, tls: TlsMaterial, version: VersionChoice) -> Client {
    let endpoint = Endpoint::new("pykmip", "127.0.0.1", server.port(), tls);
    let transport = Transport::new(
        vec![endpoint],
        timeouts(),
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport");
    Client::with_transport(transport, version, None, Limits::default())
        .await
        .expect("client")
}

/// A client of `server` with the good identity, pinned to `version`.
pub async fn client(server: &TestServer, version: ProtocolVersion) -> Client {
    let client = client_with(
        server,
        server.client_material(),
        VersionChoice::Pinned(version),
    )
    .await;
    assert_eq!(client.version(), version);
    client
}

/// Attributes for a symmetric key of `algorithm` with `mask`, named `name`.
pub fn key_attributes(
    algorithm: CryptographicAlgorithm,
    bits: i32,
    mask: CryptographicUsageMask,
    name: &str,
) -> Attributes {
    let mut attributes = Attributes::default();
    attributes.push(Attribute::CryptographicAlgorithm(algorithm));
    attributes.push(Attribute::CryptographicLength(bits));
    attributes.push(Attribute::CryptographicUsageMask(mask));
    attributes.push(Attribute::Name(Name::text(name)));
    attributes
}

/// Registers `key` as a Raw symmetric key of `algorithm` with `mask`; returns its id (pre-active).
pub async fn register_key(
    client: &Client,
    algorithm: CryptographicAlgorithm,
    key: &[u8],
    mask: CryptographicUsageMask,
    name: &str,
) -> String {
    let bits = i32::try_from(key.len() * 8).expect("key length");
    let object = Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(
        algorithm,
        key.to_vec(),
    )));
    let request = RegisterRequest::new(object, key_attributes(algorithm, bits, mask, name));
    client
        .register(request)
        .await
        .expect("register")
        .unique_identifier
}

/// Registers and activates `key`; returns its id.
pub async fn active_key(
    client: &Client,
    algorithm: CryptographicAlgorithm,
    key: &[u8],
    mask: CryptographicUsageMask,
    name: &str,
) -> String {
    let id = register_key(client, algorithm, key, mask, name).await;
    client.activate(&id).await.expect("activate");
    id
}

/// The raw bytes of a key block's material.
pub fn material(block: &KeyBlock) -> &[u8] {
    match block.key_material() {
        Some(KeyMaterial::Bytes(b)) => &b.0,
        other => panic!("expected key bytes, got {other:?}"),
    }
}

/// The one value of the attribute `pick` selects, or a panic listing what there was.
pub fn one<T: Clone>(attributes: &Attributes, pick: impl Fn(&Attribute) -> Option<T>) -> T {
    let found: Vec<T> = attributes.iter().filter_map(pick).collect();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!("expected exactly one such attribute among {attributes:?}"),
    }
}

/// The secrets that must never appear in Debug or Display output: the known keys (raw and
/// hex, both cases) and the password.
pub fn secrets() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for key in [known_key(), known_hmac_key()] {
        out.push(hex(&key).into_bytes());
        out.push(hex(&key).to_uppercase().into_bytes());
        out.push(format!("{key:?}").into_bytes());
        out.push(key);
    }
    out.push(PASSWORD.as_bytes().to_vec());
    out
}

/// Panics if `text` contains one of [`secrets`] or one of `extra`.
pub fn assert_no_secret(what: &str, text: &str, extra: &[&[u8]]) {
    let all = secrets();
    let extra = extra.iter().map(|e| e.to_vec());
    for secret in all.into_iter().chain(extra) {
        assert!(
            !text
                .as_bytes()
                .windows(secret.len())
                .any(|w| w == secret.as_slice()),
            "{what} reveals a secret: {text}"
        );
    }
}

/// Checks the Display and Debug of an error a test saw: no key bytes, no password.
pub fn saw(err: &Error) {
    assert_no_secret("error Display", &err.to_string(), &[]);
    assert_no_secret("error Debug", &format!("{err:?}"), &[]);
}

/// The server's refusal of `result`, asserted to carry `reason`; returns its message.
pub fn refused<T: std::fmt::Debug>(result: Result<T>, reason: ResultReason) -> Option<String> {
    let err = result.expect_err("the server should have refused");
    saw(&err);
    match err {
        Error::Server {
            reason: got,
            message,
            ..
        } if got == reason => message,
        other => panic!("expected a server refusal with {reason}, got {other:?}"),
    }
}

/// Like [`refused`], and checks the operation the error names (`None`: a message-level error).
pub fn refused_as<T: std::fmt::Debug>(
    result: Result<T>,
    operation: Option<kmipkit::spec::Operation>,
    reason: ResultReason,
) -> Option<String> {
    let err = result.expect_err("the server should have refused");
    saw(&err);
    match err {
        Error::Server {
            operation: op,
            reason: got,
            message,
            ..
        } if got == reason && op == operation => message,
        other => panic!("expected a server refusal {operation:?}/{reason}, got {other:?}"),
    }
}
