//! The rest of the core's operations, so the online `Client` has one method per entry of
//! [`kmipkit::client::OPERATIONS`] (exported as `coreOperations()` for the parity test), named,
//! shaped and answering as the Node package's: generic Create, Re-Key Key Pair, Poll, Cancel,
//! MAC Verify, Hash, RNG Retrieve and RNG Seed. Conversions only: the core's methods do the work.
//!
//! ```js
//! const id = await client.create("SymmetricKey", { CryptographicAlgorithm: "AES", CryptographicLength: 128 });
//! const digest = await client.hash(new TextEncoder().encode("abc"), "SHA_256");
//! ```

use js_sys::{Array, Promise, Uint8Array};
use kmipkit::client::OPERATIONS;
use kmipkit::message::{
    CancelRequest, CreateRequest, CryptographicParameters, HashRequest, MACVerifyRequest,
    PollRequest, RNGSeedRequest, ReKeyKeyPairRequest,
};
use kmipkit::spec::{HashingAlgorithm, ObjectType, ValidityIndicator};
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};
use super::convert::{self, Out};
use crate::errors::{IntoJs, invalid};

/// Every operation the core's client has a method for, as `{ operation, method }` (KMIP's name
/// and the core's snake_case method): what the package's parity test checks `Client` against.
///
/// ```js
/// coreOperations().some((o) => o.method === "rng_retrieve"); // true
/// ```
#[wasm_bindgen(js_name = coreOperations)]
pub fn core_operations() -> Array {
    OPERATIONS
        .iter()
        .map(|o| {
            let out = Out::new();
            out.set("operation", Some(o.operation.to_string().into()));
            out.set("method", Some(JsValue::from_str(o.method)));
            JsValue::from(out.0)
        })
        .collect()
}

/// `text` read by `from_name` as the KMIP enumeration `what`, or the error naming the value and
/// an example of a good one.
fn named<T>(
    what: &str,
    text: &str,
    example: &str,
    from_name: impl Fn(&str) -> Option<T>,
) -> Result<T, JsValue> {
    from_name(text)
        .ok_or_else(|| {
            let reason = format!("unknown {what} {text:?}; use its KMIP name, such as {example}");
            convert::refuse(what, &reason)
        })
        .js()
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Create: an object of `object_type` (`"SymmetricKey"`, `"SecretData"`) the server makes
    /// with `attributes` (by tag name, or pairs); its unique identifier.
    pub fn create(&self, object_type: String, attributes: JsValue) -> Result<Promise, JsValue> {
        let object_type = named(
            "object type",
            &object_type,
            "SymmetricKey",
            ObjectType::from_name,
        )?;
        let attributes =
            kmipkit::message::Attributes::from_plain(&convert::json_of(&attributes).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c
                .create(CreateRequest::new(object_type, attributes))
                .await?;
            Ok(r.unique_identifier.into())
        }))
    }

    /// Re-Key Key Pair: a new pair replacing the pair of private key `id`, as
    /// `{ privateKeyId, publicKeyId }`.
    #[wasm_bindgen(js_name = rekeyKeyPair)]
    pub fn rekey_key_pair(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let r = c.rekey_key_pair(ReKeyKeyPairRequest::new(Some(id))).await?;
            let out = Out::new();
            out.set("privateKeyId", Some(r.private_key_unique_identifier.into()));
            out.set("publicKeyId", Some(r.public_key_unique_identifier.into()));
            Ok(out.0.into())
        })
    }

    /// Poll: asks after the asynchronous operation of `correlation` (the Asynchronous
    /// Correlation Value a server answered with).
    pub fn poll(&self, correlation: Vec<u8>) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            c.poll(PollRequest::new(correlation))
                .await
                .map(|_| JsValue::UNDEFINED)
        })
    }

    /// Cancel: asks the server to stop the asynchronous operation of `correlation`.
    pub fn cancel(&self, correlation: Vec<u8>) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            c.cancel(CancelRequest::new(correlation))
                .await
                .map(|_| JsValue::UNDEFINED)
        })
    }

    /// MAC Verify: whether `mac` over `data` is valid for the key `id`.
    #[wasm_bindgen(js_name = macVerify)]
    pub fn mac_verify(
        &self,
        id: String,
        data: Vec<u8>,
        mac: Vec<u8>,
        params: JsValue,
    ) -> Result<Promise, JsValue> {
        let mut request = MACVerifyRequest::new(Some(id), data, mac);
        request.cryptographic_parameters =
            convert::parameters(&convert::json_of(&params).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.mac_verify(request).await?;
            Ok((r.validity_indicator == ValidityIndicator::Valid).into())
        }))
    }

    /// Hash `data` on the server with `algorithm` (a Hashing Algorithm name: `"SHA_256"`): the
    /// digest.
    pub fn hash(&self, data: Vec<u8>, algorithm: String) -> Result<Promise, JsValue> {
        let algorithm = named(
            "hashing algorithm",
            &algorithm,
            "SHA_256",
            HashingAlgorithm::from_name,
        )?;
        let mut parameters = CryptographicParameters::default();
        parameters.hashing_algorithm = Some(algorithm);
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.hash(HashRequest::new(parameters, data)).await?;
            Ok(Uint8Array::from(r.data.as_ref().map_or(&[][..], |d| &d.0[..])).into())
        }))
    }

    /// RNG Retrieve: `length` (1 to 2^31-1) random bytes from the server.
    #[wasm_bindgen(js_name = rngRetrieve)]
    pub fn rng_retrieve(&self, length: u32) -> Result<Promise, JsValue> {
        if length == 0 || length > i32::MAX as u32 {
            return Err(invalid(
                "length must be a whole number of bytes from 1 to 2^31-1",
            ));
        }
        let c = self.inner.clone();
        Ok(promise(async move {
            // The core's copy is zeroized when it drops here; the caller owns the array.
            let bytes = c.rng_retrieve(length as usize).await?;
            Ok(Uint8Array::from(&bytes[..]).into())
        }))
    }

    /// RNG Seed: offers `seed` to the server's random number generator.
    #[wasm_bindgen(js_name = rngSeed)]
    pub fn rng_seed(&self, seed: Vec<u8>) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            c.rng_seed(RNGSeedRequest::new(seed))
                .await
                .map(|_| JsValue::UNDEFINED)
        })
    }
}
