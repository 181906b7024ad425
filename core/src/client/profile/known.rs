//! The known profiles. PyKMIP 0.11 and Cosmian KMS 5.28 are measured here (and re-measured by
//! `core/tests/live_server_profiles.rs`); the others are in `documented.rs`.
//!
//! Every "Yes" and "No" below was seen on a running server, with the test or harness that shows
//! it named next to it; docs/SERVERS.md explains each family for people.

use super::documented::{CIPHERTRUST, ENTRUST_KEYCONTROL, FORTANIX_DSM, TOWNSEND_AKM, VAULT_KMIP};
use super::{Capabilities, Evidence, Missing, Quirk, Recognition, ServerProfile, Support};
use crate::spec::{Operation as Op, ProtocolVersion as V};

/// Every known profile: the measured ones first, then the documented ones.
pub static PROFILES: &[ServerProfile] = &[
    PYKMIP,
    COSMIAN,
    CIPHERTRUST,
    FORTANIX_DSM,
    VAULT_KMIP,
    ENTRUST_KEYCONTROL,
    TOWNSEND_AKM,
];

const ALL_1X_AND_2_0: &[V] = &[V::V1_0, V::V1_1, V::V1_2, V::V1_3, V::V1_4, V::V2_0];

/// PyKMIP 0.11.0's server (`pykmip-server`), the project's first test server.
pub const PYKMIP: ServerProfile = ServerProfile {
    family: "PyKMIP",
    versions: &["0.11.0"],
    evidence: Evidence::Measured {
        how: "cargo test -p kmipkit --test live_server_profiles (Query, ReKey, Check, GCM, key wrap, unwrap) and --test live_client_operations (every refusal), against conformance/pykmip/kmip-test-server",
    },
    recognised_by: Recognition {
        vendor_prefixes: &["PyKMIP"],
        server_name_prefixes: &[],
        note: "Vendor Identification \"PyKMIP 0.11.0 Software Server\" (fixed in its code); no Server Information",
    },
    kmip_versions: ALL_1X_AND_2_0,
    // Query Operations at KMIP 2.0; it performs Modify/Delete/Set Attribute without listing them.
    operations_listed: &[
        Op::Create,
        Op::CreateKeyPair,
        Op::Register,
        Op::DeriveKey,
        Op::Locate,
        Op::Get,
        Op::GetAttributes,
        Op::GetAttributeList,
        Op::Activate,
        Op::Revoke,
        Op::Destroy,
        Op::Query,
        Op::DiscoverVersions,
        Op::Encrypt,
        Op::Decrypt,
        Op::Sign,
        Op::SignatureVerify,
        Op::MAC,
    ],
    operations_missing: PYKMIP_MISSING,
    capabilities: Capabilities {
        server_side_gcm: Support::Yes,
        key_wrap_with_padding: Support::No,
        server_side_unwrap: Support::No,
        rekey: Support::No,
        check: Support::No,
        set_attribute: Support::Yes,
        https: Support::No,
    },
    quirks: &[
        Quirk {
            behaviour: "TLS 1.2 only, and with an RSA server certificate it offers only CBC cipher suites, which rustls does not have",
            adaptation: "give PyKMIP an ECDSA (P-256) server certificate; the test harness does",
        },
        Quirk {
            behaviour: "below KMIP 1.4 (which added the authenticated-encryption fields) AES-GCM Encrypt returns no tag and takes no associated data, without an error; it works at 1.4 and 2.0",
            adaptation: "kmipkit negotiates 2.0 with it; do not pin an older version for Model 1",
        },
        Quirk {
            behaviour: "KMIP 2.1 (and 1.5, 3.0) requests get a message-level Invalid Message with a 1.0 header and no batch item id",
            adaptation: "version negotiation treats that reply as \"try the next version\" and settles on 2.0",
        },
        Quirk {
            behaviour: "Get with a Key Wrapping Specification wraps with RFC 3394 (NIST key wrap) only, and only with Encoding Option No Encoding sent explicitly",
            adaptation: "Model 1 uses server-side AES-GCM with PyKMIP, never key wrap",
        },
        Quirk {
            behaviour: "objects are visible to the client certificate's CN that made them only: another identity gets Permission Denied",
            adaptation: "use one client identity per application, or share keys on the server side",
        },
        Quirk {
            behaviour: "request Time Stamps more than 60 s from its clock are refused; asynchronous requests are refused",
            adaptation: "keep clocks in sync; kmipkit never sends asynchronous requests",
        },
        Quirk {
            behaviour: "one global lock: about 250 Gets/s and 40 Creates/s whatever the number of connections",
            adaptation: "a correctness test server, not a load test target",
        },
    ],
};

