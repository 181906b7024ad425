//! Model 1 — one data encryption key (DEK) for a data store, protected by a key encryption key
//! (KEK) that never leaves the key manager.
//!
//! The steps, as in the design's pseudocode:
//!
//! 1. The KEK lives on the key manager: an AES-256 key whose KMIP Name is
//!    [`kek_key_name`]`(name, version)` (`"{name}/v{version}"`). [`Model1::ensure_kek`] finds it by
//!    that name or creates and activates it (once, see [`super::model2`] for how concurrent first
//!    uses agree on one key); [`Model1::kek`] only finds it.
//! 2. The DEK comes from the key manager ([`Model1::create_dek`]: Create an AES-256 key, Get its
//!    bytes straight into [`SecretBytes`], then **Destroy the server object**: the DEK must exist
//!    only in its protected form, not also as a key on the server that anyone with access to the
//!    KMIP account could Get. If the Destroy fails, `create_dek` fails too and names the object
//!    to clean up). A DEK from the local CSPRNG only when the caller asks
//!    ([`Model1::create_local_dek`]).
//! 3. The DEK is sent to the key manager to be encrypted under the KEK: KMIP Encrypt, AES-256-GCM,
//!    with a fresh random 12-byte IV from the client and the blob's header (below) as additional
//!    authenticated data, which binds the KEK name, version, UID, the method and the blob version
//!    to the ciphertext. GCM through Encrypt needs a KMIP 1.4 or 2.0 session (KMIP 1.2 has no tag
//!    fields; PyKMIP then silently drops the tag), so a 1.0–1.3 session is refused up front.
//! 4. The result is a [`ProtectedDek`], a small self-describing blob stored beside the data (in
//!    the ciphertext header's wrapped-DEK field by [`Model1::seal_with_dek`]). The plain DEK only
//!    ever lives in [`SecretBytes`] (locked, zeroized on drop).
//! 5. [`Model1::unlock`] sends the blob back for KMIP Decrypt under the KEK UID it names, to the
//!    server that holds that UID under the KEK's name ([`super::lookup`]: servers that do not
//!    replicate reuse UIDs), and returns the DEK in [`SecretBytes`]. A modified blob or a wrong KEK fails at the key manager
//!    (the GCM tag does not verify) and is reported as [`Error::Integrity`].
//!
//! **The caller names the KEK, not the ciphertext.** Every path that unlocks a DEK — [`Model1::unlock`],
//! [`Model1::open`], [`Model1::unlock_header`] for streaming, and re-wrapping
//! ([`super::rotation::Model1Rotation`]) — first checks that the blob is under this model's KEK
//! name (any version of it) and refuses any other with [`Error::Integrity`], before the key
//! manager or the key cache is asked. Otherwise a stored ciphertext could be swapped for one
//! under any other KEK the caller's identity may use, and would still "authenticate".
//! [`protected_dek_of`] and [`protected_dek_of_header`] only read a header: they do not know
//! which KEK the caller expects.
//!
//! Which version protects new DEKs: the one given to [`Model1::new`], or the current one (the
//! highest Active version) with [`Model1::current`]; [`kek_versions`] lists them all.
//!
//! **Two methods** ([`KekMethod`], chosen with [`Model1::with_kek_method`] or `[key]
//! kek_method` in `kmipkit.toml`; default [`KekMethod::Encrypt`]): steps 3 and 5 above (method
//! byte `0x01`), or, for servers without AES-GCM Encrypt, AES key wrap with padding (RFC 5649)
//! on the key manager (method byte `0x02`, [`super::key_wrap`]): the DEK is Created or
//! Registered there, fetched wrapped under the KEK (Get with a Key Wrapping Specification) and
//! destroyed; unlocking Imports the wrapped key with Key Wrap Type Not Wrapped (the server
//! unwraps it), Gets it and destroys it, in one round trip. A KEK for key wrap is created with
//! the Wrap Key and Unwrap Key usages, and [`Model1::ensure_kek`] checks with a throw-away key
//! that the server can wrap and unwrap, so a server that cannot (PyKMIP 0.11) is refused at
//! setup. Unlocking always follows the blob's method byte, whatever the model's method.
//!
//! # Protected-DEK blob, version 1
//!
//! All integers unsigned big-endian; no trailing bytes allowed.
//!
//! | Offset | Size | Field |
//! |-------:|-----:|-------|
//! | 0 | 4 | magic `4B 4D 50 44` (ASCII `KMPD`) |
//! | 4 | 1 | blob version `01` |
//! | 5 | 1 | method: `01` = KMIP Encrypt, AES-256-GCM under the KEK; `02` = AES key wrap with padding (RFC 5649) on the key manager |
//! | 6 | 2 | n, KEK name length (≤ 1,024) |
//! | 8 | n | KEK name (UTF-8; the caller's name, without the `/v…` suffix) |
//! | 8+n | 4 | KEK version |
//! | 12+n | 2 | u, KEK UID length (≤ 1,024) |
//! | 14+n | u | KEK UID (UTF-8; the KMIP Unique Identifier) |
//! | 14+n+u | 1 | i, IV length (method `01`: 1 ≤ i ≤ 32; method `02`: 0) |
//! | … | i | IV |
//! | … | 1 | t, tag length (method `01`: 1 ≤ t ≤ 32, 16 written; method `02`: 0) |
//! | … | t | GCM tag |
//! | … | 2 | e, encrypted DEK length (method `01`: 1 ≤ e ≤ 1,024, 32 for an AES-256 DEK; method `02`: 16 ≤ e ≤ 1,024, a multiple of 8, 40 for an AES-256 DEK) |
//! | … | e | encrypted DEK (method `02`: the RFC 5649 wrapped key, as the key manager returned it) |
//!
//! Method `01`: the GCM additional data is `"kmipkit/protected-dek/v1"` (24 ASCII bytes)
//! followed by the blob bytes from offset 0 through the end of the KEK UID. The largest blob is
//! 3,154 bytes, within the ciphertext format's 4,096-byte wrapped-DEK limit.
//!
//! Method `02` has no IV (RFC 5649's integrity check value is fixed) and no additional data
//! (KWP has none): the wrapped key is the whole of the key manager's output, 8 bytes longer than
//! the DEK. What binds the KEK fields then: the UID is the key the server unwraps with, so a
//! blob pointed at another KEK fails the KWP integrity check (an [`Error::Integrity`]); the
//! name must be this model's ([`Model1::protected_dek`]) and the UID must carry the Name
//! `name/v{version}` on the server it is sent to ([`crate::client::Client::find_named`]), so a name or version
//! that does not belong to the UID is refused before any unwrap; and a DEK that unwraps but is
//! not the message's fails the ciphertext's key commitment. The blob version stays `01`: `02`
//! was reserved there, and kmipkit versions that predate it refuse it by name.
//!
//! ```no_run
//! # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
//! use kmipkit::envelope::model1::Model1;
//! let model = Model1::new(client, "orders-kek", 1)?;
//! model.ensure_kek().await?;
//! let (dek, protected) = model.create_dek().await?;
//! let ciphertext = model.seal_with_dek(&dek, &protected, b"table=orders", b"row 1")?;
//! drop(dek); // zeroized
//! let plaintext = model.open(&ciphertext, b"table=orders").await?;
//! assert_eq!(&plaintext[..], b"row 1");
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::format::{self, Header, KeyRef, Params};
pub use super::kek_method::KekMethod;
pub use super::kek_versions::{current_of, kek_versions};
use super::key_wrap::Source;
use super::protected_dek::aad;
pub use super::protected_dek::{BLOB_MAGIC, BLOB_VERSION, ProtectedDek, ProtectionMethod};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::keys::{KeyCache, SecretBytes};
use crate::message::{
    Attribute, Attributes, CreateRequest, CryptographicParameters, DecryptRequest, EncryptRequest,
    GetRequest, KeyMaterial, KeyValue, Object,
};
use crate::spec::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, ObjectType, ProtocolVersion,
    ResultReason,
};

