//! Operations on one object by its identifier that the first online client left out, named as
//! the Node package names them: Archive, Recover, Re-Key and Check. Conversions only: the core's
//! methods do the work.

use js_sys::Promise;
use kmipkit::message::{CheckRequest, ReKeyRequest};
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Archive: moves `id` to off-line storage.
    pub fn archive(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move { c.archive(&id).await.map(|()| JsValue::UNDEFINED) })
    }

    /// Recover: brings an archived `id` back on-line.
    pub fn recover(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move { c.recover(&id).await.map(|()| JsValue::UNDEFINED) })
    }

    /// Re-Key: a new key replacing `id`; its unique identifier.
    pub fn rekey(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let r = c.rekey(ReKeyRequest::new(Some(id))).await?;
            Ok(r.unique_identifier.into())
        })
    }

    /// Check: whether `id` may be used; the identifier checked.
    pub fn check(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let r = c.check(CheckRequest::new(Some(id.clone()))).await?;
            Ok(r.unique_identifier.unwrap_or(id).into())
        })
    }
}
