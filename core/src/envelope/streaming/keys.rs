//! The key of one stream, once the model found it: [`SealingKey`] to encrypt, [`OpeningKey`] to
//! decrypt. Everything from here on is local and synchronous.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

use super::pump::{CopyError, copy};
use super::push::{Opener, Sealer};
use crate::envelope::format::{Decryptor, Encryptor, Header, KeyRef, Params, to_io};
use crate::error::{Error, Result};
use crate::keys::SecretBytes;
use crate::platform::{MaybeSend, MaybeSync, Random};

/// A data key and the header fields naming it: what encrypts one or more streams.
///
/// Made by [`Model1::sealing_key`](crate::envelope::model1::Model1::sealing_key) and
/// [`Model2::sealing_key`](crate::envelope::model2::Model2::sealing_key), or by
/// [`SealingKey::new`] for a key managed elsewhere. Every stream gets a fresh random salt, so one
/// key may seal many: from the client's platform generator for the models' keys, from the source
/// given with [`SealingKey::with_random`] or [`SealingKey::with_source`], or else from the
/// operating system (wasm32 has none: there a key without a source refuses to seal).
/// `Debug` shows the key reference only.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use std::sync::Arc;
/// use kmipkit::envelope::format::{KeyRef, Params};
/// use kmipkit::envelope::streaming::SealingKey;
/// use kmipkit::keys::SecretBytes;
/// let key_ref = KeyRef { name: "orders".into(), version: 1, uid: "42".into() };
/// let key = SealingKey::new(Arc::new(SecretBytes::from(vec![7u8; 32])), Params::new(key_ref))?;
/// let mut ciphertext = Vec::new();
/// let n = key.encrypt_stream(&b"hello"[..], &mut ciphertext, b"ctx").unwrap();
/// assert_eq!(n, 5);
/// # }
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Clone)]
pub struct SealingKey {
    key: Arc<SecretBytes>,
    params: Params,
    random: Option<Arc<dyn Random>>,
}

/// A closure as a [`Random`] source.
struct FillFn<F>(F);

impl<F: Fn(&mut [u8]) -> Result<()> + MaybeSend + MaybeSync> Random for FillFn<F> {
    fn fill(&self, out: &mut [u8]) -> Result<()> {
        (self.0)(out)
    }
}

impl SealingKey {
    /// `key` (32 bytes) with the header parameters that name it (and carry its wrapped form).
    pub fn new(key: Arc<SecretBytes>, params: Params) -> Result<Self> {
        data_key(&key)?;
        Ok(Self {
            key,
            params,
            random: None,
        })
    }

    /// Takes each stream's salt from `fill` instead of the operating system: a host's
    /// generator (WebAssembly, a C caller's). It must give
    /// cryptographically random bytes: a salt repeated under one key repeats the AES-GCM key and
    /// nonces (FORMAT.md §5).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use kmipkit::envelope::format::{KeyRef, Params};
    /// use kmipkit::envelope::streaming::SealingKey;
    /// use kmipkit::keys::SecretBytes;
    /// let key_ref = KeyRef { name: "orders".into(), version: 1, uid: "42".into() };
    /// let key = SealingKey::new(Arc::new(SecretBytes::from(vec![7u8; 32])), Params::new(key_ref))?
    ///     .with_random(|_| Err(kmipkit::Error::Encode { what: "salt".into(), reason: "no entropy".into() }));
    /// assert!(key.sealer(b"").is_err()); // the source's failure, never a fixed salt
    /// # Ok::<(), kmipkit::Error>(())
    /// ```
    pub fn with_random(
        self,
        fill: impl Fn(&mut [u8]) -> Result<()> + MaybeSend + MaybeSync + 'static,
    ) -> Self {
        self.with_source(Arc::new(FillFn(fill)))
    }

    /// Takes each stream's salt from `random`, e.g. a client's
    /// [`Platform::random`](crate::platform::Platform::random); the models' keys do.
    pub fn with_source(mut self, random: Arc<dyn Random>) -> Self {
        self.random = Some(random);
        self
    }

    /// The key reference the ciphertext headers will carry.
    pub fn key_ref(&self) -> &KeyRef {
        &self.params.key_ref
    }

    /// The header parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// A streaming encryptor into `writer`, its header written: for a caller that runs its own
    /// copy loop ([`copy`] is one). Call [`Encryptor::finish`] at the end.
    pub fn encryptor<W: Write>(&self, writer: W, context: &[u8]) -> io::Result<Encryptor<W>> {
        let key = data_key(&self.key).map_err(to_io)?;
        let salt = self.salt().map_err(to_io)?;
        Encryptor::with_salt(writer, key, &self.params, context, salt)
    }

    /// A push encryptor: feed it plaintext, take ciphertext out.
    pub fn sealer(&self, context: &[u8]) -> Result<Sealer> {
        Sealer::with_salt(data_key(&self.key)?, &self.params, context, self.salt()?)
    }

    /// A fresh salt for one stream.
    fn salt(&self) -> Result<[u8; 32]> {
        let mut salt = [0u8; 32];
        match &self.random {
            Some(random) => random.fill(&mut salt)?,
            None => system_random(&mut salt)?,
        }
        Ok(salt)
    }

    /// Encrypts everything `reader` yields into `writer` (header, frames, final frame) and
    /// returns the number of plaintext bytes. Errors carry a kmipkit [`Error`] where there is one
    /// ([`format::error_of`](crate::envelope::format::error_of)).
    pub fn encrypt_stream<R: Read, W: Write>(
        &self,
        mut reader: R,
        writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        let mut encryptor = self.encryptor(writer, context)?;
        let n = copy(&mut reader, &mut encryptor).map_err(CopyError::into_io)?;
        encryptor.finish()?;
        Ok(n)
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealingKey")
            .field("key_ref", &self.params.key_ref)
            .finish_non_exhaustive()
    }
}

