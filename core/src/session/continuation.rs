//! Whether a batch may go on past a failed item.
//!
//! KMIP's default Batch Error Continuation Option is Stop: the server answers the items up to
//! the first failure and drops the rest, so one unknown id in a batch of Gets would cost the
//! answers of every later item. Continue is safe only when no item depends on an earlier one:
//! an item without its own Unique Identifier acts on the ID placeholder, which a failed item
//! leaves pointing at whatever an earlier item created or found. So a batch is asked to
//! continue exactly when every item names its object.

use crate::spec::Tag;
use crate::ttlv::Item;

/// Whether every batch item of the request message `message` carries a Unique Identifier in
/// its payload (and there is more than one item).
pub(super) fn items_are_independent(message: &Item<'_>) -> bool {
    let mut items = message.children_with(Tag::BatchItem).peekable();
    items.peek().is_some()
        && items.all(|item| {
            item.child(Tag::RequestPayload)
                .is_some_and(|payload| payload.child(Tag::UniqueIdentifier).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::super::Session;
    use crate::message::{
        ActivateRequest, Attributes, CreateRequest, GetRequest, RequestMessage, RequestPayload,
    };
    use crate::spec::{BatchErrorContinuationOption, ObjectType, ProtocolVersion};
    use crate::ttlv::Limits;

    fn continuation(payloads: Vec<RequestPayload>) -> Option<BatchErrorContinuationOption> {
        let mut session = Session::new(ProtocolVersion::V2_0);
        let request = session.request(payloads, 1_700_000_000).unwrap();
        let message = RequestMessage::from_bytes(request.bytes(), &Limits::default()).unwrap();
        message.header.batch_error_continuation_option
    }

    fn get(id: &str) -> RequestPayload {
        GetRequest::new(Some(id.into())).into()
    }

    #[test]
    fn gets_of_named_objects_continue_past_a_failure() {
        let option = continuation(vec![get("1"), get("2"), get("3")]);
        assert_eq!(option, Some(BatchErrorContinuationOption::Continue));
    }

    #[test]
    fn items_on_the_id_placeholder_stop_at_a_failure() {
        let create = CreateRequest::new(ObjectType::SymmetricKey, Attributes::default());
        let activate = ActivateRequest::new(None);
        assert_eq!(continuation(vec![create.into(), activate.into()]), None);
        // One item on the placeholder is enough: it would act on an earlier item's object.
        assert_eq!(
            continuation(vec![get("1"), GetRequest::new(None).into()]),
            None
        );
    }

    #[test]
    fn a_single_item_keeps_the_default() {
        assert_eq!(continuation(vec![get("1")]), None);
    }
}
