//! [`Canceller`]: how an `AbortSignal` stops native work.
//!
//! `node/index.js` makes one `Canceller` per call that has a signal, passes it as the method's
//! last argument and calls [`Canceller::cancel`] when the signal fires (after rejecting the
//! caller's promise itself, so the rejection never waits on native code). The operation's
//! future races the cancellation in [`until_cancelled`]; the first to finish wins and the other
//! is dropped, which drops the request and the connection it was using.

use std::future::Future;

use napi_derive::napi;
use tokio::sync::watch;

use crate::errors;

/// A one-shot cancellation switch shared between JavaScript and one native operation.
///
/// ```js
/// const c = new native.Canceller()
/// const p = client.query(c)
/// c.cancel() // p rejects; the request is dropped
/// ```
#[napi]
pub struct Canceller {
    switch: watch::Sender<bool>,
}

#[napi]
impl Canceller {
    /// A switch that is off.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            switch: watch::Sender::new(false),
        }
    }

    /// Turns the switch on: the operation it was given to stops (no effect when it finished).
    #[napi]
    pub fn cancel(&self) {
        self.switch.send_replace(true);
    }

    /// Whether [`Canceller::cancel`] was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        *self.switch.borrow()
    }
}

impl Canceller {
    /// A receiver the operation's future waits on.
    pub fn token(&self) -> watch::Receiver<bool> {
        self.switch.subscribe()
    }
}

/// `work`'s result, or the [`errors::aborted`] error as soon as `token` is switched on (then
/// `work` is dropped unfinished). Without a token, `work`'s result.
pub async fn until_cancelled<T>(
    token: Option<watch::Receiver<bool>>,
    work: impl Future<Output = napi::Result<T>>,
) -> napi::Result<T> {
    let Some(mut token) = token else {
        return work.await;
    };
    if *token.borrow() {
        return Err(errors::aborted());
    }
    // A dropped Canceller (collected without being triggered) never cancels: the work goes on.
    let cancelled = async move {
        if token.wait_for(|on| *on).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = work => result,
        () = cancelled => Err(errors::aborted()),
    }
}