const PYKMIP_DECODE_REFUSAL: &str =
    "the whole message is refused with Invalid Message (its decoder has no such payload)";

const PYKMIP_MISSING: &[Missing] = &[
    Missing {
        operation: Op::ReKey,
        answer: "Operation Not Supported",
        instead: "create a new key and name it as the next version: kmipkit's Model 2 rotation and `kmipkit key rotate` do that (Create + links) without ReKey",
    },
    Missing {
        operation: Op::ReKeyKeyPair,
        answer: "Operation Not Supported",
        instead: "create a new key pair with Create Key Pair",
    },
    Missing {
        operation: Op::Check,
        answer: "Operation Not Supported",
        instead: "read State and Cryptographic Usage Mask with Get Attributes (`Client::state`)",
    },
    Missing {
        operation: Op::AddAttribute,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "use Modify Attribute, or Set Attribute at KMIP 2.0",
    },
    Missing {
        operation: Op::MACVerify,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "compute the MAC with MAC and compare it in constant time",
    },
    Missing {
        operation: Op::Hash,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "hash locally",
    },
    Missing {
        operation: Op::RNGRetrieve,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "use the local CSPRNG",
    },
    Missing {
        operation: Op::RNGSeed,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "nothing to do: the server seeds itself",
    },
    Missing {
        operation: Op::Archive,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "revoke or deactivate the object instead",
    },
    Missing {
        operation: Op::Recover,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "nothing is ever archived on PyKMIP",
    },
    Missing {
        operation: Op::Poll,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "kmipkit never sends asynchronous requests",
    },
    Missing {
        operation: Op::Cancel,
        answer: PYKMIP_DECODE_REFUSAL,
        instead: "kmipkit never sends asynchronous requests",
    },
];

/// Cosmian KMS 5.28.0 (non-FIPS build), the project's second test server.
pub const COSMIAN: ServerProfile = ServerProfile {
    family: "Cosmian KMS",
    versions: &["5.28.0"],
    evidence: Evidence::Measured {
        how: "cargo test -p kmipkit --test live_server_profiles against conformance/cosmian/kms-test-server; conformance/run --server cosmian (its expected failures are the quirks below)",
    },
    recognised_by: Recognition {
        vendor_prefixes: &["cosmian"],
        server_name_prefixes: &["Cosmian KMS"],
        note: "Server Name \"Cosmian KMS\" (KMIP 2.x answers only) is fixed; Vendor Identification is the `vendor_identification` setting, \"cosmian\" by default",
    },
    kmip_versions: &[
        V::V1_0,
        V::V1_1,
        V::V1_2,
        V::V1_3,
        V::V1_4,
        V::V2_0,
        V::V2_1,
    ],
    // Query Operations at KMIP 2.1 (at 1.x it leaves out the 2.x operations).
    operations_listed: &[
        Op::Activate,
        Op::AddAttribute,
        Op::ModifyAttribute,
        Op::SetAttribute,
        Op::DeleteAttribute,
        Op::GetAttributeList,
        Op::GetAttributes,
        Op::Create,
        Op::CreateKeyPair,
        Op::Register,
        Op::Import,
        Op::Export,
        Op::Get,
        Op::Locate,
        Op::ReKey,
        Op::ReKeyKeyPair,
        Op::Destroy,
        Op::Revoke,
        Op::Encrypt,
        Op::Decrypt,
        Op::Sign,
        Op::SignatureVerify,
        Op::MAC,
        Op::MACVerify,
        Op::Hash,
        Op::DeriveKey,
        Op::Query,
        Op::DiscoverVersions,
        Op::RNGRetrieve,
        Op::RNGSeed,
        Op::Certify,
        Op::Validate,
        Op::PKCS_11,
        Op::Interop,
        Op::Log,
        Op::Check,
        Op::CreateSplitKey,
        Op::JoinSplitKey,
    ],
    operations_missing: COSMIAN_MISSING,
    capabilities: Capabilities {
        server_side_gcm: Support::Yes,
        key_wrap_with_padding: Support::Yes,
        server_side_unwrap: Support::Yes,
        rekey: Support::Yes,
        check: Support::Yes,
        set_attribute: Support::Yes,
        https: Support::Yes,
    },
    quirks: COSMIAN_QUIRKS,
};