/// Length of a DEK: AES-256.
pub const DEK_LEN: usize = 32;
/// The IV length kmipkit sends (the server may choose another and return it).
const IV_LEN: usize = 12;
/// The GCM tag length.
const TAG_LEN: usize = 16;

/// The KMIP Name of version `version` of the KEK called `name`: `"{name}/v{version}"`.
pub fn kek_key_name(name: &str, version: u32) -> String {
    format!("{name}/v{version}")
}

/// Model 1: DEKs protected by one KEK (name and version) on the key manager.
#[derive(Debug, Clone)]
pub struct Model1 {
    client: Arc<Client>,
    kek_name: String,
    kek_version: u32,
    /// Unlocked DEKs by protected-DEK digest, when the caller asks for a cache.
    cache: Option<Arc<KeyCache>>,
    /// How new DEKs are protected; `None`: [`super::kek_method::choose`] decides.
    kek_method: Option<KekMethod>,
    /// The method [`Model1::ensure_kek`] chose from the server's profile, without an explicit one.
    profiled: Arc<std::sync::OnceLock<KekMethod>>,
    /// Whether the key manager was seen to wrap and unwrap under this KEK (key wrap only).
    wrap_verified: Arc<AtomicBool>,
}

impl Model1 {
    /// Model 1 with the KEK `kek_name`, version `kek_version` (KMIP Name [`kek_key_name`]).
    /// Nothing is sent yet. The name must be non-empty, at most 1,000 bytes, without control
    /// characters or `:` (which only Model 2 names carry: [`super::model2::naming`]).
    pub fn new(client: Arc<Client>, kek_name: impl Into<String>, kek_version: u32) -> Result<Self> {
        let kek_name = kek_name.into();
        super::model2::naming::check_kek_name(&kek_name)?;
        Ok(Self {
            client,
            kek_name,
            kek_version,
            cache: None,
            kek_method: None,
            profiled: Arc::new(std::sync::OnceLock::new()),
            wrap_verified: Arc::new(AtomicBool::new(false)),
        })
    }

