//! [`SecretBytes`] and [`SecretString`]: key material and passwords in protected memory.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::lock::{Protection, Region};

/// Key material in protected memory: zeroized on drop, locked in RAM and excluded from core dumps
/// on native targets (best-effort, see [`SecretBytes::protection`]), redacted in `Debug` and
/// `Display`, and readable only through the [`SecretBytes::expose`] borrow.
///
/// The length is fixed when the secret is made and the buffer is allocated once at that size, so
/// no reallocation ever leaves a copy of the bytes behind. Every constructor that takes an owned or
/// mutable source wipes it (its whole capacity); a `&[u8]` source stays the caller's to wipe. To
/// avoid any copy outside protected memory, make the secret first and write into it with
/// [`SecretBytes::try_init`] or [`SecretBytes::expose_mut`].
///
/// ```
/// use kmipkit::keys::SecretBytes;
///
/// let mut source = vec![0x42u8; 32];
/// let key = SecretBytes::from(&mut source);
/// assert_eq!(source, [0u8; 32]); // the source is wiped
/// assert_eq!(key.expose(), &[0x42u8; 32][..]);
/// assert_eq!(key.len(), 32);
/// // Debug and Display never show the bytes.
/// assert!(format!("{key:?}").starts_with("SecretBytes(<32 bytes, "));
/// # #[cfg(target_os = "linux")]
/// # let _ = key.is_locked(); // true unless RLIMIT_MEMLOCK is exhausted
/// ```
pub struct SecretBytes {
    region: Region,
}

impl SecretBytes {
    /// A secret of `len` zero bytes, to be filled through [`SecretBytes::expose_mut`].
    pub fn zeroed(len: usize) -> Self {
        Self {
            region: Region::zeroed(len),
        }
    }

    /// A secret of `len` bytes written in place by `init`, which receives the zeroed protected
    /// buffer (for a random generator or a decryption to fill). If `init` fails, the buffer is
    /// wiped and its error returned.
    ///
    /// ```
    /// use kmipkit::keys::SecretBytes;
    ///
    /// let key = SecretBytes::try_init(4, |buf| {
    ///     buf.copy_from_slice(&[1, 2, 3, 4]);
    ///     Ok::<_, std::convert::Infallible>(())
    /// })
    /// .unwrap();
    /// assert_eq!(key.expose(), [1, 2, 3, 4]);
    /// ```
    pub fn try_init<E>(
        len: usize,
        init: impl FnOnce(&mut [u8]) -> Result<(), E>,
    ) -> Result<Self, E> {
        let mut secret = Self::zeroed(len);
        init(secret.expose_mut())?;
        Ok(secret)
    }

    /// Borrows the secret bytes. Copy them out only into another protected type.
    ///
    /// # Panics
    /// In a child process forked after the secret was made, which did not inherit its memory
    /// (Linux, see [`SecretBytes::is_available`]): it would read nothing, or bytes of another
    /// mapping, at that address.
    pub fn expose(&self) -> &[u8] {
        self.region.bytes()
    }

    /// Borrows the secret bytes mutably, to write key material in place. The length cannot change.
    ///
    /// # Panics
    /// As [`SecretBytes::expose`].
    pub fn expose_mut(&mut self) -> &mut [u8] {
        self.region.bytes_mut()
    }

    /// The number of secret bytes (not secret itself).
    pub fn len(&self) -> usize {
        self.region.len()
    }

    /// Whether the secret has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the bytes can be read in this process: false only in a child process made with
    /// `fork()` after the secret was made, because secret memory is not inherited
    /// ([`Protection::excluded_from_fork`], Linux). Such a secret cannot be exposed there (that
    /// panics); dropping it is harmless. A [`KeyCache`](super::KeyCache) treats it as a miss and
    /// fetches the key again.
    pub fn is_available(&self) -> bool {
        self.region.available()
    }

    /// Whether the memory is locked in RAM (never swapped). False on wasm32 and Windows, for an
    /// empty secret, and where `mlock` failed (RLIMIT_MEMLOCK exhausted; see
    /// [`protection_stats`](super::protection_stats)); the secret works the same either way.
    pub fn is_locked(&self) -> bool {
        self.region.protection().locked
    }

    /// Everything that protects this secret's memory besides zeroize-on-drop.
    pub fn protection(&self) -> Protection {
        self.region.protection()
    }

    fn redacted(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_locked() {
            "locked"
        } else {
            "not locked"
        };
        write!(f, "{name}(<{} bytes, {state}>)", self.len())
    }
}

/// Copies the bytes into protected memory; the source slice is left to the caller.
impl From<&[u8]> for SecretBytes {
    fn from(bytes: &[u8]) -> Self {
        let mut secret = Self::zeroed(bytes.len());
        secret.expose_mut().copy_from_slice(bytes);
        secret
    }
}

/// Moves the bytes into protected memory and wipes the source's whole capacity, keeping its
/// length: the caller's vector is left full of zeros.
impl From<&mut Vec<u8>> for SecretBytes {
    fn from(bytes: &mut Vec<u8>) -> Self {
        let secret = Self::from(bytes.as_slice());
        bytes.as_mut_slice().zeroize();
        bytes.spare_capacity_mut().zeroize();
        secret
    }
}

