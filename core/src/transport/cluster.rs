//! Failover above the seam: which server to ask, when a server is skipped, how long a call may
//! take. The same for every [`Link`], so a browser's `fetch`, a C program's sockets and the tokio
//! pool fail over alike.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::seam::{Call, Link, Peer, Sent, ServerStats};
use super::{Reply, Retry, Timeouts};
use crate::config::MAX_SERVERS;
use crate::error::{Attempt, Error, Result, shown};
use crate::platform::Clock;

/// The servers of one cluster over one [`Link`], with their health. Cheap to clone (clones
/// share the health: a server one call found down is skipped by the next).
///
/// Servers are tried in configured order (the first is the primary). A server that fails is
/// skipped for [`Timeouts::down_backoff`] while others are up; after a failure the cluster waits
/// [`Timeouts::failover_delay`] and tries the next, wrapping around, until
/// [`Timeouts::deadline`]. A server that failed for a reason retrying cannot fix
/// ([`Error::is_configuration_failure`]) is not tried again in the same call, and when every
/// server failed so the call ends at once. [`Retry`] says whether a request may be resent at all.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use std::sync::Arc;
/// use kmipkit::platform::{block_on, SystemClock};
/// use kmipkit::transport::{Cluster, HostLink, Retry, Timeouts};
///
/// let link = HostLink::blocking(["primary", "secondary"], |_server, request, _time_left| {
///     Ok(request.to_vec()) // a real host sends the bytes to server `server`
/// })?;
/// let cluster = Cluster::new(Arc::new(link), Timeouts::default(), Arc::new(SystemClock::default()))?;
/// let reply = block_on(cluster.send(b"request", Retry::Any))?;
/// assert_eq!(reply.server, "primary");
/// # }
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    link: Arc<dyn Link>,
    /// Per server: until when (on `clock`) it is skipped after a failure.
    down_until: Vec<Mutex<Option<Duration>>>,
    timeouts: Timeouts,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("servers", &self.server_names())
            .field("timeouts", &self.inner.timeouts)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// A cluster over `link`'s servers. Refuses an empty list, more than
    /// [`MAX_SERVERS`](crate::config::MAX_SERVERS) servers and duplicate names.
    // On wasm32 a link need not be Send (`MaybeSend`): one thread, and the same `Arc` code as
    // on native targets instead of a second type for a single-threaded host.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn new(link: Arc<dyn Link>, timeouts: Timeouts, clock: Arc<dyn Clock>) -> Result<Self> {
        check_peers(link.peers())?;
        let down_until = link.peers().iter().map(|_| Mutex::new(None)).collect();
        Ok(Self {
            inner: Arc::new(Inner {
                link,
                down_until,
                timeouts,
                clock,
            }),
        })
    }

    /// Sends one TTLV request and returns the reply, failing over between servers as
    /// [`Retry`] allows, within [`Timeouts::deadline`].
    ///
    /// Errors: the first non-transport error (a reply over the size limit, a reply that is not
    /// TTLV); with [`Retry::IfNotSent`], a transport error after which the request may have
    /// reached the server; otherwise [`Error::AllServersFailed`] naming each server once (at
    /// the deadline, or at once when every server failed for a reason retrying cannot fix).
    pub async fn send(&self, request: &[u8], retry: Retry) -> Result<Reply> {
        let inner = &*self.inner;
        let count = inner.down_until.len();
        let deadline = self.later(inner.timeouts.deadline);
        let mut attempts = Vec::new();
        // Servers that failed for a reason retrying cannot fix are not tried again in this call.
        let mut settled = vec![false; count];
        let mut next = 0;
        loop {
            let now = inner.clock.now();
            if now >= deadline {
                return Err(self.all_failed(attempts));
            }
            let Some(index) = self.pick(next, &settled) else {
                return Err(self.all_failed(attempts));
            };
            let call = Call {
                budget: deadline - now,
                retry,
                skip_if_failed: true,
            };
            match inner.link.send(index, request, call).await {
                Ok(Sent::Reply(bytes)) => {
                    self.mark_up(index);
                    return Ok(self.reply(index, bytes, attempts));
                }
                // Marked down while this request waited for one of its connections.
                Ok(Sent::Skipped) => next = (index + 1) % count,
                Err(e) if !e.is_transport_failure() => return Err(e),
                Err(e) => {
                    self.mark_down(index);
                    if retry == Retry::IfNotSent && !e.request_not_sent() {
                        return Err(e);
                    }
                    if e.is_configuration_failure() {
                        settled[index] = true;
                    }
                    Attempt::record(&mut attempts, &self.peer(index).name, e);
                    if settled.iter().all(|s| *s) {
                        return Err(self.all_failed(attempts));
                    }
                    next = (index + 1) % count;
                    if self.later(inner.timeouts.failover_delay) >= deadline {
                        return Err(self.all_failed(attempts));
                    }
                    inner.link.pause(inner.timeouts.failover_delay).await;
                }
            }
        }
    }

    /// Sends one request to the named server only: no failover, no resend after the request
    /// may have reached it. Bounded by [`Timeouts::deadline`].
    pub async fn send_to(&self, server: &str, request: &[u8]) -> Result<Reply> {
        let index = self.index(server)?;
        let call = Call {
            budget: self.inner.timeouts.deadline,
            retry: Retry::IfNotSent,
            skip_if_failed: false,
        };
        match self.inner.link.send(index, request, call).await {
            Ok(Sent::Reply(bytes)) => {
                self.mark_up(index);
                Ok(self.reply(index, bytes, Vec::new()))
            }
            Ok(Sent::Skipped) => Err(Error::Timeout {
                server: server.to_string(),
                phase: "wait for a free connection",
                after_ms: millis(self.inner.timeouts.deadline),
            }),
            Err(e) => {
                if e.is_transport_failure() {
                    self.mark_down(index);
                }
                Err(e)
            }
        }
    }

    /// The link under the cluster.
    pub fn link(&self) -> &Arc<dyn Link> {
        &self.inner.link
    }

    /// The link's identity digest (see [`Link::identity`]).
    pub fn identity_digest(&self) -> [u8; 32] {
        self.inner.link.identity()
    }

    /// The configured server names, primary first.
    pub fn server_names(&self) -> Vec<String> {
        self.inner
            .link
            .peers()
            .iter()
            .map(|p| p.name.clone())
            .collect()
    }

    /// The time bounds of every request.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The server names in the order a lookup should ask them: configured order, but servers
    /// that recently failed (skipped by failover for [`Timeouts::down_backoff`]) last.
    pub fn preferred_order(&self) -> Vec<String> {
        let now = self.inner.clock.now();
        let peers = self.inner.link.peers();
        let (up, down): (Vec<usize>, Vec<usize>) =
            (0..peers.len()).partition(|&i| !self.is_down(i, now));
        up.into_iter()
            .chain(down)
            .map(|i| peers[i].name.clone())
            .collect()
    }

    /// The host and port of the named server, as configured (for logs).
    pub fn server_address(&self, name: &str) -> Option<(&str, u16)> {
        let peer = self.inner.link.peers().iter().find(|p| p.name == name)?;
        Some((peer.host.as_str(), peer.port))
    }

    /// The common name of the client certificate the named server is shown; `None` without
    /// one or for an unknown server. Servers of one cluster may be shown different certificates.
    pub fn client_identity(&self, name: &str) -> Option<&str> {
        let peer = self.inner.link.peers().iter().find(|p| p.name == name)?;
        peer.client_identity.as_deref()
    }

    /// Connection counters per server, primary first, with whether each is skipped now.
    pub fn stats(&self) -> Vec<ServerStats> {
        let now = self.inner.clock.now();
        let mut stats = self.inner.link.stats();
        if stats.len() != self.inner.down_until.len() {
            stats = self
                .server_names()
                .into_iter()
                .map(ServerStats::new)
                .collect();
        }
        for (i, s) in stats.iter_mut().enumerate() {
            s.down = self.is_down(i, now);
        }
        stats
    }

    fn reply(
        &self,
        index: usize,
        bytes: zeroize::Zeroizing<Vec<u8>>,
        failed: Vec<Attempt>,
    ) -> Reply {
        Reply {
            bytes,
            server: self.peer(index).name.clone(),
            failed_attempts: failed,
        }
    }

    fn peer(&self, index: usize) -> &Peer {
        &self.inner.link.peers()[index]
    }

    /// The first server from `next` on (wrapping) that is neither `settled` nor marked down;
    /// else the first that is not `settled`; `None` when all are.
    fn pick(&self, next: usize, settled: &[bool]) -> Option<usize> {
        let count = settled.len();
        let now = self.inner.clock.now();
        let mut candidates = (0..count)
            .map(|k| (next + k) % count)
            .filter(|&i| !settled[i]);
        let first = candidates.clone().next()?;
        Some(candidates.find(|&i| !self.is_down(i, now)).unwrap_or(first))
    }

    fn is_down(&self, index: usize, now: Duration) -> bool {
        lock(&self.inner.down_until[index]).is_some_and(|until| now < until)
    }

    fn mark_down(&self, index: usize) {
        *lock(&self.inner.down_until[index]) = Some(self.later(self.inner.timeouts.down_backoff));
        self.inner.link.server_failed(index);
    }

    fn mark_up(&self, index: usize) {
        let mut down = lock(&self.inner.down_until[index]);
        if down.is_some() {
            *down = None;
        }
    }

    /// `after` from now on the cluster's clock, saturating (`Duration::MAX` never arrives).
    fn later(&self, after: Duration) -> Duration {
        self.inner.clock.now().saturating_add(after)
    }

    fn index(&self, name: &str) -> Result<usize> {
        self.inner
            .link
            .peers()
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::Config {
                file: None,
                line: None,
                reason: format!(
                    "no key server is named `{}`; configured: {}",
                    shown(name),
                    self.server_names().join(", ")
                ),
            })
    }

    fn all_failed(&self, attempts: Vec<Attempt>) -> Error {
        Error::AllServersFailed {
            deadline_ms: millis(self.inner.timeouts.deadline),
            attempts,
        }
    }
}