    /// This model protecting new DEKs with `method` (unlocking always follows the method each
    /// protected DEK records). Without it, [`Model1::ensure_kek`] chooses from the key
    /// manager's profile (AES-GCM Encrypt where it can, key wrap where it only wraps and
    /// unwraps), and [`KekMethod::Encrypt`] applies before that.
    ///
    /// ```no_run
    /// # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
    /// use kmipkit::envelope::model1::{KekMethod, Model1};
    /// let model = Model1::new(client, "orders-kek", 1)?.with_kek_method(KekMethod::KeyWrap);
    /// model.ensure_kek().await?; // refused here if the server cannot wrap and unwrap
    /// let (dek, protected) = model.create_dek().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_kek_method(mut self, method: KekMethod) -> Self {
        self.kek_method = Some(method);
        self.wrap_verified = Arc::new(AtomicBool::new(false));
        self
    }

    /// The method new DEKs are protected with.
    pub fn kek_method(&self) -> KekMethod {
        super::kek_method::choose(self.kek_method, self.profiled.get().copied())
    }

    /// The client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The KEK's name (without the `/v…` suffix): the only KEK this model unlocks DEKs of.
    pub fn kek_name(&self) -> &str {
        &self.kek_name
    }

    /// The KEK version new DEKs are protected under.
    pub fn kek_version(&self) -> u32 {
        self.kek_version
    }

    /// The KEK's KMIP Name.
    pub fn kek_key_name(&self) -> String {
        kek_key_name(&self.kek_name, self.kek_version)
    }

    /// The KEK, found by name; [`Error::Protocol`] when the key manager has no such key.
    pub async fn kek(&self) -> Result<KeyRef> {
        let name = self.kek_key_name();
        let uid = super::lookup::find_by_name(&self.client, &name).await?;
        let uid = uid.ok_or_else(|| Error::Protocol {
            reason: format!("the key manager has no KEK named {name:?}; call ensure_kek first"),
        })?;
        Ok(self.key_ref(uid))
    }

    /// The KEK, found by name or created (AES-256, then activated) if missing, with the usages
    /// of the model's [`KekMethod`] (Encrypt and Decrypt, or Wrap Key and Unwrap Key).
    ///
    /// With [`KekMethod::KeyWrap`] this is also the setup check: the key manager must wrap and
    /// unwrap a throw-away key under the KEK ([`Model1::check_kek_method`]), or the model is
    /// refused here with what failed, not at the first unlock. Without an explicit method it
    /// first chooses one from the key manager's profile (one Query), and refuses a server
    /// that can neither encrypt with AES-GCM nor wrap and unwrap ([`crate::ErrorKind::Config`]).
    pub async fn ensure_kek(&self) -> Result<KeyRef> {
        if self.kek_method.is_none() && self.profiled.get().is_none() {
            let method = super::kek_method::from_profile(&self.client).await?;
            let _ = self.profiled.set(method);
        }
        let usage = self.kek_method().kek_usage();
        let name = self.kek_key_name();
        let uid = super::model2::find_or_create_with(&self.client, &name, usage).await?;
        let kek = self.key_ref(uid);
        if self.kek_method() == KekMethod::KeyWrap {
            self.verify_key_wrap(&kek).await?;
        }
        Ok(kek)
    }

    /// Checks that the key manager can protect DEKs under the KEK with the model's
    /// [`KekMethod`]: for [`KekMethod::Encrypt`], a KMIP 1.4 or later session; for
    /// [`KekMethod::KeyWrap`], KMIP 1.4 or later and a wrap and unwrap of a throw-away key
    /// under the KEK (two temporary objects on the key manager, both destroyed; done once per
    /// model). The KEK must exist.
    pub async fn check_kek_method(&self) -> Result<()> {
        match self.kek_method() {
            KekMethod::Encrypt => self.needs_gcm(),
            KekMethod::KeyWrap => self.verify_key_wrap(&self.kek().await?).await,
        }
    }

    async fn verify_key_wrap(&self, kek: &KeyRef) -> Result<()> {
        if self.wrap_verified.load(Ordering::Acquire) {
            return Ok(());
        }
        let holder = self.holder(kek).await?;
        super::key_wrap::verify(&self.client, &holder.server, kek).await?;
        self.wrap_verified.store(true, Ordering::Release);
        Ok(())
    }

    /// The server holding the KEK, found by UID *and* name: another server may hold another
    /// key under its UID.
    async fn holder(&self, kek: &KeyRef) -> Result<crate::client::Holder> {
        self.client
            .find_named(&kek.uid, &kek_key_name(&kek.name, kek.version))
            .await
    }

    fn key_ref(&self, uid: String) -> KeyRef {
        KeyRef {
            name: self.kek_name.clone(),
            version: self.kek_version,
            uid,
        }
    }

    /// A new DEK generated by the key manager, and its protected form.
    ///
    /// Create (AES-256) + Get its bytes into protected memory + Destroy the server object, then
    /// [`Model1::protect`]. The KEK must exist ([`Model1::ensure_kek`]).
    ///
    /// With [`KekMethod::KeyWrap`] the DEK is created on the server holding the KEK and fetched
    /// both plain and wrapped in one batch before the Destroy ([`super::key_wrap`]).
    pub async fn create_dek(&self) -> Result<(SecretBytes, ProtectedDek)> {
        let kek = self.kek().await?;
        if self.kek_method() == KekMethod::KeyWrap {
            return self.wrap_under(Source::Create, kek).await;
        }
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        ));
        attributes.push(Attribute::CryptographicLength(256));
        attributes.push(Attribute::CryptographicUsageMask(
            CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
        ));
        let uid = self
            .client
            .create(CreateRequest::new(ObjectType::SymmetricKey, attributes))
            .await?
            .unique_identifier;
        let dek = fetch_aes256(&self.client, &uid).await;
        // Destroy even when the Get failed: the DEK must not stay on the server.
        if let Err(e) = self.client.destroy(&uid).await {
            return Err(Error::Protocol {
                reason: format!(
                    "the server-generated DEK {uid:?} could not be destroyed on the key manager after it was fetched ({e}); destroy it by hand"
                ),
            });
        }
        let dek = dek?;
        let protected = self.protect_under(&dek, kek).await?;
        Ok((dek, protected))
    }

    /// A new DEK from the client's CSPRNG ([`crate::platform::Random`]), and its protected form. Only when asked for:
    /// [`Model1::create_dek`] is the default.
    pub async fn create_local_dek(&self) -> Result<(SecretBytes, ProtectedDek)> {
        let random = &self.client.platform().random;
        let dek = SecretBytes::try_init(DEK_LEN, |buf| random.fill(buf))?;
        let protected = self.protect(&dek).await?;
        Ok((dek, protected))
    }

    /// Protects `dek` (32 bytes) under the model's KEK with the model's [`KekMethod`]: KMIP
    /// Encrypt (AES-256-GCM), or Register + Get wrapped + Destroy (AES key wrap).
    pub async fn protect(&self, dek: &SecretBytes) -> Result<ProtectedDek> {
        let kek = self.kek().await?;
        if self.kek_method() == KekMethod::KeyWrap {
            return Ok(self.wrap_under(Source::Local(dek), kek).await?.1);
        }
        self.protect_under(dek, kek).await
    }

    /// The DEK (from `source`) and its protected form by key wrap under `kek`.
    async fn wrap_under(
        &self,
        source: Source<'_>,
        kek: KeyRef,
    ) -> Result<(SecretBytes, ProtectedDek)> {
        let holder = self.holder(&kek).await?;
        let (dek, wrapped) =
            super::key_wrap::wrap(&self.client, &holder.server, &kek.uid, source).await?;
        let protected = ProtectedDek {
            kek,
            method: ProtectionMethod::KmipKeyWrapAesPadding,
            iv: Vec::new(),
            tag: Vec::new(),
            encrypted_dek: wrapped,
        };
        Ok((dek, protected))
    }

    async fn protect_under(&self, dek: &SecretBytes, kek: KeyRef) -> Result<ProtectedDek> {
        self.needs_gcm()?;
        if dek.len() != DEK_LEN {
            return Err(Error::Encode {
                what: "DEK".into(),
                reason: format!("a DEK has {DEK_LEN} bytes, not {}", dek.len()),
            });
        }
        let method = ProtectionMethod::KmipEncryptAesGcm;
        let mut iv = vec![0u8; IV_LEN];
        self.client.platform().random.fill(&mut iv)?;
        let mut request = EncryptRequest::new(Some(kek.uid.clone()), dek.expose().to_vec());
        request.cryptographic_parameters = Some(gcm());
        request.iv_counter_nonce = Some(iv.clone().into());
        request.authenticated_encryption_additional_data = Some(aad(&kek, method)?.into());
        let holder = self.holder(&kek).await?;
        let result = self.client.encrypt_on(&holder.server, request).await;
        let response = result?;
        let encrypted_dek = response
            .data
            .map(|mut d| d.take())
            .ok_or_else(|| missing("Encrypt", "the encrypted DEK"))?;
        let tag = response
            .authenticated_encryption_tag
            .map(|mut t| t.take())
            .ok_or_else(|| missing("Encrypt", "the GCM tag"))?;
        if tag.len() != TAG_LEN || encrypted_dek.len() != DEK_LEN {
            return Err(Error::Protocol {
                reason: format!(
                    "the key manager's AES-GCM Encrypt returned a {}-byte tag and {} bytes of ciphertext (expected {TAG_LEN} and {DEK_LEN})",
                    tag.len(),
                    encrypted_dek.len()
                ),
            });
        }
        let iv = response.iv_counter_nonce.map_or(iv, |mut n| n.take());
        Ok(ProtectedDek {
            kek,
            method,
            iv,
            tag,
            encrypted_dek,
        })
    }

    /// Sends `protected` to the key manager for decryption under the KEK UID it names and returns
    /// the DEK in protected memory, by the method the blob records (KMIP Decrypt, or Register of
    /// the wrapped key + Get Not Wrapped + Destroy for key wrap), whatever the model's
    /// [`KekMethod`].
    ///
    /// The blob must name this model's KEK (any version: older versions still unlock). A blob
    /// for another KEK name, a modified blob or a KEK that cannot decrypt it is an
    /// [`Error::Integrity`]; key-manager failures (connection, permission) pass through.
    pub async fn unlock(&self, protected: &ProtectedDek) -> Result<SecretBytes> {
        if protected.method == ProtectionMethod::KmipKeyWrapAesPadding {
            self.check_kek(protected)?;
            let holder = self.holder(&protected.kek).await?;
            let (kek, wrapped) = (&protected.kek, &protected.encrypted_dek);
            return super::key_wrap::unwrap(&self.client, &holder.server, kek, wrapped).await;
        }
        self.needs_gcm()?;
        self.check_kek(protected)?;
        let mut request = DecryptRequest::new(
            Some(protected.kek.uid.clone()),
            protected.encrypted_dek.clone(),
        );
        request.cryptographic_parameters = Some(gcm());
        request.iv_counter_nonce = Some(protected.iv.clone().into());
        request.authenticated_encryption_additional_data = Some(protected.aad()?.into());
        request.authenticated_encryption_tag = Some(protected.tag.clone().into());
        let holder = self.holder(&protected.kek).await?;
        let response = match self.client.decrypt_on(&holder.server, request).await {
            Ok(response) => response,
            // PyKMIP reports a bad GCM tag as a General Failure, without more.
            Err(Error::Server {
                reason: reason @ (ResultReason::GeneralFailure | ResultReason::CryptographicFailure),
                message,
                ..
            }) => {
                return Err(Error::Integrity {
                    reason: format!(
                        "the key manager could not decrypt the protected DEK under KEK {:?} version {} (UID {:?}): the blob was modified or belongs to another KEK ({reason}{})",
                        protected.kek.name,
                        protected.kek.version,
                        protected.kek.uid,
                        message.map(|m| format!(": {m}")).unwrap_or_default()
                    ),
                });
            }
            Err(e) => return Err(e),
        };
        let plain = response
            .data
            .map(|mut d| SecretBytes::from(d.take()))
            .ok_or_else(|| missing("Decrypt", "the DEK"))?;
        if plain.len() != DEK_LEN {
            return Err(Error::Integrity {
                reason: format!(
                    "the protected DEK decrypted to {} bytes, not {DEK_LEN}",
                    plain.len()
                ),
            });
        }
        Ok(plain)
    }

    /// Encrypts `plaintext` under `dek` in the ciphertext format, with the KEK as the key reference
    /// and the protected DEK's bytes as the wrapped DEK: the result carries everything
    /// [`Model1::open`] needs besides the context. A protected DEK under another KEK than this
    /// model's is refused ([`Error::Integrity`]), as [`Model1::sealing_key_with`] refuses it:
    /// this model could not open what it sealed.
    pub fn seal_with_dek(
        &self,
        dek: &SecretBytes,
        protected: &ProtectedDek,
        context: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        self.check_kek(protected)?;
        let params = Params {
            wrapped_dek: protected.to_bytes()?,
            ..Params::new(protected.kek.clone())
        };
        super::seal_for(&self.client, dek_array(dek)?, &params, context, plaintext)
    }

    /// Decrypts a ciphertext made by [`Model1::seal_with_dek`]: reads the protected DEK from its
    /// header, unlocks it on the key manager, and opens the message (no plaintext unless all of it
    /// verified). The DEK is zeroized before this returns.
    pub async fn open(&self, ciphertext: &[u8], context: &[u8]) -> Result<format::Plaintext> {
        let dek = self.unlock_header(&Header::parse(ciphertext)?.0).await?;
        format::open(ciphertext, dek_array(&dek)?, context)
    }

    /// The protected DEK of a ciphertext header, checked to be under this model's KEK (any
    /// version): an [`Error::Integrity`] for a ciphertext of another KEK, so that the caller,
    /// not the ciphertext, chooses the key.
    ///
    /// ```
    /// # fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
    /// use kmipkit::envelope::format::{Header, KeyRef};
    /// use kmipkit::envelope::model1::{Model1, ProtectedDek, ProtectionMethod};
    /// let protected = ProtectedDek {
    ///     kek: KeyRef { name: "other-kek".into(), version: 1, uid: "9".into() },
    ///     method: ProtectionMethod::KmipEncryptAesGcm,
    ///     iv: vec![1; 12], tag: vec![2; 16], encrypted_dek: vec![3; 32],
    /// };
    /// let theirs = Model1::new(client.clone(), "other-kek", 1)?;
    /// let ciphertext = theirs.seal_with_dek(&vec![7u8; 32].into(), &protected, b"", b"hi")?;
    /// let mine = Model1::new(client, "orders-kek", 1)?;
    /// assert!(mine.seal_with_dek(&vec![7u8; 32].into(), &protected, b"", b"hi").is_err());
    /// let (header, _) = Header::parse(&ciphertext)?;
    /// assert!(mine.protected_dek(&header).is_err()); // not under orders-kek
    /// # Ok(()) }
    /// ```
    pub fn protected_dek(&self, header: &Header) -> Result<ProtectedDek> {
        let protected = protected_dek_of_header(header)?;
        self.check_kek(&protected)?;
        Ok(protected)
    }

    /// The DEK of a ciphertext header, unlocked on the key manager (or taken from the cache):
    /// what a streaming decryptor needs ([`format::Decryptor`]). The header must be under this
    /// model's KEK ([`Model1::protected_dek`]); that is checked before the cache or the key
    /// manager is asked.
    pub async fn unlock_header(&self, header: &Header) -> Result<Arc<SecretBytes>> {
        let protected = self.protected_dek(header)?;
        match &self.cache {
            Some(cache) => {
                cache.bind(self.client.cache_scope())?;
                let id = cache_id(&protected)?;
                cache.get_or_fetch(&id, || self.unlock(&protected)).await
            }
            None => Ok(Arc::new(self.unlock(&protected).await?)),
        }
    }

    /// Refuses a protected DEK under another KEK name than this model's.
    pub(crate) fn check_kek(&self, protected: &ProtectedDek) -> Result<()> {
        if protected.kek.name == self.kek_name {
            return Ok(());
        }
        Err(Error::Integrity {
            reason: format!(
                "the data key is protected under KEK {:?}, not the expected KEK {:?}: this ciphertext or protected-DEK file belongs to another key",
                protected.kek.name, self.kek_name
            ),
        })
    }

    /// Keeps unlocked DEKs in `cache` (max age, max uses, max bytes; see [`KeyCache`]), so that
    /// opening many ciphertexts under one protected DEK costs one key-manager round trip per
    /// cache lifetime rather than one per message. The cache binds itself to this client's
    /// identity and servers on first use ([`KeyCache::bind`]).
    pub fn with_cache(mut self, cache: Arc<KeyCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    fn needs_gcm(&self) -> Result<()> {
        let version = self.client.version();
        if version < ProtocolVersion::V1_4 {
            return Err(Error::Protocol {
                reason: format!(
                    "Model 1 protects DEKs with AES-GCM through KMIP Encrypt, which needs KMIP 1.4 or later; this session speaks {version}"
                ),
            });
        }
        Ok(())
    }
}

