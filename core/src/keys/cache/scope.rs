//! Whom a [`KeyCache`](super::KeyCache) answers for: one client identity and its key servers.
//!
//! A cache hit skips the key manager, and with it the key manager's access control. A cache
//! therefore binds itself to the scope of the first client that uses it and refuses every other:
//! identity B handed identity A's cache gets an error, not A's keys; and a cache filled from one
//! cluster never answers for another, whose UIDs may name other keys.

use std::fmt;

use crate::error::{Error, Result};

/// A digest of one client's identity (client certificates, KMIP credential) and its key
/// servers (addresses, CAs, pins), from [`crate::client::Client::cache_scope`].
///
/// `Debug` shows no byte of it: the digest covers a password.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheScope([u8; 32]);

impl CacheScope {
    /// A scope from a digest computed by the caller (equal digests mean the same scope).
    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }
}

impl fmt::Debug for CacheScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheScope(..)")
    }
}

/// Records the first scope and checks every later one against it.
pub(super) fn bind(owner: &mut Option<CacheScope>, scope: CacheScope) -> Result<()> {
    match owner {
        None => {
            *owner = Some(scope);
            Ok(())
        }
        Some(bound) if *bound == scope => Ok(()),
        Some(_) => Err(Error::Config {
            file: None,
            line: None,
            reason: "this key cache already serves another client identity or another set of key servers, and would hand it keys the key manager may refuse to this one; give each client identity and cluster its own KeyCache".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_scope_owns_the_cache() {
        let (a, b) = (
            CacheScope::from_digest([1; 32]),
            CacheScope::from_digest([2; 32]),
        );
        let mut owner = None;
        bind(&mut owner, a).unwrap();
        bind(&mut owner, a).unwrap();
        assert!(
            bind(&mut owner, b)
                .unwrap_err()
                .to_string()
                .contains("another client identity")
        );
        assert_eq!(format!("{a:?}"), "CacheScope(..)");
    }
}