const COSMIAN_MISSING: &[Missing] = &[
    Missing {
        operation: Op::Archive,
        answer: "refused (not implemented)",
        instead: "revoke or deactivate the object instead",
    },
    Missing {
        operation: Op::Recover,
        answer: "refused (not implemented)",
        instead: "nothing is ever archived on Cosmian KMS",
    },
    Missing {
        operation: Op::Poll,
        answer: "refused (not implemented)",
        instead: "kmipkit never sends asynchronous requests",
    },
    Missing {
        operation: Op::Cancel,
        answer: "refused (not implemented)",
        instead: "kmipkit never sends asynchronous requests",
    },
];

const COSMIAN_QUIRKS: &[Quirk] = &[
    Quirk {
        behaviour: "at KMIP 1.3, AES-GCM Encrypt answers with Authenticated Encryption Tag, a field that exists only from KMIP 1.4 on (1.1 and 1.2 get the tag appended to the data)",
        adaptation: "kmipkit negotiates 2.1 with it; pinned to 1.3 it reads the tag, but a Decrypt cannot send one back at 1.3 (and no associated data either): Model 1 needs KMIP 1.4 or later",
    },
    Quirk {
        behaviour: "at KMIP 2.x, Get returns the object's Attributes nested inside the Key Value",
        adaptation: "the decoder reads such a Key Value (the key material and the attributes)",
    },
    Quirk {
        behaviour: "an unknown identifier is answered with Result Reason Object Not Found, and Get of a destroyed key with Object Destroyed (KMIP 2.x reasons); PyKMIP says Item Not Found",
        adaptation: "not yet: kmipkit's lookups across servers (`Client::find_named`) recognise Item Not Found only; the conformance suite declares the difference",
    },
    Quirk {
        behaviour: "Get Attributes still answers for a destroyed key (PyKMIP has removed it)",
        adaptation: "read the State attribute: it is Destroyed",
    },
    Quirk {
        behaviour: "deleting the State attribute is refused with Attribute Read Only at KMIP 1.x (PyKMIP: Permission Denied) and allowed at 2.0",
        adaptation: "never delete State",
    },
    Quirk {
        behaviour: "Register of an Opaque Object whose Opaque Data Type is an extension value (0x80000000) fails with Invalid Message",
        adaptation: "register opaque data with a standard type, or as Secret Data",
    },
    Quirk {
        behaviour: "a GCM decryption with a wrong tag is refused with Cryptographic Failure (PyKMIP: General Failure)",
        adaptation: "Model 1 reports both as an integrity failure of the protected data key",
    },
    Quirk {
        behaviour: "MAC needs a Hashing Algorithm in the Cryptographic Parameters; HMAC_SHA256 as the Cryptographic Algorithm alone is not enough",
        adaptation: "send the Hashing Algorithm with every MAC",
    },
    Quirk {
        behaviour: "Derive Key has no HMAC derivation method (\"Unsupported derivation method\")",
        adaptation: "derive with another method, or locally from a fetched key",
    },
    Quirk {
        behaviour: "an object is visible to the client certificate's CN that made it only: another identity gets Item Not Found (\"object not found\"), not Permission Denied",
        adaptation: "use one client identity per application",
    },
    Quirk {
        behaviour: "Get with a Key Wrapping Specification defaults to TTLV encoding and to RFC 3394 (NIST key wrap)",
        adaptation: "send Encoding Option No Encoding and Block Cipher Mode AES Key Wrap Padding (RFC 5649) explicitly, as Model 1's key-wrap path has to",
    },
    Quirk {
        behaviour: "HTTPS: POST /kmip takes TTLV (application/octet-stream) at every version and KMIP JSON (application/json, no charset parameter) at 1.4 and 2.1 only (Invalid Message otherwise); its JSON names enumerations its own way (\"Item_Not_Found\", \"PKCS11\") and dates in nanoseconds; text/xml is refused with HTTP 422; without a client certificate HTTP 401",
        adaptation: "kmipkit's HTTPS transport (url = \"https://host:port/kmip\", encoding = \"ttlv\" or \"json\") posts to /kmip; JSON requests carry numeric masks and enumerations, and replies' names are read without regard to underscores; pin KMIP 1.4 or 2.1 for JSON",
    },
    Quirk {
        behaviour: "Get of a Deactivated key (revoked with Cessation of Operation) is refused with Wrong Key Lifecycle State (\"DENIED\"); only Export hands out revoked keys. PyKMIP returns the key",
        adaptation: "not yet: Model 2 decrypts by Get, so data sealed under a deactivated version does not decrypt here. kmipkit never deactivates on its own: promote the new version, re-encrypt (Model2Rotation::reencrypt_all), and only then deactivate the old one",
    },
    Quirk {
        behaviour: "the KMIP socket speaks TLS 1.3 and sends session tickets after the handshake, which wait unread on a connection that has made no request yet",
        adaptation: "an idle pooled connection hands waiting records to its TLS session: tickets keep it open, data or a close retire it",
    },
    Quirk {
        behaviour: "a batch is not stopped at a failed item and keeps no ID placeholder: an item without a Unique Identifier is refused with Operation Not Supported (\"the unique identifier is required\")",
        adaptation: "name the object in every batch item",
    },
    Quirk {
        behaviour: "a Get wrapped under a wrapping key that does not exist is refused with Operation Not Supported (PyKMIP: Item Not Found)",
        adaptation: "check the wrapping key first (Model 1 creates or finds its KEK before it wraps)",
    },
    Quirk {
        behaviour: "a Unique Identifier the client gives (Register, Create) is ignored: every object gets a random UUID, so two independent servers never share a UID",
        adaptation: "kmipkit finds keys by UID and name across servers; tests that need one UID on several servers are excluded for Cosmian (conformance/testkit/src/differences.rs)",
    },
    Quirk {
        behaviour: "Destroy of an Active key is refused with Wrong Key Lifecycle State (revoke it first); a second Destroy of a destroyed key succeeds",
        adaptation: "revoke an active key before destroying it (the CLI: `kmipkit key destroy --revoke`)",
    },
    Quirk {
        behaviour: "at KMIP 2.x Delete Attribute by reference (the attribute's name) answers success and deletes nothing; deleting by value works",
        adaptation: "delete attributes by value",
    },
    Quirk {
        behaviour: "without a client certificate the KMIP socket completes the TLS 1.3 handshake, then closes the connection without an answer",
        adaptation: "reported as Connection Lost: nothing on the wire names the certificate; check client_cert and client_key",
    },
];