/// The protected DEK carried in a Model 1 ciphertext's header; checks that the header's key
/// reference names the blob's KEK.
///
/// The header's key reference is bound into the key schedule, so a re-wrap
/// ([`super::rotation::Model1Rotation`]) cannot change it: it keeps the KEK version and UID the
/// message was first sealed under, while the blob names the KEK version it is protected under now.
/// Only the KEK names must therefore agree.
///
/// This reads the ciphertext; it does not know which KEK the caller expects. To decrypt, use
/// [`Model1::protected_dek`] or [`Model1::unlock_header`], which refuse a ciphertext of
/// another KEK.
pub fn protected_dek_of(ciphertext: &[u8]) -> Result<ProtectedDek> {
    protected_dek_of_header(&Header::parse(ciphertext)?.0)
}

/// [`protected_dek_of`] for a header already read, e.g. by a streaming decryptor.
///
/// ```
/// use kmipkit::envelope::format::{Header, KeyRef, Params, seal};
/// use kmipkit::envelope::model1::protected_dek_of_header;
/// let key_ref = KeyRef { name: "kek".into(), version: 1, uid: "1".into() };
/// let ciphertext = seal(&[7; 32], &Params::new(key_ref), b"", b"hi")?;
/// let (header, _) = Header::parse(&ciphertext)?;
/// assert!(protected_dek_of_header(&header).is_err()); // a Model 2 ciphertext carries none
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub fn protected_dek_of_header(header: &Header) -> Result<ProtectedDek> {
    if header.wrapped_dek.is_empty() {
        return Err(Error::Format {
            reason: "the ciphertext carries no protected DEK (not a Model 1 ciphertext)".into(),
        });
    }
    let protected = ProtectedDek::from_bytes(&header.wrapped_dek)?;
    if protected.kek.name != header.key_ref.name {
        return Err(Error::Integrity {
            reason: "the ciphertext's key reference does not name the KEK of its protected DEK"
                .into(),
        });
    }
    Ok(protected)
}

