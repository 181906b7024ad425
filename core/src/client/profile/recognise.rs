//! Matching a Query answer to a profile, and merging what the server said with what the profile
//! says — without mixing the two up.

use super::{Capabilities, Capability, Missing, PROFILES, ServerProfile, Support};
use crate::message::QueryResponse;
use crate::spec::{ObjectType, Operation, ProtocolVersion};

/// The family reports name when no profile matches.
pub const GENERIC: &str = "generic KMIP server";

/// What a server said about itself in Query (Query Operations, Objects and Server Information).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Observed {
    /// Vendor Identification.
    pub vendor_identification: Option<String>,
    /// Server Information's Server Name (KMIP 2.0+), if the server sent one.
    pub server_name: Option<String>,
    /// Server Information's Server Version (KMIP 2.0+), if the server sent one.
    pub server_version: Option<String>,
    /// The operations it lists (servers may list fewer than they perform).
    pub operations: Vec<Operation>,
    /// The object types it lists.
    pub object_types: Vec<ObjectType>,
    /// The protocol version the Query was answered in, when the caller knows it.
    pub kmip_version: Option<ProtocolVersion>,
}

impl Observed {
    /// The facts of a Query answer.
    pub fn from_query(query: &QueryResponse) -> Self {
        let info = query.server_information.as_ref();
        Self {
            vendor_identification: query.vendor_identification.clone(),
            server_name: info.and_then(|i| i.server_name.clone()),
            server_version: info.and_then(|i| i.server_version.clone()),
            operations: query.operation.clone(),
            object_types: query.object_type.clone(),
            kmip_version: None,
        }
    }

    /// Whether the server listed `operation`.
    pub fn lists(&self, operation: Operation) -> bool {
        self.operations.contains(&operation)
    }
}

/// Which part of the Query answer matched a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchedOn {
    /// Server Information's Server Name started with this prefix.
    ServerName(&'static str),
    /// Vendor Identification started with this prefix.
    VendorIdentification(&'static str),
}

impl std::fmt::Display for MatchedOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServerName(p) => write!(f, "Server Name starts with {p:?}"),
            Self::VendorIdentification(p) => write!(f, "Vendor Identification starts with {p:?}"),
        }
    }
}

/// Where a merged fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The server's own Query answer.
    Query,
    /// The matched profile, measured here.
    Measured,
    /// The matched profile, from documentation only.
    Documented,
    /// Nothing: no profile matched and Query did not say.
    Nothing,
}

impl Source {
    /// "query", "measured", "documented" or "nothing".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Measured => "measured",
            Self::Documented => "documented",
            Self::Nothing => "nothing",
        }
    }
}

/// A server as recognised from its Query answer: the matched profile (none for a generic KMIP
/// server) and what the server said, kept apart; the merged view prefers what the server said.
///
/// ```
/// use kmipkit::client::profile::{Capability, Observed, Recognised, Source, Support};
/// use kmipkit::spec::Operation;
/// let mut said = Observed::default();
/// said.vendor_identification = Some("PyKMIP 0.11.0 Software Server".into());
/// said.operations = vec![Operation::Get, Operation::Encrypt];
/// let recognised = Recognised::from_observed(said);
/// assert_eq!(recognised.family(), "PyKMIP");
/// assert_eq!(recognised.capability(Capability::ReKey), (Support::No, Source::Measured));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recognised {
    /// The matched profile; `None` for a generic KMIP server.
    pub profile: Option<&'static ServerProfile>,
    /// What matched it.
    pub matched_on: Option<MatchedOn>,
    /// What the server said.
    pub observed: Observed,
}

impl ServerProfile {
    /// The profile a Query answer (with Query Server Information) belongs to, if any, and what
    /// the answer says. Server Name is tried before Vendor Identification, which operators can
    /// change on some servers (Cosmian's `vendor_identification` setting).
    ///
    /// [`Client::server_profile`](crate::client::Client::server_profile) runs the Query and
    /// calls this; [`Recognised::from_observed`] does the same from facts already at hand.
    pub fn recognise(query: &QueryResponse) -> Recognised {
        Recognised::from_observed(Observed::from_query(query))
    }
}

impl Recognised {
    /// Recognises the server that said `observed`.
    pub fn from_observed(observed: Observed) -> Self {
        let (profile, matched_on) = match best_match(&observed) {
            Some((p, m)) => (Some(p), Some(m)),
            None => (None, None),
        };
        Self {
            profile,
            matched_on,
            observed,
        }
    }

