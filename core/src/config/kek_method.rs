//! The Model 1 KEK method setting ([`KekMethod`], `[key] kek_method`): defined here, below
//! the envelope code, because the configuration reads it; [`crate::envelope::kek_method`] says
//! how the models use it (also re-exported as `kmipkit::envelope::model1::KekMethod`).

use std::fmt;
use std::str::FromStr;

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
    /// KMIP Encrypt and Decrypt with AES-256-GCM under the KEK (protected-DEK method `0x01`). Needs a
    /// KMIP 1.4 or later session and a server whose Encrypt does AES-GCM. The KEK is created
    /// with the Encrypt and Decrypt usages.
    Encrypt,
    /// AES key wrap with padding (RFC 5649) by the key manager (protected-DEK method `0x02`): Get with a
    /// Key Wrapping Specification to protect, Register of the wrapped key then Get Not Wrapped
    /// to unlock (see [`crate::envelope::key_wrap`]). For servers without AES-GCM Encrypt that
    /// can wrap and unwrap; needs KMIP 1.4 or later. The KEK is created with the Wrap Key and
    /// Unwrap Key usages, and checked at setup ([`crate::envelope::model1::Model1::ensure_kek`]).
    KeyWrap,
}

impl KekMethod {
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
        assert!(
            !KekMethod::KeyWrap
                .kek_usage()
                .contains(CryptographicUsageMask::Encrypt)
        );
    }
}