/// The key that opens one ciphertext, with its header: checked by the model against the key
/// the caller expects before the key was fetched.
///
/// Made by [`Model1::opening_key`](crate::envelope::model1::Model1::opening_key) and
/// [`Model2::opening_key`](crate::envelope::model2::Model2::opening_key), or by
/// [`OpeningKey::new`] for a key managed elsewhere. `Debug` shows the key reference only.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use std::sync::Arc;
/// use kmipkit::envelope::format::{Header, KeyRef, Params, seal};
/// use kmipkit::envelope::streaming::OpeningKey;
/// use kmipkit::keys::SecretBytes;
/// let key_ref = KeyRef { name: "orders".into(), version: 1, uid: "42".into() };
/// let ciphertext = seal(&[7; 32], &Params::new(key_ref), b"ctx", b"hello")?;
/// let mut body = &ciphertext[..];
/// let header = Header::read_from(&mut body).unwrap();
/// let key = OpeningKey::new(Arc::new(SecretBytes::from(vec![7u8; 32])), header)?;
/// let mut plaintext = Vec::new();
/// assert_eq!(key.decrypt_stream(body, &mut plaintext, b"ctx").unwrap(), 5);
/// assert_eq!(plaintext, b"hello");
/// # }
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Clone)]
pub struct OpeningKey {
    key: Arc<SecretBytes>,
    header: Header,
    key_ref: KeyRef,
    detour: Option<String>,
}

impl OpeningKey {
    /// `key` (32 bytes) for the message whose header is `header`.
    pub fn new(key: Arc<SecretBytes>, header: Header) -> Result<Self> {
        data_key(&key)?;
        let key_ref = header.key_ref.clone();
        Ok(Self {
            key,
            header,
            key_ref,
            detour: None,
        })
    }

    /// Replaces the key reference reported by [`OpeningKey::key_ref`].
    pub(crate) fn reporting(mut self, key_ref: KeyRef, detour: Option<String>) -> Self {
        self.key_ref = key_ref;
        self.detour = detour;
        self
    }

    /// The key that opens the message: for Model 1 the KEK version its DEK is protected under
    /// now, for Model 2 the key version in the header.
    pub fn key_ref(&self) -> &KeyRef {
        &self.key_ref
    }

    /// The header of the message.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// A sentence for the user when the key was not on the first server asked (Model 2).
    pub fn detour(&self) -> Option<&str> {
        self.detour.as_deref()
    }

    /// A streaming decryptor of the body that follows the header in `body`. A wrong key or
    /// context fails here, on the key commitment, before any frame is read.
    pub fn decryptor<R: Read>(&self, body: R, context: &[u8]) -> Result<Decryptor<R>> {
        Decryptor::new(body, &self.header, data_key(&self.key)?, context)
    }

    /// A push decryptor of the body: feed it ciphertext, take verified plaintext out.
    pub fn opener(&self, context: &[u8]) -> Result<Opener> {
        Opener::new(&self.header, data_key(&self.key)?, context)
    }

    /// Decrypts the body in `body` into `writer` and returns the number of plaintext bytes.
    /// Errors carry a kmipkit [`Error`] where there is one
    /// ([`format::error_of`](crate::envelope::format::error_of)); what was written before an error
    /// is unauthenticated.
    pub fn decrypt_stream<R: Read, W: Write>(
        &self,
        body: R,
        mut writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        let mut decryptor = self.decryptor(body, context).map_err(to_io)?;
        let n = copy(&mut decryptor, &mut writer).map_err(CopyError::into_io)?;
        writer.flush()?;
        Ok(n)
    }

    /// Decrypts the body in `body` and encrypts it again under `to` into `writer`, one frame at a
    /// time; returns the writer (for the caller to commit) and the number of plaintext bytes.
    pub fn reencrypt<R: Read, W: Write>(
        &self,
        body: R,
        to: &SealingKey,
        writer: W,
        context: &[u8],
    ) -> std::result::Result<(W, u64), CopyError> {
        let mut decryptor = self
            .decryptor(body, context)
            .map_err(|e| CopyError::Read(to_io(e)))?;
        let mut encryptor = to.encryptor(writer, context).map_err(CopyError::Write)?;
        let n = copy(&mut decryptor, &mut encryptor)?;
        let writer = encryptor.finish().map_err(CopyError::Write)?;
        Ok((writer, n))
    }
}

impl fmt::Debug for OpeningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpeningKey")
            .field("key_ref", &self.key_ref)
            .finish_non_exhaustive()
    }
}

/// Random bytes from the operating system.
#[cfg(not(target_arch = "wasm32"))]
fn system_random(out: &mut [u8]) -> Result<()> {
    crate::envelope::format::fill_random(out)
}

/// wasm32 has no operating system to ask: the host's source is required.
#[cfg(target_arch = "wasm32")]
fn system_random(_: &mut [u8]) -> Result<()> {
    Err(Error::Encode {
        what: "ciphertext salt".into(),
        reason: "this platform has no random source of its own: give the sealing key one with SealingKey::with_random".into(),
    })
}

/// The 32 bytes of a data key; an error (never a panic) for another length, or for a key made
/// before `fork()` in a child process, whose protected memory it did not inherit.
fn data_key(key: &SecretBytes) -> Result<&[u8; 32]> {
    if !key.is_available() {
        return Err(Error::Encode {
            what: "data key".into(),
            reason: "it was made before fork() and its protected memory is not inherited by the child process; make or unlock keys after forking".into(),
        });
    }
    key.expose().try_into().map_err(|_| Error::Encode {
        what: "data key".into(),
        reason: format!("an AES-256 key has 32 bytes, not {}", key.len()),
    })
}