    /// The family ("PyKMIP", "Cosmian KMS", or "generic KMIP server").
    pub fn family(&self) -> &'static str {
        self.profile.map_or(GENERIC, |p| p.family)
    }

    /// The family and the version the server reports, else the profile's versions
    /// ("Cosmian KMS 5.28.0").
    pub fn title(&self) -> String {
        match (&self.observed.server_version, self.profile) {
            (Some(v), Some(p)) => format!("{} {v}", p.family),
            (_, Some(p)) => p.title(),
            (_, None) => GENERIC.to_string(),
        }
    }

    /// Whether the matched profile was measured here.
    pub fn is_verified(&self) -> bool {
        self.profile.is_some_and(ServerProfile::is_verified)
    }

    /// Where the profile's facts come from, as a [`Source`].
    fn profile_source(&self) -> Source {
        match self.profile {
            Some(p) if p.is_verified() => Source::Measured,
            Some(_) => Source::Documented,
            None => Source::Nothing,
        }
    }

    /// The support of `capability` and where it comes from. An operation the server lists in
    /// Query counts as supported whatever the profile says; one it does not list keeps the
    /// profile's answer, because servers list fewer operations than they perform (PyKMIP 0.11
    /// does not list Set Attribute, which it performs at KMIP 2.0).
    pub fn capability(&self, capability: Capability) -> (Support, Source) {
        if let Some(op) = capability.operation()
            && self.observed.lists(op)
        {
            return (Support::Yes, Source::Query);
        }
        match self.profile {
            Some(p) => (p.capabilities.of(capability), self.profile_source()),
            None => (Support::Unknown, Source::Nothing),
        }
    }

    /// Every capability, merged as [`Recognised::capability`] does.
    pub fn capabilities(&self) -> Capabilities {
        let of = |c| self.capability(c).0;
        Capabilities {
            server_side_gcm: of(Capability::ServerSideGcm),
            key_wrap_with_padding: of(Capability::KeyWrapWithPadding),
            server_side_unwrap: of(Capability::ServerSideUnwrap),
            rekey: of(Capability::ReKey),
            check: of(Capability::Check),
            set_attribute: of(Capability::SetAttribute),
            https: of(Capability::Https),
        }
    }

    /// The operations the profile says are missing, less those the server lists in Query.
    pub fn operations_missing(&self) -> Vec<&'static Missing> {
        let Some(profile) = self.profile else {
            return Vec::new();
        };
        profile
            .operations_missing
            .iter()
            .filter(|m| !self.observed.lists(m.operation))
            .collect()
    }

    /// Operations the profile lists as measured but the server no longer lists, and the
    /// reverse: a sign of another version or configuration than the one measured.
    pub fn listing_differences(&self) -> (Vec<Operation>, Vec<Operation>) {
        let Some(profile) = self.profile else {
            return (Vec::new(), Vec::new());
        };
        if profile.operations_listed.is_empty() || self.observed.operations.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let gone = profile
            .operations_listed
            .iter()
            .filter(|op| !self.observed.lists(**op))
            .copied()
            .collect();
        let new = self
            .observed
            .operations
            .iter()
            .filter(|op| !profile.operations_listed.contains(op))
            .copied()
            .collect();
        (gone, new)
    }
}

/// The first profile whose Server Name prefix matches, else the first whose vendor prefix does.
fn best_match(observed: &Observed) -> Option<(&'static ServerProfile, MatchedOn)> {
    let by_name = observed.server_name.as_deref().and_then(|name| {
        PROFILES.iter().find_map(|p| {
            let prefix = starts_with_any(name, p.recognised_by.server_name_prefixes)?;
            Some((p, MatchedOn::ServerName(prefix)))
        })
    });
    by_name.or_else(|| {
        let vendor = observed.vendor_identification.as_deref()?;
        PROFILES.iter().find_map(|p| {
            let prefix = starts_with_any(vendor, p.recognised_by.vendor_prefixes)?;
            Some((p, MatchedOn::VendorIdentification(prefix)))
        })
    })
}

