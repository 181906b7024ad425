//! About the server rather than an object: Query and Discover Versions, and the core's list of
//! operations (for the package's parity test).

use kmipkit::client::OPERATIONS;
use kmipkit::message::ServerInformation;
use napi::Env;
use napi::bindgen_prelude::AsyncBlock;
use napi_derive::napi;

use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::convert;

/// What a server says about itself (Query of operations, objects and server information).
#[napi(object)]
pub struct QueryResult {
    /// The KMIP operations it supports (`"Create"`, `"Get"`, ...).
    pub operations: Vec<String>,
    /// The object types it supports (`"SymmetricKey"`, ...).
    pub object_types: Vec<String>,
    /// Its vendor identification, if it sent one.
    pub vendor_identification: Option<String>,
    /// Its server information, summarised as text, if it sent any.
    pub server_information: Option<String>,
}

/// One KMIP operation the core's client sends and the method that sends it (snake_case).
#[napi(object)]
pub struct CoreOperation {
    /// The KMIP operation's name (`"DiscoverVersions"`).
    pub operation: String,
    /// The core method's name (`"discover_versions"`).
    pub method: String,
}

/// Every operation the core's client has a method for.
#[napi]
pub fn core_operations() -> Vec<CoreOperation> {
    OPERATIONS
        .iter()
        .map(|o| CoreOperation {
            operation: o.operation.to_string(),
            method: o.method.to_string(),
        })
        .collect()
}

#[napi]
impl NativeClient {
    /// Query: the operations and object types the server supports and who it is.
    #[napi(ts_return_type = "Promise<QueryResult>")]
    pub fn query(
        &self,
        env: &Env,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<QueryResult>> {
        let c = self.client()?;
        promise(env, cancel, async move {
            let r = c.query_all().await?;
            Ok(QueryResult {
                operations: r.operation.iter().map(|o| o.to_string()).collect(),
                object_types: r.object_type.iter().map(|t| t.to_string()).collect(),
                vendor_identification: r.vendor_identification,
                server_information: r
                    .server_information
                    .as_ref()
                    .map(ServerInformation::summary),
            })
        })
    }

    /// Discover Versions: the versions of `offered` (`["2.0", "1.4"]`; all when empty) the
    /// server supports, in its order of preference.
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn discover_versions(
        &self,
        env: &Env,
        offered: Vec<String>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<String>>> {
        let c = self.client()?;
        let offered: kmipkit::error::Result<Vec<_>> =
            offered.iter().map(|v| convert::version(v)).collect();
        promise(env, cancel, async move {
            let versions = c.discover_versions(offered?).await?;
            Ok(versions.iter().map(ToString::to_string).collect())
        })
    }
}