/// Moves the bytes into protected memory and wipes the vector's whole capacity before freeing it.
impl From<Vec<u8>> for SecretBytes {
    fn from(mut bytes: Vec<u8>) -> Self {
        let secret = Self::from(bytes.as_slice());
        bytes.zeroize();
        secret
    }
}

/// Moves the bytes into protected memory; the source is wiped as it drops.
impl From<Zeroizing<Vec<u8>>> for SecretBytes {
    fn from(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self::from(bytes.as_slice())
    }
}

/// Moves the bytes into protected memory and wipes the box before freeing it.
impl From<Box<[u8]>> for SecretBytes {
    fn from(mut bytes: Box<[u8]>) -> Self {
        let secret = Self::from(&*bytes);
        bytes.zeroize();
        secret
    }
}

/// A clone is a new secret with protected memory of its own.
impl Clone for SecretBytes {
    fn clone(&self) -> Self {
        Self::from(self.expose())
    }
}

/// Constant-time in the bytes (through `subtle`); the lengths, which are not secret, are compared first.
impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.expose().ct_eq(other.expose()).into()
    }
}

impl Eq for SecretBytes {}

/// `SecretBytes(<32 bytes, locked>)`: the length and whether it is locked, never the bytes.
impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redacted("SecretBytes", f)
    }
}

/// The same redacted text as `Debug`.
impl fmt::Display for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redacted("SecretBytes", f)
    }
}

impl ZeroizeOnDrop for SecretBytes {}

/// A password or other UTF-8 secret with the guarantees of [`SecretBytes`]: zeroized on drop,
/// locked and excluded from core dumps where possible, redacted, and read through a borrow.
///
/// ```
/// use kmipkit::keys::SecretString;
///
/// let password = SecretString::from(String::from("hunter2"));
/// assert_eq!(password.expose(), "hunter2");
/// assert!(!format!("{password} {password:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString {
    /// Always valid UTF-8: only whole `str`s are copied in, and no `expose_mut` is offered.
    bytes: SecretBytes,
}

impl SecretString {
    /// Borrows the secret text.
    pub fn expose(&self) -> &str {
        // Cannot fail: the bytes were copied from a `str` and are never written afterwards.
        std::str::from_utf8(self.bytes.expose()).unwrap_or_default()
    }

    /// The length in bytes (not secret itself).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether the memory is locked in RAM; see [`SecretBytes::is_locked`].
    pub fn is_locked(&self) -> bool {
        self.bytes.is_locked()
    }

    /// Everything that protects this secret's memory besides zeroize-on-drop.
    pub fn protection(&self) -> Protection {
        self.bytes.protection()
    }

    /// The UTF-8 bytes, still protected (no copy is made).
    pub fn into_bytes(self) -> SecretBytes {
        self.bytes
    }
}

/// Copies the text into protected memory; the source is left to the caller.
impl From<&str> for SecretString {
    fn from(text: &str) -> Self {
        Self {
            bytes: SecretBytes::from(text.as_bytes()),
        }
    }
}

/// Moves the text into protected memory and wipes the string's whole capacity before freeing it.
impl From<String> for SecretString {
    fn from(text: String) -> Self {
        Self {
            bytes: SecretBytes::from(text.into_bytes()),
        }
    }
}

/// Moves the text into protected memory; the source is wiped as it drops.
impl From<Zeroizing<String>> for SecretString {
    fn from(text: Zeroizing<String>) -> Self {
        Self::from(text.as_str())
    }
}

/// `SecretString(<7 bytes, locked>)`: never the text.
impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.bytes.redacted("SecretString", f)
    }
}

/// The same redacted text as `Debug`.
impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.bytes.redacted("SecretString", f)
    }
}

impl ZeroizeOnDrop for SecretString {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::lock::force_failure;

    #[test]
    fn unlocked_secret_works_and_says_so() {
        force_failure(true);
        let key = SecretBytes::from(&[9u8; 24][..]);
        force_failure(false);
        assert!(!key.is_locked());
        assert_eq!(key.expose(), &[9u8; 24][..]);
        assert_eq!(format!("{key:?}"), "SecretBytes(<24 bytes, not locked>)");
        assert_eq!(key.clone(), key);
    }

    #[test]
    fn failed_init_returns_its_error() {
        let result = SecretBytes::try_init(8, |buf| {
            buf[0] = 1;
            Err("no entropy")
        });
        assert_eq!(result.unwrap_err(), "no entropy");
    }

    #[test]
    fn owned_vector_is_moved_in() {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(b"0123456789abcdef");
        assert_eq!(SecretBytes::from(bytes).expose(), b"0123456789abcdef");
    }

    #[test]
    fn string_and_bytes_agree() {
        let text = SecretString::from(Zeroizing::new(String::from("pässword")));
        assert_eq!(text.len(), "pässword".len());
        assert_eq!(text.expose(), "pässword");
        assert_eq!(text.into_bytes().expose(), "pässword".as_bytes());
    }
}
