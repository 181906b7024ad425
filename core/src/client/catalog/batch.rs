//! Several Gets in one round trip.

use crate::client::Client;
use crate::client::operations::unexpected;
use crate::error::{Error, Result};
use crate::message::{GetRequest, GetResponse, RequestPayload, ResponsePayload};
use crate::spec::Operation;

impl Client {
    /// Gets every object of `ids` in one KMIP batch (one round trip): one result per id, in
    /// the order given. A refusal of one item (an unknown id, an object of another owner) is
    /// that item's error and leaves the others alone; the outer error is for the whole
    /// message (no server answered, the reply did not fit the request).
    ///
    /// The batch goes to one server and is resent to another only if it fails (Get is
    /// repeatable). An empty `ids` sends nothing.
    ///
    /// ```no_run
    /// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
    /// for (id, got) in ["1", "2"].iter().zip(client.get_many(["1", "2"]).await?) {
    ///     match got {
    ///         Ok(object) => println!("{id}: {:?}", object.object_type),
    ///         Err(refused) => println!("{id}: {refused}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_many<I, S>(&self, ids: I) -> Result<Vec<Result<GetResponse>>>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let payloads: Vec<RequestPayload> = ids
            .into_iter()
            .map(|id| GetRequest::new(Some(id.into())).into())
            .collect();
        if payloads.is_empty() {
            return Ok(Vec::new());
        }
        let asked = payloads.len();
        let outcomes = self.batch(payloads).await?;
        if outcomes.len() != asked {
            return Err(Error::Protocol {
                reason: format!(
                    "a batch of {asked} Gets was answered with {} items",
                    outcomes.len()
                ),
            });
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| match outcome? {
                Some(ResponsePayload::Get(got)) => Ok(got),
                other => Err(unexpected(Operation::Get, other)),
            })
            .collect())
    }
}
