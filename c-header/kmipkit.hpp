/*
 * kmipkit.hpp: header-only C++17 wrappers over the C API of kmipkit (kmipkit.h), nothing else.
 *
 * - Every handle is a move-only class that frees its C handle when destroyed (unique ownership;
 *   a moved-from object holds nothing and may only be destroyed or assigned to).
 * - A failed call throws kmipkit::Error, which carries the kmipkit_result, its stable name, the
 *   message, the KMIP Result Reason of a server refusal and the server profile's explanation.
 * - Returned bytes are a kmipkit::Bytes, wiped and freed by its destructor; returned strings are
 *   copied into std::string and the C string freed at once.
 * - Byte inputs are a kmipkit::ByteView, made from a pointer and a size, a
 *   std::vector<std::uint8_t> or a kmipkit::Bytes (std::span is C++20).
 * - Thread safety is the C API's: see each type in kmipkit.h (a Client may be shared by threads;
 *   builders belong to one thread at a time).
 *
 * Adding a wrapper for a new C function: call it through detail::check (which throws on
 * failure), pass outputs as `T *out = nullptr;`, and wrap them at once (Bytes, take_string,
 * or a handle class like Client) so nothing leaks if a later step throws.
 */
#ifndef KMIPKIT_HPP
#define KMIPKIT_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "kmipkit.h"

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

/* Throws the thread's last error when `rc` is not KMIPKIT_RESULT_OK. */
inline void check(kmipkit_result rc) {
    if (rc != KMIPKIT_RESULT_OK)
        throw Error::last(rc);
}

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

/* Takes ownership of a string kmipkit returned: copies it and frees it (kmipkit_string_free). */
inline std::string take_string(char *owned) {
    Owned<char, kmipkit_string_free> guard(owned);
    return owned == nullptr ? std::string() : std::string(owned);
}

}  // namespace detail

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

    const std::uint8_t *data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

private:
    const std::uint8_t *data_;
    std::size_t size_;
};

/* A checked configuration (kmipkit_config). Immutable: may be shared by threads. */
class Config {
public:
    /* Reads and permission-checks the kmipkit.toml at `path` (kmipkit_config_load). */
    static Config load(const std::string &path) {
        kmipkit_config *config = nullptr;
        detail::check(kmipkit_config_load(detail::c_text(path, "path"), &config));
        return Config(config);
    }

    /* Parses configuration text; relative paths resolve against `base_dir` (empty: the current
     * directory). */
    static Config from_toml(const std::string &toml, const std::string &base_dir = {}) {
        kmipkit_config *config = nullptr;
        const char *base = base_dir.empty() ? nullptr : detail::c_text(base_dir, "base_dir");
        detail::check(kmipkit_config_from_toml(detail::c_text(toml, "toml"), base, &config));
        return Config(config);
    }

    /* Takes ownership of `owned`. */
    explicit Config(kmipkit_config *owned) noexcept : config_(owned) {}

    /* The number of key servers, primary first. */
    std::size_t server_count() const noexcept { return kmipkit_config_server_count(config_.get()); }

    /* The name of server `index` (0 is the primary); Error INVALID_ARGUMENT past the last. */
    std::string server_name(std::size_t index) const {
        char *name = nullptr;
        detail::check(kmipkit_config_server_name(config_.get(), index, &name));
        return detail::take_string(name);
    }

    const kmipkit_config *get() const noexcept { return config_.get(); }
    /* Gives up ownership: the caller frees the result with kmipkit_config_free. */
    kmipkit_config *release() noexcept { return config_.release(); }

private:
    detail::Owned<kmipkit_config, kmipkit_config_free> config_;
};

/* One key server for ConfigBuilder::add_server (kmipkit_server_builder). One thread at a time. */
class ServerBuilder {
public:
    /* A server at `host` (port 5696 unless set). */
    explicit ServerBuilder(const std::string &host)
        : server_(detail::check_handle(kmipkit_server_builder_new(detail::c_text(host, "host")))) {}

    /* A server reached by KMIP over HTTPS at `url`. */
    static ServerBuilder https(const std::string &url) {
        return ServerBuilder(
            detail::check_handle(kmipkit_server_builder_new_https(detail::c_text(url, "url"))));
    }

    /* Sets a text setting (ca, client_cert, client_key, name, ...); see kmipkit.h. */
    ServerBuilder &set_text(const std::string &key, const std::string &value) {
        detail::check(kmipkit_server_builder_set_text(server_.get(), detail::c_text(key, "key"),
                                                      detail::c_text(value, "value")));
        return *this;
    }

    /* Sets a whole-number setting ("port"). */
    ServerBuilder &set_int(const std::string &key, std::int64_t value) {
        detail::check(kmipkit_server_builder_set_int(server_.get(), detail::c_text(key, "key"), value));
        return *this;
    }