/// The first of `prefixes` that `text` starts with, ASCII case ignored.
fn starts_with_any(text: &str, prefixes: &'static [&'static str]) -> Option<&'static str> {
    let text = text.trim_start().as_bytes();
    prefixes
        .iter()
        .copied()
        .find(|p| text.len() >= p.len() && text[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(vendor: Option<&str>, name: Option<&str>, ops: &[Operation]) -> Observed {
        Observed {
            vendor_identification: vendor.map(str::to_string),
            server_name: name.map(str::to_string),
            operations: ops.to_vec(),
            ..Observed::default()
        }
    }

    #[test]
    fn the_measured_query_answers_are_recognised() {
        // What PyKMIP 0.11.0 and Cosmian KMS 5.28.0 answered here (see known.rs).
        let pykmip =
            Recognised::from_observed(observed(Some("PyKMIP 0.11.0 Software Server"), None, &[]));
        assert_eq!(pykmip.family(), "PyKMIP");
        assert_eq!(
            pykmip.matched_on,
            Some(MatchedOn::VendorIdentification("PyKMIP"))
        );
        let cosmian = Recognised::from_observed(observed(Some("cosmian"), None, &[]));
        assert_eq!(cosmian.family(), "Cosmian KMS");
        assert!(cosmian.is_verified());
    }

    #[test]
    fn the_server_name_wins_over_a_changed_vendor_string() {
        // Cosmian's vendor string is a setting; its server name is not.
        let renamed = observed(Some("acme-corp"), Some("Cosmian KMS"), &[]);
        let r = Recognised::from_observed(renamed);
        assert_eq!(r.family(), "Cosmian KMS");
        assert_eq!(r.matched_on, Some(MatchedOn::ServerName("Cosmian KMS")));
        let nothing = Recognised::from_observed(observed(Some("acme-corp"), None, &[]));
        assert_eq!(nothing.family(), GENERIC);
        assert!(!nothing.is_verified());
        assert_eq!(nothing.capabilities(), Capabilities::UNKNOWN);
        assert!(nothing.operations_missing().is_empty());
    }

    #[test]
    fn matching_ignores_case_and_needs_the_whole_prefix() {
        assert!(starts_with_any("pykmip 0.12", &["PyKMIP"]).is_some());
        assert!(starts_with_any("PyK", &["PyKMIP"]).is_none());
        assert!(starts_with_any("", &["PyKMIP"]).is_none());
        assert!(starts_with_any("Cosmian KMS", &[]).is_none());
        // Not a panic on a multi-byte character at the cut.
        assert!(starts_with_any("Pyé", &["PyKMIP"]).is_none());
    }

    #[test]
    fn what_the_server_lists_overrides_the_profile() {
        // A PyKMIP that (unlike 0.11) lists ReKey: the listing wins and ReKey is no longer
        // among the missing operations; Check keeps the measured "no".
        let newer = observed(
            Some("PyKMIP 0.12.0 Software Server"),
            None,
            &[Operation::Get, Operation::ReKey],
        );
        let r = Recognised::from_observed(newer);
        assert_eq!(
            r.capability(Capability::ReKey),
            (Support::Yes, Source::Query)
        );
        assert_eq!(
            r.capability(Capability::Check),
            (Support::No, Source::Measured)
        );
        let missing: Vec<Operation> = r.operations_missing().iter().map(|m| m.operation).collect();
        assert!(!missing.contains(&Operation::ReKey), "{missing:?}");
        assert!(missing.contains(&Operation::Check), "{missing:?}");
        // A generic server: listed operations are facts, the rest unknown.
        let generic = Recognised::from_observed(observed(None, None, &[Operation::Check]));
        assert_eq!(
            generic.capability(Capability::Check),
            (Support::Yes, Source::Query)
        );
        assert_eq!(
            generic.capability(Capability::ReKey),
            (Support::Unknown, Source::Nothing)
        );
    }

    #[test]
    fn an_unlisted_operation_keeps_the_profile_answer() {
        // PyKMIP 0.11 performs Set Attribute without listing it.
        let pykmip = observed(Some("PyKMIP"), None, &[Operation::Get]);
        let r = Recognised::from_observed(pykmip);
        assert_eq!(
            r.capability(Capability::SetAttribute),
            (Support::Yes, Source::Measured)
        );
    }

    #[test]
    fn listing_differences_show_another_version() {
        let profile = ServerProfile::named("PyKMIP").unwrap();
        let mut ops = profile.operations_listed.to_vec();
        ops.retain(|op| *op != Operation::MAC);
        ops.push(Operation::ReKey);
        let r = Recognised::from_observed(observed(Some("PyKMIP"), None, &ops));
        assert_eq!(
            r.listing_differences(),
            (vec![Operation::MAC], vec![Operation::ReKey])
        );
        let same =
            Recognised::from_observed(observed(Some("PyKMIP"), None, profile.operations_listed));
        assert_eq!(same.listing_differences(), (vec![], vec![]));
    }
}
