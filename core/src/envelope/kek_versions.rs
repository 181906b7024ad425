//! The versions of a Model 1 KEK and which one is current.
//!
//! Version `n` of the KEK called `name` is the key whose KMIP Name is
//! [`kek_key_name`]`(name, n)`. A rotation adds a version (`kmipkit key rotate --kek NAME`, or
//! [`Model1::new`] with the next number then [`Model1::ensure_kek`]); older versions stay so
//! that the DEKs protected under them still unlock.
//!
//! The current version (the one new DEKs are protected under when the caller names no version)
//! is the highest-numbered Active one: [`Model1::current`] gives the rules. These items are
//! re-exported from [`super::model1`].

use std::sync::Arc;

use super::model1::{Model1, kek_key_name};
use super::model2::walk_versions;
use super::rotation::KeyVersion;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::spec::State;

/// All versions of the KEK `name` that exist on the key manager, oldest first, with their KMIP
/// states; empty when the KEK was never created. Looks up `name/v1`, `name/v2`, … until
/// [`MAX_GAP`](crate::envelope::model2::MAX_GAP) consecutive versions are missing (destroyed versions leave gaps).
///
/// ```no_run
/// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
/// use kmipkit::envelope::model1::kek_versions;
/// for v in kek_versions(client, "orders-kek").await? {
///     println!("version {} is {:?} (key {})", v.key.version, v.state, v.key.uid);
/// }
/// # Ok(()) }
/// ```
pub async fn kek_versions(client: &Client, name: &str) -> Result<Vec<KeyVersion>> {
    super::model2::naming::check_kek_name(name)?;
    walk_versions(client, name, |version| kek_key_name(name, version)).await
}

/// The current version among `versions` (oldest first, as [`kek_versions`] returns them): the
/// highest-numbered Active one; `None` when there is none (see the module documentation).
pub fn current_of(versions: &[KeyVersion]) -> Option<&KeyVersion> {
    versions.iter().rev().find(|v| v.state == State::Active)
}

impl Model1 {
    /// Model 1 with the **current** version of the KEK `kek_name`. This is what "leave the
    /// version out" means everywhere: the CLI without `--kek-version`, a configuration without
    /// `[key] version`, Python's `Model1(client, name)`.
    ///
    /// The current version is the **highest-numbered Active** one (the rule of Model 2's
    /// primary version):
    ///
    /// - a higher version that is still **Pre-Active** is staged, not yet in use: it is skipped,
    ///   and takes over once it is activated;
    /// - a higher version that is **Deactivated** (or Compromised) is skipped too: KMIP servers
    ///   refuse Encrypt under a key that is not Active, and a retired KEK must not protect new
    ///   DEKs;
    /// - a KEK with **no version at all** gives version 1, so that [`Model1::ensure_kek`] creates
    ///   the first one (and [`Model1::kek`] reports it missing);
    /// - versions that exist with **none Active** is an [`Error::Protocol`] naming their states:
    ///   activate one or rotate.
    ///
    /// The version is looked up once (a Locate per version and a GetAttributes per existing
    /// one) and the model keeps it: a long-running process picks up a later rotation by calling
    /// `current` again.
    ///
    /// ```no_run
    /// # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
    /// use kmipkit::envelope::model1::Model1;
    /// let model = Model1::current(client, "orders-kek").await?;
    /// let (dek, protected) = model.create_dek().await?; // under the newest Active version
    /// assert_eq!(protected.kek.version, model.kek_version());
    /// # Ok(()) }
    /// ```
    pub async fn current(client: Arc<Client>, kek_name: impl Into<String>) -> Result<Self> {
        let kek_name = kek_name.into();
        let versions = kek_versions(&client, &kek_name).await?;
        if versions.is_empty() {
            return Self::new(client, kek_name, 1);
        }
        let Some(current) = current_of(&versions) else {
            let states = versions
                .iter()
                .map(|v| format!("v{} {:?}", v.key.version, v.state))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::Protocol {
                reason: format!(
                    "no version of KEK {kek_name:?} is Active ({states}), so none may protect new data keys; activate one or rotate the KEK"
                ),
            });
        };
        let version = current.key.version;
        Self::new(client, kek_name, version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::format::KeyRef;

    fn version(n: u32, state: State) -> KeyVersion {
        KeyVersion {
            key: KeyRef {
                name: "k".into(),
                version: n,
                uid: n.to_string(),
            },
            state,
        }
    }

    #[test]
    fn current_is_the_highest_active_version() {
        let active = |n| version(n, State::Active);
        assert_eq!(current_of(&[active(1), active(2)]).unwrap().key.version, 2);
        // Staged and retired versions above it do not take over.
        let staged = [active(1), version(2, State::PreActive)];
        assert_eq!(current_of(&staged).unwrap().key.version, 1);
        let retired = [active(1), version(2, State::Deactivated)];
        assert_eq!(current_of(&retired).unwrap().key.version, 1);
        assert!(current_of(&[version(1, State::Deactivated)]).is_none());
        assert!(current_of(&[]).is_none());
    }
}
