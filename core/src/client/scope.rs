//! The client's [`CacheScope`]: who it is and which servers it asks.

use zeroize::Zeroizing;

use crate::keys::CacheScope;
use crate::message::Credential;

/// The scope of a client whose link has the [identity digest](crate::transport::Link::identity)
/// `link` (servers and client certificates) sending `credential`: a SHA-256 digest of both and
/// the KMIP credential (user name and password), each field length-prefixed.
pub(super) fn scope_of(link: [u8; 32], credential: Option<&Credential>) -> CacheScope {
    // The password passes through here: the buffer is wiped when dropped.
    let mut parts: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    let mut field = |bytes: &[u8]| {
        parts.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        parts.extend_from_slice(bytes);
    };
    field(&link);
    match credential {
        None => field(b"none"),
        Some(Credential::UsernameAndPassword { username, password }) => {
            field(b"username");
            field(username.as_bytes());
            field(password.as_ref().map_or(&b""[..], |p| p.as_bytes()));
        }
        Some(Credential::Other {
            credential_type,
            value,
        }) => {
            field(b"other");
            field(&credential_type.0.to_be_bytes());
            // Hashed only, never shown.
            field(format!("{value:?}").as_bytes());
        }
    }
    CacheScope::from_digest(crate::observe::chain::sha256(&[&parts]))
}
