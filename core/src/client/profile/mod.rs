//! Server profiles: what each family of key servers can do, where that knowledge comes from, and
//! how a client recognises the family from a Query answer.
//!
//! Key servers differ: PyKMIP 0.11 has no ReKey and cannot unwrap keys, Cosmian KMS answers KMIP
//! 1.3 AES-GCM with a 1.4-only tag, commercial servers document their own subsets. A profile is
//! that knowledge as data in the core (not a file read at run time), one per family:
//!
//! - measured here ([`Evidence::Measured`]: PyKMIP 0.11, Cosmian KMS 5.28, with the command that
//!   measures them), or read in public documentation and never run ([`Evidence::Documented`],
//!   with the URLs);
//! - the KMIP versions the family speaks, the operations it lacks, its [`Capabilities`] (each
//!   [`Support::Yes`], [`Support::No`] or [`Support::Unknown`] — never guessed), and its
//!   [`Quirk`]s with how kmipkit adapts.
//!
//! [`ServerProfile::recognise`] matches a Query answer to a profile (or to none: a generic KMIP
//! server) and keeps what the server said apart from what the profile says
//! ([`Recognised`]); [`Client::server_profile`](crate::client::Client::server_profile) runs the
//! Query. The client then uses the match to choose Model 1's KEK operation
//! ([`Recognised::model1_kek_method`]) and to explain refusals ([`Recognised::explain`]).
//!
//! ```
//! use kmipkit::client::profile::{ServerProfile, Support};
//! let pykmip = ServerProfile::named("PyKMIP").unwrap();
//! assert!(pykmip.is_verified());
//! assert_eq!(pykmip.capabilities.rekey, Support::No);
//! let vault = ServerProfile::named("HashiCorp Vault KMIP").unwrap();
//! assert!(!vault.is_verified());
//! ```

mod documented;
mod known;
mod model1;
mod recognise;
mod refusal;

use std::fmt;

pub use known::PROFILES;
pub use model1::{KekMethod, KekMethodChoice, NoKekMethod, choose};
pub use recognise::{GENERIC, MatchedOn, Observed, Recognised, Source};

use crate::spec::{Operation, ProtocolVersion};

/// What a family of key servers can do, measured here or documented by its vendor.
///
/// Profiles are `'static` data; the known ones are [`PROFILES`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerProfile {
    /// The family, as people name it ("PyKMIP", "Cosmian KMS", ...).
    pub family: &'static str,
    /// The product versions the facts hold for ("0.11.0"; a documented profile names the
    /// versions its documentation covers, or none).
    pub versions: &'static [&'static str],
    /// Where the facts come from.
    pub evidence: Evidence,
    /// How a Query answer names this family.
    pub recognised_by: Recognition,
    /// The KMIP versions the family speaks, oldest first (empty: not documented).
    pub kmip_versions: &'static [ProtocolVersion],
    /// Operations the family lists in Query Operations, as measured (empty when not measured).
    pub operations_listed: &'static [Operation],
    /// Operations the family refuses (measured) or documents as unsupported.
    pub operations_missing: &'static [Missing],
    /// The capabilities that change what kmipkit does.
    pub capabilities: Capabilities,
    /// Behaviours that differ from the KMIP specification or from other servers.
    pub quirks: &'static [Quirk],
}

/// Where a profile's facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evidence {
    /// Measured against a running server on the project's machines.
    Measured {
        /// The command that measures it again.
        how: &'static str,
    },
    /// Read in public documentation; never run here.
    Documented {
        /// The pages the facts come from.
        sources: &'static [&'static str],
    },
}

/// What in a Query answer identifies a family. Comparisons ignore ASCII case; an empty list
/// matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recognition {
    /// Prefixes of Vendor Identification (Query Server Information).
    pub vendor_prefixes: &'static [&'static str],
    /// Prefixes of Server Information's Server Name (KMIP 2.0+).
    pub server_name_prefixes: &'static [&'static str],
    /// Why these, and how reliable they are (an operator may change a vendor string).
    pub note: &'static str,
}

/// An operation a family does not perform, and what the caller can do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Missing {
    /// The operation.
    pub operation: Operation,
    /// How the server answers it (measured), or what the documentation says.
    pub answer: &'static str,
    /// What to do instead.
    pub instead: &'static str,
}

/// A behaviour of a family that kmipkit has to know about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quirk {
    /// What the server does.
    pub behaviour: &'static str,
    /// How kmipkit copes with it (or what the caller has to do).
    pub adaptation: &'static str,
}

/// Whether a family has a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Support {
    /// It has it.
    Yes,
    /// It does not.
    No,
    /// Not measured and not documented.
    Unknown,
}

