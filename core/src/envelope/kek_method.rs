//! How Model 1 asks the key manager to protect new DEKs under the KEK: [`KekMethod`].
//!
//! The method is the caller's choice ([`Model1::with_kek_method`], `kek_method` in
//! `kmipkit.toml`'s `[key]` section, Python's `Model1(..., kek_method=...)`); without one,
//! `choose` decides. Unlocking never uses the choice: it follows the method recorded in each
//! protected DEK, so DEKs protected either way unlock under one model, and rotation
//! re-protects them with the model's method.
//!
//! [`Model1::with_kek_method`]: super::model1::Model1::with_kek_method

use super::model1::ProtectionMethod;
pub use crate::config::KekMethod;

impl KekMethod {
    /// The method recorded in the protected DEKs this method makes.
    pub fn protection(self) -> ProtectionMethod {
        match self {
            Self::Encrypt => ProtectionMethod::KmipEncryptAesGcm,
            Self::KeyWrap => ProtectionMethod::KmipKeyWrapAesPadding,
        }
    }
}

/// The method a Model 1 uses: the caller's `explicit` choice, else the default.
///
/// This is the one place where an automatic choice will be made: from the server's profile
/// (`profile.model1_kek_method()`, Encrypt where the server does AES-GCM Encrypt, key wrap
/// where it can wrap and unwrap). Until then the default is [`KekMethod::Encrypt`], the method
/// every earlier kmipkit used.
pub(crate) fn choose(explicit: Option<KekMethod>) -> KekMethod {
    explicit.unwrap_or(KekMethod::Encrypt)
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
        assert_eq!(choose(None), KekMethod::Encrypt);
        assert_eq!(choose(Some(KekMethod::KeyWrap)), KekMethod::KeyWrap);
    }
}
