//! How Model 1 asks the key manager to protect new DEKs under the KEK: [`KekMethod`].
//!
//! The method is the caller's choice ([`Model1::with_kek_method`], `kek_method` in
//! `kmipkit.toml`'s `[key]` section, Python's `Model1(..., kek_method=...)`); without one, the
//! model's setup ([`Model1::ensure_kek`]) picks it from the key manager's profile
//! ([`from_profile`]) and refuses a server that can neither encrypt nor unwrap. Unlocking never uses the choice: it follows the method recorded in each
//! protected DEK, so DEKs protected either way unlock under one model, and rotation
//! re-protects them with the model's method.
//!
//! [`Model1::with_kek_method`]: super::model1::Model1::with_kek_method
//! [`Model1::ensure_kek`]: super::model1::Model1::ensure_kek

use super::model1::ProtectionMethod;
use crate::client::Client;
use crate::client::profile::{KekMethodChoice, NoKekMethod};
pub use crate::config::KekMethod;
use crate::error::{Error, Result};

impl KekMethod {
    /// The method recorded in the protected DEKs this method makes.
    pub fn protection(self) -> ProtectionMethod {
        match self {
            Self::Encrypt => ProtectionMethod::KmipEncryptAesGcm,
            Self::KeyWrap => ProtectionMethod::KmipKeyWrapAesPadding,
        }
    }
}

/// The method a Model 1 uses: the caller's `explicit` choice, else the one its setup chose from
/// the server's profile ([`from_profile`]), else [`KekMethod::Encrypt`], the method every
/// earlier kmipkit used.
pub(crate) fn choose(explicit: Option<KekMethod>, profiled: Option<KekMethod>) -> KekMethod {
    explicit.or(profiled).unwrap_or(KekMethod::Encrypt)
}

/// The method for a model without an explicit choice, from the key manager's profile (one
/// Query): AES-GCM Encrypt where the server does it or may, key wrap where it wraps and unwraps
/// but has no AES-GCM ([`crate::client::profile::choose`]). A server that can do neither is
/// refused here, at setup, with what it lacks.
pub(crate) async fn from_profile(client: &Client) -> Result<KekMethod> {
    let recognised = client.server_profile().await?;
    decide(recognised.model1_kek_method())
}

fn decide(choice: std::result::Result<KekMethodChoice, NoKekMethod>) -> Result<KekMethod> {
    match choice {
        Ok(choice) => Ok(choice.method),
        Err(none) => Err(Error::Config {
            file: None,
            line: None,
            reason: format!(
                "Model 1 keeps its KEK on the key manager and needs it to encrypt with AES-GCM or \
                 to wrap and unwrap keys (AES key wrap with padding): {none}; use Model 1 with a \
                 key manager that does either (see docs/SERVERS.md)"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_records_its_own_protection_and_nothing_chosen_is_encrypt() {
        assert_ne!(
            KekMethod::Encrypt.protection(),
            KekMethod::KeyWrap.protection()
        );
        assert_eq!(choose(None, None), KekMethod::Encrypt);
        assert_eq!(choose(Some(KekMethod::KeyWrap), None), KekMethod::KeyWrap);
        assert_eq!(
            choose(Some(KekMethod::Encrypt), Some(KekMethod::KeyWrap)),
            KekMethod::Encrypt
        );
        assert_eq!(choose(None, Some(KekMethod::KeyWrap)), KekMethod::KeyWrap);
    }

    #[test]
    fn a_server_that_can_neither_encrypt_nor_unwrap_is_refused_at_setup() {
        use crate::client::profile::{Capabilities, Support, choose as profile_choice};
        let mut caps = Capabilities::UNKNOWN;
        caps.server_side_gcm = Support::No;
        caps.key_wrap_with_padding = Support::Yes;
        caps.server_side_unwrap = Support::Yes;
        assert_eq!(
            decide(profile_choice("Acme KMS", &caps)).unwrap(),
            KekMethod::KeyWrap
        );
        caps.server_side_unwrap = Support::No;
        let err = decide(profile_choice("Acme KMS", &caps)).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Config);
        assert!(err.to_string().contains("Acme KMS"), "{err}");
        assert!(err.to_string().contains("docs/SERVERS.md"), "{err}");
    }
}
