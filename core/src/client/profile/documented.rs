//! Profiles from public documentation only: never run here, so `Evidence::Documented` with the
//! pages they come from. What the pages do not say is `Support::Unknown`; none of these is
//! recognised from Query, because no page documents what its Query answers (choose one with
//! `ServerProfile::named`).

use super::{Capabilities, Evidence, Missing, Quirk, Recognition, ServerProfile, Support};
use crate::spec::{Operation as Op, ProtocolVersion as V};

/// Not recognised: no documentation of the Query answer was found.
const UNRECOGNISED: Recognition = Recognition {
    vendor_prefixes: &[],
    server_name_prefixes: &[],
    note: "not documented what Query answers: not recognised automatically",
};

/// Thales CipherTrust Manager's KMIP interface.
pub const CIPHERTRUST: ServerProfile = ServerProfile {
    family: "Thales CipherTrust Manager",
    versions: &[],
    evidence: Evidence::Documented {
        sources: &[
            "https://thalesdocs.com/ctp/cm/latest/reference/kmip-ref/index.html",
            "https://thalesgroup.github.io/CDSP-Orchestration-Ansible/branch/main/interface_save_module.html",
        ],
    },
    recognised_by: UNRECOGNISED,
    kmip_versions: &[],
    operations_listed: &[],
    operations_missing: &[],
    capabilities: Capabilities::UNKNOWN,
    quirks: &[
        Quirk {
            behaviour: "KMIP on port 5696 with TLS 1.0-1.3 (1.2 is the default minimum); only registered KMIP clients are recognised, and the KMIP interface needs its own licence after a 90-day trial",
            adaptation: "register the client (its certificate) on the CipherTrust Manager first",
        },
        Quirk {
            behaviour: "the KMIP user name is taken from a client certificate field chosen by `cert_user_field` (CN, SN, E, ...); Thales's own KMIP client example also sends a user name and password (KMIP Credential)",
            adaptation: "set `username`/`password_file` in kmipkit.toml when the server requires a credential",
        },
        Quirk {
            behaviour: "Destroy removes the key material but keeps its metadata unless `kmip_enable_hard_delete` is 1",
            adaptation: "a destroyed key's attributes may still be readable",
        },
    ],
};

/// Fortanix Data Security Manager's KMIP interface.
pub const FORTANIX_DSM: ServerProfile = ServerProfile {
    family: "Fortanix DSM",
    versions: &[],
    evidence: Evidence::Documented {
        sources: &[
            "https://docs.percona.com/pg-tde/global-key-provider-configuration/kmip-fortanix.html",
            "https://support.fortanix.com/docs/users-guide-account-client-configurations",
        ],
    },
    recognised_by: UNRECOGNISED,
    kmip_versions: &[],
    operations_listed: &[],
    operations_missing: &[],
    capabilities: Capabilities::UNKNOWN,
    quirks: &[Quirk {
        behaviour: "a KMIP server (Percona's pg_tde uses it); its KMIP client defaults are set per account in the DSM user interface. No public page found lists its KMIP versions or operations",
        adaptation: "run `kmipkit servers check` against it to see what its Query lists",
    }],
};

