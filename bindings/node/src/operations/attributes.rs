//! An object's attributes: Get Attributes.

use kmipkit::message::{AttributeReference, GetAttributesRequest};
use napi::Env;
use napi::bindgen_prelude::AsyncBlock;
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};

#[napi]
impl NativeClient {
    /// Get Attributes: the attributes `names` (tag names; all when empty) of `id` as a plain
    /// object by tag name (see `Attributes::to_plain`).
    #[napi(ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn get_attributes(
        &self,
        env: &Env,
        id: String,
        names: Vec<String>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Json>> {
        let c = self.client()?;
        let references = names
            .iter()
            .map(|n| AttributeReference::from_name(n))
            .collect();
        promise(env, cancel, async move {
            let request = GetAttributesRequest::new(Some(id), references);
            let r = c.get_attributes(request).await?;
            Ok(r.attributes.to_plain())
        })
    }
}