/// Refuses what no cluster can be: no server, too many, two with one name.
pub(super) fn check_peers(peers: &[Peer]) -> Result<()> {
    let config = |reason: String| Error::Config {
        file: None,
        line: None,
        reason,
    };
    if peers.is_empty() {
        return Err(config("no key server is configured".into()));
    }
    if peers.len() > MAX_SERVERS {
        return Err(config(format!(
            "{} key servers are configured; kmipkit takes at most {MAX_SERVERS}",
            peers.len()
        )));
    }
    let mut names = HashSet::with_capacity(peers.len());
    for peer in peers {
        if !names.insert(peer.name.as_str()) {
            return Err(config(format!(
                "two key servers are named `{}`; names must be unique",
                shown(&peer.name)
            )));
        }
    }
    Ok(())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A poisoned lock only means another task panicked while setting a time; it stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::platform::{SystemClock, block_on};
    use crate::transport::HostLink;

    fn timeouts() -> Timeouts {
        Timeouts {
            failover_delay: Duration::from_millis(1),
            deadline: Duration::from_millis(300),
            ..Timeouts::default()
        }
    }

    /// A cluster of `names` whose host answers with `answer(server index, attempt number)`.
    fn cluster(
        names: &[&str],
        answer: impl Fn(usize, usize) -> Result<Vec<u8>> + Send + Sync + 'static,
    ) -> Cluster {
        let attempts = AtomicUsize::new(0);
        let link = HostLink::blocking(names.iter().copied(), move |i, _, _| {
            answer(i, attempts.fetch_add(1, Ordering::SeqCst))
        })
        .unwrap();
        Cluster::new(Arc::new(link), timeouts(), Arc::new(SystemClock::default())).unwrap()
    }

    fn refused(server: &str) -> Error {
        Error::Connect {
            server: server.into(),
            address: String::new(),
            reason: "refused".into(),
        }
    }

    #[test]
    fn a_failed_primary_is_skipped_until_its_backoff_ends() {
        let cluster = cluster(&["a", "b"], |i, _| match i {
            0 => Err(refused("a")),
            _ => Ok(b"reply".to_vec()),
        });
        let reply = block_on(cluster.send(b"x", Retry::Any)).unwrap();
        assert_eq!(reply.server, "b");
        assert_eq!(reply.failed_attempts.len(), 1);
        assert_eq!(cluster.preferred_order(), ["b", "a"]);
        // The next call goes straight to the secondary: no attempt on the primary.
        let reply = block_on(cluster.send(b"x", Retry::Any)).unwrap();
        assert!(reply.failed_attempts.is_empty());
        assert!(cluster.stats()[0].down && !cluster.stats()[1].down);
    }

    #[test]
    fn a_create_that_may_have_arrived_is_not_sent_elsewhere() {
        let cluster = cluster(&["a", "b"], |i, _| match i {
            0 => Err(HostLink::lost("a", true, "cut")),
            _ => Ok(b"reply".to_vec()),
        });
        let err = block_on(cluster.send(b"x", Retry::IfNotSent)).unwrap_err();
        assert!(matches!(err, Error::ConnectionLost { .. }), "{err:?}");
        // A read may go on to the next server.
        assert_eq!(
            block_on(cluster.send(b"x", Retry::Any)).unwrap().server,
            "b"
        );
    }

    #[test]
    fn servers_that_refuse_the_certificate_end_the_call_at_once() {
        let cluster = cluster(&["a", "b"], |i, _| {
            Err(Error::Certificate {
                server: ["a", "b"][i].into(),
                rejected_by: crate::Party::Client,
                reason: "unknown CA".into(),
            })
        });
        let err = block_on(cluster.send(b"x", Retry::Any)).unwrap_err();
        let Error::AllServersFailed { attempts, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(attempts.len(), 2, "each server once: {attempts:?}");
        assert_eq!(err.kind(), crate::ErrorKind::Certificate);
    }

    #[test]
    fn the_deadline_ends_a_call_to_servers_that_keep_failing() {
        let cluster = cluster(&["a"], |_, _| Err(refused("a")));
        let started = std::time::Instant::now();
        let err = block_on(cluster.send(b"x", Retry::Any)).unwrap_err();
        assert!(matches!(err, Error::AllServersFailed { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn other_errors_end_the_call_without_failover() {
        let cluster = cluster(&["a", "b"], |_, _| {
            Err(Error::Protocol {
                reason: "not TTLV".into(),
            })
        });
        let err = block_on(cluster.send(b"x", Retry::Any)).unwrap_err();
        assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    }

    #[test]
    fn clusters_refuse_no_servers_and_duplicate_names() {
        let empty: [&str; 0] = [];
        assert!(HostLink::blocking(empty, |_, _, _| Ok(Vec::new())).is_err());
        let err = HostLink::blocking(["a", "a"], |_, _, _| Ok(Vec::new())).unwrap_err();
        assert!(err.to_string().contains("named `a`"), "{err}");
        let err = block_on(cluster(&["a"], |_, _| Ok(Vec::new())).send_to("z", b"x")).unwrap_err();
        assert!(
            err.to_string().contains("no key server is named `z`"),
            "{err}"
        );
    }
}
