//! Model 1's second way to protect a DEK (blob method `0x02`): AES key wrap with padding
//! (RFC 5649, NIST SP 800-38F KWP) performed by the key manager, for servers whose KMIP Encrypt
//! cannot do AES-GCM. The KEK never leaves the key manager, and neither this module nor the
//! client ever wraps or unwraps a key itself.
//!
//! Every step puts a **temporary object** on the server holding the KEK, reads what is needed
//! from it in the same batch (Get with the ID placeholder), and destroys it straight after:
//!
//! | step | batch (one round trip) | then |
//! |---|---|---|
//! | new DEK from the key manager | Create AES-256, Get, Get wrapped | Destroy |
//! | DEK given by the caller | Register it, Get wrapped | Destroy |
//! | unlock | Import the wrapped key (Key Wrapping Data naming the KEK) with Key Wrap Type Not Wrapped under a random identifier, Get, Destroy | (Destroy again if the batch's did not run) |
//!
//! "Get wrapped" carries a Key Wrapping Specification: Wrapping Method Encrypt, the KEK's UID
//! with Block Cipher Mode AES Key Wrap Padding, and Encoding Option No Encoding (without it
//! Cosmian KMS wraps the TTLV encoding of the whole Key Value). The Destroy always runs once the
//! Create, Register or Import succeeded, also when a Get failed; if it fails, the step fails and
//! names the object to destroy by hand. A wrong KEK or a modified wrapped key fails the unwrap
//! on the server (the Import stores nothing), reported as [`Error::Integrity`]. Only a
//! connection lost after a batch was sent can leave a temporary object behind, unknown to the
//! client: an unwrapped one has an identifier starting `kmipkit-unwrap-`.
//!
//! Why Import, measured against Cosmian KMS 5.28: Register of the wrapped key then Get with Key
//! Wrap Type Not Wrapped works at KMIP 2.1 but not at 1.4, where Cosmian drops the Get's Key
//! Wrap Type and returns the key still wrapped; Import with Not Wrapped works at 1.4 and 2.1,
//! and since the client names the object, Import, Get and Destroy fit in one round trip. Key
//! wrap thus needs KMIP 1.4 or later (Import and Key Wrap Type are 1.4 additions) and a server
//! with Import. PyKMIP 0.11 has no Import and cannot unwrap: `Model1::ensure_kek` finds that out at setup.

use super::format::KeyRef;
use super::model1::{DEK_LEN, aes256_of};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::keys::SecretBytes;
use crate::message::{
    Attribute, Attributes, CreateRequest, CryptographicParameters, DestroyRequest,
    EncryptionKeyInformation, GetRequest, GetResponse, ImportRequest, KeyBlock, KeyValue,
    KeyWrappingData, KeyWrappingSpecification, Object, RegisterRequest, RequestPayload,
    ResponsePayload, SymmetricKey,
};
use crate::spec::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, EncodingOption, KeyWrapType,
    ObjectType, ProtocolVersion, ResultReason, WrappingMethod,
};

/// Length of an AES-256 DEK wrapped with RFC 5649: an 8-byte integrity block and the key.
pub const WRAPPED_DEK_LEN: usize = DEK_LEN + 8;

/// Where the DEK comes from when it is wrapped.
pub(crate) enum Source<'a> {
    /// Created by the key manager (Create AES-256).
    Create,
    /// Given by the caller (Register).
    Local(&'a SecretBytes),
}

/// The DEK (from `source`) and its wrapped bytes under the KEK `kek_uid` on `server`.
pub(crate) async fn wrap(
    client: &Client,
    server: &str,
    kek_uid: &str,
    source: Source<'_>,
) -> Result<(SecretBytes, Vec<u8>)> {
    needs_kmip_1_4(client)?;
    let mut wrapped_get = GetRequest::new(None);
    wrapped_get.key_wrapping_specification = Some(specification(kek_uid));
    let (first, gets, local) = match source {
        Source::Create => {
            let create = CreateRequest::new(ObjectType::SymmetricKey, dek_attributes());
            (
                create.into(),
                vec![GetRequest::new(None), wrapped_get],
                None,
            )
        }
        Source::Local(dek) => {
            check_dek_len(dek)?;
            let key = KeyBlock::symmetric(CryptographicAlgorithm::AES, dek.expose().to_vec());
            let object = Object::SymmetricKey(SymmetricKey::new(key));
            let register = RegisterRequest::new(object, dek_attributes());
            (register.into(), vec![wrapped_get], Some(dek))
        }
    };
    let (uid, mut got) = on_temporary(client, server, first, gets, "DEK").await?;
    let wrapped = wrapped_bytes(&uid, kek_uid, got.pop().expect("one Get per request")?)?;
    let dek = match local {
        Some(dek) => dek.clone(),
        None => aes256_of(&uid, got.pop().expect("one Get per request")?.object)?,
    };
    Ok((dek, wrapped))
}