/// The 32 bytes of an AES-256 key held in `SecretBytes`, borrowed; an `Encode` error for any
/// other length.
///
/// ```
/// use kmipkit::envelope::model1::dek_array;
/// use kmipkit::keys::SecretBytes;
/// assert!(dek_array(&SecretBytes::from(vec![7u8; 32])).is_ok());
/// assert!(dek_array(&SecretBytes::from(vec![7u8; 16])).is_err());
/// ```
pub fn dek_array(key: &SecretBytes) -> Result<&[u8; 32]> {
    key.expose().try_into().map_err(|_| Error::Encode {
        what: "data key".into(),
        reason: format!("an AES-256 key has 32 bytes, not {}", key.len()),
    })
}

/// Gets the AES-256 key `uid` from the key manager into protected memory; a `Protocol` error
/// when the object is not an unwrapped, raw, 32-byte AES key.
///
/// ```no_run
/// # async fn example(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
/// let key = kmipkit::envelope::model1::fetch_aes256(client, "4d2f-11").await?;
/// assert_eq!(key.len(), 32);
/// # Ok(()) }
/// ```
pub async fn fetch_aes256(client: &Client, uid: &str) -> Result<SecretBytes> {
    let got = client.get(GetRequest::new(Some(uid.to_string()))).await?;
    aes256_of(uid, got.object)
}

