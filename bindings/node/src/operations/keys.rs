//! Making and replacing keys and objects: Create, Create Key Pair, Register, Re-Key,
//! Re-Key Key Pair, Derive Key and Check. Register's defaults (key block per object type) are
//! the core's `register_material`.

use kmipkit::message::{
    Bytes, CheckRequest, CreateKeyPairRequest, CreateRequest, DerivationParameters,
    DeriveKeyRequest, ReKeyKeyPairRequest, ReKeyRequest,
};
use kmipkit::spec::{CryptographicAlgorithm, DerivationMethod, ObjectType};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Uint8Array};
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::convert;

/// The two identifiers of a key pair.
#[napi(object)]
pub struct KeyPairIds {
    /// The private key's unique identifier.
    pub private_key_id: String,
    /// The public key's unique identifier.
    pub public_key_id: String,
}

/// The optional parts of a Derive Key request.
#[napi(object)]
pub struct DeriveOptions {
    /// Cryptographic Parameters by tag name (`{ HashingAlgorithm: 'SHA_256' }`).
    #[napi(ts_type = "Record<string, unknown>")]
    pub parameters: Option<Json>,
    /// The salt (PBKDF2, HKDF).
    pub salt: Option<Uint8Array>,
    /// The iteration count (PBKDF2).
    pub iterations: Option<i32>,
}

/// `text` read as the KMIP enumeration `what` by its KMIP name, or an error naming the value.
pub(super) fn named<T>(
    what: &str,
    text: &str,
    from_name: impl Fn(&str) -> Option<T>,
) -> kmipkit::error::Result<T> {
    from_name(text).ok_or_else(|| kmipkit::Error::Encode {
        what: what.to_string(),
        reason: format!("unknown {what} {text:?}; use its KMIP name"),
    })
}

#[napi]
impl NativeClient {
    /// Create: an object of `object_type` (`"SymmetricKey"`, `"SecretData"`) the server makes,
    /// with `attributes`; its unique identifier.
    #[napi(
        ts_return_type = "Promise<string>",
        ts_args_type = "objectType: string, attributes: object, cancel?: Canceller | undefined | null"
    )]
    pub fn create(
        &self,
        env: &Env,
        object_type: String,
        attributes: Json,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        let t = named("object type", &object_type, ObjectType::from_name);
        let attributes = kmipkit::message::Attributes::from_plain(&attributes);
        promise(env, cancel, async move {
            let request = CreateRequest::new(t?, attributes?);
            Ok(c.create(request).await?.unique_identifier)
        })
    }

    /// Create Key Pair: attributes common to both keys, then the private and public key's own.
    #[napi(
        ts_return_type = "Promise<KeyPairIds>",
        ts_args_type = "common: object, privateKey: object, publicKey: object, cancel?: Canceller | undefined | null"
    )]
    pub fn create_key_pair(
        &self,
        env: &Env,
        common: Json,
        private_key: Json,
        public_key: Json,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyPairIds>> {
        let c = self.client()?;
        let parts = (
            kmipkit::message::Attributes::from_plain(&common),
            kmipkit::message::Attributes::from_plain(&private_key),
            kmipkit::message::Attributes::from_plain(&public_key),
        );
        promise(env, cancel, async move {
            let request = CreateKeyPairRequest::new(parts.0?, parts.1?, parts.2?);
            let r = c.create_key_pair(request).await?;
            Ok(KeyPairIds {
                private_key_id: r.private_key_unique_identifier,
                public_key_id: r.public_key_unique_identifier,
            })
        })
    }

    /// Register: stores `material` as an object of `object_type` (`"SymmetricKey"`,
    /// `"SecretData"`, `"OpaqueObject"`, ...) with `attributes`; `algorithm` (a Cryptographic
    /// Algorithm name) for keys, AES when absent. Its unique identifier.
    #[napi(
        ts_return_type = "Promise<string>",
        ts_args_type = "objectType: string, material: Uint8Array, attributes: object, algorithm?: string | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn register(
        &self,
        env: &Env,
        object_type: String,
        material: Uint8Array,
        attributes: Json,
        algorithm: Option<String>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        let t = named("object type", &object_type, ObjectType::from_name);
        let algorithm = algorithm
            .map(|a| named("algorithm", &a, CryptographicAlgorithm::from_name))
            .transpose();
        let attributes = kmipkit::message::Attributes::from_plain(&attributes);
        // Copied only for a request that will be sent: the core zeroizes its copy once
        // encoded, and a refused argument leaves no copy behind. The caller owns its Buffer.
        let material = if t.is_ok() && algorithm.is_ok() && attributes.is_ok() {
            material.to_vec()
        } else {
            Vec::new()
        };
        promise(env, cancel, async move {
            c.register_material(t?, material, algorithm?, attributes?)
                .await
        })
    }

    /// Re-Key: a new key replacing `id`; its unique identifier.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn rekey(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            Ok(c.rekey(ReKeyRequest::new(Some(id)))
                .await?
                .unique_identifier)
        })
    }

    /// Re-Key Key Pair: a new pair replacing the one of private key `id`.
    #[napi(ts_return_type = "Promise<KeyPairIds>")]
    pub fn rekey_key_pair(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyPairIds>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let r = c.rekey_key_pair(ReKeyKeyPairRequest::new(Some(id))).await?;
            Ok(KeyPairIds {
                private_key_id: r.private_key_unique_identifier,
                public_key_id: r.public_key_unique_identifier,
            })
        })
    }

    /// Derive Key: a symmetric key derived from `base` by `method` (a Derivation Method name:
    /// `"PBKDF2"`, `"HMAC"`, ...) with `data` as derivation data; its unique identifier.
    #[napi(
        ts_return_type = "Promise<string>",
        ts_args_type = "base: string[], method: string, data: Uint8Array, attributes: object, options?: DeriveOptions | undefined | null, cancel?: Canceller | undefined | null"
    )]
    #[allow(clippy::too_many_arguments)] // napi methods take their arguments flat
    pub fn derive_key(
        &self,
        env: &Env,
        base: Vec<String>,
        method: String,
        data: Uint8Array,
        attributes: Json,
        options: Option<DeriveOptions>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        let method = named("derivation method", &method, DerivationMethod::from_name);
        let attributes = kmipkit::message::Attributes::from_plain(&attributes);
        let mut derivation = DerivationParameters::with_data(data.to_vec());
        let mut parameters = Ok(None);
        if let Some(o) = options {
            parameters = convert::parameters(o.parameters);
            derivation.salt = o.salt.map(|s| Bytes(s.to_vec()));
            derivation.iteration_count = o.iterations;
        }
        promise(env, cancel, async move {
            derivation.cryptographic_parameters = parameters?;
            let request = DeriveKeyRequest::new(
                ObjectType::SymmetricKey,
                base,
                method?,
                derivation,
                attributes?,
            );
            Ok(c.derive_key(request).await?.unique_identifier)
        })
    }

    /// Check: whether `id` may be used; the identifier checked.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn check(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let r = c.check(CheckRequest::new(Some(id.clone()))).await?;
            Ok(r.unique_identifier.unwrap_or(id))
        })
    }
}
