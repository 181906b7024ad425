//! Off-line storage and asynchronous operations: Archive, Recover, Poll and Cancel.

use kmipkit::message::{CancelRequest, PollRequest};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Uint8Array};
use napi_derive::napi;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};

#[napi]
impl NativeClient {
    /// Archive: moves `id` to off-line storage.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn archive(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        promise(env, cancel, async move { c.archive(&id).await })
    }

    /// Recover: brings an archived `id` back on-line.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn recover(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        promise(env, cancel, async move { c.recover(&id).await })
    }

    /// Poll: asks after the asynchronous operation of `correlation` (the Asynchronous
    /// Correlation Value a server answered with).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn poll(
        &self,
        env: &Env,
        correlation: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let request = PollRequest::new(correlation.to_vec());
        promise(env, cancel, async move { c.poll(request).await.map(drop) })
    }

    /// Cancel: asks the server to stop the asynchronous operation of `correlation`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn cancel(
        &self,
        env: &Env,
        correlation: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let request = CancelRequest::new(correlation.to_vec());
        promise(
            env,
            cancel,
            async move { c.cancel(request).await.map(drop) },
        )
    }
}
