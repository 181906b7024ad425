//! Streaming envelope encryption through C callbacks, in constant memory: the core reads
//! plaintext or ciphertext through a read callback and writes the result, one frame (64 KiB by
//! default) at a time, through a write callback.
//!
//! Callbacks rather than a push API (`_update` / `_finish`): the core's streaming functions take
//! a reader and a writer (`kmipkit::envelope::streaming`), so a callback pair maps onto them
//! one to one, and the caller owns no intermediate buffers.

use std::ffi::{c_char, c_int, c_void};
use std::io::{self, Read, Write};

use kmipkit::envelope::format;
use kmipkit::envelope::model2::DecryptPolicy;
use kmipkit::platform::block_on;

use super::context::{context_bytes, kmipkit_context};
use super::model1::kmipkit_model1;
use super::model2::kmipkit_model2;
use crate::boundary::{Failure, Outcome, fail, ffi, handle, out, text};
use crate::result::kmipkit_result;

/// Reads up to `len` bytes into `buf` and writes how many it read to `*out_n` (0: the end of
/// the input). Returns 0 on success; any other value stops the stream with
/// `KMIPKIT_RESULT_CALLBACK_FAILED`.
///
/// Called on the thread that called the streaming function, never concurrently, and never
/// after that function returned. `user_data` is the caller's pointer, passed back untouched.
pub type kmipkit_read_cb = Option<
    extern "C" fn(user_data: *mut c_void, buf: *mut u8, len: usize, out_n: *mut usize) -> c_int,
>;

/// Writes all `len` bytes of `buf` (valid only during the call). Returns 0 on success; any
/// other value stops the stream with `KMIPKIT_RESULT_CALLBACK_FAILED`.
///
/// Called on the thread that called the streaming function, never concurrently, and never
/// after that function returned. When decrypting, each call carries one whole frame that has
/// passed authentication; the stream as a whole (its end, its frame count) is authenticated
/// only when the function returns `KMIPKIT_RESULT_OK`, so on any failure discard what was
/// written.
pub type kmipkit_write_cb =
    Option<extern "C" fn(user_data: *mut c_void, buf: *const u8, len: usize) -> c_int>;

/// A read callback as a `std::io::Read`; remembers why it stopped when it failed.
struct CallbackReader {
    read: extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> c_int,
    user_data: *mut c_void,
    failed: Option<String>,
}

impl Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0usize;
        let rc = (self.read)(self.user_data, buf.as_mut_ptr(), buf.len(), &mut n);
        let problem = if rc != 0 {
            format!("the read callback returned {rc}")
        } else if n > buf.len() {
            // More than the buffer holds: the callback overran it or miscounted; neither can
            // be trusted to have produced the stream.
            format!(
                "the read callback reported {n} bytes for a {}-byte buffer",
                buf.len()
            )
        } else {
            return Ok(n);
        };
        self.failed = Some(problem.clone());
        Err(io::Error::other(problem))
    }
}

/// A write callback as a `std::io::Write`; remembers why it stopped when it failed.
struct CallbackWriter {
    write: extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    user_data: *mut c_void,
    failed: Option<String>,
}

impl Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let rc = (self.write)(self.user_data, buf.as_ptr(), buf.len());
        if rc == 0 {
            return Ok(buf.len());
        }
        let problem = format!("the write callback returned {rc}");
        self.failed = Some(problem.clone());
        Err(io::Error::other(problem))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The callback pair of a streaming call, checked.
fn callbacks(
    read: kmipkit_read_cb,
    read_data: *mut c_void,
    write: kmipkit_write_cb,
    write_data: *mut c_void,
) -> Outcome<(CallbackReader, CallbackWriter)> {
    let Some(read) = read else {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            "argument `read` is NULL",
        );
    };
    let Some(write) = write else {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            "argument `write` is NULL",
        );
    };
    let reader = CallbackReader {
        read,
        user_data: read_data,
        failed: None,
    };
    let writer = CallbackWriter {
        write,
        user_data: write_data,
        failed: None,
    };
    Ok((reader, writer))
}

/// The outcome of a streaming call: a callback's failure first (whatever the core made of it),
/// then the core's error, then any other I/O error as a format error (only a callback's
/// read or write can fail otherwise, and those are handled first).
fn finish(
    streamed: io::Result<u64>,
    reader: &CallbackReader,
    writer: &CallbackWriter,
    out_len: *mut u64,
) -> Outcome {
    let failed = reader.failed.as_ref().or(writer.failed.as_ref());
    match (streamed, failed) {
        (_, Some(why)) => fail(
            kmipkit_result::KMIPKIT_RESULT_CALLBACK_FAILED,
            format!("{why}; the stream was stopped and what was written must be discarded"),
        ),
        (Ok(n), None) => {
            *out(out_len, "out_len")? = n;
            Ok(())
        }
        (Err(e), None) => Err(match format::error_of(&e) {
            Some(error) => Failure::Core(error.clone()),
            None => Failure::Core(kmipkit::Error::Format {
                reason: e.to_string(),
            }),
        }),
    }
}

