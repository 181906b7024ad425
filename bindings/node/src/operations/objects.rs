//! Making, fetching and finding objects: Create (an AES key), Get and Locate.

use kmipkit::message::{GetRequest, LocateRequest, Material};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer};
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::convert;

/// A fetched object. Key bytes are present only when the caller asked for them.
#[napi(object)]
pub struct ManagedObject {
    /// The object's unique identifier.
    pub unique_identifier: String,
    /// Its object type (`"SymmetricKey"`).
    pub object_type: String,
    /// The key block's format (`"Raw"`), for keys.
    pub key_format_type: Option<String>,
    /// The key's algorithm (`"AES"`), for keys.
    pub cryptographic_algorithm: Option<String>,
    /// The key's length in bits, for keys.
    pub cryptographic_length: Option<i32>,
    /// Whether the key material is wrapped by another key, for keys.
    pub wrapped: Option<bool>,
    /// The key material, secret or opaque data: only with `includeKeyMaterial`.
    pub material: Option<Buffer>,
    /// A certificate's encoded value (public).
    pub certificate: Option<Buffer>,
}

#[napi]
impl NativeClient {
    /// Create: a pre-active AES key of `bits` named `name` for `usage` (mask names or a number;
    /// Encrypt and Decrypt when absent); its unique identifier.
    #[napi(
        ts_return_type = "Promise<string>",
        ts_args_type = "name: string, bits: number, usage?: string[] | number | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn create_aes_key(
        &self,
        env: &Env,
        name: String,
        bits: i32,
        usage: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<String>> {
        let c = self.client()?;
        let usage = usage
            .filter(|u| !u.is_null())
            .map(|u| kmipkit::message::usage_mask_from_plain(&u));
        promise(env, cancel, async move {
            match usage {
                None => c.create_aes_key(&name, bits).await,
                Some(usage) => c.create_aes_key_with_usage(&name, bits, usage?).await,
            }
        })
    }

    /// Get: the object `id`; its bytes only when `include_material` is true; with
    /// `wrapping_key`, its key block wrapped by that key (AES key wrap) instead of plain.
    #[napi(ts_return_type = "Promise<ManagedObject>")]
    pub fn get(
        &self,
        env: &Env,
        id: String,
        include_material: bool,
        wrapping_key: Option<String>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<ManagedObject>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let r = match wrapping_key {
                Some(key) => c.get_wrapped(&id, &key).await?,
                None => c.get(GetRequest::new(Some(id))).await?,
            };
            let block = r.object.key_block();
            let mut object = ManagedObject {
                unique_identifier: r.unique_identifier.clone(),
                object_type: r.object_type.to_string(),
                key_format_type: block.map(|b| b.key_format_type.to_string()),
                cryptographic_algorithm: block
                    .and_then(|b| b.cryptographic_algorithm)
                    .map(|a| a.to_string()),
                cryptographic_length: block.and_then(|b| b.cryptographic_length),
                wrapped: block.map(|b| b.is_wrapped()),
                material: None,
                certificate: None,
            };
            match r.object.material() {
                Some(Material::Certificate(bytes)) => {
                    object.certificate = Some(Buffer::from(bytes.to_vec()))
                }
                Some(Material::Secret(secret)) if include_material => {
                    object.material = Some(convert::exposed(secret))
                }
                // Not asked for (dropped and zeroized here), or no bytes at all.
                _ => {}
            }
            Ok(object)
        })
    }

    /// Locate: the identifiers of the objects whose attributes match `attributes` (a plain
    /// object or `[name, value]` pairs), at most `max_items`, after skipping `offset`.
    #[napi(
        ts_return_type = "Promise<string[]>",
        ts_args_type = "attributes: object, maxItems?: number | undefined | null, offset?: number | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn locate(
        &self,
        env: &Env,
        attributes: Json,
        max_items: Option<i32>,
        offset: Option<i32>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<String>>> {
        let c = self.client()?;
        let attributes = kmipkit::message::Attributes::from_plain(&attributes);
        promise(env, cancel, async move {
            let mut request = LocateRequest::new(attributes?);
            request.maximum_items = max_items;
            request.offset_items = offset;
            Ok(c.locate(request).await?.unique_identifier)
        })
    }

    /// The identifiers of the objects named `name` (a Locate by Name).
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn locate_by_name(
        &self,
        env: &Env,
        name: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<String>>> {
        let c = self.client()?;
        promise(env, cancel, async move { c.locate_by_name(&name).await })
    }
}
