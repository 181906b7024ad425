//! Matching a response message to the request it answers.

use std::collections::HashMap;

use super::Request;
use crate::error::{Error, Result};
use crate::message::{Bytes, ResponseBatchItem, ResponseMessage, ResponsePayload};
use crate::spec::{Operation, ResultReason, ResultStatus};
use crate::ttlv::Limits;
use crate::ttlv::text::hex_lower as hex;

/// What one batch item came back with: its payload on success (some operations return none),
/// or the server's refusal as [`Error::Server`] / [`Error::Authentication`].
pub type Outcome = Result<Option<ResponsePayload>>;

/// Reads `reply` as the answer to `request` and returns one [`Outcome`] per request item, in
/// request order.
///
/// The whole call fails when the reply is not a KMIP response, when the server refused the
/// message as a whole (PyKMIP answers unparseable or wrong-version requests with a single
/// item without Operation), or when the items do not correspond to the request's.
///
/// ```
/// use kmipkit::message::{DiscoverVersionsRequest, ResponseBatchItem, ResponseMessage, DateTime};
/// use kmipkit::session::{Session, check_reply};
/// use kmipkit::spec::{ProtocolVersion, ResultReason};
/// use kmipkit::ttlv::Limits;
/// let mut session = Session::new(ProtocolVersion::V1_4);
/// let request = session.request(vec![DiscoverVersionsRequest::new(vec![]).into()], 0).unwrap();
/// let refusal = ResponseMessage::new(ProtocolVersion::V1_0, DateTime(0),
///     vec![ResponseBatchItem::failure(None, ResultReason::InvalidMessage, Some("bad".into()))]);
/// let err = check_reply(&request, &refusal.to_bytes(), &Limits::default()).unwrap_err();
/// assert!(err.to_string().contains("InvalidMessage"), "{err}");
/// ```
pub fn check_reply(request: &Request, reply: &[u8], limits: &Limits) -> Result<Vec<Outcome>> {
    let response = ResponseMessage::from_bytes(reply, limits)?;
    let asked = &request.items;
    if let [only] = response.batch_items.as_slice()
        && only.operation.is_none()
        && only.result_status != ResultStatus::Success
    {
        return Err(refusal(only, None));
    }
    if response.batch_items.len() != asked.len() {
        return Err(Error::Protocol {
            reason: format!(
                "the request had {} batch items but the response has {}",
                asked.len(),
                response.batch_items.len()
            ),
        });
    }
    let order = match_items(asked, &response.batch_items)?;
    let mut items: Vec<Option<ResponseBatchItem>> =
        response.batch_items.into_iter().map(Some).collect();
    order
        .into_iter()
        .zip(asked)
        .map(|(index, (operation, _))| match items[index].take() {
            Some(item) => Ok(outcome(*operation, item)),
            None => Err(Error::Protocol {
                reason: format!("one answer was given for two requests (batch item {index})"),
            }),
        })
        .collect()
}

/// For each request item, the index of its answer in `answers`.
fn match_items(
    asked: &[(Operation, Option<Bytes>)],
    answers: &[ResponseBatchItem],
) -> Result<Vec<usize>> {
    let by_id: HashMap<&[u8], usize> = answers
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            a.unique_batch_item_id
                .as_ref()
                .map(|id| (id.0.as_slice(), i))
        })
        .collect();
    let mut order = Vec::with_capacity(asked.len());
    for (position, (operation, id)) in asked.iter().enumerate() {
        let index = match id {
            Some(id) => *by_id.get(id.0.as_slice()).ok_or_else(|| Error::Protocol {
                reason: format!(
                    "no answer carries the batch item id {} of the {operation} request",
                    hex(&id.0)
                ),
            })?,
            None => position,
        };
        if let Some(answered) = answers[index].operation
            && answered != *operation
        {
            return Err(Error::Protocol {
                reason: format!("the {operation} request was answered as {answered}"),
            });
        }
        order.push(index);
    }
    Ok(order)
}

fn outcome(operation: Operation, item: ResponseBatchItem) -> Outcome {
    match item.result_status {
        ResultStatus::Success => Ok(item.payload),
        ResultStatus::OperationFailed => Err(refusal(&item, Some(operation))),
        ResultStatus::OperationUndone => Err(Error::Server {
            operation: Some(operation),
            reason: item.result_reason.unwrap_or(ResultReason::GeneralFailure),
            message: Some(
                item.result_message
                    .unwrap_or_else(|| "undone because another item of the batch failed".into()),
            ),
        }),
        other => Err(Error::Protocol {
            reason: format!(
                "the {operation} request was answered with status {other}; kmipkit never asks for asynchronous operations"
            ),
        }),
    }
}

fn refusal(item: &ResponseBatchItem, operation: Option<Operation>) -> Error {
    let reason = item.result_reason.unwrap_or(ResultReason::GeneralFailure);
    if reason == ResultReason::AuthenticationNotSuccessful {
        return Error::Authentication {
            server: String::new(),
            reason: format!(
                "{}; check that the client certificate is the one the server expects, has the clientAuth extended key usage, and that the KMIP user and password are right",
                item.result_message
                    .as_deref()
                    .unwrap_or("Authentication Not Successful")
            ),
        };
    }
    Error::Server {
        operation: operation.or(item.operation),
        reason,
        message: item.result_message.clone(),
    }
}
