//! Bounds on what a decoder accepts from a peer.

/// Limits applied while decoding TTLV, XML or JSON from an untrusted peer.
///
/// The decoder never allocates more than the input it was given, but these limits stop
/// a hostile or broken peer from making it work harder than a real KMIP message needs.
///
/// ```
/// use kmipkit::ttlv::Limits;
/// let strict = Limits { max_message_size: 64 * 1024, ..Limits::default() };
/// assert_eq!(strict.max_depth, Limits::default().max_depth);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole message, in bytes, including the outer 8-byte header.
    pub max_message_size: usize,
    /// Deepest nesting of structures (the message itself is depth 1).
    pub max_depth: usize,
    /// Most items in one message, structures included.
    pub max_items: usize,
}

impl Limits {
    /// 16 MiB messages, 64 levels of nesting, 1,000,000 items: far above any real KMIP
    /// message (a Locate answer with 100,000 identifiers is about 5 MiB).
    pub const DEFAULT: Limits = Limits {
        max_message_size: 16 << 20,
        max_depth: 64,
        max_items: 1_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
