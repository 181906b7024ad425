/*
 * kmipkit/base.hpp (included by kmipkit.hpp): kmipkit::Error, the checks every wrapper uses,
 * and the value types returned or taken everywhere: Bytes, ByteView, Strings.
 */
#ifndef KMIPKIT_BASE_HPP
#define KMIPKIT_BASE_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "../kmipkit.h"

namespace kmipkit {

/* A failed kmipkit call: the result code and everything the C API keeps about the failure. */
class Error : public std::exception {
public:
    Error(kmipkit_result code, std::string message, std::uint32_t reason = 0,
          std::string explanation = {})
        : code_(code), message_(std::move(message)), reason_(reason),
          explanation_(std::move(explanation)),
          what_(std::string(kmipkit_result_name(code)) + ": " + message_) {}

    /* The failure the calling thread's last kmipkit call left (kmipkit_last_error_*). */
    static Error last(kmipkit_result code);

    kmipkit_result code() const noexcept { return code_; }
    /* The stable name of the code ("Server", "NullArgument", ...). */
    const char *name() const noexcept { return kmipkit_result_name(code_); }
    const std::string &message() const noexcept { return message_; }
    /* The KMIP Result Reason when a key server refused (code() == KMIPKIT_RESULT_SERVER), else 0. */
    std::uint32_t reason() const noexcept { return reason_; }
    /* What the server is known not to support and what to do instead; empty when not known. */
    const std::string &explanation() const noexcept { return explanation_; }
    /* "Name: message". */
    const char *what() const noexcept override { return what_.c_str(); }

private:
    kmipkit_result code_;
    std::string message_;
    std::uint32_t reason_;
    std::string explanation_;
    std::string what_;
};

namespace detail {

/* Copies one of the thread's last-error texts: size it, then copy it. */
inline std::string last_error_text(kmipkit_result (*read)(char *, std::size_t, std::size_t *)) {
    std::size_t needed = 0;
    if (read(nullptr, 0, &needed) != KMIPKIT_RESULT_BUFFER_TOO_SMALL || needed <= 1)
        return {};
    std::string text(needed, '\0');
    if (read(&text[0], text.size(), &needed) != KMIPKIT_RESULT_OK)
        return {};
    text.resize(needed - 1);
    return text;
}

/*
 * An exception a C++ callback threw while kmipkit called it. It must not unwind through the
 * C (Rust) frames between the trampoline and the caller, so the trampoline catches it, keeps
 * it here and returns a failure code; `check` rethrows it once the C call has returned.
 * Per thread: kmipkit calls callbacks on the thread that made the call.
 */
inline std::exception_ptr &pending_exception() noexcept {
    static thread_local std::exception_ptr pending;
    return pending;
}

/* For trampolines: keeps the exception being handled for `check` to rethrow. */
inline void keep_current_exception() noexcept { pending_exception() = std::current_exception(); }

/*
 * Throws when the call failed: the exception a callback threw during the call if there was
 * one (the original object, not a copy of its text; rethrown even if the C call ended well,
 * as after a progress callback that cannot stop a run), else, when `rc` is not
 * KMIPKIT_RESULT_OK, the thread's last error.
 */
inline void check(kmipkit_result rc) {
    std::exception_ptr thrown = std::exchange(pending_exception(), nullptr);
    if (thrown)
        std::rethrow_exception(thrown);
    if (rc != KMIPKIT_RESULT_OK)
        throw Error::last(rc);
}

/* Forgets an exception kept by an earlier call, before a call that may run callbacks. */
inline void clear_pending() noexcept { pending_exception() = nullptr; }

/* For the functions that return a handle or NULL: NULL means the last error says why. */
template <class T> T *check_handle(T *handle) {
    if (handle == nullptr)
        throw Error::last(static_cast<kmipkit_result>(kmipkit_last_error_result()));
    return handle;
}

/*
 * `text` as a C string argument. A std::string may hold NUL bytes, which C would silently cut
 * off there; they are refused instead.
 */
inline const char *c_text(const std::string &text, const char *argument) {
    if (text.find('\0') != std::string::npos)
        throw Error(KMIPKIT_RESULT_INVALID_ARGUMENT,
                    std::string("argument `") + argument +
                        "` contains a NUL byte; C text arguments end at the first NUL");
    return text.c_str();
}

/* A unique_ptr deleter calling the C free function of the handle type. */
template <class T, void (*Free)(T *)> struct Deleter {
    void operator()(T *handle) const noexcept { Free(handle); }
};
template <class T, void (*Free)(T *)> using Owned = std::unique_ptr<T, Deleter<T, Free>>;

/* `text` as an optional C string argument: empty gives NULL. */
inline const char *c_text_or_null(const std::string &text, const char *argument) {
    return text.empty() ? nullptr : c_text(text, argument);
}

/* A list of strings as the `const char *const *` array C takes; valid while `texts` lives. */
inline std::vector<const char *> c_texts(const std::vector<std::string> &texts, const char *argument) {
    std::vector<const char *> pointers;
    pointers.reserve(texts.size());
    for (const std::string &text : texts)
        pointers.push_back(c_text(text, argument));
    return pointers;
}

/* Takes ownership of a string kmipkit returned: copies it and frees it (kmipkit_string_free). */
inline std::string take_string(char *owned) {
    Owned<char, kmipkit_string_free> guard(owned);
    return owned == nullptr ? std::string() : std::string(owned);
}

}  // namespace detail

/* Forgets the calling thread's last failure (kmipkit_last_error_clear). A kmipkit::Error already
 * thrown keeps its copy. */
inline void clear_last_error() noexcept { kmipkit_last_error_clear(); }

inline Error Error::last(kmipkit_result code) {
    return Error(code, detail::last_error_text(kmipkit_last_error_message),
                 kmipkit_last_error_reason(),
                 detail::last_error_text(kmipkit_last_error_explanation));
}

/*
 * Bytes kmipkit returned (key material, plaintext, ciphertext, random bytes): freed when
 * destroyed, wiped first unless they are an envelope seal's ciphertext (see kmipkit_bytes).
 * Move-only. Immutable, so it may be read from several threads at once.
 */
class Bytes {
public:
    Bytes() noexcept = default;
    /* Takes ownership of `owned` (NULL allowed: empty). */
    explicit Bytes(kmipkit_bytes *owned) noexcept : bytes_(owned) {}

