//! [`Plaintext`]: decrypted bytes that are wiped, in one pass, before their memory is freed.

use std::fmt;
use std::ops::{Deref, DerefMut};

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Decrypted data, zeroized before its memory is freed and redacted in `Debug`.
///
/// It plays the part `Zeroizing<Vec<u8>>` used to, but wipes through the slice: zeroize 1.9 wipes a
/// `Vec<u8>` element by element with volatile byte stores (about 10 µs per 64 KiB, more than
/// decrypting the same bytes), while its slice zeroize is one `memset` behind an optimization
/// barrier (about 0.6 µs). The length never grows past the capacity it was made with, so no
/// reallocation leaves an unwiped copy behind.
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
    bytes: Vec<u8>,
}

impl Plaintext {
    /// An empty buffer that holds `capacity` bytes without reallocating.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Wipes the bytes and empties the buffer, keeping its memory for the next message.
    pub fn clear(&mut self) {
        self.bytes.as_mut_slice().zeroize();
        self.bytes.clear();
    }

    /// The bytes held, as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes of memory held (wiped on drop whether or not they are in use).
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Makes room for `additional` more bytes. A reallocation copies the bytes into the new buffer
    /// itself and wipes the old one, which `Vec::reserve` would free unwiped.
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.bytes.capacity() - self.bytes.len() >= additional {
            return;
        }
        let mut bigger = Vec::with_capacity(self.bytes.len() + additional);
        bigger.extend_from_slice(&self.bytes);
        self.clear();
        self.bytes = bigger;
    }

    /// Appends `len` zero bytes (see [`Plaintext::reserve`]) and returns them for a decryption to fill.
    pub(crate) fn extend_zeroed(&mut self, len: usize) -> &mut [u8] {
        self.reserve(len);
        let start = self.bytes.len();
        self.bytes.resize(start + len, 0);
        &mut self.bytes[start..]
    }

    /// Drops the last bytes from `len` on, wiping them first.
    pub(crate) fn truncate(&mut self, len: usize) {
        if let Some(tail) = self.bytes.get_mut(len..) {
            tail.zeroize();
        }
        self.bytes.truncate(len);
    }
}

impl Drop for Plaintext {
    fn drop(&mut self) {
        self.bytes.as_mut_slice().zeroize();
        // Earlier messages may have left bytes beyond the current length.
        self.bytes.spare_capacity_mut().zeroize();
    }
}

impl ZeroizeOnDrop for Plaintext {}

impl Deref for Plaintext {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

/// Mutable access to the bytes; the length cannot change through it.
impl DerefMut for Plaintext {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl AsRef<[u8]> for Plaintext {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl PartialEq for Plaintext {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Plaintext {}

/// `Plaintext(<N bytes>)`: the length only.
impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext(<{} bytes>)", self.bytes.len())
    }
}