/// The DEK of `wrapped` (made by [`wrap`] under the KEK `kek_uid`), unwrapped by the key manager
/// `server`, in one batch: Import the wrapped key Not Wrapped under a random identifier (the
/// server unwraps it with the KEK its Key Wrapping Data names, or stores nothing), Get it,
/// Destroy it.
pub(crate) async fn unwrap(
    client: &Client,
    server: &str,
    kek: &KeyRef,
    wrapped: &[u8],
) -> Result<SecretBytes> {
    needs_kmip_1_4(client)?;
    let kek_uid = kek.uid.as_str();
    let mut block = KeyBlock::symmetric(CryptographicAlgorithm::AES, Vec::new());
    block.cryptographic_length = Some((DEK_LEN * 8) as i32);
    block.key_value = Some(KeyValue::Wrapped(wrapped.to_vec().into()));
    block.key_wrapping_data = Some(wrapping_data(kek_uid));
    let object = Object::SymmetricKey(SymmetricKey::new(block));
    let uid = temporary_uid(client)?;
    let mut import = ImportRequest::new(uid.clone(), object, dek_attributes());
    import.key_wrap_type = Some(KeyWrapType::NotWrapped);
    let payloads = vec![
        import.into(),
        GetRequest::new(Some(uid.clone())).into(),
        DestroyRequest::new(Some(uid.clone())).into(),
    ];
    let mut outcomes = client.batch_on(server, payloads).await?.into_iter();
    match outcomes.next() {
        Some(Ok(Some(ResponsePayload::Import(_)))) => {}
        Some(Err(Error::Server {
            reason, message, ..
        })) if unwrap_refused(reason) => {
            return Err(Error::Integrity {
                reason: format!(
                    "the key manager could not unwrap the protected DEK under KEK {:?} version {} (UID {kek_uid:?}): the blob was modified or belongs to another KEK ({reason}{})",
                    kek.name,
                    kek.version,
                    message.map(|m| format!(": {m}")).unwrap_or_default()
                ),
            });
        }
        Some(Err(e)) => return Err(e),
        other => {
            return Err(Error::Protocol {
                reason: format!(
                    "the key manager answered the Import of the wrapped DEK with {other:?}"
                ),
            });
        }
    }
    let got = outcomes.next();
    let destroyed = matches!(outcomes.next(), Some(Ok(_)));
    // The unwrapped DEK must not stay on the server: destroy again if the batch did not.
    if !destroyed
        && let Err(e) = client
            .call_on(server, DestroyRequest::new(Some(uid.clone())).into())
            .await
    {
        return Err(Error::Protocol {
            reason: format!(
                "the temporary unwrapped DEK {uid:?} could not be destroyed on the key manager {server:?} ({e}); destroy it by hand"
            ),
        });
    }
    let got = match got {
        Some(Ok(Some(ResponsePayload::Get(got)))) => got,
        Some(Err(e)) => return Err(e),
        other => {
            return Err(Error::Protocol {
                reason: format!(
                    "the key manager answered the Get of the unwrapped DEK with {other:?}"
                ),
            });
        }
    };
    if got.object.key_block().is_some_and(KeyBlock::is_wrapped) {
        return Err(Error::Protocol {
            reason: format!(
                "the key manager returned the imported DEK {uid:?} still wrapped: it does not unwrap keys on Import (Key Wrap Type Not Wrapped); use the Encrypt method (KekMethod::Encrypt) with this server"
            ),
        });
    }
    aes256_of(&uid, got.object)
}

