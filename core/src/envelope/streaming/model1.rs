//! Model 1 streaming: a fresh DEK per stream, protected under the KEK and carried in the header;
//! decryption unlocks it only when the header is under the model's own KEK.

use std::io::{self, Read, Write};
use std::sync::Arc;

use super::keys::{OpeningKey, SealingKey};
use super::push::{Opener, Sealer};
use crate::envelope::format::{Header, KeyRef, Params, to_io};
use crate::envelope::model1::{Model1, ProtectedDek, protected_dek_of_header};
use crate::error::Result;
use crate::keys::SecretBytes;

/// Which model sealed a ciphertext, read from its header alone (no key, no key-manager call).
///
/// This reads what the ciphertext claims; it does not know which key the caller expects. To
/// decrypt, ask the caller's model ([`Model1::opening_key`], [`Model2::opening_key`]).
///
/// [`Model2::opening_key`]: crate::envelope::model2::Model2::opening_key
///
/// The format has these two kinds only: a header with a wrapped DEK, or without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealed {
    /// Model 1: a DEK protected under a KEK, carried in the header (whose key reference names the
    /// same KEK).
    Model1(ProtectedDek),
    /// Model 2: the key version the header names.
    Model2(KeyRef),
}

/// Which model sealed the ciphertext whose header is `header`: Model 1 when it carries a
/// wrapped DEK (which must be a valid protected DEK under the KEK the header names), else
/// Model 2.
///
/// ```
/// use kmipkit::envelope::format::{Header, KeyRef, Params, seal};
/// use kmipkit::envelope::streaming::{Sealed, sealed_by};
/// let key_ref = KeyRef { name: "customer:42".into(), version: 2, uid: "9".into() };
/// let ciphertext = seal(&[7; 32], &Params::new(key_ref.clone()), b"", b"hi")?;
/// let (header, _) = Header::parse(&ciphertext)?;
/// assert_eq!(sealed_by(&header)?, Sealed::Model2(key_ref));
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub fn sealed_by(header: &Header) -> Result<Sealed> {
    if header.wrapped_dek.is_empty() {
        return Ok(Sealed::Model2(header.key_ref.clone()));
    }
    protected_dek_of_header(header).map(Sealed::Model1)
}

impl Model1 {
    /// A new DEK from the key manager ([`Model1::create_dek`]) ready to seal streams, its
    /// protected form going into each header. The KEK must exist ([`Model1::ensure_kek`]).
    ///
    /// ```no_run
    /// # async fn run(model: kmipkit::envelope::model1::Model1) -> kmipkit::error::Result<()> {
    /// let key = model.sealing_key().await?; // the key-manager round trips
    /// let mut sealer = key.sealer(b"table=orders")?; // local from here on
    /// let mut ciphertext = sealer.update(b"row 1")?;
    /// sealer.finish_into(&mut ciphertext)?;
    /// # Ok(()) }
    /// ```
    pub async fn sealing_key(&self) -> Result<SealingKey> {
        let (dek, protected) = self.create_dek().await?;
        self.sealing_key_with(Arc::new(dek), &protected)
    }

    /// `dek` and its protected form (from [`Model1::create_dek`] or [`Model1::protect`]) ready to
    /// seal streams. A protected DEK under another KEK than this model's is refused
    /// ([`crate::Error::Integrity`]): this model could not open what it sealed.
    pub fn sealing_key_with(
        &self,
        dek: Arc<SecretBytes>,
        protected: &ProtectedDek,
    ) -> Result<SealingKey> {
        self.check_kek(protected)?;
        let params = Params {
            wrapped_dek: protected.to_bytes()?,
            ..Params::new(protected.kek.clone())
        };
        Ok(SealingKey::new(dek, params)?.with_source(self.client().platform().random.clone()))
    }

    /// An existing protected DEK (a `dek create` file), unlocked on the key manager, ready to
    /// seal streams; refused before any request when it is under another KEK.
    pub async fn unlock_sealing_key(&self, protected: &ProtectedDek) -> Result<SealingKey> {
        let dek = self.unlock(protected).await?;
        self.sealing_key_with(Arc::new(dek), protected)
    }

    /// The key that opens the ciphertext whose header is `header`: its protected DEK, checked
    /// to be under this model's KEK (any version) before the cache or the key manager is asked,
    /// then unlocked ([`Model1::unlock_header`]). [`OpeningKey::key_ref`] is the KEK version
    /// that protects the DEK now.
    ///
    /// ```no_run
    /// # async fn run(
    /// #     model: kmipkit::envelope::model1::Model1,
    /// #     file: std::fs::File,
    /// # ) -> Result<(), Box<dyn std::error::Error>> {
    /// use kmipkit::envelope::format::Header;
    /// let mut input = std::io::BufReader::new(file);
    /// let header = Header::read_from(&mut input)?;
    /// let key = model.opening_key(&header).await?; // refused if not under the model's KEK
    /// let mut decryptor = key.decryptor(input, b"table=orders")?;
    /// std::io::copy(&mut decryptor, &mut std::io::sink())?;
    /// # Ok(()) }
    /// ```
    pub async fn opening_key(&self, header: &Header) -> Result<OpeningKey> {
        let protected = self.protected_dek(header)?;
        let key = self.unlock_header(header).await?;
        Ok(OpeningKey::new(key, header.clone())?.reporting(protected.kek, None))
    }

    /// Encrypts everything `reader` yields into `writer` under a new DEK, in constant memory;
    /// returns the number of plaintext bytes. Errors carry a kmipkit error where there is one
    /// ([`format::error_of`](crate::envelope::format::error_of)).
    ///
    /// ```no_run
    /// # async fn run(model: kmipkit::envelope::model1::Model1) -> std::io::Result<()> {
    /// let mut ciphertext = Vec::new();
    /// model.encrypt_stream(&b"row 1"[..], &mut ciphertext, b"table=orders").await?;
    /// let mut plaintext = Vec::new();
    /// model.decrypt_stream(&ciphertext[..], &mut plaintext, b"table=orders").await?;
    /// assert_eq!(plaintext, b"row 1");
    /// # Ok(()) }
    /// ```
    pub async fn encrypt_stream<R: Read, W: Write>(
        &self,
        reader: R,
        writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        let key = self.sealing_key().await.map_err(to_io)?;
        key.encrypt_stream(reader, writer, context)
    }

    /// Decrypts a ciphertext streamed from `reader` into `writer`, provided it is under this
    /// model's KEK ([`Model1::opening_key`]); returns the number of plaintext bytes. What was
    /// written before an error is unauthenticated.
    pub async fn decrypt_stream<R: Read, W: Write>(
        &self,
        mut reader: R,
        writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        let header = Header::read_from(&mut reader)?;
        let key = self.opening_key(&header).await.map_err(to_io)?;
        key.decrypt_stream(reader, writer, context)
    }

    /// A push encryptor under a new DEK ([`Model1::sealing_key`]).
    pub async fn start_encrypt(&self, context: &[u8]) -> Result<Sealer> {
        self.sealing_key().await?.sealer(context)
    }

    /// A push decryptor of the body after `header` (collected with a
    /// [`HeaderBuffer`](super::HeaderBuffer)), under this model's KEK only.
    pub async fn start_decrypt(&self, header: &Header, context: &[u8]) -> Result<Opener> {
        self.opening_key(header).await?.opener(context)
    }
}
