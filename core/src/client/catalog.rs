//! What the [`Client`] offers, as data and as composites.
//!
//! [`OPERATIONS`] lists each KMIP operation the client sends and the method that sends it, so a
//! binding can check itself against the core: a parity test per binding fails when the core
//! gains an operation the binding lacks (Python's is `python/tests/test_parity.py`). The tests
//! below keep the list true to the methods in `operations.rs`.
//!
//! The composites that front ends would otherwise build themselves live here too, each once:
//! [`Client::get_many`] (one batch of Gets), [`Client::register_material`] with the Register
//! defaults of [`registrable`], [`Client::get_wrapped`] (AES key wrap) and
//! [`Client::create_aes_key_with_usage`].

mod batch;
mod keys;
mod register;

pub use register::registrable;

use crate::spec::Operation;

#[cfg(doc)]
use super::Client;

/// One KMIP operation and the [`Client`] method that sends it.
///
/// ```
/// use kmipkit::client::catalog::OPERATIONS;
/// use kmipkit::spec::Operation;
/// let get = OPERATIONS.iter().find(|o| o.operation == Operation::Get).unwrap();
/// assert_eq!(get.method, "get");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOperation {
    /// The KMIP operation.
    pub operation: Operation,
    /// The name of the [`Client`] method that sends it (snake_case); bindings name theirs the
    /// same (in their own case convention).
    pub method: &'static str,
}

/// Builds [`OPERATIONS`] and, for the tests, a function naming every listed method on
/// [`Client`], so a listed method that does not exist fails to compile.
macro_rules! operations {
    ($( $operation:ident => $method:ident, )*) => {
        /// Every KMIP operation [`Client`] has a method for, in KMIP's numbering order.
        ///
        /// Composites (`get_many`, `create_aes_key`, `locate_by_name`, ...) are not listed:
        /// they are built on these.
        ///
        /// ```
        /// use kmipkit::client::catalog::OPERATIONS;
        /// assert!(OPERATIONS.iter().any(|o| o.method == "discover_versions"));
        /// ```
        pub const OPERATIONS: &[ClientOperation] = &[
            $( ClientOperation { operation: Operation::$operation, method: stringify!($method) }, )*
        ];

        #[cfg(test)]
        fn listed_methods_exist() -> usize {
            let mut count = 0;
            $( let _ = super::Client::$method; count += 1; )*
            count
        }
    };
}

operations! {
    Create => create,
    CreateKeyPair => create_key_pair,
    Register => register,
    ReKey => rekey,
    DeriveKey => derive_key,
    Locate => locate,
    Check => check,
    Get => get,
    GetAttributes => get_attributes,
    GetAttributeList => get_attribute_list,
    AddAttribute => add_attribute,
    ModifyAttribute => modify_attribute,
    DeleteAttribute => delete_attribute,
    Activate => activate,
    Revoke => revoke,
    Destroy => destroy,
    Archive => archive,
    Recover => recover,
    Query => query,
    Cancel => cancel,
    Poll => poll,
    ReKeyKeyPair => rekey_key_pair,
    DiscoverVersions => discover_versions,
    Encrypt => encrypt,
    Decrypt => decrypt,
    Sign => sign,
    SignatureVerify => signature_verify,
    MAC => mac,
    MACVerify => mac_verify,
    RNGRetrieve => rng_retrieve,
    RNGSeed => rng_seed,
    Hash => hash,
    SetAttribute => set_attribute,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// (method, operation) pairs of every method in `operations.rs` that sends one operation:
    /// the `typed_operations!` and `by_identifier!` entries (`name(Request) -> Operation...`)
    /// and the hand-written methods that name their operation in `unexpected(Operation::X, ..)`.
    fn methods_in_source() -> BTreeSet<(String, String)> {
        let source = include_str!("operations.rs");
        let ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        let mut found = BTreeSet::new();
        let mut current_fn = None;
        for line in source.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub async fn ") {
                current_fn = rest.split('(').next().map(str::to_string);
            }
            if let Some((left, right)) = line.split_once(" -> ") {
                let name = left.split('(').next().unwrap_or_default();
                let operation = right.split(['(', ';']).next().unwrap_or_default();
                if ident(name) && ident(operation) && left.ends_with(')') {
                    found.insert((name.to_string(), operation.to_string()));
                }
            }
            if let Some((_, rest)) = line.split_once("unexpected(Operation::") {
                let operation = rest.split([',', ')']).next().unwrap_or_default();
                if let (Some(name), true) = (&current_fn, ident(operation)) {
                    found.insert((name.clone(), operation.to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn the_list_names_client_methods_once_each() {
        assert_eq!(listed_methods_exist(), OPERATIONS.len());
        let methods: BTreeSet<_> = OPERATIONS.iter().map(|o| o.method).collect();
        let operations: BTreeSet<_> = OPERATIONS.iter().map(|o| o.operation).collect();
        assert_eq!(methods.len(), OPERATIONS.len(), "a method listed twice");
        assert_eq!(
            operations.len(),
            OPERATIONS.len(),
            "an operation listed twice"
        );
        assert!(
            OPERATIONS
                .windows(2)
                .all(|w| w[0].operation.0 < w[1].operation.0),
            "keep OPERATIONS in KMIP's numbering order"
        );
    }

    #[test]
    fn the_list_matches_the_client() {
        let in_source = methods_in_source();
        // The parser must see the macro entries and the hand-written methods alike.
        assert!(in_source.contains(&("create".into(), "Create".into())));
        assert!(in_source.contains(&("activate".into(), "Activate".into())));
        assert!(in_source.contains(&("rng_retrieve".into(), "RNGRetrieve".into())));
        let listed: BTreeSet<(String, String)> = OPERATIONS
            .iter()
            .map(|o| {
                let name = o.operation.name().expect("a KMIP-defined operation");
                (o.method.to_string(), name.to_string())
            })
            .collect();
        let missing: Vec<_> = in_source.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&in_source).collect();
        assert!(
            missing.is_empty(),
            "Client methods missing from OPERATIONS: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "OPERATIONS entries without a method in operations.rs: {extra:?}"
        );
    }
}