/// A fresh identifier for an imported temporary object: `kmipkit-unwrap-` and 16 random bytes
/// in hex, so that it cannot collide with another object.
fn temporary_uid(client: &Client) -> Result<String> {
    let mut random = [0u8; 16];
    client.platform().random.fill(&mut random)?;
    Ok(format!(
        "kmipkit-unwrap-{}",
        crate::ttlv::text::hex_lower(&random)
    ))
}

/// Checks at setup that the key manager `server` can both wrap and unwrap under the KEK
/// `kek_uid`: wraps a random throw-away key and unwraps it again (two temporary objects, both
/// destroyed). A server that cannot is refused here, with what failed, rather than at the first
/// unlock.
pub(crate) async fn verify(client: &Client, server: &str, kek: &KeyRef) -> Result<()> {
    let kek_uid = kek.uid.as_str();
    let random = &client.platform().random;
    let probe = SecretBytes::try_init(DEK_LEN, |buf| random.fill(buf))?;
    let refused = |step: &str, e: Error| Error::Protocol {
        reason: format!(
            "the key manager {server:?} cannot protect Model 1 data keys by AES key wrap under KEK UID {kek_uid:?}: {step} failed ({e}); use the Encrypt method (KekMethod::Encrypt), or a KEK created for key wrap (Wrap Key and Unwrap Key usage)"
        ),
    };
    let (_, wrapped) = wrap(client, server, kek_uid, Source::Local(&probe))
        .await
        .map_err(|e| refused("wrapping a test key (Register, Get wrapped)", e))?;
    let back = unwrap(client, server, kek, &wrapped)
        .await
        .map_err(|e| refused("unwrapping it (Import Not Wrapped, Get)", e))?;
    if back.expose() != probe.expose() {
        return Err(refused(
            "the round trip",
            Error::Integrity {
                reason: "the unwrapped test key differs from the one wrapped".into(),
            },
        ));
    }
    Ok(())
}

/// Sends `first` (a Create or Register) and `gets` (with the ID placeholder) as one batch to
/// `server`, then destroys the object `first` made, whatever the Gets gave. Returns its UID and
/// one result per Get. A failed Destroy fails the whole step, naming the object.
async fn on_temporary(
    client: &Client,
    server: &str,
    first: RequestPayload,
    gets: Vec<GetRequest>,
    what: &str,
) -> Result<(String, Vec<Result<GetResponse>>)> {
    let count = gets.len();
    let mut payloads = vec![first];
    payloads.extend(gets.into_iter().map(RequestPayload::from));
    let mut outcomes = client.batch_on(server, payloads).await?.into_iter();
    let uid = match outcomes.next() {
        Some(Ok(Some(ResponsePayload::Create(r)))) => r.unique_identifier,
        Some(Ok(Some(ResponsePayload::Register(r)))) => r.unique_identifier,
        Some(Err(e)) => return Err(e),
        other => {
            return Err(Error::Protocol {
                reason: format!(
                    "the key manager answered the temporary {what}'s Create/Register with {other:?}"
                ),
            });
        }
    };
    let got: Vec<Result<GetResponse>> = outcomes
        .map(|outcome| match outcome {
            Ok(Some(ResponsePayload::Get(r))) => Ok(r),
            Ok(other) => Err(Error::Protocol {
                reason: format!("the key manager answered a Get with {other:?}"),
            }),
            Err(e) => Err(e),
        })
        .collect();
    let destroy = DestroyRequest::new(Some(uid.clone()));
    if let Err(e) = client.call_on(server, destroy.into()).await {
        return Err(Error::Protocol {
            reason: format!(
                "the temporary {what} {uid:?} could not be destroyed on the key manager {server:?} ({e}); destroy it by hand"
            ),
        });
    }
    if got.len() != count {
        return Err(Error::Protocol {
            reason: format!(
                "the key manager answered {} of the {count} Gets on the temporary {what}",
                got.len()
            ),
        });
    }
    Ok((uid, got))
}

