//! Model 2 streaming: the identifier's current key version to encrypt; to decrypt, the version
//! the header names, provided it is a version of the caller's identifier.

use std::io::{self, Read, Write};

use super::keys::{OpeningKey, SealingKey};
use super::push::{Opener, Sealer};
use crate::envelope::format::{Header, Params, to_io};
use crate::envelope::model2::{DecryptPolicy, Model2};
use crate::error::{Error, Result};

impl Model2 {
    /// The current version of `id`'s key, created on first use ([`Model2::encryption_key`]),
    /// ready to seal streams.
    pub async fn sealing_key(&self, id: &str) -> Result<SealingKey> {
        let (key_ref, key) = self.encryption_key(id).await?;
        Ok(SealingKey::new(key, Params::new(key_ref))?
            .with_source(self.client().platform().random.clone()))
    }

    /// The key that opens the ciphertext whose header is `header`, for `id`: the header must be a
    /// Model 2 one naming `id`'s key with a key UID, and the version's state must be one `policy`
    /// accepts ([`Model2::located_decryption_key`], through the model's key cache). Anything else
    /// is refused before the key manager is asked.
    pub async fn opening_key(
        &self,
        id: &str,
        header: &Header,
        policy: DecryptPolicy,
    ) -> Result<OpeningKey> {
        let name = self.key_name(id)?;
        if !header.wrapped_dek.is_empty() {
            return Err(Error::Integrity {
                reason: format!(
                    "this is a Model 1 ciphertext (a data key protected under KEK {:?}), not one of the key {name:?} of identifier {id:?}",
                    header.key_ref.name
                ),
            });
        }
        let (key, detour) = self
            .located_decryption_key(id, &header.key_ref, policy)
            .await?;
        Ok(OpeningKey::new(key, header.clone())?.reporting(header.key_ref.clone(), detour))
    }

    /// Encrypts everything `reader` yields for `id` into `writer`, under the current version of
    /// its key, in constant memory; returns the number of plaintext bytes. Errors carry a kmipkit
    /// error where there is one ([`format::error_of`](crate::envelope::format::error_of)).
    ///
    /// ```no_run
    /// # async fn run(model: kmipkit::envelope::model2::Model2) -> std::io::Result<()> {
    /// let mut ciphertext = Vec::new();
    /// model.encrypt_stream("C-1042", &b"invoice 7"[..], &mut ciphertext, b"t=inv").await?;
    /// let mut plaintext = Vec::new();
    /// model.decrypt_stream("C-1042", &ciphertext[..], &mut plaintext, b"t=inv").await?;
    /// assert_eq!(plaintext, b"invoice 7");
    /// # Ok(()) }
    /// ```
    pub async fn encrypt_stream<R: Read, W: Write>(
        &self,
        id: &str,
        reader: R,
        writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        let key = self.sealing_key(id).await.map_err(to_io)?;
        key.encrypt_stream(reader, writer, context)
    }

    /// Decrypts a ciphertext of `id` streamed from `reader` into `writer` with any version that
    /// is Pre-Active, Active or Deactivated; returns the number of plaintext bytes.
    pub async fn decrypt_stream<R: Read, W: Write>(
        &self,
        id: &str,
        reader: R,
        writer: W,
        context: &[u8],
    ) -> io::Result<u64> {
        self.decrypt_stream_with(id, reader, writer, context, DecryptPolicy::default())
            .await
    }

    /// [`Model2::decrypt_stream`] under `policy` (a Compromised version only when it allows).
    pub async fn decrypt_stream_with<R: Read, W: Write>(
        &self,
        id: &str,
        mut reader: R,
        writer: W,
        context: &[u8],
        policy: DecryptPolicy,
    ) -> io::Result<u64> {
        // A bad identifier is the caller's mistake whatever the input holds: said first.
        self.key_name(id).map_err(to_io)?;
        let header = Header::read_from(&mut reader)?;
        let key = self.opening_key(id, &header, policy).await.map_err(to_io)?;
        key.decrypt_stream(reader, writer, context)
    }

    /// A push encryptor for `id` ([`Model2::sealing_key`]).
    pub async fn start_encrypt(&self, id: &str, context: &[u8]) -> Result<Sealer> {
        self.sealing_key(id).await?.sealer(context)
    }

    /// A push decryptor of the body after `header` (collected with a
    /// [`HeaderBuffer`](super::HeaderBuffer)), for `id` only ([`Model2::opening_key`]).
    ///
    /// ```no_run
    /// # async fn run(model: kmipkit::envelope::model2::Model2, chunks: Vec<Vec<u8>>) -> kmipkit::error::Result<()> {
    /// use kmipkit::envelope::format::Plaintext;
    /// use kmipkit::envelope::model2::DecryptPolicy;
    /// use kmipkit::envelope::streaming::HeaderBuffer;
    /// let (mut header_buffer, mut opener, mut out) = (HeaderBuffer::new(), None, Plaintext::default());
    /// for chunk in &chunks {
    ///     let body = match &mut opener {
    ///         Some(_) => &chunk[..],
    ///         None => match header_buffer.feed(chunk)? {
    ///             None => continue, // more header to come
    ///             Some((header, used)) => {
    ///                 let policy = DecryptPolicy::default();
    ///                 opener = Some(model.start_decrypt("C-1042", &header, b"t=inv", policy).await?);
    ///                 &chunk[used..]
    ///             }
    ///         },
    ///     };
    ///     opener.as_mut().expect("started").update_into(body, &mut out)?;
    /// }
    /// opener.expect("a whole header").finish_into(&mut out)?;
    /// # Ok(()) }
    /// ```
    pub async fn start_decrypt(
        &self,
        id: &str,
        header: &Header,
        context: &[u8],
        policy: DecryptPolicy,
    ) -> Result<Opener> {
        self.opening_key(id, header, policy).await?.opener(context)
    }
}
