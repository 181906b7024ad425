//! [`Model1::from_config`]: Model 1 as the configuration's `[key]` table says, unless the caller
//! names the KEK itself.
//!
//! The CLI (without `--kek`, or with it), the C library (`kmipkit_model1_from_config`) and any
//! other front end that reads `kmipkit.toml` take the KEK the same way; the rule lives here so
//! that they cannot drift apart. What each front end says when no KEK is named at all differs
//! (a flag to pass, a setter to call), so that case is `Ok(None)` for the front end to word.

use std::sync::Arc;

use super::model1::Model1;
use crate::client::Client;
use crate::config::KeyConfig;
use crate::error::Result;
use crate::keys::KeyCache;

impl Model1 {
    /// Model 1 over the KEK the caller names (`kek`), else the configuration's `[key] name`.
    ///
    /// - Version: `kek_version` when given; else `[key] version` when the name came from `[key]`
    ///   too (a version configured for one KEK says nothing about another); else the KEK's
    ///   current version ([`Model1::current`]: the highest Active one, 1 when it has none yet),
    ///   looked up now.
    /// - Method: `[key] kek_method` when set (it applies whoever named the KEK); else chosen
    ///   from the server's profile at [`Model1::ensure_kek`].
    /// - `cache`: a key cache for unlocked data keys, or `None`.
    ///
    /// `Ok(None)` when neither `kek` nor `[key] name` names a KEK: the front end says how to name
    /// one. Errors: those of [`Model1::new`] (a malformed name) and of [`Model1::current`] (no
    /// Active version among existing ones, the server unreachable).
    ///
    /// ```no_run
    /// # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
    /// use kmipkit::config::Config;
    /// use kmipkit::envelope::model1::Model1;
    /// let config = Config::load("kmipkit.toml")?;
    /// let Some(model) = Model1::from_config(client, &config.key, None, None, None).await? else {
    ///     panic!("kmipkit.toml has no [key] name");
    /// };
    /// model.ensure_kek().await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_config(
        client: Arc<Client>,
        key: &KeyConfig,
        kek: Option<&str>,
        kek_version: Option<u32>,
        cache: Option<Arc<KeyCache>>,
    ) -> Result<Option<Self>> {
        let Some((name, version)) = choose(key, kek, kek_version) else {
            return Ok(None);
        };
        let mut model = match version {
            Some(version) => Model1::new(client, name, version)?,
            None => Model1::current(client, name).await?,
        };
        if let Some(cache) = cache {
            model = model.with_cache(cache);
        }
        if let Some(method) = key.kek_method {
            model = model.with_kek_method(method);
        }
        Ok(Some(model))
    }
}

/// The KEK name and version (`None`: the current one) [`Model1::from_config`] uses.
fn choose<'a>(
    key: &'a KeyConfig,
    kek: Option<&'a str>,
    kek_version: Option<u32>,
) -> Option<(&'a str, Option<u32>)> {
    match kek {
        Some(name) => Some((name, kek_version)),
        None => Some((key.name.as_deref()?, kek_version.or(key.version))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured(name: Option<&str>, version: Option<u32>) -> KeyConfig {
        KeyConfig {
            name: name.map(str::to_string),
            version,
            ..KeyConfig::default()
        }
    }

    #[test]
    fn the_configured_name_and_version_apply_together() {
        let key = configured(Some("orders-kek"), Some(3));
        assert_eq!(choose(&key, None, None), Some(("orders-kek", Some(3))));
        // A version the caller gives wins over the configured one.
        assert_eq!(choose(&key, None, Some(5)), Some(("orders-kek", Some(5))));
    }

    #[test]
    fn a_name_from_the_caller_ignores_the_configured_version() {
        let key = configured(Some("orders-kek"), Some(3));
        assert_eq!(
            choose(&key, Some("other-kek"), None),
            Some(("other-kek", None))
        );
        assert_eq!(
            choose(&key, Some("other-kek"), Some(2)),
            Some(("other-kek", Some(2)))
        );
    }

    #[test]
    fn no_name_anywhere_is_none() {
        assert_eq!(choose(&configured(None, Some(3)), None, Some(1)), None);
        assert_eq!(choose(&KeyConfig::default(), None, None), None);
    }
}
