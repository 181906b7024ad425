//! The one table of the Rust live tests' measured differences between key server families.
//!
//! A live test runs against every family; where a server answers differently from PyKMIP, the
//! test asks [`difference`] and asserts *that server's* answer (a refusal, another reason code).
//! A test that is about PyKMIP itself (its process, its TLS 1.2-only quirks) is [`excluded`]
//! for the other family — only through this table, and the reason is printed when it runs.
//! Nothing here is skipped silently: a test of a family without an entry runs unchanged.

use crate::Family;

/// What differs for one test against one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The server answers differently; the test asserts the answer this family gives.
    Differs,
    /// The test is PyKMIP-specific by nature and does not run against this family.
    Excluded,
}

/// One row: `test` (`file::function`) against `server` differs as `kind`, because `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difference {
    /// `live_file::test_function`.
    pub test: &'static str,
    /// The family that answers differently.
    pub server: Family,
    /// Asserted differently, or excluded.
    pub kind: Kind,
    /// What the server does and why, as measured.
    pub reason: &'static str,
}

/// Every declared difference (measured against Cosmian KMS 5.28.0 with
/// `KMIPKIT_TEST_SERVER=cosmian`; PyKMIP 0.11 is the reference the tests were written for).
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        test: "live_envelope_models::model2_concurrent_first_use_creates_one_key",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian's UIDs are random UUIDs, not increasing: the lowest-UID rule of Model 2's \
                 first use cannot tell which independent creator came first, so in the window \
                 envelope/model2.rs documents two independent clients may each keep the key they \
                 made (seen once in six full runs). Asserted: one key through the shared Model2, \
                 at most one per independent client, every ciphertext opens by its header's UID",
    },
    Difference {
        test: "live_client_operations::every_operation",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "the tour asserts Cosmian's answers: its refusal wording; Activate twice and \
                 Destroy of an Active key are WrongKeyLifecycleState; a destroyed object is \
                 ObjectDestroyed and Destroy again succeeds; required attributes are \
                 AttributeReadOnly; at 2.x Delete Attribute deletes only by value and answers \
                 success to a reference (even State); Set Attribute takes a second Name; Query \
                 lists 34 operations (38 at 2.x) and vendor `cosmian`, versions 2.1..1.0; opaque \
                 type 0x80000000 refused (0x80000001 used); wrapped Get wraps the whole Key \
                 Value, TTLV encoding accepted; Derive Key has no HMAC/HASH methods; a bad GCM \
                 tag is CryptographicFailure; GCM at 1.2 appends the tag to the ciphertext; MAC \
                 needs the hashing algorithm; it has ReKey, Check, Add Attribute, Hash, RNG \
                 Retrieve, MAC Verify and cannot decode Archive, Recover, Poll, Cancel, RNG Seed",
    },
    Difference {
        test: "live_client_operations::negotiation_settles_on_what_pykmip_speaks",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian speaks KMIP 2.1: asked for 2.1 the client stays there",
    },
    Difference {
        test: "live_client_operations::another_identity_cannot_use_my_keys",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian hides another identity's objects: Get, Activate and Destroy answer \
                 ObjectNotFound, not PermissionDenied",
    },
    Difference {
        test: "live_client_operations::secrets_never_appear_in_debug_or_errors",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Destroy of an Active key is WrongKeyLifecycleState and an unknown id \
                 ObjectNotFound (PyKMIP: PermissionDenied, ItemNotFound)",
    },
    Difference {
        test: "live_client_catalog::get_many_keeps_order_and_refusals",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "a Get of an unknown id is ObjectNotFound at every version (PyKMIP: ItemNotFound)",
    },
    Difference {
        test: "live_observe::no_level_or_format_ever_logs_a_secret",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "the audit row of the failed Get says ObjectNotFound (PyKMIP: ItemNotFound)",
    },
    Difference {
        test: "live_client_blocking::an_application_without_async_creates_uses_and_destroys_a_key",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian speaks KMIP 2.1: the loader's default negotiation settles there, not on 2.0",
    },
    Difference {
        test: "live_host_link::operations_models_and_rotation_run_over_a_host_transport",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian speaks KMIP 2.1: negotiating from 2.1 stays there, not 2.0",
    },
    Difference {
        test: "live_transport_blocking::a_hundred_gets_share_one_connection",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian's socket speaks TLS 1.3 (PyKMIP: TLS 1.2 only) and KMIP 2.1 (PyKMIP: 2.0)",
    },
    Difference {
        test: "live_transport_refusals::tls12_without_the_extended_master_secret_is_refused",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian's socket speaks TLS 1.3 (PyKMIP: TLS 1.2 only); the EMS-less servers are \
                 Python's either way",
    },
    Difference {
        test: "live_transport_blocking::refusals_by_the_server_pins_and_limits",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "without a client certificate Cosmian's socket completes the TLS 1.3 handshake, \
                 reads the request and closes without answer or alert: ConnectionLost, not a \
                 certificate error (nothing on the wire names the certificate)",
    },
    Difference {
        test: "live_client_failover::the_primary_stops_mid_run_and_comes_back",
        server: Family::Cosmian,
        kind: Kind::Excluded,
        reason: "needs replicas under one UID on independent servers; Cosmian names objects with \
                 random UUIDs and ignores a client-chosen Unique Identifier (measured: Register \
                 with the attribute, KMIP 1.0-2.1); kill/restart failover against Cosmian runs \
                 in live_transport_failover and this file's other tests",
    },
    Difference {
        test: "live_cluster_failover::the_primary_dies_and_comes_back_during_model1_and_model2_traffic",
        server: Family::Cosmian,
        kind: Kind::Excluded,
        reason: "needs the KEK under one UID on three independent servers; Cosmian gives random \
                 UUIDs and ignores a client-chosen Unique Identifier (measured, KMIP 1.0-2.1)",
    },
    Difference {
        test: "live_cluster_lookup::keys_are_found_by_uid_and_name_on_the_server_that_holds_them",
        server: Family::Cosmian,
        kind: Kind::Excluded,
        reason: "makes two servers give one integer UID to different keys, as PyKMIP numbers \
                 them 1, 2, 3...; Cosmian's random UUIDs never collide",
    },
    Difference {
        test: "live_cluster_lookup::a_cache_over_the_cluster_keeps_keys_of_one_uid_apart",
        server: Family::Cosmian,
        kind: Kind::Excluded,
        reason: "makes two servers give one integer UID to different keys, as PyKMIP numbers \
                 them 1, 2, 3...; Cosmian's random UUIDs never collide",
    },
    Difference {
        test: "live_envelope_model2_states::encryption_uses_the_primary_version_after_a_rotation",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian refuses Get of a Deactivated key (Revoke, Cessation of Operation; then Get → \
                 WrongKeyLifecycleState \"DENIED\"; it hands revoked keys out only through Export), \
                 so data sealed under a Deactivated Model 2 version does not decrypt there",
    },
    Difference {
        test: "live_envelope_model2_states::the_cache_serves_no_version_after_a_state_change_through_the_model",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian refuses Get of a Deactivated key (Revoke, Cessation of Operation; then Get → \
                 WrongKeyLifecycleState \"DENIED\"; it hands revoked keys out only through Export), \
                 so data sealed under a Deactivated Model 2 version does not decrypt there",
    },
    Difference {
        test: "live_envelope_rotation::model2_rotation_in_four_phases",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian refuses Get of a Deactivated key (Revoke, Cessation of Operation; then Get → \
                 WrongKeyLifecycleState \"DENIED\"; it hands revoked keys out only through Export), \
                 so data sealed under a Deactivated Model 2 version does not decrypt there",
    },
    Difference {
        test: "live_envelope_rotation::dependency_report_guards_destroy",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian refuses Get of a Deactivated key (Revoke, Cessation of Operation; then Get → \
                 WrongKeyLifecycleState \"DENIED\"; it hands revoked keys out only through Export), \
                 so data sealed under a Deactivated Model 2 version does not decrypt there; re-encryption of v1's data stops at the first item; the report and the destroy guard are asserted with all 6 items still under v1",
    },
    Difference {
        test: "live_client_catalog::register_defaults_round_trip",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "register_material's default Opaque Data Type 0x80000000 (the first vendor value) \
                 is refused: the request does not parse (InvalidMessage, \"expected valid \
                 OpaqueDataType value\"); Cosmian accepts 0x80000001 (conformance suite: expected \
                 failure)",
    },
    Difference {
        test: "live_client_catalog::wrapped_and_usage",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "a Get wrapped under a wrapping key that does not exist is OperationNotSupported \
                 (\"The wrapping key ... does not exist or is not accessible\"; PyKMIP: \
                 ItemNotFound)",
    },
    Difference {
        test: "live_client_catalog::a_dependent_batch_stops_at_a_failure",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian keeps no ID placeholder and does not stop the batch: the Get of an \
                 unknown id is ObjectNotFound (PyKMIP: ItemNotFound) and the next item, a Get on \
                 the placeholder, is answered OperationNotSupported (\"the unique identifier is \
                 required\"), not dropped",
    },
    Difference {
        test: "live_transport_tls::tls_info_reports_the_handshake",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "Cosmian's socket speaks TLS 1.3 (PyKMIP: TLS 1.2 only), whose cipher suites \
                 (TLS13_AES_256_GCM_SHA384) do not name the signature algorithm",
    },
    Difference {
        test: "live_transport_tls::no_client_certificate_is_refused_by_the_server",
        server: Family::Cosmian,
        kind: Kind::Differs,
        reason: "without a client certificate Cosmian's socket completes the TLS 1.3 handshake, \
                 reads the request and closes without answer or alert: ConnectionLost, not a \
                 certificate error (nothing on the wire names the certificate)",
    },
];

/// The difference declared for `test` against the family the tests run against, printed to
/// stderr (which the test harness shows with the test's output) when there is one.
///
/// ```
/// // No row names this test, so it runs unchanged against every family.
/// assert!(kmipkit_testkit::difference("doc::no_such_test").is_none());
/// ```
pub fn difference(test: &str) -> Option<&'static Difference> {
    difference_for(test, Family::current())
}

/// The row for `test` against `family`, printed when there is one.
pub fn difference_for(test: &str, family: Family) -> Option<&'static Difference> {
    let row = DIFFERENCES
        .iter()
        .find(|row| row.test == test && row.server == family)?;
    let what = match row.kind {
        Kind::Differs => "asserts this server's answer",
        Kind::Excluded => "EXCLUDED for this server",
    };
    eprintln!("{test} against {}: {what}: {}", family.name(), row.reason);
    Some(row)
}

/// True when the family under test answers `test` differently (the reason is printed): the
/// test then asserts that family's answer.
///
/// ```
/// assert!(!kmipkit_testkit::differs("doc::no_such_test"));
/// ```
pub fn differs(test: &str) -> bool {
    matches!(difference(test), Some(row) if row.kind == Kind::Differs)
}

/// True when `test` is excluded for the family under test (the reason is printed): the test
/// returns at once.
///
/// ```
/// assert!(!kmipkit_testkit::excluded("doc::no_such_test"));
/// ```
pub fn excluded(test: &str) -> bool {
    matches!(difference(test), Some(row) if row.kind == Kind::Excluded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_and_give_reasons() {
        for (i, row) in DIFFERENCES.iter().enumerate() {
            assert!(row.test.contains("::"), "{row:?}: name it file::function");
            assert!(row.reason.len() > 20, "{row:?}: say what the server does");
            assert_ne!(
                row.server,
                Family::PyKmip,
                "{row:?}: PyKMIP is the reference"
            );
            assert!(
                !DIFFERENCES[..i]
                    .iter()
                    .any(|r| r.test == row.test && r.server == row.server),
                "{row:?} is declared twice"
            );
        }
    }
}
