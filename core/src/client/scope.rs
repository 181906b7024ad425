//! The client's [`CacheScope`]: who it is and which servers it asks.

use crate::keys::CacheScope;
use crate::message::Credential;
use crate::transport::Transport;

/// The scope of a client over `transport` sending `credential`: a SHA-256 digest of the
/// transport's [identity digest](Transport::identity_digest) (servers and client certificates)
/// and the KMIP credential (user name and password), each field length-prefixed.
pub(super) fn scope_of(transport: &Transport, credential: Option<&Credential>) -> CacheScope {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut field = |bytes: &[u8]| {
        context.update(&(bytes.len() as u64).to_be_bytes());
        context.update(bytes);
    };
    field(&transport.identity_digest());
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
    let mut digest = [0u8; 32];
    digest.copy_from_slice(context.finish().as_ref());
    CacheScope::from_digest(digest)
}
