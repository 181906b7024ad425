//! The bodies of KMIP over HTTPS: a TTLV request as the body the server expects, and a reply
//! body back as one TTLV message. No I/O: the TLS links frame these in HTTP, and a host transport
//! (a browser's `fetch`) can post them itself.

use zeroize::Zeroizing;

use super::HttpsEncoding;
use crate::error::{Error, Result};
use crate::ttlv::{Item, Limits, Placeholders, json};

/// How much larger than a TTLV message its KMIP JSON may be: hex doubles byte strings, and names
/// and punctuation cost more than 8-byte headers. Bounds a JSON reply before it is read.
pub const JSON_EXPANSION: usize = 4;

/// The request body for the TTLV message `request` in `encoding`. It may carry key material (a
/// Register): it is wiped when dropped.
///
/// ```
/// use kmipkit::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
/// use kmipkit::spec::ProtocolVersion;
/// use kmipkit::transport::{HttpsEncoding, https_request_body};
/// use kmipkit::ttlv::Limits;
/// let discover = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
/// let ttlv = RequestMessage::new(ProtocolVersion::V2_1, vec![discover]).to_bytes();
/// let body = https_request_body(&ttlv, HttpsEncoding::Json, &Limits::default()).unwrap();
/// assert!(body.starts_with(br#"{"tag":"RequestMessage""#));
/// let same = https_request_body(&ttlv, HttpsEncoding::Ttlv, &Limits::default()).unwrap();
/// assert_eq!(&same[..], &ttlv[..]);
/// ```
pub fn https_request_body(
    request: &[u8],
    encoding: HttpsEncoding,
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>> {
    match encoding {
        HttpsEncoding::Ttlv => Ok(Zeroizing::new(request.to_vec())),
        HttpsEncoding::Json => {
            let mut item = Item::from_bytes(request, limits)?;
            let text = json::to_string_numeric(&item);
            item.wipe();
            Ok(Zeroizing::new(text.into_bytes()))
        }
    }
}

/// The one TTLV message in a reply `body` of `encoding`, checked against `limits`. A body that
/// is not one whole message is an [`Error::Decode`] or [`Error::Syntax`]; the caller says whose.
///
/// ```
/// use kmipkit::transport::{HttpsEncoding, https_reply_ttlv};
/// use kmipkit::ttlv::Limits;
/// let body = br#"{"tag":"ResponseMessage","value":[{"tag":"ResponseHeader","value":[
///   {"tag":"ProtocolVersion","value":[
///     {"tag":"ProtocolVersionMajor","type":"Integer","value":2},
///     {"tag":"ProtocolVersionMinor","type":"Integer","value":1}]},
///   {"tag":"TimeStamp","type":"DateTime","value":"2026-12-03T13:38:02Z"},
///   {"tag":"BatchCount","type":"Integer","value":0}]}]}"#;
/// let ttlv = https_reply_ttlv(body, HttpsEncoding::Json, &Limits::default()).unwrap();
/// assert_eq!(&ttlv[..3], &[0x42, 0x00, 0x7b]);
/// ```
pub fn https_reply_ttlv(
    body: &[u8],
    encoding: HttpsEncoding,
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>> {
    match encoding {
        HttpsEncoding::Ttlv => {
            // Exactly one message, nothing after it.
            let header: [u8; 8] =
                body.get(..8)
                    .and_then(|h| h.try_into().ok())
                    .ok_or_else(|| {
                        Error::decode(0, format!("{} bytes are not a TTLV message", body.len()))
                    })?;
            let len = crate::ttlv::message_len(&header, limits)?;
            if len != body.len() {
                return Err(Error::decode(
                    0,
                    format!(
                        "the body holds {} bytes but its TTLV message is {len} bytes long",
                        body.len()
                    ),
                ));
            }
            Ok(Zeroizing::new(body.to_vec()))
        }
        HttpsEncoding::Json => {
            let text = std::str::from_utf8(body)
                .map_err(|e| Error::decode(e.valid_up_to(), "the JSON body is not UTF-8"))?;
            let json_limits = Limits {
                max_message_size: limits.max_message_size.saturating_mul(JSON_EXPANSION),
                ..*limits
            };
            let mut item = json::from_str_with(text, &mut Placeholders::new(), &json_limits)?;
            let bytes = Zeroizing::new(item.to_bytes());
            item.wipe();
            if bytes.len() > limits.max_message_size {
                return Err(Error::LimitExceeded {
                    what: "message size",
                    limit: limits.max_message_size,
                    found: bytes.len(),
                });
            }
            Ok(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ttlv_body_must_be_exactly_one_message() {
        let limits = Limits::default();
        let mut message = vec![0x42, 0x00, 0x7b, 0x01, 0, 0, 0, 0];
        assert!(https_reply_ttlv(&message, HttpsEncoding::Ttlv, &limits).is_ok());
        message.push(0);
        let err = https_reply_ttlv(&message, HttpsEncoding::Ttlv, &limits).unwrap_err();
        assert!(err.to_string().contains("holds 9 bytes"), "{err}");
        assert!(https_reply_ttlv(b"", HttpsEncoding::Ttlv, &limits).is_err());
    }

    #[test]
    fn json_enumeration_names_with_underscores_read() {
        let body = br#"{"tag":"ResultReason","type":"Enumeration","value":"Item_Not_Found"}"#;
        let item =
            json::from_str(std::str::from_utf8(body).unwrap(), &mut Placeholders::new()).unwrap();
        assert_eq!(item.value, crate::ttlv::Value::Enumeration(1));
    }

    #[test]
    fn nanosecond_date_times_read() {
        let text =
            r#"{"tag":"TimeStamp","type":"DateTime","value":"2026-12-03T13:37:49.939484989Z"}"#;
        let item = json::from_str(text, &mut Placeholders::new()).unwrap();
        assert!(matches!(item.value, crate::ttlv::Value::DateTime(_)));
    }

    #[test]
    fn not_utf8_is_refused() {
        let err =
            https_reply_ttlv(&[0xff, 0xfe], HttpsEncoding::Json, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }
}
