//! How Model 1 asks the key manager to protect new DEKs under the KEK: [`KekMethod`].
//!
//! The method is the caller's choice ([`Model1::with_kek_method`], `kek_method` in
//! `kmipkit.toml`'s `[key]` section, `--kek-method` on the command line, Python's
//! `Model1(..., kek_method=...)`); without one, `choose` decides. Unlocking never uses the
//! choice: it follows the method recorded in each protected DEK, so DEKs protected either way
//! unlock under one model, and rotation re-protects them with the model's method.
//!
//! [`Model1::with_kek_method`]: super::model1::Model1::with_kek_method

use std::fmt;
use std::str::FromStr;

use super::model1::ProtectionMethod;
use crate::error::{Error, Result};
use crate::spec::CryptographicUsageMask;

/// How Model 1 protects new DEKs under the KEK, always on the key manager (the KEK never leaves
/// it).
///
/// ```
/// use kmipkit::envelope::model1::KekMethod;
/// let method: KekMethod = "key-wrap".parse()?;
/// assert_eq!(method, KekMethod::KeyWrap);
/// assert_eq!(method.to_string(), "key-wrap");
/// assert!("rsa".parse::<KekMethod>().is_err());
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KekMethod {
    /// KMIP Encrypt and Decrypt with AES-256-GCM under the KEK (blob method `0x01`). Needs a
    /// KMIP 1.4 or later session and a server whose Encrypt does AES-GCM. The KEK is created
    /// with the Encrypt and Decrypt usages.
    Encrypt,
    /// AES key wrap with padding (RFC 5649) by the key manager (blob method `0x02`): Get with a
    /// Key Wrapping Specification to protect, Register of the wrapped key then Get Not Wrapped
    /// to unlock (see [`crate::envelope::key_wrap`]). For servers without AES-GCM Encrypt that
    /// can wrap and unwrap; needs KMIP 1.4 or later. The KEK is created with the Wrap Key and
    /// Unwrap Key usages, and checked at setup ([`super::model1::Model1::ensure_kek`]).
    KeyWrap,
}

impl KekMethod {
    /// The method recorded in the protected DEKs this method makes.
    pub fn protection(self) -> ProtectionMethod {
        match self {
            Self::Encrypt => ProtectionMethod::KmipEncryptAesGcm,
            Self::KeyWrap => ProtectionMethod::KmipKeyWrapAesPadding,
        }
    }

    /// The usages a KEK created for this method gets: only what the method needs.
    pub(crate) fn kek_usage(self) -> CryptographicUsageMask {
        match self {
            Self::Encrypt => CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
            Self::KeyWrap => CryptographicUsageMask::WrapKey | CryptographicUsageMask::UnwrapKey,
        }
    }

    /// The spelling of configuration files and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Encrypt => "encrypt",
            Self::KeyWrap => "key-wrap",
        }
    }
}

impl fmt::Display for KekMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KekMethod {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text {
            "encrypt" => Ok(Self::Encrypt),
            "key-wrap" => Ok(Self::KeyWrap),
            other => Err(Error::Config {
                file: None,
                line: None,
                reason: format!(
                    "unknown KEK method {other:?}: use \"encrypt\" (KMIP Encrypt, AES-256-GCM) or \"key-wrap\" (AES key wrap on the key manager)"
                ),
            }),
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
    fn spellings_round_trip() {
        for method in [KekMethod::Encrypt, KekMethod::KeyWrap] {
            assert_eq!(method.as_str().parse::<KekMethod>().unwrap(), method);
        }
        let err = "KeyWrap".parse::<KekMethod>().unwrap_err().to_string();
        assert!(err.contains("key-wrap"), "{err}");
    }

    #[test]
    fn each_method_records_its_own_protection_and_asks_only_its_usages() {
        assert_ne!(
            KekMethod::Encrypt.protection(),
            KekMethod::KeyWrap.protection()
        );
        assert!(
            !KekMethod::KeyWrap
                .kek_usage()
                .contains(CryptographicUsageMask::Encrypt)
        );
        assert_eq!(choose(None), KekMethod::Encrypt);
        assert_eq!(choose(Some(KekMethod::KeyWrap)), KekMethod::KeyWrap);
    }
}
