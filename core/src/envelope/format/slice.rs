//! Whole messages into a slice the caller allocates once it knows the exact length:
//! [`PreparedSeal`] and [`PreparedOpen`].
//!
//! For callers that must own the output's memory, such as a language binding that writes straight
//! into the string object it returns: with [`seal`](super::seal) / [`open`](super::open) the
//! message would be built in a Rust buffer and then copied (for large messages, a second set of
//! fresh pages and one more pass over the data), and decrypted plaintext would pass through a
//! Rust buffer that must then be wiped. The header is built (or parsed) and the key derived once.

use zeroize::Zeroize;

use super::crypto::Native;
use super::header::Header;
use super::memory::{Output, body_len, open_body, opened_body_len, write_message};
use super::schedule::Schedule;
use super::{Params, start};
use crate::error::{Error, Result};

/// A message whose header and key schedule are ready: [`PreparedSeal::sealed_len`] says how long
/// the ciphertext of a plaintext will be, [`PreparedSeal::seal_to`] writes it.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use kmipkit::envelope::format::{open, KeyRef, Params, PreparedSeal};
/// let dek = [7u8; 32];
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let prepared = PreparedSeal::new(&dek, &params, b"", None).unwrap();
/// let mut out = vec![0; prepared.sealed_len(5).unwrap()];
/// prepared.seal_to(b"hello", &mut out).unwrap();
/// assert_eq!(&open(&out, &dek, b"").unwrap()[..], b"hello");
/// # }
/// ```
pub struct PreparedSeal {
    header: Vec<u8>,
    schedule: Schedule<Native>,
    frame_size: u32,
}

impl PreparedSeal {
    /// Builds the header and derives the message key. `salt`: `None` for a fresh random one (the
    /// usual case); a given salt must be as fresh as [`seal_with_salt`](super::seal_with_salt)
    /// says. One `PreparedSeal` seals one message: sealing two would reuse the nonces.
    pub fn new(
        dek: &[u8; 32],
        params: &Params,
        context: &[u8],
        salt: Option<[u8; 32]>,
    ) -> Result<Self> {
        let salt = match salt {
            Some(salt) => salt,
            None => random_salt()?,
        };
        let (header, schedule) = start::<Native>(dek, params, context, salt)?;
        Ok(Self {
            header,
            schedule,
            frame_size: params.frame_size,
        })
    }

    /// The exact ciphertext length for `plaintext_len` bytes of plaintext.
    pub fn sealed_len(&self, plaintext_len: usize) -> Result<usize> {
        Ok(self.header.len() + body_len(self.frame_size, plaintext_len)?)
    }

    /// Encrypts `plaintext` into `out`, which must be [`PreparedSeal::sealed_len`] bytes long.
    pub fn seal_to(self, plaintext: &[u8], out: &mut [u8]) -> Result<()> {
        let total = self.sealed_len(plaintext.len())?;
        if out.len() != total {
            return Err(wrong_length("ciphertext", out.len(), total));
        }
        let mut fixed = Fixed { out, at: 0 };
        write_message(
            &self.header,
            &self.schedule,
            self.frame_size,
            plaintext,
            &mut fixed,
        );
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn random_salt() -> Result<[u8; 32]> {
    let mut salt = [0u8; 32];
    super::crypto::fill_random(&mut salt)?;
    Ok(salt)
}

/// wasm32 has no operating system random number generator here: the caller passes the salt.
#[cfg(target_arch = "wasm32")]
fn random_salt() -> Result<[u8; 32]> {
    Err(Error::Encode {
        what: "ciphertext salt".into(),
        reason: "no random number generator on wasm32: pass a salt".into(),
    })
}

/// A ciphertext whose header is parsed: [`PreparedOpen::opened_len`] says how long its plaintext
/// is, [`PreparedOpen::open_to`] verifies and decrypts it.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use kmipkit::envelope::format::{seal, KeyRef, Params, PreparedOpen};
/// let dek = [7u8; 32];
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let sealed = seal(&dek, &params, b"", b"hello").unwrap();
/// let prepared = PreparedOpen::parse(&sealed).unwrap();
/// let mut out = vec![0; prepared.opened_len()];
/// prepared.open_to(&dek, b"", &mut out).unwrap();
/// assert_eq!(out, b"hello");
/// # }
/// ```
pub struct PreparedOpen<'c> {
    header: Header,
    body: &'c [u8],
}

impl<'c> PreparedOpen<'c> {
    /// Parses the header (nothing is verified yet).
    pub fn parse(ciphertext: &'c [u8]) -> Result<Self> {
        let (header, body_start) = Header::parse(ciphertext)?;
        Ok(Self {
            header,
            body: &ciphertext[body_start..],
        })
    }

    /// The plaintext length of a well-formed body; [`PreparedOpen::open_to`] fails on any other.
    pub fn opened_len(&self) -> usize {
        opened_body_len(self.header.frame_size, self.body.len())
    }

    /// Decrypts into `out`, which must be [`PreparedOpen::opened_len`] bytes long. Like
    /// [`open`](super::open), releases nothing unless every frame verified: on error `out` is
    /// zeroed.
    pub fn open_to(&self, dek: &[u8; 32], context: &[u8], out: &mut [u8]) -> Result<()> {
        let expected = self.opened_len();
        if out.len() != expected {
            return Err(wrong_length("plaintext", out.len(), expected));
        }
        let mut fixed = Fixed { out, at: 0 };
        let mut result = open_body::<Native>(&self.header, self.body, dek, context, &mut fixed);
        if result.is_ok() && fixed.at != fixed.out.len() {
            // Cannot happen for frames that verified; never hand out a partly written buffer.
            result = Err(wrong_length("plaintext", fixed.out.len(), fixed.at));
        }
        if result.is_err() {
            fixed.out.zeroize();
        }
        result
    }
}

/// A slice filled from its start; its length was checked against the message beforehand.
struct Fixed<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl Output for Fixed<'_> {
    fn next(&mut self, len: usize) -> &mut [u8] {
        let start = self.at;
        self.at += len;
        &mut self.out[start..self.at]
    }
    fn written(&self) -> usize {
        self.at
    }
    fn cut(&mut self, at: usize) {
        self.out[at..self.at].zeroize();
        self.at = at;
    }
}

fn wrong_length(what: &str, got: usize, want: usize) -> Error {
    Error::Encode {
        what: what.into(),
        reason: format!("the output buffer has {got} bytes; the message needs {want}"),
    }
}
