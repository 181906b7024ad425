/*
 * kmipkit/stream.hpp (included by kmipkit.hpp): the input and output of the streaming
 * functions (Model1/Model2 encrypt_stream, decrypt_stream) as std::function, and adapters
 * from std::istream and std::ostream. Detail: the C trampolines that call them.
 */
#ifndef KMIPKIT_STREAM_HPP
#define KMIPKIT_STREAM_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>

#include "base.hpp"

namespace kmipkit {

/*
 * Reads up to `len` bytes into `buf` and returns how many (0: the end of the input); throws to
 * stop the stream. Called on the thread of the streaming call, never concurrently.
 */
using ReadFunction = std::function<std::size_t(std::uint8_t *buf, std::size_t len)>;
/*
 * Writes all `len` bytes of `buf` (valid during the call); throws to stop the stream. When
 * decrypting, each call is one authenticated frame, but the stream as a whole is authenticated
 * only when the streaming call returns: discard the output if it throws.
 */
using WriteFunction = std::function<void(const std::uint8_t *buf, std::size_t len)>;

/* Reads `in` (binary); its failing (badbit) stops the stream with CALLBACK_FAILED. */
inline ReadFunction read_from(std::istream &in) {
    return [&in](std::uint8_t *buf, std::size_t len) -> std::size_t {
        in.read(reinterpret_cast<char *>(buf), static_cast<std::streamsize>(len));
        if (in.bad())
            throw Error(KMIPKIT_RESULT_CALLBACK_FAILED, "reading the input std::istream failed (badbit)");
        return static_cast<std::size_t>(in.gcount());
    };
}

/* Writes to `out`; its failing stops the stream with CALLBACK_FAILED. */
inline WriteFunction write_to(std::ostream &out) {
    return [&out](const std::uint8_t *buf, std::size_t len) {
        if (!out.write(reinterpret_cast<const char *>(buf), static_cast<std::streamsize>(len)))
            throw Error(KMIPKIT_RESULT_CALLBACK_FAILED, "writing the output std::ostream failed");
    };
}

namespace detail {
/* kmipkit_read_cb over a ReadFunction: exceptions are kept for `check`, never let through C. */
inline int read_trampoline(void *user_data, std::uint8_t *buf, std::size_t len, std::size_t *out_n) noexcept {
    *out_n = 0;
    try {
        std::size_t n = (*static_cast<const ReadFunction *>(user_data))(buf, len);
        if (n > len)
            throw Error(KMIPKIT_RESULT_CALLBACK_FAILED, "the read function returned more bytes than asked for");
        *out_n = n;
        return 0;
    } catch (...) {
        keep_current_exception();
        return 1;
    }
}

inline int write_trampoline(void *user_data, const std::uint8_t *buf, std::size_t len) noexcept {
    try {
        (*static_cast<const WriteFunction *>(user_data))(buf, len);
        return 0;
    } catch (...) {
        keep_current_exception();
        return 1;
    }
}
}  // namespace detail

}  // namespace kmipkit

#endif /* KMIPKIT_STREAM_HPP */
