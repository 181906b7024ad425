//! One in-flight key-manager fetch that concurrent callers for the same key wait on.
//!
//! Built on `std::sync::Mutex` and `std::task::Waker` only (no runtime), so it works under any
//! executor and on wasm32. The mutex guards a few fields and is never held across an `.await`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::error::Result;
use crate::keys::SecretBytes;

/// What a finished flight hands to its waiters.
#[derive(Clone)]
pub(super) enum Outcome {
    /// The fetch finished, with the key or the error that every waiter receives.
    Done(Result<Arc<SecretBytes>>),
    /// The leading caller was dropped (cancelled, or its fetch panicked) before the fetch finished:
    /// each waiter starts over, and one of them fetches.
    Abandoned,
}

/// A fetch in progress, shared by its leader (who runs it) and its waiters.
#[derive(Default)]
pub(super) struct Flight {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    outcome: Option<Outcome>,
    /// One slot per waiter (by the index it was given), emptied when the waiter goes away.
    wakers: Vec<Option<Waker>>,
}

impl Flight {
    /// Records the outcome and wakes every waiter (outside the lock).
    pub(super) fn finish(&self, outcome: Outcome) {
        let wakers = {
            let mut state = self.state();
            state.outcome = Some(outcome);
            std::mem::take(&mut state.wakers)
        };
        for waker in wakers.into_iter().flatten() {
            waker.wake();
        }
    }

    /// A future that resolves to the outcome once the leader calls [`Flight::finish`].
    pub(super) fn wait(self: Arc<Self>) -> Wait {
        Wait {
            flight: self,
            slot: None,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent whenever the lock is released, so a panic elsewhere is harmless.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Waits for a [`Flight`]'s outcome; registers its waker once and updates it if it changes.
pub(super) struct Wait {
    flight: Arc<Flight>,
    slot: Option<usize>,
}

impl Future for Wait {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let this = &mut *self;
        let mut state = this.flight.state();
        if let Some(outcome) = &state.outcome {
            return Poll::Ready(outcome.clone());
        }
        match this.slot.and_then(|i| state.wakers.get_mut(i)) {
            Some(Some(waker)) => waker.clone_from(cx.waker()),
            _ => {
                this.slot = Some(state.wakers.len());
                state.wakers.push(Some(cx.waker().clone()));
            }
        }
        Poll::Pending
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if let Some(i) = self.slot
            && let Some(waker) = self.flight.state().wakers.get_mut(i)
        {
            *waker = None;
        }
    }
}