    const std::uint8_t *data() const noexcept { return kmipkit_bytes_data(bytes_.get()); }
    std::size_t size() const noexcept { return kmipkit_bytes_len(bytes_.get()); }
    bool empty() const noexcept { return size() == 0; }
    const std::uint8_t *begin() const noexcept { return data(); }
    const std::uint8_t *end() const noexcept { return data() + size(); }
    /* A copy the caller owns: kmipkit does not wipe it, so do not copy secrets needlessly. */
    std::vector<std::uint8_t> to_vector() const { return std::vector<std::uint8_t>(begin(), end()); }

    const kmipkit_bytes *get() const noexcept { return bytes_.get(); }
    /* Gives up ownership: the caller frees the result with kmipkit_bytes_free. */
    kmipkit_bytes *release() noexcept { return bytes_.release(); }

private:
    detail::Owned<kmipkit_bytes, kmipkit_bytes_free> bytes_;
};

/*
 * Bytes passed in (plaintext, ciphertext, TTLV): a pointer and a size, borrowed for the call.
 * Every wrapper taking bytes takes a ByteView, so each accepts `{pointer, size}`, a
 * std::vector<std::uint8_t> and a kmipkit::Bytes alike.
 */
class ByteView {
public:
    ByteView(const std::uint8_t *data, std::size_t size) noexcept : data_(data), size_(size) {}
    ByteView(const std::vector<std::uint8_t> &bytes) noexcept : data_(bytes.data()), size_(bytes.size()) {}
    ByteView(const Bytes &bytes) noexcept : data_(bytes.data()), size_(bytes.size()) {}
    /* The bytes of a std::string (not a C string: NUL bytes are kept). */
    ByteView(const std::string &bytes) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(bytes.data())), size_(bytes.size()) {}
    /* No bytes: for optional inputs (an IV, AAD) this passes NULL, "none". */
    ByteView() noexcept : data_(nullptr), size_(0) {}

    bool empty() const noexcept { return size_ == 0; }
    /* The pointer, or NULL when empty: optional C inputs are "NULL and 0 for none". */
    const std::uint8_t *data_or_null() const noexcept { return size_ == 0 ? nullptr : data_; }

    const std::uint8_t *data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

private:
    const std::uint8_t *data_;
    std::size_t size_;
};

/*
 * A list of strings kmipkit returned (kmipkit_strings): identifiers, attribute names,
 * versions. Move-only; immutable, so it may be read from several threads at once.
 */
class Strings {
public:
    Strings() noexcept = default;
    /* Takes ownership of `owned` (NULL allowed: empty). */
    explicit Strings(kmipkit_strings *owned) noexcept : strings_(owned) {}

    std::size_t size() const noexcept { return kmipkit_strings_count(strings_.get()); }
    bool empty() const noexcept { return size() == 0; }
    /* String `index`; Error INVALID_ARGUMENT past the last. */
    std::string at(std::size_t index) const {
        const char *text = kmipkit_strings_at(strings_.get(), index);
        if (text == nullptr)
            throw Error(KMIPKIT_RESULT_INVALID_ARGUMENT,
                        "string index " + std::to_string(index) + " is past the last (" +
                            std::to_string(size()) + " strings)");
        return text;
    }
    std::vector<std::string> to_vector() const {
        std::vector<std::string> texts;
        for (std::size_t i = 0; i < size(); i++)
            texts.push_back(at(i));
        return texts;
    }

    const kmipkit_strings *get() const noexcept { return strings_.get(); }

private:
    detail::Owned<kmipkit_strings, kmipkit_strings_free> strings_;
};

namespace detail {
/* Takes ownership of a kmipkit_strings and copies it out. */
inline std::vector<std::string> take_strings(kmipkit_strings *owned) { return Strings(owned).to_vector(); }
}  // namespace detail

}  // namespace kmipkit

#endif /* KMIPKIT_BASE_HPP */
