//! The one error type of kmipkit.
//!
//! Every failure is an [`Error`]; its [`Error::kind`] is a stable [`ErrorKind`] whose numeric code
//! is never reused, so bindings can map errors without parsing messages.

use std::fmt;

/// Everything that can go wrong in kmipkit.
///
/// ```
/// use kmipkit::{ttlv::{Item, Limits}, ErrorKind};
/// let err = Item::from_bytes(&[0x42, 0x00], &Limits::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Decode);
/// assert!(err.to_string().contains("truncated"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes received are not valid TTLV: truncated, wrong length for the item type, bad padding.
    #[error("invalid TTLV at byte {offset}: {reason}")]
    Decode {
        /// Byte offset from the start of the message where the problem was found.
        offset: usize,
        /// What was wrong, in plain words.
        reason: String,
    },
    /// The input exceeds a configured decoding limit (size, depth or item count).
    #[error(
        "{what} exceeds the limit of {limit} (found {found}); raise the limit in `Limits` if the peer is trusted"
    )]
    LimitExceeded {
        /// Which limit: "message size", "nesting depth", "item count".
        what: &'static str,
        /// The configured limit.
        limit: usize,
        /// The value that was seen (or a lower bound of it).
        found: usize,
    },
    /// Text in the KMIP XML or JSON encoding could not be read.
    #[error("invalid KMIP {format} at {location}: {reason}")]
    Syntax {
        /// "XML" or "JSON".
        format: &'static str,
        /// Where in the text: a line/column or a path of tags.
        location: String,
        /// What was wrong.
        reason: String,
    },
    /// An item tree is well-formed TTLV but does not fit the typed KMIP model.
    #[error("KMIP message does not fit the model at {path}: {reason}")]
    Model {
        /// Path of tag names from the message root to the offending item.
        path: String,
        /// What was expected and what was found.
        reason: String,
    },
    /// A value cannot be encoded (for example an unsubstituted test-case placeholder).
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// Why it cannot be.
        reason: String,
    },
}

/// Stable classification of an [`Error`]; the numeric code (see [`ErrorKind::code`]) is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::Decode`].
    Decode,
    /// See [`Error::LimitExceeded`].
    LimitExceeded,
    /// See [`Error::Syntax`].
    Syntax,
    /// See [`Error::Model`].
    Model,
    /// See [`Error::Encode`].
    Encode,
}

impl ErrorKind {
    /// The stable numeric code of this kind, for C result codes and binding error codes.
    ///
    /// ```
    /// assert_eq!(kmipkit::ErrorKind::Decode.code(), 0x0101);
    /// ```
    pub const fn code(self) -> u32 {
        match self {
            Self::Decode => 0x0101,
            Self::LimitExceeded => 0x0102,
            Self::Syntax => 0x0103,
            Self::Model => 0x0104,
            Self::Encode => 0x0105,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Error {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Decode { .. } => ErrorKind::Decode,
            Self::LimitExceeded { .. } => ErrorKind::LimitExceeded,
            Self::Syntax { .. } => ErrorKind::Syntax,
            Self::Model { .. } => ErrorKind::Model,
            Self::Encode { .. } => ErrorKind::Encode,
        }
    }

    pub(crate) fn decode(offset: usize, reason: impl Into<String>) -> Self {
        Self::Decode {
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn model(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Model {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Result alias used throughout kmipkit.
pub type Result<T, E = Error> = std::result::Result<T, E>;
