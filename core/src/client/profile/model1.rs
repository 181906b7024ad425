//! Choosing Model 1's KEK operation from what is known about a server.
//!
//! Model 1 keeps the KEK on the key manager. Two ways exist: KMIP Encrypt/Decrypt with AES-GCM
//! on the server, or AES key wrap with padding (Get with a Key Wrapping Specification) plus an
//! unwrap on the server. Server-side GCM is preferred: one round trip each way and the
//! encryption context is bound as associated data. The choice is a pure function of the
//! capabilities, so the envelope code can make it at setup and refuse early, not at first use.

use std::fmt;

use super::{Capabilities, Recognised, ServerProfile, Support};

/// How Model 1 protects its data key with the KEK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KekMethod {
    /// KMIP Encrypt / Decrypt with AES-GCM on the server.
    ServerSideGcm,
    /// Get wrapped with AES key wrap with padding (RFC 5649), unwrapped on the server.
    KeyWrap,
}

/// The chosen method, whether the capabilities it needs are known (not merely possible), and
/// why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KekMethodChoice {
    /// The method.
    pub method: KekMethod,
    /// `true` when every capability the method needs is [`Support::Yes`]; `false` when some are
    /// [`Support::Unknown`], so the caller should try it once at setup.
    pub confirmed: bool,
    /// Why, in a sentence.
    pub reason: String,
}

/// Neither method is possible: the server can neither encrypt with AES-GCM nor wrap and unwrap.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoKekMethod {
    /// Why, naming the family and what it lacks.
    pub reason: String,
}

impl fmt::Display for NoKekMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for NoKekMethod {}

impl ServerProfile {
    /// Model 1's KEK operation on servers of this family (see [`choose`]).
    ///
    /// ```
    /// use kmipkit::client::profile::{KekMethod, ServerProfile};
    /// let cosmian = ServerProfile::named("Cosmian KMS").unwrap();
    /// assert_eq!(cosmian.model1_kek_method().unwrap().method, KekMethod::ServerSideGcm);
    /// let townsend = ServerProfile::named("Townsend Alliance Key Manager").unwrap();
    /// assert!(townsend.model1_kek_method().is_err());
    /// ```
    pub fn model1_kek_method(&self) -> Result<KekMethodChoice, NoKekMethod> {
        choose(self.family, &self.capabilities)
    }
}

impl Recognised {
    /// Model 1's KEK operation on this server, from the merged capabilities.
    pub fn model1_kek_method(&self) -> Result<KekMethodChoice, NoKekMethod> {
        choose(self.family(), &self.capabilities())
    }
}

/// The KEK operation for a server of `family` with `capabilities`:
///
/// 1. server-side AES-GCM when it is [`Support::Yes`];
/// 2. else key wrap when wrapping and unwrapping are both [`Support::Yes`];
/// 3. else server-side AES-GCM when it is [`Support::Unknown`] (unconfirmed: try it at setup);
/// 4. else key wrap when neither wrapping nor unwrapping is [`Support::No`] (unconfirmed);
/// 5. else none, with the reason.
///
/// ```
/// use kmipkit::client::profile::{choose, Capabilities, KekMethod, Support};
/// let mut caps = Capabilities::UNKNOWN;
/// caps.server_side_gcm = Support::No;
/// caps.key_wrap_with_padding = Support::Yes;
/// caps.server_side_unwrap = Support::Yes;
/// let choice = choose("Acme KMS", &caps).unwrap();
/// assert_eq!((choice.method, choice.confirmed), (KekMethod::KeyWrap, true));
/// caps.server_side_unwrap = Support::No;
/// assert!(choose("Acme KMS", &caps).unwrap_err().reason.contains("cannot unwrap"));
/// ```
pub fn choose(family: &str, capabilities: &Capabilities) -> Result<KekMethodChoice, NoKekMethod> {
    let gcm = capabilities.server_side_gcm;
    let wrap = capabilities.key_wrap_with_padding;
    let unwrap = capabilities.server_side_unwrap;
    let pick = |method, confirmed, reason: String| {
        Ok(KekMethodChoice {
            method,
            confirmed,
            reason,
        })
    };
    if gcm == Support::Yes {
        return pick(
            KekMethod::ServerSideGcm,
            true,
            format!("{family} encrypts with AES-GCM on the server"),
        );
    }
    if wrap == Support::Yes && unwrap == Support::Yes {
        return pick(
            KekMethod::KeyWrap,
            true,
            format!(
                "{family} has no server-side AES-GCM ({gcm}) but wraps with RFC 5649 and unwraps on the server"
            ),
        );
    }
    if gcm == Support::Unknown {
        return pick(
            KekMethod::ServerSideGcm,
            false,
            format!(
                "whether {family} encrypts with AES-GCM on the server is not known: try it once at setup"
            ),
        );
    }
    if wrap != Support::No && unwrap != Support::No {
        return pick(
            KekMethod::KeyWrap,
            false,
            format!(
                "{family} has no server-side AES-GCM; whether it wraps with RFC 5649 ({wrap}) and unwraps on the server ({unwrap}) is to be tried at setup"
            ),
        );
    }
    let lacks = match (wrap, unwrap) {
        (Support::No, Support::No) => {
            "cannot wrap with AES key wrap with padding and cannot unwrap on the server"
        }
        (Support::No, _) => "cannot wrap with AES key wrap with padding (RFC 5649)",
        _ => "cannot unwrap keys on the server",
    };
    Err(NoKekMethod {
        reason: format!(
            "Model 1 needs the KEK to stay on the key manager, but {family} has no server-side AES-GCM Encrypt/Decrypt and {lacks}; use Model 2 (keys fetched from the server) or another key server"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(gcm: Support, wrap: Support, unwrap: Support) -> Capabilities {
        let mut c = Capabilities::UNKNOWN;
        c.server_side_gcm = gcm;
        c.key_wrap_with_padding = wrap;
        c.server_side_unwrap = unwrap;
        c
    }

    #[test]
    fn every_combination_has_one_answer() {
        use KekMethod::*;
        use Support::*;
        let all = [Yes, No, Unknown];
        for gcm in all {
            for wrap in all {
                for unwrap in all {
                    let got =
                        choose("X", &caps(gcm, wrap, unwrap)).map(|c| (c.method, c.confirmed));
                    let want = match (gcm, wrap, unwrap) {
                        (Yes, _, _) => Ok((ServerSideGcm, true)),
                        (_, Yes, Yes) => Ok((KeyWrap, true)),
                        (Unknown, _, _) => Ok((ServerSideGcm, false)),
                        (No, No, _) | (No, _, No) => Err(()),
                        (No, _, _) => Ok((KeyWrap, false)),
                    };
                    assert_eq!(got.map_err(|_| ()), want, "{gcm} {wrap} {unwrap}");
                }
            }
        }
    }

    #[test]
    fn the_measured_servers_choose_gcm_and_the_refusal_names_the_family() {
        for family in ["PyKMIP", "Cosmian KMS"] {
            let choice = ServerProfile::named(family)
                .unwrap()
                .model1_kek_method()
                .unwrap();
            assert_eq!(choice.method, KekMethod::ServerSideGcm, "{family}");
            assert!(choice.confirmed);
        }
        let err = choose("Townsend AKM", &caps(Support::No, Support::No, Support::No)).unwrap_err();
        assert!(err.to_string().starts_with("Model 1 needs"), "{err}");
        assert!(err.reason.contains("Townsend AKM"), "{err}");
        assert!(err.reason.contains("Model 2"), "{err}");
    }
}
