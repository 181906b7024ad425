//! Whole messages in memory: [`seal`], [`open`] and [`rewrap`].

use zeroize::Zeroizing;

use super::crypto::{Backend, Native};
use super::header::Header;
use super::{Params, resume, start};
use crate::error::{Error, Result};

/// Encrypts `plaintext` under `dek` with a fresh random salt.
#[cfg(not(target_arch = "wasm32"))]
pub fn seal(dek: &[u8; 32], params: &Params, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut salt = [0u8; 32];
    super::crypto::fill_random(&mut salt)?;
    seal_with::<Native>(dek, params, context, salt, plaintext)
}

/// Encrypts `plaintext` under `dek` with the caller's salt.
///
/// The salt must be 32 fresh random bytes for every message: two messages with the same DEK, salt,
/// header and context reuse AES-GCM nonces, which breaks confidentiality and integrity. Use [`seal`]
/// where it exists; this is for wasm32 (pass bytes from `crypto.getRandomValues`) and for test vectors.
pub fn seal_with_salt(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    seal_with::<Native>(dek, params, context, salt, plaintext)
}

/// Decrypts a whole message. Returns no plaintext at all unless every frame verified.
pub fn open(ciphertext: &[u8], dek: &[u8; 32], context: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    open_with::<Native>(ciphertext, dek, context)
}

/// Replaces the wrapped DEK of a message (re-wrapping under a new KEK); the body is copied unchanged.
///
/// Only the header is parsed; nothing is decrypted, so this needs no key.
pub fn rewrap(ciphertext: &[u8], wrapped_dek: &[u8]) -> Result<Vec<u8>> {
    let (mut header, body_start) = Header::parse(ciphertext)?;
    header.wrapped_dek = wrapped_dek.to_vec();
    let mut out = header.to_bytes()?;
    out.extend_from_slice(&ciphertext[body_start..]);
    Ok(out)
}

pub(crate) fn seal_with<B: Backend>(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let (header, schedule) = start::<B>(dek, params, context, salt)?;
    let frame_size = params.frame_size as usize;
    let frames = plaintext.len().div_ceil(frame_size).max(1);
    if frames as u64 > 1 << 32 {
        return Err(Error::Encode {
            what: "ciphertext".into(),
            reason: format!("{frames} frames exceed the limit of 2^32; use a larger frame size"),
        });
    }
    let mut out = Vec::with_capacity(header.len() + plaintext.len() + 16 * frames);
    out.extend_from_slice(&header);
    for index in 0..frames {
        let chunk = &plaintext[index * frame_size..plaintext.len().min((index + 1) * frame_size)];
        let start = out.len();
        out.extend_from_slice(chunk);
        let nonce = schedule.nonce(index as u32, index + 1 == frames);
        let tag = B::seal(&schedule.key, &nonce, &mut out[start..]);
        out.extend_from_slice(&tag);
    }
    Ok(out)
}

pub(crate) fn open_with<B: Backend>(
    ciphertext: &[u8],
    dek: &[u8; 32],
    context: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (header, body_start) = Header::parse(ciphertext)?;
    let schedule = resume::<B>(&header, dek, context)?;
    let full = header.frame_size as usize + 16;
    let mut rest = &ciphertext[body_start..];
    let mut out = Zeroizing::new(Vec::with_capacity(rest.len()));
    let mut counter = 0u32;
    loop {
        let last = rest.len() <= full;
        let frame = &rest[..rest.len().min(full)];
        if frame.len() < 16 {
            return Err(super::stream::cut_short(counter, frame.len()));
        }
        if !last && counter == u32::MAX {
            return Err(too_many_frames());
        }
        let start = out.len();
        out.extend_from_slice(frame);
        if !B::open(
            &schedule.key,
            &schedule.nonce(counter, last),
            &mut out[start..],
        ) {
            // A full frame at the end that verifies as a non-final one: the rest was cut off.
            out.truncate(start);
            out.extend_from_slice(frame);
            let truncated = last
                && frame.len() == full
                && B::open(
                    &schedule.key,
                    &schedule.nonce(counter, false),
                    &mut out[start..],
                );
            return Err(super::stream::frame_failed(
                counter,
                last,
                frame.len() == full,
                truncated,
            ));
        }
        let len = out.len() - 16;
        out.truncate(len);
        if last {
            return Ok(out);
        }
        rest = &rest[full..];
        counter += 1;
    }
}

pub(crate) fn too_many_frames() -> Error {
    Error::Integrity {
        reason: "more than 2^32 frames without a final frame".into(),
    }
}
