//! What PyKMIP 0.11 answers to the operations it lacks, as typed errors; and, against Cosmian
//! KMS (which has most of them), what it does with the same requests ([`cosmian`]).
//!
//! Two behaviours, both from PyKMIP's server code:
//! - operations it can decode but has no handler for (`KmipEngine._process_operation`'s
//!   `else`) fail their batch item with Operation Not Supported, naming the operation;
//! - operations whose request payload it cannot even decode (its payload factory raises
//!   `NotImplementedError`) fail the whole message: a single batch item without Operation,
//!   Invalid Message — a message-level error, so [`Error::Server`] carries no operation.

use kmipkit::client::Client;
use kmipkit::message::{
    AddAttributeRequest, Attribute, CancelRequest, CheckRequest, CryptographicParameters,
    HashRequest, MACVerifyRequest, PollRequest, RNGSeedRequest, ReKeyKeyPairRequest, ReKeyRequest,
};
use kmipkit::spec::{HashingAlgorithm, Operation, ProtocolVersion, ResultReason};

use crate::lifecycle::PARSE_ERROR;
use crate::support::client::refused_as;

pub async fn run(client: &Client, version: ProtocolVersion) {
    if crate::tour_differs() {
        return cosmian(client, version).await;
    }
    let id = client
        .create_aes_key(&format!("refusals-{version}"), 256)
        .await
        .expect("create");

    // Decoded, no handler: Operation Not Supported for that item, in PyKMIP's words
    // (`operation.name.title()`: REKEY_KEY_PAIR becomes "Rekey_Key_Pair").
    let m = refused_as(
        client.rekey(ReKeyRequest::new(Some(id.clone()))).await,
        Some(Operation::ReKey),
        ResultReason::OperationNotSupported,
    );
    assert_eq!(
        m.as_deref(),
        Some("Rekey operation is not supported by the server.")
    );
    let m = refused_as(
        client.check(CheckRequest::new(Some(id.clone()))).await,
        Some(Operation::Check),
        ResultReason::OperationNotSupported,
    );
    assert_eq!(
        m.as_deref(),
        Some("Check operation is not supported by the server.")
    );
    let m = refused_as(
        client
            .rekey_key_pair(ReKeyKeyPairRequest::new(Some(id.clone())))
            .await,
        Some(Operation::ReKeyKeyPair),
        ResultReason::OperationNotSupported,
    );
    assert_eq!(
        m.as_deref(),
        Some("Rekey_Key_Pair operation is not supported by the server.")
    );

    // Not decodable: the whole message is refused.
    let invalid = |message: Option<String>| assert_eq!(message.as_deref(), Some(PARSE_ERROR));
    invalid(refused_as(
        client
            .add_attribute(AddAttributeRequest::new(
                Some(id.clone()),
                Attribute::ContactInformation("ops@example.com".into()),
            ))
            .await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.archive(&id).await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client
            .mac_verify(MACVerifyRequest::new(
                Some(id.clone()),
                b"data".as_slice(),
                vec![0u8; 32],
            ))
            .await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.poll(PollRequest::new(vec![1u8, 2, 3, 4])).await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.cancel(CancelRequest::new(vec![1u8, 2, 3, 4])).await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.rng_retrieve(32).await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.rng_seed(RNGSeedRequest::new(vec![7u8; 32])).await,
        None,
        ResultReason::InvalidMessage,
    ));
    let mut sha256 = CryptographicParameters::default();
    sha256.hashing_algorithm = Some(HashingAlgorithm::SHA_256);
    invalid(refused_as(
        client
            .hash(HashRequest::new(sha256, b"data".as_slice()))
            .await,
        None,
        ResultReason::InvalidMessage,
    ));
    invalid(refused_as(
        client.recover(&id).await,
        None,
        ResultReason::InvalidMessage,
    ));

    // None of this hurt the connection or the object.
    client
        .activate(&id)
        .await
        .expect("activate after the refusals");
}

fn sha256() -> CryptographicParameters {
    let mut parameters = CryptographicParameters::default();
    parameters.hashing_algorithm = Some(HashingAlgorithm::SHA_256);
    parameters
}

/// Cosmian KMS 5.28 has ReKey, Check, Add Attribute, Hash and RNG Retrieve (measured); it
/// refuses ReKey of a Pre-Active key, Re-Key Key Pair of a symmetric key, and cannot decode
/// Archive, Recover, Poll, Cancel (at 1.x it reads the Asynchronous Correlation Value as a
/// Text String, the spec's is a Byte String) or RNG Seed.
async fn cosmian(client: &Client, version: ProtocolVersion) {
    let id = client
        .create_aes_key(&format!("refusals-{version}"), 256)
        .await
        .expect("create");
    let m = refused_as(
        client.rekey(ReKeyRequest::new(Some(id.clone()))).await,
        Some(Operation::ReKey),
        ResultReason::OperationNotSupported,
    );
    assert!(m.unwrap_or_default().contains("PreActive"));
    let checked = client
        .check(CheckRequest::new(Some(id.clone())))
        .await
        .expect("check");
    assert_eq!(checked.unique_identifier.as_deref(), Some(id.as_str()));
    refused_as(
        client
            .rekey_key_pair(ReKeyKeyPairRequest::new(Some(id.clone())))
            .await,
        Some(Operation::ReKeyKeyPair),
        ResultReason::ItemNotFound,
    );
    let added = client
        .add_attribute(AddAttributeRequest::new(
            Some(id.clone()),
            Attribute::ContactInformation("ops@example.com".into()),
        ))
        .await
        .expect("add attribute");
    assert_eq!(added.unique_identifier, id);
    let hashed = client
        .hash(HashRequest::new(sha256(), b"data".as_slice()))
        .await
        .expect("hash");
    let expected = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"data");
    assert_eq!(hashed.data.expect("digest").0, expected.as_ref());
    let random = client.rng_retrieve(32).await.expect("rng retrieve");
    assert_eq!(random.len(), 32);
    let undecodable = [
        client.archive(&id).await,
        client.recover(&id).await,
        client
            .poll(PollRequest::new(vec![1u8, 2, 3, 4]))
            .await
            .map(drop),
        client
            .cancel(CancelRequest::new(vec![1u8, 2, 3, 4]))
            .await
            .map(drop),
        client
            .rng_seed(RNGSeedRequest::new(vec![7u8; 32]))
            .await
            .map(drop),
    ];
    for result in undecodable {
        refused_as(result, None, ResultReason::InvalidMessage);
    }
    client.activate(&id).await.expect("activate");
    let rekeyed = client
        .rekey(ReKeyRequest::new(Some(id.clone())))
        .await
        .expect("rekey an active key");
    assert_ne!(rekeyed.unique_identifier, id);
}
