//! The measured server profiles against the servers they describe: PyKMIP 0.11 and Cosmian
//! KMS 5.28, each started fresh. Every claim of a measured profile is checked here:
//!
//! - Query: the family is recognised, and the operations the server lists are exactly the
//!   profile's `operations_listed`; Discover Versions gives the profile's KMIP versions;
//! - each capability (server-side AES-GCM, RFC 5649 key wrap, unwrap on the server, ReKey,
//!   Check, Set Attribute) is probed and compared with the profile (probes in
//!   `live_server_profiles/probes.rs`); HTTPS comes from the harness's report;
//! - every operation the profile lists as missing is refused;
//! - a refusal the profile predicts is explained in the error, also by a client that never
//!   asked for the profile (it learns it with one Query);
//! - Model 1's KEK method chosen from the live profile.
//!
//! Cosmian KMS is started by `conformance/cosmian/kms-test-server`; when that harness says the
//! build is impossible on this machine the Cosmian test prints why and passes without running.
#![cfg(feature = "net")]

mod support;

#[path = "live_server_profiles/probes.rs"]
mod probes;

use std::time::Duration;

use kmipkit::Error;
use kmipkit::client::profile::{Capability, KekMethod, ServerProfile, Source, Support};
use kmipkit::client::{Client, VersionChoice};
use kmipkit::config::TlsMaterial;
use kmipkit::spec::{Operation, ProtocolVersion, ResultReason};
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use support::cosmian::cosmian;
use support::pykmip::{Family, ServerCert, TestServer, TlsIdentity};

async fn client_of(name: &str, port: u16, tls: TlsMaterial, version: VersionChoice) -> Client {
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    };
    let endpoint = Endpoint::new(name, "127.0.0.1", port, tls);
    let transport = Transport::new(
        vec![endpoint],
        timeouts,
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport");
    Client::with_transport(transport, version, None, Limits::default())
        .await
        .expect("client")
}

