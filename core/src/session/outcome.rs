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
/// item without Operation), or when the items do not correspond to the request's. A batch the
/// server stopped at a failed item (fewer answers, one of them a failure) is not such a
/// mismatch: the answered items keep their outcomes and each dropped one is an
/// [`Error::Protocol`] saying it was not processed.
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
    // Under Stop (KMIP's default, kept for batches on the ID placeholder) a server answers the
    // items up to the first failure and drops the rest: each item keeps its own answer, and
    // the dropped ones say why they have none.
    let stopped = response.batch_items.len() < asked.len()
        && asked.iter().all(|(_, id)| id.is_some())
        && (response.batch_items.iter()).any(|i| i.result_status == ResultStatus::OperationFailed);
    if response.batch_items.len() != asked.len() && !stopped {
        return Err(Error::Protocol {
            reason: format!(
                "the request had {} batch items but the response has {}",
                asked.len(),
                response.batch_items.len()
            ),
        });
    }
    let order = match_items(asked, &response.batch_items, stopped)?;
    if order.iter().flatten().count() != response.batch_items.len() {
        return Err(Error::Protocol {
            reason: "the response answers a batch item id that was not asked".into(),
        });
    }
    let mut items: Vec<Option<ResponseBatchItem>> =
        response.batch_items.into_iter().map(Some).collect();
    order
        .into_iter()
        .zip(asked)
        .map(|(index, (operation, _))| match index.map(|i| (i, items[i].take())) {
            Some((_, Some(item))) => Ok(outcome(*operation, item)),
            Some((index, None)) => Err(Error::Protocol {
                reason: format!("one answer was given for two requests (batch item {index})"),
            }),
            None => Ok(Err(Error::Protocol {
                reason: format!(
                    "the {operation} item was not processed: the server stopped the batch at a failed item"
                ),
            })),
        })
        .collect()
}

/// For each request item, the index of its answer in `answers` (`None`: no answer, allowed
/// only when the server `stopped` the batch).
fn match_items(
    asked: &[(Operation, Option<Bytes>)],
    answers: &[ResponseBatchItem],
    stopped: bool,
) -> Result<Vec<Option<usize>>> {
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
            Some(id) => match by_id.get(id.0.as_slice()) {
                Some(index) => *index,
                None if stopped => {
                    order.push(None);
                    continue;
                }
                None => {
                    return Err(Error::Protocol {
                        reason: format!(
                            "no answer carries the batch item id {} of the {operation} request",
                            hex(&id.0)
                        ),
                    });
                }
            },
            None => position,
        };
        if let Some(answered) = answers[index].operation
            && answered != *operation
        {
            return Err(Error::Protocol {
                reason: format!("the {operation} request was answered as {answered}"),
            });
        }
        order.push(Some(index));
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
            explanation: None,
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
        explanation: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{DateTime, GetRequest, GetResponse, Object, RequestMessage, SecretData};
    use crate::session::Session;
    use crate::spec::{ObjectType, ProtocolVersion, SecretDataType};

    /// A request of three Gets and its batch item ids.
    fn three_gets() -> (Request, Vec<Bytes>) {
        let mut session = Session::new(ProtocolVersion::V1_4);
        let gets = ["a", "b", "c"].map(|id| GetRequest::new(Some(id.into())).into());
        let request = session.request(gets.to_vec(), 0).unwrap();
        let message = RequestMessage::from_bytes(request.bytes(), &Limits::default()).unwrap();
        let ids = message.batch_items.into_iter();
        (
            request,
            ids.map(|i| i.unique_batch_item_id.unwrap()).collect(),
        )
    }

    fn answered(request: &Request, items: Vec<ResponseBatchItem>) -> Result<Vec<Outcome>> {
        let reply = ResponseMessage::new(ProtocolVersion::V1_4, DateTime(0), items);
        check_reply(request, &reply.to_bytes(), &Limits::default())
    }

    fn found(id: &Bytes) -> ResponseBatchItem {
        let object = Object::SecretData(SecretData::new(SecretDataType::Password, b"x".as_slice()));
        let got = GetResponse {
            object_type: ObjectType::SecretData,
            unique_identifier: "a".into(),
            object,
            extensions: Vec::new(),
        };
        let mut item = ResponseBatchItem::success(got);
        item.unique_batch_item_id = Some(id.clone());
        item
    }

    #[test]
    fn a_batch_stopped_at_a_failure_keeps_each_answer() {
        let (request, ids) = three_gets();
        let mut missing =
            ResponseBatchItem::failure(Some(Operation::Get), ResultReason::ItemNotFound, None);
        missing.unique_batch_item_id = Some(ids[1].clone());
        let outcomes = answered(&request, vec![found(&ids[0]), missing]).unwrap();
        assert_eq!(outcomes.len(), 3);
        assert!(matches!(&outcomes[0], Ok(Some(ResponsePayload::Get(_)))));
        assert!(matches!(
            &outcomes[1],
            Err(Error::Server {
                reason: ResultReason::ItemNotFound,
                ..
            })
        ));
        let Err(Error::Protocol { reason }) = &outcomes[2] else {
            panic!("{:?}", outcomes[2])
        };
        assert!(reason.contains("not processed"), "{reason}");
    }

    #[test]
    fn missing_answers_without_a_failure_are_a_mismatch() {
        let (request, ids) = three_gets();
        let err = answered(&request, vec![found(&ids[0]), found(&ids[1])]).unwrap_err();
        assert!(err.to_string().contains("3 batch items"), "{err}");
        // Nor may a failure excuse an answer to an id that was never asked.
        let mut stray =
            ResponseBatchItem::failure(Some(Operation::Get), ResultReason::ItemNotFound, None);
        stray.unique_batch_item_id = Some(Bytes(vec![0xff; 4]));
        let err = answered(&request, vec![found(&ids[0]), stray]).unwrap_err();
        assert!(err.to_string().contains("not asked"), "{err}");
    }
}
