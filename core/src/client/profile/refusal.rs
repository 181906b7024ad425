//! Explaining a server's refusal with what its profile says about the operation.
//!
//! PyKMIP answers ReKey with "Rekey operation is not supported by the server." and Add
//! Attribute with "Error parsing request message" — true, but neither says what to do. When the
//! profile predicts the refusal, the error can: "PyKMIP 0.11.0 does not implement ReKey
//! (measured: Operation Not Supported); create a new key and ...".

use super::{Evidence, Recognised};
use crate::spec::{Operation, ResultReason};

impl Recognised {
    /// What the profile says about a refusal of `operation` with `reason`, when it predicts
    /// one: the operation is among those the family lacks, the server does not list it in
    /// Query, and the reason is one a missing operation gets (Operation Not Supported, Invalid
    /// Message, Feature Not Supported, General Failure). `None` otherwise, and always for a
    /// generic KMIP server.
    ///
    /// ```
    /// use kmipkit::client::profile::{Observed, Recognised};
    /// use kmipkit::spec::{Operation, ResultReason};
    /// let mut said = Observed::default();
    /// said.vendor_identification = Some("PyKMIP 0.11.0 Software Server".into());
    /// let pykmip = Recognised::from_observed(said);
    /// let text = pykmip.explain(Some(Operation::ReKey), ResultReason::OperationNotSupported).unwrap();
    /// assert!(text.starts_with("PyKMIP 0.11.0 does not implement ReKey (measured: Operation Not Supported)"), "{text}");
    /// assert!(pykmip.explain(Some(Operation::Get), ResultReason::OperationNotSupported).is_none());
    /// assert!(pykmip.explain(Some(Operation::ReKey), ResultReason::ItemNotFound).is_none());
    /// ```
    pub fn explain(&self, operation: Option<Operation>, reason: ResultReason) -> Option<String> {
        let profile = self.profile?;
        let operation = operation?;
        if !predicts(reason) || self.observed.lists(operation) {
            return None;
        }
        let missing = profile.missing(operation)?;
        let how = match profile.evidence {
            Evidence::Measured { .. } => "measured",
            Evidence::Documented { .. } => "documented",
        };
        Some(format!(
            "{} does not implement {operation} ({how}: {}); {}",
            self.title(),
            missing.answer,
            missing.instead
        ))
    }
}

/// Whether `reason` is how a server refuses an operation it does not have (rather than an
/// answer about the object or the caller).
fn predicts(reason: ResultReason) -> bool {
    matches!(
        reason,
        ResultReason::OperationNotSupported
            | ResultReason::InvalidMessage
            | ResultReason::FeatureNotSupported
            | ResultReason::GeneralFailure
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Observed, ServerProfile};
    use super::*;

    fn pykmip(listed: &[Operation]) -> Recognised {
        Recognised::from_observed(Observed {
            vendor_identification: Some("PyKMIP 0.11.0 Software Server".into()),
            operations: listed.to_vec(),
            ..Observed::default()
        })
    }

    #[test]
    fn a_predicted_refusal_says_what_to_do_instead() {
        let text = pykmip(&[])
            .explain(Some(Operation::AddAttribute), ResultReason::InvalidMessage)
            .unwrap();
        assert!(
            text.contains("PyKMIP 0.11.0 does not implement AddAttribute"),
            "{text}"
        );
        assert!(text.contains("Modify Attribute"), "{text}");
        // Documented profiles say so.
        let vault = Recognised {
            profile: ServerProfile::named("HashiCorp Vault KMIP"),
            matched_on: None,
            observed: Observed::default(),
        };
        let text = vault
            .explain(Some(Operation::Check), ResultReason::OperationNotSupported)
            .unwrap();
        assert!(text.contains("(documented: "), "{text}");
    }

    #[test]
    fn no_explanation_without_a_prediction() {
        let listed = pykmip(&[Operation::ReKey]);
        assert!(
            listed
                .explain(Some(Operation::ReKey), ResultReason::OperationNotSupported)
                .is_none(),
            "a server that lists ReKey is not explained by the profile"
        );
        assert!(
            pykmip(&[])
                .explain(None, ResultReason::InvalidMessage)
                .is_none()
        );
        let generic = Recognised::from_observed(Observed::default());
        assert!(
            generic
                .explain(Some(Operation::ReKey), ResultReason::OperationNotSupported)
                .is_none()
        );
    }
}
