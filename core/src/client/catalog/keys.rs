//! Creating an AES key for a usage, and Get with the key wrapped under another key.

use crate::client::Client;
use crate::error::Result;
use crate::message::{
    Attribute, Attributes, CreateRequest, GetRequest, GetResponse, KeyWrappingSpecification, Name,
};
use crate::spec::{CryptographicAlgorithm, CryptographicUsageMask, ObjectType};

impl Client {
    /// Creates an AES key of `bits` named `name` that may be used as `usage` says; returns its
    /// unique identifier. The key is pre-active until [`Client::activate`].
    /// [`Client::create_aes_key`] is this with `Encrypt | Decrypt`.
    ///
    /// ```no_run
    /// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
    /// use kmipkit::spec::CryptographicUsageMask as Usage;
    /// let kek = client
    ///     .create_aes_key_with_usage("payments-kek", 256, Usage::WrapKey | Usage::UnwrapKey)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_aes_key_with_usage(
        &self,
        name: &str,
        bits: i32,
        usage: CryptographicUsageMask,
    ) -> Result<String> {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        ));
        attributes.push(Attribute::CryptographicLength(bits));
        attributes.push(Attribute::CryptographicUsageMask(usage));
        attributes.push(Attribute::Name(Name::text(name)));
        let request = CreateRequest::new(ObjectType::SymmetricKey, attributes);
        Ok(self.create(request).await?.unique_identifier)
    }

    /// Gets the object `id` with its key wrapped (AES key wrap, RFC 3394) under the key
    /// `wrapping_key`, which must be an active AES key with the Wrap Key usage; see
    /// [`KeyWrappingSpecification::aes_key_wrap`] for what is asked of the server.
    ///
    /// ```no_run
    /// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
    /// let got = client.get_wrapped("42", "kek-7").await?;
    /// assert!(got.object.key_block().is_some_and(|b| b.is_wrapped()));
    /// # Ok(()) }
    /// ```
    pub async fn get_wrapped(&self, id: &str, wrapping_key: &str) -> Result<GetResponse> {
        let mut request = GetRequest::new(Some(id.to_string()));
        request.key_wrapping_specification =
            Some(KeyWrappingSpecification::aes_key_wrap(wrapping_key));
        self.get(request).await
    }
}