impl Support {
    /// "yes", "no" or "unknown".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One capability that changes what kmipkit does with a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// KMIP Encrypt and Decrypt with AES-GCM on the server (Model 1's first choice).
    ServerSideGcm,
    /// Get with a Key Wrapping Specification using AES key wrap with padding (RFC 5649, NIST
    /// SP 800-38F KWP), encoding option None.
    KeyWrapWithPadding,
    /// Unwrapping a wrapped key on the server (Import with Key Wrap Type Not Wrapped, or
    /// Register wrapped then Get with Key Wrap Type Not Wrapped), so the KEK never leaves it.
    ServerSideUnwrap,
    /// The ReKey operation.
    ReKey,
    /// The Check operation.
    Check,
    /// The Set Attribute operation (KMIP 2.0+).
    SetAttribute,
    /// KMIP over HTTPS (the KMIP HTTPS profile: TTLV in an HTTP POST).
    Https,
}

impl Capability {
    /// Every capability, in the order reports print them.
    pub const ALL: [Self; 7] = [
        Self::ServerSideGcm,
        Self::KeyWrapWithPadding,
        Self::ServerSideUnwrap,
        Self::ReKey,
        Self::Check,
        Self::SetAttribute,
        Self::Https,
    ];

    /// A stable snake_case key (JSON reports).
    pub fn key(self) -> &'static str {
        match self {
            Self::ServerSideGcm => "server_side_gcm",
            Self::KeyWrapWithPadding => "key_wrap_with_padding",
            Self::ServerSideUnwrap => "server_side_unwrap",
            Self::ReKey => "rekey",
            Self::Check => "check",
            Self::SetAttribute => "set_attribute",
            Self::Https => "https",
        }
    }

    /// What it is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ServerSideGcm => "AES-GCM Encrypt/Decrypt on the server",
            Self::KeyWrapWithPadding => "Get wrapped with AES key wrap with padding (RFC 5649)",
            Self::ServerSideUnwrap => "unwrap on the server (Import/Get Not Wrapped)",
            Self::ReKey => "ReKey",
            Self::Check => "Check",
            Self::SetAttribute => "Set Attribute",
            Self::Https => "KMIP over HTTPS",
        }
    }

    /// The KMIP operation that is the capability, when it is one.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Self::ReKey => Some(Operation::ReKey),
            Self::Check => Some(Operation::Check),
            Self::SetAttribute => Some(Operation::SetAttribute),
            _ => None,
        }
    }
}

/// A family's [`Support`] of each [`Capability`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// [`Capability::ServerSideGcm`].
    pub server_side_gcm: Support,
    /// [`Capability::KeyWrapWithPadding`].
    pub key_wrap_with_padding: Support,
    /// [`Capability::ServerSideUnwrap`].
    pub server_side_unwrap: Support,
    /// [`Capability::ReKey`].
    pub rekey: Support,
    /// [`Capability::Check`].
    pub check: Support,
    /// [`Capability::SetAttribute`].
    pub set_attribute: Support,
    /// [`Capability::Https`].
    pub https: Support,
}

impl Capabilities {
    /// Nothing known: what a server no profile describes starts from.
    pub const UNKNOWN: Self = Self {
        server_side_gcm: Support::Unknown,
        key_wrap_with_padding: Support::Unknown,
        server_side_unwrap: Support::Unknown,
        rekey: Support::Unknown,
        check: Support::Unknown,
        set_attribute: Support::Unknown,
        https: Support::Unknown,
    };

    /// The support of `capability`.
    ///
    /// ```
    /// use kmipkit::client::profile::{Capabilities, Capability, Support};
    /// assert_eq!(Capabilities::UNKNOWN.of(Capability::ReKey), Support::Unknown);
    /// ```
    pub fn of(&self, capability: Capability) -> Support {
        match capability {
            Capability::ServerSideGcm => self.server_side_gcm,
            Capability::KeyWrapWithPadding => self.key_wrap_with_padding,
            Capability::ServerSideUnwrap => self.server_side_unwrap,
            Capability::ReKey => self.rekey,
            Capability::Check => self.check,
            Capability::SetAttribute => self.set_attribute,
            Capability::Https => self.https,
        }
    }
}

impl ServerProfile {
    /// The known profile of `family` (ASCII case ignored), if there is one.
    ///
    /// ```
    /// use kmipkit::client::profile::ServerProfile;
    /// assert_eq!(ServerProfile::named("cosmian kms").unwrap().family, "Cosmian KMS");
    /// assert!(ServerProfile::named("Acme KMS").is_none());
    /// ```
    pub fn named(family: &str) -> Option<&'static ServerProfile> {
        PROFILES
            .iter()
            .find(|p| p.family.eq_ignore_ascii_case(family))
    }

    /// Whether the facts were measured here (as opposed to read in documentation).
    pub fn is_verified(&self) -> bool {
        matches!(self.evidence, Evidence::Measured { .. })
    }

    /// What the profile says about `operation`: the refusal it predicts, if any.
    pub fn missing(&self, operation: Operation) -> Option<&'static Missing> {
        self.operations_missing
            .iter()
            .find(|m| m.operation == operation)
    }

    /// The family and its versions, as reports name it ("PyKMIP 0.11.0").
    pub fn title(&self) -> String {
        match self.versions {
            [] => self.family.to_string(),
            versions => format!("{} {}", self.family, versions.join("/")),
        }
    }
}