/// HashiCorp Vault Enterprise's KMIP secrets engine.
pub const VAULT_KMIP: ServerProfile = ServerProfile {
    family: "HashiCorp Vault KMIP",
    versions: &["1.11+"],
    evidence: Evidence::Documented {
        sources: &[
            "https://developer.hashicorp.com/vault/docs/secrets/kmip",
            "https://developer.hashicorp.com/vault/docs/secrets/kmip-profiles",
            "https://developer.hashicorp.com/vault/api-docs/secret/kmip",
            "https://docs.ezmeral.hpe.com/datafabric-customer-managed/80/SecurityGuide/KMIP_Supported_Versions.html",
        ],
    },
    recognised_by: UNRECOGNISED,
    kmip_versions: &[V::V1_4],
    operations_listed: &[],
    operations_missing: &[Missing {
        operation: Op::Check,
        answer: "not supported (its KMIP 1.4 profiles page)",
        instead: "read State and Cryptographic Usage Mask with Get Attributes (`Client::state`)",
    }],
    capabilities: Capabilities {
        // Encrypt/Decrypt with AES-GCM since Vault 1.11 (Basic Cryptographic Server profile).
        server_side_gcm: Support::Yes,
        key_wrap_with_padding: Support::Unknown,
        server_side_unwrap: Support::Unknown,
        // Roles grant `operation_rekey`.
        rekey: Support::Yes,
        check: Support::No,
        // A KMIP 1.4 server: Set Attribute is a 2.0 operation.
        set_attribute: Support::No,
        https: Support::No,
    },
    quirks: &[
        Quirk {
            behaviour: "Vault Enterprise with the ADP module only; the KMIP listener (port 5696 by default) is separate from Vault's API, and KMIP over HTTPS is not documented",
            adaptation: "configure the KMIP listener's address, not Vault's API address",
        },
        Quirk {
            behaviour: "client certificates are generated per scope and role; a role allows or denies each operation (operation_encrypt, operation_rekey, ...), and scopes partition the objects",
            adaptation: "give the role kmipkit uses Create, Get, Activate, Encrypt and Decrypt at least",
        },
        Quirk {
            behaviour: "symmetric keys in Raw format only (no Transparent Symmetric Key); GCM Encrypt/Decrypt not as a stream",
            adaptation: "kmipkit registers and reads Raw keys and encrypts a DEK in one call",
        },
    ],
};

/// Entrust KeyControl (formerly HyTrust KeyControl) as a KMIP server.
pub const ENTRUST_KEYCONTROL: ServerProfile = ServerProfile {
    family: "Entrust KeyControl",
    versions: &[],
    evidence: Evidence::Documented {
        sources: &[
            "https://docs.hytrust.com/DataControl/10.1/Online/Content/Books/Admin-Guide/Multi-Tenant-KMIP/About-Multi-Tenant-KMIP.html",
        ],
    },
    recognised_by: UNRECOGNISED,
    kmip_versions: &[],
    operations_listed: &[],
    operations_missing: &[],
    capabilities: Capabilities::UNKNOWN,
    quirks: &[Quirk {
        behaviour: "KMIP tenants (fresh installs of 5.5 and later) each have their own objects, client certificates and access policies; no public page found lists its KMIP versions or operations",
        adaptation: "use the client certificate bundle of the tenant that owns the keys",
    }],
};

/// Townsend Security Alliance Key Manager.
pub const TOWNSEND_AKM: ServerProfile = ServerProfile {
    family: "Townsend Alliance Key Manager",
    versions: &[],
    evidence: Evidence::Documented {
        sources: &["https://docs.townsendsecurity.com/akm_kmip_implementation_guide/"],
    },
    recognised_by: UNRECOGNISED,
    kmip_versions: &[V::V1_0, V::V1_1],
    operations_listed: &[],
    operations_missing: &[
        Missing {
            operation: Op::CreateKeyPair,
            answer: "not supported (its KMIP implementation guide)",
            instead: "symmetric keys only",
        },
        Missing {
            operation: Op::DeriveKey,
            answer: "not supported (its KMIP implementation guide)",
            instead: "derive locally from a fetched key",
        },
        Missing {
            operation: Op::Archive,
            answer: "not supported (its KMIP implementation guide)",
            instead: "revoke the object instead",
        },
        Missing {
            operation: Op::Encrypt,
            answer: "not listed: a KMIP 1.1 server, and Encrypt is a KMIP 1.2 operation",
            instead: "use Model 2 (keys fetched from the server)",
        },
        Missing {
            operation: Op::Decrypt,
            answer: "not listed: a KMIP 1.1 server, and Decrypt is a KMIP 1.2 operation",
            instead: "use Model 2 (keys fetched from the server)",
        },
    ],
    capabilities: Capabilities {
        server_side_gcm: Support::No,
        // "Key Wrapping Data is not supported."
        key_wrap_with_padding: Support::No,
        server_side_unwrap: Support::No,
        rekey: Support::Yes,
        check: Support::Yes,
        set_attribute: Support::No,
        https: Support::Unknown,
    },
    quirks: &[Quirk {
        behaviour: "KMIP 1.0 and 1.1 only; TLS with a client certificate for every operation; no Credential objects; symmetric keys (Raw or Transparent Symmetric Key) and templates only",
        adaptation: "kmipkit negotiates down to 1.1; Model 1 is refused at setup (no server-side encryption, no key wrap), Model 2 works",
    }],
};
