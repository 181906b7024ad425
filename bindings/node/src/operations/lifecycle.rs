//! State changes of one object: Activate, Revoke and Destroy.

use kmipkit::message::RevokeRequest;
use kmipkit::spec::RevocationReasonCode;
use napi::Env;
use napi::bindgen_prelude::AsyncBlock;
use napi_derive::napi;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};

#[napi]
impl NativeClient {
    /// Activate: makes a pre-active object usable.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn activate(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        promise(env, cancel, async move { c.activate(&id).await })
    }

    /// Revoke for `reason` (a Revocation Reason Code name: `"CessationOfOperation"`,
    /// `"KeyCompromise"`, ...) with an optional message.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn revoke(
        &self,
        env: &Env,
        id: String,
        reason: String,
        message: Option<String>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        let code = RevocationReasonCode::from_name(&reason).ok_or_else(|| kmipkit::Error::Encode {
            what: "revocation reason".into(),
            reason: format!(
                "unknown reason {reason:?}; use a Revocation Reason Code name such as CessationOfOperation or KeyCompromise"
            ),
        });
        promise(env, cancel, async move {
            let mut request = RevokeRequest::new(Some(id), code?);
            request.revocation_reason.revocation_message = message;
            c.revoke(request).await.map(drop)
        })
    }

    /// Destroy: erases an object's key material (revoke an active key first).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn destroy(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let c = self.client()?;
        promise(env, cancel, async move { c.destroy(&id).await })
    }
}