/// Every claim of `family`'s profile against the server `client` speaks to (negotiated).
async fn matches_profile(client: &Client, family: &str, https: Support) -> &'static ServerProfile {
    let recognised = client.server_profile().await.expect("Query");
    assert_eq!(recognised.family(), family, "{:?}", recognised.observed);
    let profile = recognised.profile.expect("a profile");
    assert!(profile.is_verified());
    assert_eq!(recognised.observed.kmip_version, Some(client.version()));

    // Query lists exactly what was measured, in the same order.
    assert_eq!(
        recognised.observed.operations, profile.operations_listed,
        "{family}"
    );
    assert_eq!(recognised.listing_differences(), (vec![], vec![]));
    let versions = client
        .discover_versions(Vec::new())
        .await
        .expect("Discover Versions");
    let mut newest_first = profile.kmip_versions.to_vec();
    newest_first.reverse();
    assert_eq!(versions, newest_first, "{family}");

    let tag = format!("{family}-{}", client.version()).replace(' ', "-");
    let (kwp, wrapped) = probes::key_wrap_with_padding(client, &tag).await;
    let seen = [
        (
            Capability::ServerSideGcm,
            probes::server_side_gcm(client, &tag).await,
        ),
        (Capability::KeyWrapWithPadding, kwp),
        (
            Capability::ServerSideUnwrap,
            probes::server_side_unwrap(client, &tag, wrapped).await,
        ),
        (Capability::ReKey, probes::rekey(client, &tag).await),
        (Capability::Check, probes::check(client, &tag).await),
        (
            Capability::SetAttribute,
            probes::set_attribute(client, &tag).await,
        ),
        (Capability::Https, https),
    ];
    for (capability, support) in seen {
        assert_eq!(
            support,
            profile.capabilities.of(capability),
            "{family}: {capability:?}"
        );
        // The merged view agrees, from Query where the server lists the operation.
        let (merged, source) = recognised.capability(capability);
        assert_eq!(merged, support, "{family}: merged {capability:?}");
        let listed = capability
            .operation()
            .is_some_and(|op| recognised.observed.lists(op));
        assert_eq!(
            source == Source::Query,
            listed,
            "{family}: {capability:?} from {source:?}"
        );
    }

    let id = probes::fresh_key(client, &format!("missing-{tag}")).await;
    for missing in profile.operations_missing {
        let result = probes::attempt(client, missing.operation, &id).await;
        assert!(
            matches!(result, Err(Error::Server { .. })),
            "{family} was expected to refuse {}: {result:?}",
            missing.operation
        );
    }
    profile
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_0_11_is_what_its_profile_says() {
    let server = TestServer::start_family(Family::PyKmip, 0, ServerCert::Good);
    let port = server.port();
    let client = client_of(
        "pykmip",
        port,
        server.client_material(),
        VersionChoice::Negotiate(ProtocolVersion::V2_1),
    )
    .await;
    assert_eq!(client.version(), ProtocolVersion::V2_0);
    let profile = matches_profile(&client, "PyKMIP", Support::No).await;
    assert_eq!(
        profile.model1_kek_method().unwrap().method,
        KekMethod::Encrypt
    );

    // A client that never asked: the refusal still says what the profile says.
    let fresh = client_of(
        "pykmip",
        port,
        server.client_material(),
        VersionChoice::Negotiate(ProtocolVersion::V2_1),
    )
    .await;
    let id = probes::fresh_key(&fresh, "explained").await;
    let err = probes::attempt(&fresh, Operation::ReKey, &id)
        .await
        .unwrap_err();
    let Error::Server {
        operation,
        reason,
        message,
        explanation,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*operation, *reason),
        (Some(Operation::ReKey), ResultReason::OperationNotSupported)
    );
    assert_eq!(
        message.as_deref(),
        Some("Rekey operation is not supported by the server.")
    );
    let explanation = explanation.as_deref().expect("explained");
    assert!(explanation.starts_with("PyKMIP 0.11.0 does not implement ReKey (measured: Operation Not Supported); create a new key"), "{explanation}");
    assert!(err.to_string().contains(explanation), "{err}");
    assert_eq!(err.kind(), kmipkit::ErrorKind::Server);
    // A message-level refusal (no operation in the reply) is explained from the request.
    let err = probes::attempt(&fresh, Operation::AddAttribute, &id)
        .await
        .unwrap_err();
    let Error::Server {
        operation: None,
        reason: ResultReason::InvalidMessage,
        explanation: Some(e),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        e.contains("does not implement AddAttribute") && e.contains("Modify Attribute"),
        "{e}"
    );
    // A refusal about the object is not the profile's business.
    let err = fresh.state("no-such-key").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Server {
                explanation: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosmian_kms_5_28_is_what_its_profile_says() {
    let Some(server) = cosmian() else { return };
    assert!(server.value("https_url").ends_with("/kmip"));
    let client = client_of(
        "cosmian",
        server.port(),
        server.client_material(),
        VersionChoice::Negotiate(ProtocolVersion::V2_1),
    )
    .await;
    assert_eq!(client.version(), ProtocolVersion::V2_1);
    let profile = matches_profile(&client, "Cosmian KMS", Support::Yes).await;
    let recognised = client.server_profile().await.expect("Query");
    assert_eq!(
        recognised.observed.server_name.as_deref(),
        Some("Cosmian KMS")
    );
    assert_eq!(
        recognised.observed.server_version.as_deref(),
        Some(profile.versions[0])
    );
    assert_eq!(recognised.title(), "Cosmian KMS 5.28.0");
    assert_eq!(
        profile.model1_kek_method().unwrap().method,
        KekMethod::Encrypt
    );

    // At KMIP 1.4 it answers no Server Information: recognised by its vendor string.
    let old = client_of(
        "cosmian",
        server.port(),
        server.client_material(),
        VersionChoice::Pinned(ProtocolVersion::V1_4),
    )
    .await;
    let recognised = old.server_profile().await.expect("Query at 1.4");
    assert_eq!(recognised.family(), "Cosmian KMS");
    assert_eq!(recognised.observed.server_name, None);
    assert!(!recognised.observed.lists(Operation::SetAttribute));

    // The 1.3 quirk: AES-GCM answers with the 1.4-only tag field, and kmipkit reads it.
    let v13 = client_of(
        "cosmian",
        server.port(),
        server.client_material(),
        VersionChoice::Pinned(ProtocolVersion::V1_3),
    )
    .await;
    assert_eq!(
        probes::server_side_gcm(&v13, "cosmian-1.3").await,
        Support::Yes
    );
}