/// Sets the length output to 0 before anything can fail.
fn clear_len(out_len: *mut u64) -> Outcome {
    *out(out_len, "out_len")? = 0;
    Ok(())
}

/// Encrypts the stream from `read` into `write` under a fresh data key from the key manager,
/// with `context` (NULL: empty), in constant memory; `*out_len` receives the number of
/// plaintext bytes. Refusals as `kmipkit_model1_encrypt`, and `KMIPKIT_RESULT_CALLBACK_FAILED`.
///
/// ```c
/// static int read_file(void *f, uint8_t *buf, size_t len, size_t *n) {
///     *n = fread(buf, 1, len, f);
///     return ferror(f) ? -1 : 0;
/// }
/// static int write_file(void *f, const uint8_t *buf, size_t len) {
///     return fwrite(buf, 1, len, f) == len ? 0 : -1;
/// }
/// uint64_t n;
/// kmipkit_model1_encrypt_stream(model, read_file, in, write_file, out, ctx, &n);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_encrypt_stream(
    model: *const kmipkit_model1,
    read: kmipkit_read_cb,
    read_data: *mut c_void,
    write: kmipkit_write_cb,
    write_data: *mut c_void,
    context: *const kmipkit_context,
    out_len: *mut u64,
) -> kmipkit_result {
    ffi("kmipkit_model1_encrypt_stream", || {
        clear_len(out_len)?;
        let model = &handle(model, "model")?.inner;
        let context = context_bytes(context)?;
        let (mut reader, mut writer) = callbacks(read, read_data, write, write_data)?;
        let streamed = block_on(model.encrypt_stream(&mut reader, &mut writer, context));
        finish(streamed, &reader, &writer, out_len)
    })
}

/// Decrypts a Model 1 ciphertext streamed from `read` into `write`, with `context` (NULL:
/// empty), in constant memory; `*out_len` receives the number of plaintext bytes. Each write
/// carries an authenticated frame; only `KMIPKIT_RESULT_OK` says the whole stream was
/// authentic (not cut short): on any failure discard what was written. Refusals as
/// `kmipkit_model1_decrypt`, and `KMIPKIT_RESULT_CALLBACK_FAILED`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_decrypt_stream(
    model: *const kmipkit_model1,
    read: kmipkit_read_cb,
    read_data: *mut c_void,
    write: kmipkit_write_cb,
    write_data: *mut c_void,
    context: *const kmipkit_context,
    out_len: *mut u64,
) -> kmipkit_result {
    ffi("kmipkit_model1_decrypt_stream", || {
        clear_len(out_len)?;
        let model = &handle(model, "model")?.inner;
        let context = context_bytes(context)?;
        let (mut reader, mut writer) = callbacks(read, read_data, write, write_data)?;
        let streamed = block_on(model.decrypt_stream(&mut reader, &mut writer, context));
        finish(streamed, &reader, &writer, out_len)
    })
}

/// Encrypts the stream from `read` into `write` for `id` (its current key, created on first
/// use), with `context` (NULL: empty), in constant memory; `*out_len` receives the number of
/// plaintext bytes. Callbacks as `kmipkit_model1_encrypt_stream`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_encrypt_stream(
    model: *const kmipkit_model2,
    id: *const c_char,
    read: kmipkit_read_cb,
    read_data: *mut c_void,
    write: kmipkit_write_cb,
    write_data: *mut c_void,
    context: *const kmipkit_context,
    out_len: *mut u64,
) -> kmipkit_result {
    ffi("kmipkit_model2_encrypt_stream", || {
        clear_len(out_len)?;
        let model = &handle(model, "model")?.inner;
        let id = text(id, "id")?;
        let context = context_bytes(context)?;
        let (mut reader, mut writer) = callbacks(read, read_data, write, write_data)?;
        let streamed = block_on(model.encrypt_stream(id, &mut reader, &mut writer, context));
        finish(streamed, &reader, &writer, out_len)
    })
}

/// Decrypts a ciphertext of `id` streamed from `read` into `write`, with `context` (NULL:
/// empty) and a Compromised key version only when `allow_compromised`; `*out_len` receives the
/// number of plaintext bytes. As `kmipkit_model1_decrypt_stream`: on any failure discard what
/// was written.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_decrypt_stream(
    model: *const kmipkit_model2,
    id: *const c_char,
    read: kmipkit_read_cb,
    read_data: *mut c_void,
    write: kmipkit_write_cb,
    write_data: *mut c_void,
    context: *const kmipkit_context,
    allow_compromised: bool,
    out_len: *mut u64,
) -> kmipkit_result {
    ffi("kmipkit_model2_decrypt_stream", || {
        clear_len(out_len)?;
        let model = &handle(model, "model")?.inner;
        let id = text(id, "id")?;
        let context = context_bytes(context)?;
        let (mut reader, mut writer) = callbacks(read, read_data, write, write_data)?;
        let streamed = block_on(model.decrypt_stream_with(
            id,
            &mut reader,
            &mut writer,
            context,
            DecryptPolicy::allowing_compromised(allow_compromised),
        ));
        finish(streamed, &reader, &writer, out_len)
    })
}
