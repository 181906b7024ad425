//! Which key states Model 2 decrypts with, and the caller's explicit opt-in for the others.
//!
//! Encryption uses only an Active version ([`super::versions`]). Decryption takes the version
//! a ciphertext names while it is Pre-Active, Active or Deactivated. A Compromised version is
//! refused unless the caller asks for it with [`DecryptPolicy::allow_compromised`] (KMIP allows
//! decrypting with a compromised key for recovery; kmipkit makes that a visible choice), and a
//! Destroyed one is refused always (its material is gone).

use crate::envelope::format::KeyRef;
use crate::error::{Error, Result};
use crate::spec::State;

/// What Model 2 decryption accepts besides the normal states (Pre-Active, Active, Deactivated).
///
/// ```
/// use kmipkit::envelope::model2::DecryptPolicy;
/// assert!(!DecryptPolicy::default().allows_compromised());
/// assert!(DecryptPolicy::allow_compromised().allows_compromised());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DecryptPolicy {
    allow_compromised: bool,
}

impl DecryptPolicy {
    /// Also decrypt with a key version in the Compromised state: to recover data before
    /// re-encrypting it under a new version. Such a key is never cached.
    pub fn allow_compromised() -> Self {
        Self {
            allow_compromised: true,
        }
    }

    /// [`DecryptPolicy::allow_compromised`] when `allow` is true, else the default: the policy
    /// of a front end's `allow_compromised` flag (CLI `--allow-compromised`, C and Python
    /// arguments).
    ///
    /// ```
    /// use kmipkit::envelope::model2::DecryptPolicy;
    /// assert_eq!(DecryptPolicy::allowing_compromised(true), DecryptPolicy::allow_compromised());
    /// assert_eq!(DecryptPolicy::allowing_compromised(false), DecryptPolicy::default());
    /// ```
    pub fn allowing_compromised(allow: bool) -> Self {
        Self {
            allow_compromised: allow,
        }
    }

    /// Whether Compromised versions decrypt.
    pub fn allows_compromised(self) -> bool {
        self.allow_compromised
    }
}

/// Whether a version in `state` may decrypt under `policy`: `Ok(true)` when its key may also be
/// cached, `Ok(false)` when it may be used for this call only (compromised, allowed).
pub(crate) fn check_decryptable(key: &KeyRef, state: State, policy: DecryptPolicy) -> Result<bool> {
    if state == State::PreActive || state == State::Active || state == State::Deactivated {
        return Ok(true);
    }
    if state == State::Compromised && policy.allow_compromised {
        return Ok(false);
    }
    let what = if state == State::Compromised {
        "kmipkit decrypts with a compromised key only when asked: to recover the data, decrypt with DecryptPolicy::allow_compromised() (Python allow_compromised=True, CLI --allow-compromised) and re-encrypt it under a new version"
    } else if state == State::Destroyed || state == State::DestroyedCompromised {
        "its key material is gone, and with it this data"
    } else {
        "kmipkit decrypts only with Pre-Active, Active or Deactivated keys"
    };
    Err(Error::Protocol {
        reason: format!(
            "version {} of key {:?} (UID {:?}) is {state}: {what}",
            key.version, key.name, key.uid
        ),
    })
}
