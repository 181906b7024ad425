//! `[cluster]`: what failover may do when the servers may not share keys.

use toml::Value;

use super::super::ClusterSettings;
use super::super::raw::RawCluster;
use super::Parser;
use crate::error::Result;

impl Parser<'_> {
    pub(super) fn cluster(&self, raw: Option<RawCluster>) -> Result<ClusterSettings> {
        let d = ClusterSettings::default();
        let Some(raw) = raw else { return Ok(d) };
        let create_when_primary_down = match &raw.create_when_primary_down {
            Some(f) => match f.get_ref() {
                Value::Boolean(b) => *b,
                other => {
                    return Err(self.value_error(
                        "create_when_primary_down",
                        f,
                        &format!("write true or false (found {})", other.type_str()),
                    ));
                }
            },
            None => d.create_when_primary_down,
        };
        Ok(ClusterSettings {
            create_when_primary_down,
        })
    }
}