/// The wrapped bytes of a Get with [`specification`], checked: wrapped under `kek_uid` with
/// AES key wrap with padding (when the server says how), 40 bytes.
fn wrapped_bytes(uid: &str, kek_uid: &str, got: GetResponse) -> Result<Vec<u8>> {
    let refused = |what: String| Error::Protocol {
        reason: format!(
            "the key manager's wrapped Get of the DEK {uid:?} {what}; it may not support AES key wrap with padding (RFC 5649): use the Encrypt method (KekMethod::Encrypt)"
        ),
    };
    let block = got
        .object
        .key_block()
        .ok_or_else(|| refused("returned no key block".into()))?;
    let data = block
        .key_wrapping_data
        .as_ref()
        .ok_or_else(|| refused("came back unwrapped".into()))?;
    if let Some(key) = &data.encryption_key_information {
        if key.unique_identifier != kek_uid {
            return Err(refused(format!(
                "is wrapped under {:?}, not the KEK",
                key.unique_identifier
            )));
        }
        let mode = key
            .cryptographic_parameters
            .as_ref()
            .and_then(|p| p.block_cipher_mode);
        if mode.is_some_and(|m| m != BlockCipherMode::AESKeyWrapPadding) {
            return Err(refused(format!(
                "is wrapped with {}, not AES Key Wrap Padding",
                mode.expect("checked")
            )));
        }
    }
    let wrapped = block
        .key_bytes()
        .ok_or_else(|| refused("carries no wrapped bytes".into()))?;
    if wrapped.len() != WRAPPED_DEK_LEN {
        return Err(refused(format!(
            "has {} wrapped bytes, not {WRAPPED_DEK_LEN}",
            wrapped.len()
        )));
    }
    Ok(wrapped.to_vec())
}

/// The Key Wrapping Specification of the wrapped Gets.
fn specification(kek_uid: &str) -> KeyWrappingSpecification {
    let mut spec = KeyWrappingSpecification::encrypt(encryption_key(kek_uid));
    spec.encoding_option = Some(EncodingOption::NoEncoding);
    spec
}

/// The Key Wrapping Data of a wrapped DEK sent back to be unwrapped: what the server recorded
/// when it wrapped it.
fn wrapping_data(kek_uid: &str) -> KeyWrappingData {
    KeyWrappingData {
        wrapping_method: WrappingMethod::Encrypt,
        encryption_key_information: Some(encryption_key(kek_uid)),
        mac_signature_key_information: None,
        mac_signature: None,
        iv_counter_nonce: None,
        encoding_option: Some(EncodingOption::NoEncoding),
        extensions: Vec::new(),
    }
}

fn encryption_key(kek_uid: &str) -> EncryptionKeyInformation {
    let parameters = CryptographicParameters {
        block_cipher_mode: Some(BlockCipherMode::AESKeyWrapPadding),
        ..CryptographicParameters::default()
    };
    EncryptionKeyInformation::new(kek_uid, Some(parameters))
}

/// The attributes of a temporary DEK object: AES-256 for Encrypt and Decrypt, like the DEKs of
/// [`super::model1::Model1::create_dek`].
fn dek_attributes() -> Attributes {
    let mut attributes = Attributes::default();
    attributes.push(Attribute::CryptographicAlgorithm(
        CryptographicAlgorithm::AES,
    ));
    attributes.push(Attribute::CryptographicLength((DEK_LEN * 8) as i32));
    attributes.push(Attribute::CryptographicUsageMask(
        CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
    ));
    attributes
}

/// The refusals a failed unwrap gets: the bytes or the KEK do not match.
fn unwrap_refused(reason: ResultReason) -> bool {
    matches!(
        reason,
        ResultReason::CryptographicFailure | ResultReason::GeneralFailure
    )
}

fn check_dek_len(dek: &SecretBytes) -> Result<()> {
    if dek.len() == DEK_LEN {
        return Ok(());
    }
    Err(Error::Encode {
        what: "DEK".into(),
        reason: format!("a DEK has {DEK_LEN} bytes, not {}", dek.len()),
    })
}

fn needs_kmip_1_4(client: &Client) -> Result<()> {
    let version = client.version();
    if version >= ProtocolVersion::V1_4 {
        return Ok(());
    }
    Err(Error::Protocol {
        reason: format!(
            "Model 1's AES key wrap method unwraps with Import and Key Wrap Type Not Wrapped, which need KMIP 1.4 or later; this session speaks {version}"
        ),
    })
}
