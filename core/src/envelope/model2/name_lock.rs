//! One creation per key name at a time, under any executor: an async lock built on
//! `std::sync::Mutex` and wakers only (no runtime), so Model 2 runs on tokio, on the blocking
//! client's `block_on` and on wasm32 alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// An async lock held across the awaits of a first-use lookup-or-create.
#[derive(Default)]
pub(super) struct NameLock {
    state: Mutex<State>,
}

impl std::fmt::Debug for NameLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameLock")
            .field("locked", &self.state().locked)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct State {
    locked: bool,
    /// Wakers of the tasks waiting, by ticket; all are woken when the lock is released (waits
    /// are short and few, so the herd is small and no wake can be lost to a cancelled waiter).
    waiters: Vec<(u64, Waker)>,
    next_ticket: u64,
}

/// Holds the lock until dropped.
pub(super) struct Held<'a>(&'a NameLock);

/// The future of [`NameLock::lock`].
pub(super) struct Acquire<'a> {
    lock: &'a NameLock,
    ticket: Option<u64>,
}

impl NameLock {
    /// Waits until no one else holds the lock, then holds it.
    pub(super) fn lock(&self) -> Acquire<'_> {
        Acquire {
            lock: self,
            ticket: None,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Only flags and wakers live under the lock: a panic elsewhere leaves them consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = Held<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Held<'a>> {
        let lock = self.lock;
        let mut state = lock.state();
        if !state.locked {
            state.locked = true;
            if let Some(ticket) = self.ticket.take() {
                state.waiters.retain(|(t, _)| *t != ticket);
            }
            return Poll::Ready(Held(lock));
        }
        let ticket = match self.ticket {
            Some(ticket) => ticket,
            None => {
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                self.ticket = Some(ticket);
                ticket
            }
        };
        match state.waiters.iter_mut().find(|(t, _)| *t == ticket) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => state.waiters.push((ticket, cx.waker().clone())),
        }
        Poll::Pending
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            self.lock.state().waiters.retain(|(t, _)| *t != ticket);
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut state = self.0.state();
            state.locked = false;
            std::mem::take(&mut state.waiters)
        };
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Threads that each take the lock many times never hold it two at a time.
    #[test]
    fn one_holder_at_a_time_across_threads() {
        let lock = Arc::new(NameLock::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (lock, inside) = (lock.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        crate::platform::block_on(async {
                            let _held = lock.lock().await;
                            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("no thread saw two holders");
        }
    }
}