/// The bytes of a fetched AES-256 key `uid` (see [`fetch_aes256`] for what is refused).
pub(crate) fn aes256_of(uid: &str, object: Object) -> Result<SecretBytes> {
    let Object::SymmetricKey(key) = object else {
        return Err(Error::Protocol {
            reason: format!("object {uid:?} is not a symmetric key"),
        });
    };
    let block = key.key_block;
    if block.is_wrapped() {
        return Err(Error::Protocol {
            reason: format!("key {uid:?} came back wrapped"),
        });
    }
    if let Some(algorithm) = block.cryptographic_algorithm
        && algorithm != CryptographicAlgorithm::AES
    {
        return Err(Error::Protocol {
            reason: format!("key {uid:?} is a {algorithm} key, not AES"),
        });
    }
    let secret = match block.key_value {
        Some(KeyValue::Structure(value)) => match value.key_material {
            KeyMaterial::Bytes(mut bytes) => SecretBytes::from(bytes.take()),
            _ => {
                return Err(Error::Protocol {
                    reason: format!("key {uid:?} did not come back as raw bytes"),
                });
            }
        },
        _ => {
            return Err(Error::Protocol {
                reason: format!("key {uid:?} came back without key material"),
            });
        }
    };
    if secret.len() != DEK_LEN {
        return Err(Error::Protocol {
            reason: format!(
                "key {uid:?} has {} bytes; envelope encryption needs AES-256 (32 bytes)",
                secret.len()
            ),
        });
    }
    Ok(secret)
}

fn gcm() -> CryptographicParameters {
    CryptographicParameters {
        block_cipher_mode: Some(BlockCipherMode::GCM),
        cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
        tag_length: Some(TAG_LEN as i32),
        ..CryptographicParameters::default()
    }
}

fn missing(operation: &str, what: &str) -> Error {
    Error::Protocol {
        reason: format!("the key manager's {operation} answer carries no {what}"),
    }
}

/// The cache key of an unlocked DEK: the KEK UID and a digest of the whole protected blob, so
/// that two blobs can never share an entry (a KEK protects many DEKs).
fn cache_id(protected: &ProtectedDek) -> Result<String> {
    let digest = crate::observe::chain::sha256(&[&protected.to_bytes()?]);
    let hex = crate::ttlv::text::hex_lower(&digest);
    Ok(format!("model1:{}:{hex}", protected.kek.uid))
}
