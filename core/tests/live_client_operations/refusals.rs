//! What PyKMIP 0.11 answers to the operations it lacks, as typed errors.
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
