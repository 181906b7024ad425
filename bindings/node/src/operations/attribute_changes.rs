//! Changing an object's attributes: Get Attribute List, Add, Modify, Set (KMIP 2.0) and Delete
//! Attribute. Values are read by the core's `Attribute::from_plain`, as Locate and Create read
//! them (`{ Name: 'orders' }` there is `('Name', 'orders')` here).

use kmipkit::message::{
    AddAttributeRequest, Attribute, AttributeEntry, AttributeReference, DeleteAttributeRequest,
    ModifyAttributeRequest, SetAttributeRequest,
};
use napi::Env;
use napi::bindgen_prelude::AsyncBlock;
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};

#[napi]
impl NativeClient {
    /// Get Attribute List: the tag names of the attributes `id` has.
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn get_attribute_list(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<String>>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let references = c.get_attribute_list(&id).await?;
            Ok(references.iter().map(AttributeReference::name).collect())
        })
    }

    /// Add Attribute: gives `id` the attribute `name` with `value`.
    #[napi(
        ts_return_type = "Promise<void>",
        ts_args_type = "id: string, name: string, value: unknown, cancel?: Canceller | undefined | null"
    )]
    pub fn add_attribute(
        &self,
        env: &Env,
        id: String,
        name: String,
        value: Json,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let attribute = Attribute::from_plain(&name, &value);
        promise(env, cancel, async move {
            let request = AddAttributeRequest::new(Some(id), attribute?);
            c.add_attribute(request).await.map(drop)
        })
    }

    /// Modify Attribute: sets `name` of `id` to `value`; with `current`, the value replaced
    /// (to pick one of several, e.g. one Name of two).
    #[napi(
        ts_return_type = "Promise<void>",
        ts_args_type = "id: string, name: string, value: unknown, current?: unknown, cancel?: Canceller | undefined | null"
    )]
    pub fn modify_attribute(
        &self,
        env: &Env,
        id: String,
        name: String,
        value: Json,
        current: Option<Json>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let attribute = Attribute::from_plain(&name, &value);
        let current = current
            .filter(|v| !v.is_null())
            .map(|v| Attribute::from_plain(&name, &v))
            .transpose();
        promise(env, cancel, async move {
            let mut request = ModifyAttributeRequest::new(Some(id), attribute?);
            request.current_attribute = current?.map(AttributeEntry::from);
            c.modify_attribute(request).await.map(drop)
        })
    }

    /// Set Attribute (KMIP 2.0): sets `name` of `id` to `value`, adding it when absent.
    #[napi(
        ts_return_type = "Promise<void>",
        ts_args_type = "id: string, name: string, value: unknown, cancel?: Canceller | undefined | null"
    )]
    pub fn set_attribute(
        &self,
        env: &Env,
        id: String,
        name: String,
        value: Json,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let attribute = Attribute::from_plain(&name, &value);
        promise(env, cancel, async move {
            let request = SetAttributeRequest::new(Some(id), attribute?);
            c.set_attribute(request).await.map(drop)
        })
    }

    /// Delete Attribute: removes the attribute `name` from `id`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_attribute(
        &self,
        env: &Env,
        id: String,
        name: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let reference = AttributeReference::by_name(&name);
        promise(env, cancel, async move {
            let request = DeleteAttributeRequest::new(Some(id), reference);
            c.delete_attribute(request).await.map(drop)
        })
    }
}
