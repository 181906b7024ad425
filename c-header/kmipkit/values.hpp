/*
 * kmipkit/values.hpp (included by kmipkit.hpp): the inputs built field by field and passed to
 * calls: Attributes (also returned by Get Attributes), CryptoParams, Context.
 * Each is built by one thread; once it no longer changes, calls on many threads may read it.
 */
#ifndef KMIPKIT_VALUES_HPP
#define KMIPKIT_VALUES_HPP

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "base.hpp"

namespace kmipkit {

/*
 * A list of KMIP attributes, in order (kmipkit_attributes). The adders are named by type
 * (add_text, add_enum, ...) for the reason ConfigBuilder's setters are: a string literal
 * would pick a bool overload. Names are tag names ("CryptographicLength") or 1.x names
 * ("Cryptographic Length"); enumeration values are their names ("AES").
 */
class Attributes {
public:
    /* One attribute read back: its name and its value as JSON text. */
    struct Entry {
        std::string name;
        std::string value_json;
    };

    Attributes() : attributes_(kmipkit_attributes_new()) {
        if (!attributes_)
            throw std::bad_alloc();
    }
    /* Takes ownership of `owned`. */
    explicit Attributes(kmipkit_attributes *owned) noexcept : attributes_(owned) {}

    Attributes &add_text(const std::string &name, const std::string &value) {
        detail::check(kmipkit_attributes_add_text(get_mut(), detail::c_text(name, "name"),
                                                  detail::c_text(value, "value")));
        return *this;
    }
    Attributes &add_enum(const std::string &name, const std::string &value) {
        detail::check(kmipkit_attributes_add_enum(get_mut(), detail::c_text(name, "name"),
                                                  detail::c_text(value, "value")));
        return *this;
    }
    Attributes &add_int(const std::string &name, std::int32_t value) {
        detail::check(kmipkit_attributes_add_int(get_mut(), detail::c_text(name, "name"), value));
        return *this;
    }
    Attributes &add_long(const std::string &name, std::int64_t value) {
        detail::check(kmipkit_attributes_add_long(get_mut(), detail::c_text(name, "name"), value));
        return *this;
    }
    Attributes &add_bool(const std::string &name, bool value) {
        detail::check(kmipkit_attributes_add_bool(get_mut(), detail::c_text(name, "name"), value));
        return *this;
    }
    Attributes &add_date_time(const std::string &name, std::int64_t unix_seconds) {
        detail::check(kmipkit_attributes_add_date_time(get_mut(), detail::c_text(name, "name"), unix_seconds));
        return *this;
    }
    Attributes &add_bytes(const std::string &name, ByteView value) {
        detail::check(kmipkit_attributes_add_bytes(get_mut(), detail::c_text(name, "name"), value.data(),
                                                   value.size()));
        return *this;
    }
    /* A structured attribute (a Name, a Link, ...) as JSON; see kmipkit_attributes_add_json. */
    Attributes &add_json(const std::string &name, const std::string &value_json) {
        detail::check(kmipkit_attributes_add_json(get_mut(), detail::c_text(name, "name"),
                                                  detail::c_text(value_json, "value_json")));
        return *this;
    }

    std::size_t size() const noexcept { return kmipkit_attributes_count(attributes_.get()); }
    /* Attribute `index`; Error INVALID_ARGUMENT past the last. */
    Entry at(std::size_t index) const {
        char *name = nullptr, *value = nullptr;
        kmipkit_result rc = kmipkit_attributes_get(attributes_.get(), index, &name, &value);
        Entry entry{detail::take_string(name), detail::take_string(value)};
        detail::check(rc);
        return entry;
    }
    /* The value (JSON) of the first attribute named `name`, or empty when there is none. */
    std::string find(const std::string &name) const {
        for (std::size_t i = 0; i < size(); i++) {
            Entry entry = at(i);
            if (entry.name == name)
                return entry.value_json;
        }
        return {};
    }

    const kmipkit_attributes *get() const noexcept { return attributes_.get(); }

private:
    kmipkit_attributes *get_mut() const noexcept { return attributes_.get(); }
    detail::Owned<kmipkit_attributes, kmipkit_attributes_free> attributes_;
};

/* Cryptographic Parameters (kmipkit_crypto_params), set field by field; see kmipkit.h. */
class CryptoParams {
public:
    CryptoParams() : params_(kmipkit_crypto_params_new()) {
        if (!params_)
            throw std::bad_alloc();
    }

    /* An enumeration or text field ("BlockCipherMode", "GCM"). */
    CryptoParams &set_text(const std::string &field, const std::string &value) {
        detail::check(kmipkit_crypto_params_set_text(params_.get(), detail::c_text(field, "field"),
                                                     detail::c_text(value, "value")));
        return *this;
    }
    /* A whole-number field ("TagLength", 16). */
    CryptoParams &set_int(const std::string &field, std::int32_t value) {
        detail::check(kmipkit_crypto_params_set_int(params_.get(), detail::c_text(field, "field"), value));
        return *this;
    }
    /* A boolean field ("RandomIV", true). */
    CryptoParams &set_bool(const std::string &field, bool value) {
        detail::check(kmipkit_crypto_params_set_bool(params_.get(), detail::c_text(field, "field"), value));
        return *this;
    }

    const kmipkit_crypto_params *get() const noexcept { return params_.get(); }

private:
    detail::Owned<kmipkit_crypto_params, kmipkit_crypto_params_free> params_;
};

/*
 * An encryption context (kmipkit_context): key-value pairs authenticated with a ciphertext;
 * decryption needs the same pairs (any order) or throws KMIPKIT_RESULT_INTEGRITY.
 */
class Context {
public:
    Context() {
        kmipkit_context *context = nullptr;
        detail::check(kmipkit_context_new(&context));
        context_.reset(context);
    }
    /* Context{{"purpose", "backup"}, {"tenant", "7"}}. */
    Context(std::initializer_list<std::pair<std::string, std::string>> pairs) : Context() {
        for (const auto &pair : pairs)
            add(pair.first, pair.second);
    }

    /* Adds a pair; an empty key, one holding `=` or a line feed, or one already added is
     * refused (KMIPKIT_RESULT_ENCODE). */
    Context &add(const std::string &key, const std::string &value) {
        detail::check(kmipkit_context_add(context_.get(), detail::c_text(key, "key"), detail::c_text(value, "value")));
        return *this;
    }
    std::size_t size() const noexcept { return kmipkit_context_len(context_.get()); }

    /* A raw context: these bytes, bound as they are (adding pairs to it is refused with
     * KMIPKIT_RESULT_WRONG_STATE). */
    static Context from_bytes(ByteView data) {
        kmipkit_context *context = nullptr;
        detail::check(kmipkit_context_from_bytes(data.data(), data.size(), &context));
        return Context(context);
    }

    const kmipkit_context *get() const noexcept { return context_.get(); }

private:
    explicit Context(kmipkit_context *owned) noexcept : context_(owned) {}
    detail::Owned<kmipkit_context, kmipkit_context_free> context_;
};

namespace detail {
/* A context argument: NULL (the empty context) when none is given. */
inline const kmipkit_context *context_or_null(const Context *context) noexcept {
    return context == nullptr ? nullptr : context->get();
}
}  // namespace detail

}  // namespace kmipkit

#endif /* KMIPKIT_VALUES_HPP */
