//! [`Plaintext`]: decrypted bytes that are wiped, in one pass, before their memory is freed.

use std::fmt;
use std::ops::{Deref, DerefMut};

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Decrypted data, zeroized before its memory is freed and redacted in `Debug`.
///
/// It plays the part `Zeroizing<Vec<u8>>` used to, but wipes through the slice: zeroize 1.9 wipes a
/// `Vec<u8>` element by element with volatile byte stores (about 10 µs per 64 KiB, more than
/// decrypting the same bytes), while its slice zeroize is one `memset` behind an optimization
/// barrier (about 0.6 µs). It reallocates only by copying into a new buffer and wiping the old, so
/// no reallocation leaves an unwiped copy behind.
///
/// Reuse one across messages with [`open_into`](super::open_into) to skip allocating (and, for large
/// messages, faulting in fresh pages) every time.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use kmipkit::envelope::format::{open, seal, KeyRef, Params};
/// let dek = [7u8; 32];
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let plaintext = open(&seal(&dek, &params, b"", b"hello").unwrap(), &dek, b"").unwrap();
/// assert_eq!(&plaintext[..], b"hello");
/// assert_eq!(format!("{plaintext:?}"), "Plaintext(<5 bytes>)");
/// # }
/// ```
#[derive(Default)]
pub struct Plaintext {
    /// Initialized memory: the plaintext is `bytes[..len]`; `bytes[len..dirty]` may still hold an
    /// earlier message's plaintext (being overwritten, or to be wiped); `bytes[dirty..]` is zero.
    bytes: Vec<u8>,
    len: usize,
    dirty: usize,
}

impl Plaintext {
    /// An empty buffer that holds `capacity` bytes without reallocating.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
            len: 0,
            dirty: 0,
        }
    }

    /// Wipes the bytes and empties the buffer, keeping its memory for the next message.
    pub fn clear(&mut self) {
        self.bytes[..self.dirty].zeroize();
        self.len = 0;
        self.dirty = 0;
    }

    /// The bytes held, as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Bytes of memory held (wiped on drop whether or not they are in use).
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Empties the buffer without wiping it, for a new message to overwrite in place; call
    /// [`Plaintext::wipe_stale`] once it is written.
    pub(crate) fn overwrite(&mut self) {
        self.len = 0;
    }

    /// Wipes whatever an earlier message left beyond the current length.
    pub(crate) fn wipe_stale(&mut self) {
        self.bytes[self.len..self.dirty].zeroize();
        self.dirty = self.len;
    }

    /// Makes room for `additional` more bytes. A reallocation copies the bytes into the new buffer
    /// itself and wipes the old one, which `Vec::reserve` would free unwiped.
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.bytes.capacity() - self.len >= additional {
            return;
        }
        let mut bigger = Vec::with_capacity(self.len + additional);
        bigger.extend_from_slice(&self.bytes[..self.len]);
        self.bytes[..self.dirty].zeroize();
        self.bytes = bigger;
        self.dirty = self.len;
    }

    /// Appends `len` bytes for a decryption to fill (see [`Plaintext::reserve`]). They are zero, or
    /// an earlier message's plaintext that the caller must overwrite in full.
    pub(crate) fn extend(&mut self, len: usize) -> &mut [u8] {
        self.reserve(len);
        let start = self.len;
        self.len += len;
        if self.bytes.len() < self.len {
            self.bytes.resize(self.len, 0);
        }
        self.dirty = self.dirty.max(self.len);
        &mut self.bytes[start..self.len]
    }

    /// Drops the last bytes from `len` on, wiping them first.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.bytes[len..self.len].zeroize();
            self.len = len;
        }
    }
}

impl Drop for Plaintext {
    fn drop(&mut self) {
        // Through the slice, once: bytes past `dirty` were never written.
        self.bytes[..self.dirty].zeroize();
    }
}

impl ZeroizeOnDrop for Plaintext {}

impl Deref for Plaintext {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

/// Mutable access to the bytes; the length cannot change through it.
impl DerefMut for Plaintext {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }
}

impl AsRef<[u8]> for Plaintext {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Plaintext {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Plaintext {}

/// `Plaintext(<N bytes>)`: the length only.
impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext(<{} bytes>)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::Plaintext;

    /// Everything past the plaintext is zero: a shorter message wipes what a longer one left.
    fn only_plaintext_remains(p: &Plaintext) -> bool {
        p.bytes[p.len..].iter().all(|&b| b == 0)
    }

    #[test]
    fn overwriting_with_less_wipes_the_rest() {
        let mut p = Plaintext::default();
        p.extend(100).fill(0xaa);
        p.overwrite();
        p.extend(10).fill(0xbb);
        p.wipe_stale();
        assert_eq!(p.as_slice(), [0xbb; 10]);
        assert!(only_plaintext_remains(&p));

        p.truncate(4);
        assert_eq!(p.as_slice(), [0xbb; 4]);
        assert!(only_plaintext_remains(&p));

        p.reserve(1 << 16);
        assert_eq!(p.as_slice(), [0xbb; 4]);
        assert!(only_plaintext_remains(&p));

        p.clear();
        assert!(p.is_empty());
        assert!(p.bytes.iter().all(|&b| b == 0));
    }
}
