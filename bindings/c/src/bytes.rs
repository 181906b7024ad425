//! `kmipkit_bytes`: bytes kmipkit returns (key material, plaintext, ciphertext, encodings),
//! owned by the caller until `kmipkit_bytes_free`, and wiped when freed.

use kmipkit::envelope::format::Plaintext;
use zeroize::{Zeroize, Zeroizing};

use crate::boundary::{ffi_value, give, take_back};

/// Bytes returned by kmipkit. Read them with `kmipkit_bytes_data` and `kmipkit_bytes_len`;
/// free them with `kmipkit_bytes_free`, which overwrites them with zeros first (they may be key
/// material or plaintext) — except the ciphertext of the envelope seal functions, which, as in
/// the Rust core, is not secret and is freed without the wipe (a memset as long as the data).
///
/// Thread safety: immutable; may be read from many threads at once, freed once.
///
/// ```c
/// kmipkit_bytes *plain = NULL;
/// if (kmipkit_model1_decrypt(m1, ct, ct_len, NULL, &plain) == KMIPKIT_RESULT_OK) {
///     fwrite(kmipkit_bytes_data(plain), 1, kmipkit_bytes_len(plain), stdout);
///     kmipkit_bytes_free(plain);
/// }
/// ```
pub struct kmipkit_bytes {
    data: Held,
}

/// What a `kmipkit_bytes` holds. Both are wiped on drop with one `memset` behind zeroize's
/// barrier (slice zeroize), not with `Zeroizing<Vec<u8>>`, whose wipe stores byte by byte
/// (about 10 µs per 64 KiB: more than sealing or opening them, BENCHMARKS.md).
enum Held {
    Bytes(Vec<u8>),
    /// Decrypted data handed over as the core returned it, without a copy (it wipes itself).
    Plaintext(Plaintext),
    /// An envelope ciphertext: nothing secret, so not wiped (the core wipes nothing that only
    /// ever holds ciphertext; the wipe cost 15% of sealing 1 MiB from C).
    Ciphertext(Vec<u8>),
}

impl kmipkit_bytes {
    /// Wraps bytes for the caller.
    pub(crate) fn give(data: impl Into<Zeroizing<Vec<u8>>>) -> *mut kmipkit_bytes {
        let mut data = data.into();
        // Moved out, leaving an empty vector for the `Zeroizing` to wipe (nothing).
        give(kmipkit_bytes {
            data: Held::Bytes(std::mem::take(&mut *data)),
        })
    }

    /// Hands decrypted data to the caller without copying it.
    pub(crate) fn give_plaintext(plaintext: Plaintext) -> *mut kmipkit_bytes {
        give(kmipkit_bytes {
            data: Held::Plaintext(plaintext),
        })
    }

    /// Hands an envelope ciphertext to the caller; freed without a wipe.
    pub(crate) fn give_ciphertext(ciphertext: Vec<u8>) -> *mut kmipkit_bytes {
        give(kmipkit_bytes {
            data: Held::Ciphertext(ciphertext),
        })
    }

    fn as_slice(&self) -> &[u8] {
        match &self.data {
            Held::Bytes(b) | Held::Ciphertext(b) => b,
            Held::Plaintext(p) => p.as_slice(),
        }
    }
}

impl Drop for kmipkit_bytes {
    fn drop(&mut self) {
        if let Held::Bytes(b) = &mut self.data {
            // The spare capacity too, as `Zeroizing<Vec<u8>>` did: filled, then all wiped.
            b.resize(b.capacity(), 0);
            b.as_mut_slice().zeroize();
        }
    }
}

/// The first byte of `bytes` (valid until `kmipkit_bytes_free`), or NULL when `bytes` is NULL.
/// An empty value has a non-NULL pointer that must not be read.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_bytes_data(bytes: *const kmipkit_bytes) -> *const u8 {
    ffi_value(std::ptr::null(), || {
        // SAFETY: NULL or a live kmipkit_bytes this library returned (the header's contract).
        unsafe { bytes.as_ref() }.map_or(std::ptr::null(), |b| b.as_slice().as_ptr())
    })
}

/// The number of bytes in `bytes`; 0 when `bytes` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_bytes_len(bytes: *const kmipkit_bytes) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live kmipkit_bytes this library returned (the header's contract).
        unsafe { bytes.as_ref() }.map_or(0, |b| b.as_slice().len())
    })
}

/// Wipes and frees `bytes`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_bytes_free(bytes: *mut kmipkit_bytes) {
    ffi_value((), || take_back(bytes));
}

/// Frees a string kmipkit returned (`char **out` outputs such as unique identifiers), wiping
/// it first (a KMIP JSON or XML text may show key material in hex). NULL is accepted and
/// ignored. Only for strings from kmipkit: never for the caller's own.
///
/// ```c
/// char *uid = NULL;
/// if (kmipkit_client_create_aes_key(client, "payments", 256, &uid) == KMIPKIT_RESULT_OK) {
///     puts(uid);
///     kmipkit_string_free(uid);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_string_free(string: *mut std::ffi::c_char) {
    ffi_value((), || {
        if !string.is_null() {
            // SAFETY: not NULL; the caller promises a string this library returned through
            // `give_string`, i.e. from CString::into_raw, not yet freed.
            let owned = unsafe { std::ffi::CString::from_raw(string) };
            // The same allocation, without its NUL: wiped, then freed.
            zeroize::Zeroize::zeroize(&mut owned.into_bytes());
        }
    });
}

/// Hands a string to C as `char *` (freed by `kmipkit_string_free`). Interior NULs, which KMIP
/// text never holds in practice, are dropped so the string is not cut short silently.
pub(crate) fn give_string(text: impl Into<String>) -> *mut std::ffi::c_char {
    let bytes: Vec<u8> = text
        .into()
        .into_bytes()
        .into_iter()
        .filter(|b| *b != 0)
        .collect();
    std::ffi::CString::new(bytes)
        .map(std::ffi::CString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}