    const kmipkit_server_builder *get() const noexcept { return server_.get(); }

private:
    explicit ServerBuilder(kmipkit_server_builder *owned) noexcept : server_(owned) {}
    detail::Owned<kmipkit_server_builder, kmipkit_server_builder_free> server_;
};

/*
 * A configuration built setting by setting (kmipkit_config_builder); one thread at a time.
 * The setters are named by type (set_text, set_int, ...) rather than overloaded: a string
 * literal would otherwise pick the bool overload.
 */
class ConfigBuilder {
public:
    ConfigBuilder() : builder_(kmipkit_config_builder_new()) {
        if (!builder_)
            throw std::bad_alloc();
    }

    /* Adds a copy of `server`: the first is the primary, the others are tried in order. */
    ConfigBuilder &add_server(const ServerBuilder &server) {
        detail::check(kmipkit_config_builder_add_server(builder_.get(), server.get()));
        return *this;
    }

    ConfigBuilder &set_text(const std::string &section, const std::string &key,
                            const std::string &value) {
        detail::check(kmipkit_config_builder_set_text(builder_.get(), detail::c_text(section, "section"),
                                                      detail::c_text(key, "key"),
                                                      detail::c_text(value, "value")));
        return *this;
    }

    ConfigBuilder &set_int(const std::string &section, const std::string &key, std::int64_t value) {
        detail::check(kmipkit_config_builder_set_int(builder_.get(), detail::c_text(section, "section"),
                                                     detail::c_text(key, "key"), value));
        return *this;
    }

    ConfigBuilder &set_float(const std::string &section, const std::string &key, double value) {
        detail::check(kmipkit_config_builder_set_float(
            builder_.get(), detail::c_text(section, "section"), detail::c_text(key, "key"), value));
        return *this;
    }

    ConfigBuilder &set_bool(const std::string &section, const std::string &key, bool value) {
        detail::check(kmipkit_config_builder_set_bool(builder_.get(), detail::c_text(section, "section"),
                                                      detail::c_text(key, "key"), value));
        return *this;
    }

    /* The directory relative paths resolve against (default: the current directory). */
    ConfigBuilder &set_base_dir(const std::string &dir) {
        detail::check(kmipkit_config_builder_set_base_dir(builder_.get(), detail::c_text(dir, "dir")));
        return *this;
    }

    /* Checks the settings as loading a file would; the builder stays usable. */
    Config build() const {
        kmipkit_config *config = nullptr;
        detail::check(kmipkit_config_builder_build(builder_.get(), &config));
        return Config(config);
    }

private:
    detail::Owned<kmipkit_config_builder, kmipkit_config_builder_free> builder_;
};

/*
 * A connection to the key servers of a configuration (kmipkit_client). May be used from many
 * threads at once; calls block the calling thread.
 */
class Client {
public:
    struct Version {
        std::int32_t major;
        std::int32_t minor;
    };

    /* Connects as `config` says; blocks until the first server answers or the deadline passes. */
    static Client connect(const Config &config) {
        kmipkit_client *client = nullptr;
        detail::check(kmipkit_client_connect(config.get(), &client));
        return Client(client);
    }

    /* Takes ownership of `owned`. */
    explicit Client(kmipkit_client *owned) noexcept : client_(owned) {}

    /* The KMIP protocol version the client speaks. */
    Version version() const {
        Version v{0, 0};
        detail::check(kmipkit_client_version(client_.get(), &v.major, &v.minor));
        return v;
    }

    /* Creates an AES key named `name` (pre-active), failover-safe; returns its unique identifier. */
    std::string create_aes_key(const std::string &name, std::int32_t bits = 256) const {
        char *uid = nullptr;
        detail::check(kmipkit_client_create_aes_key(client_.get(), detail::c_text(name, "name"), bits, &uid));
        return detail::take_string(uid);
    }

    /* Activate: pre-active to active. */
    void activate(const std::string &uid) const {
        detail::check(kmipkit_client_activate(client_.get(), detail::c_text(uid, "uid")));
    }

    /* Destroy (the object must not be active). */
    void destroy(const std::string &uid) const {
        detail::check(kmipkit_client_destroy(client_.get(), detail::c_text(uid, "uid")));
    }

    /* RNG Retrieve: `length` random bytes from the key server. */
    Bytes rng_retrieve(std::size_t length) const {
        kmipkit_bytes *bytes = nullptr;
        detail::check(kmipkit_client_rng_retrieve(client_.get(), length, &bytes));
        return Bytes(bytes);
    }

    const kmipkit_client *get() const noexcept { return client_.get(); }
    /* Gives up ownership: the caller frees the result with kmipkit_client_free. */
    kmipkit_client *release() noexcept { return client_.release(); }

private:
    detail::Owned<kmipkit_client, kmipkit_client_free> client_;
};

}  // namespace kmipkit

#endif /* KMIPKIT_HPP */
