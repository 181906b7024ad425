//! Cryptography on the server beyond Encrypt and Decrypt: Sign, Signature Verify, MAC,
//! MAC Verify and Hash, and its random numbers (RNG Retrieve, RNG Seed).

use kmipkit::message::{
    CryptographicParameters, HashRequest, MACRequest, MACVerifyRequest, RNGSeedRequest,
    SignRequest, SignatureVerifyRequest,
};
use kmipkit::spec::{HashingAlgorithm, ValidityIndicator};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer, Uint8Array};
use napi_derive::napi;
use serde_json::Value as Json;

use super::keys::named;
use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::convert;

fn empty() -> Buffer {
    Buffer::from(Vec::new())
}

#[napi]
impl NativeClient {
    /// Sign `data` with the private key `id`: the signature.
    #[napi(
        ts_return_type = "Promise<Buffer>",
        ts_args_type = "id: string, data: Uint8Array, parameters?: Record<string, unknown> | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn sign(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        parameters: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let c = self.client()?;
        let mut request = SignRequest::new(Some(id), data.to_vec());
        let parameters = convert::parameters(parameters);
        promise(env, cancel, async move {
            request.cryptographic_parameters = parameters?;
            let r = c.sign(request).await?;
            Ok(convert::buffer(r.signature_data).unwrap_or_else(empty))
        })
    }

    /// Signature Verify: whether `signature` over `data` is valid for the public key `id`.
    #[napi(
        ts_return_type = "Promise<boolean>",
        ts_args_type = "id: string, data: Uint8Array, signature: Uint8Array, parameters?: Record<string, unknown> | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn signature_verify(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        signature: Uint8Array,
        parameters: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<bool>> {
        let c = self.client()?;
        let mut request = SignatureVerifyRequest::new(Some(id), data.to_vec(), signature.to_vec());
        let parameters = convert::parameters(parameters);
        promise(env, cancel, async move {
            request.cryptographic_parameters = parameters?;
            let r = c.signature_verify(request).await?;
            Ok(r.validity_indicator == ValidityIndicator::Valid)
        })
    }

    /// MAC of `data` with the key `id`.
    #[napi(
        ts_return_type = "Promise<Buffer>",
        ts_args_type = "id: string, data: Uint8Array, parameters?: Record<string, unknown> | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn mac(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        parameters: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let c = self.client()?;
        let mut request = MACRequest::new(Some(id), data.to_vec());
        let parameters = convert::parameters(parameters);
        promise(env, cancel, async move {
            request.cryptographic_parameters = parameters?;
            let r = c.mac(request).await?;
            Ok(convert::buffer(r.mac_data).unwrap_or_else(empty))
        })
    }

    /// MAC Verify: whether `mac` over `data` is valid for the key `id`.
    #[napi(
        ts_return_type = "Promise<boolean>",
        ts_args_type = "id: string, data: Uint8Array, mac: Uint8Array, parameters?: Record<string, unknown> | undefined | null, cancel?: Canceller | undefined | null"
    )]
    pub fn mac_verify(
        &self,
        env: &Env,
        id: String,
        data: Uint8Array,
        mac: Uint8Array,
        parameters: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<bool>> {
        let c = self.client()?;
        let mut request = MACVerifyRequest::new(Some(id), data.to_vec(), mac.to_vec());
        let parameters = convert::parameters(parameters);
        promise(env, cancel, async move {
            request.cryptographic_parameters = parameters?;
            let r = c.mac_verify(request).await?;
            Ok(r.validity_indicator == ValidityIndicator::Valid)
        })
    }

    /// Hash `data` on the server with `algorithm` (a Hashing Algorithm name: `"SHA_256"`).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn hash(
        &self,
        env: &Env,
        data: Uint8Array,
        algorithm: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let c = self.client()?;
        let algorithm = named("hashing algorithm", &algorithm, HashingAlgorithm::from_name);
        let data = data.to_vec();
        promise(env, cancel, async move {
            let mut parameters = CryptographicParameters::default();
            parameters.hashing_algorithm = Some(algorithm?);
            let r = c.hash(HashRequest::new(parameters, data)).await?;
            Ok(convert::buffer(r.data).unwrap_or_else(empty))
        })
    }

    /// RNG Retrieve: `length` random bytes from the server.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn rng_retrieve(
        &self,
        env: &Env,
        length: u32,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let bytes = c.rng_retrieve(length as usize).await?;
            Ok(Buffer::from(bytes.to_vec()))
        })
    }

    /// RNG Seed: offers `seed` to the server's random number generator.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn rng_seed(
        &self,
        env: &Env,
        seed: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let seed = seed.to_vec();
        promise(env, cancel, async move {
            c.rng_seed(RNGSeedRequest::new(seed)).await.map(drop)
        })
    }
}
