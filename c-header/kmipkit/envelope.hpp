/*
 * kmipkit/envelope.hpp (included by kmipkit.hpp): envelope encryption. KeyCache, Model1 (a
 * data key per ciphertext, protected by a KEK that stays in the key manager), Model2 (a key
 * per identifier), in memory and streaming, and the format under the caller's own key.
 * Models may be used from many threads at once; each call blocks its thread.
 */
#ifndef KMIPKIT_ENVELOPE_HPP
#define KMIPKIT_ENVELOPE_HPP

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "base.hpp"
#include "client.hpp"
#include "stream.hpp"
#include "values.hpp"

namespace kmipkit {

/* A key version and its unique identifier at the key manager. */
struct KeyVersion {
    std::uint32_t version;
    std::string uid;
};

/*
 * Unwrapped keys kept in locked, wiped memory (kmipkit_key_cache), shared by models. May be
 * used from many threads at once; a model given it keeps it alive.
 */
class KeyCache {
public:
    /* An entry lives `max_age_ms` after its fetch or `max_uses` hand-outs; cached key bytes
     * never exceed `max_bytes`. The defaults are Python's. */
    explicit KeyCache(std::uint64_t max_age_ms = 300000, std::uint64_t max_uses = std::uint64_t(1) << 32,
                      std::size_t max_bytes = 65536) {
        kmipkit_key_cache *cache = nullptr;
        detail::check(kmipkit_key_cache_new(max_age_ms, max_uses, max_bytes, &cache));
        cache_.reset(cache);
    }

    /* Drops (and wipes) every entry. */
    void purge() const { detail::check(kmipkit_key_cache_purge(get())); }
    /* Drops the entry of `key_id`; true when there was one. */
    bool evict(const std::string &key_id) const {
        bool evicted = false;
        detail::check(kmipkit_key_cache_evict(get(), detail::c_text(key_id, "key_id"), &evicted));
        return evicted;
    }
    std::size_t size() const noexcept { return kmipkit_key_cache_len(get()); }
    kmipkit_key_cache_stats stats() const {
        kmipkit_key_cache_stats stats{};
        detail::check(kmipkit_key_cache_stats_get(get(), &stats));
        return stats;
    }

    const kmipkit_key_cache *get() const noexcept { return cache_.get(); }

private:
    detail::Owned<kmipkit_key_cache, kmipkit_key_cache_free> cache_;
};

/*
 * Model 1 over one KEK name (kmipkit_model1): decryption opens only data keys under that name,
 * so the caller, not the ciphertext, chooses the key. Keeps its client alive.
 */
class Model1 {
public:
    /* As the configuration's [key] table says (name, version, kek_method), like the CLI. */
    static Model1 from_config(const Client &client, const Config &config, const KeyCache *cache = nullptr) {
        kmipkit_model1 *model = nullptr;
        detail::check(kmipkit_model1_from_config(client.get(), config.get(), cache ? cache->get() : nullptr, &model));
        return Model1(model, client.state());
    }
    /* Over the KEK `kek_name`: `kek_version` 0 looks up the current one; `kek_method` empty
     * (chosen from the server's profile), "encrypt" or "key-wrap". */
    static Model1 create(const Client &client, const std::string &kek_name, std::uint32_t kek_version = 0,
                         const KeyCache *cache = nullptr, const std::string &kek_method = {}) {
        kmipkit_model1 *model = nullptr;
        detail::check(kmipkit_model1_new(client.get(), detail::c_text(kek_name, "kek_name"), kek_version,
                                         cache ? cache->get() : nullptr,
                                         detail::c_text_or_null(kek_method, "kek_method"), &model));
        return Model1(model, client.state());
    }

    /* Finds the KEK, or creates and activates it: its version and identifier. */
    KeyVersion ensure_kek() const {
        std::uint32_t version = 0;
        char *uid = nullptr;
        detail::check(kmipkit_model1_ensure_kek(get(), &version, &uid));
        return KeyVersion{version, detail::take_string(uid)};
    }
    std::uint32_t kek_version() const noexcept { return kmipkit_model1_kek_version(get()); }
    /* "encrypt" or "key-wrap". */
    std::string kek_method() const { return kmipkit_model1_kek_method(get()); }

    Bytes encrypt(ByteView plaintext, const Context *context = nullptr) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_model1_encrypt(get(), plaintext.data(), plaintext.size(),
                                             detail::context_or_null(context), &out));
        return Bytes(out);
    }
    /* A different context, KEK name or altered bytes: Error KMIPKIT_RESULT_INTEGRITY. */
    Bytes decrypt(ByteView ciphertext, const Context *context = nullptr) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_model1_decrypt(get(), ciphertext.data(), ciphertext.size(),
                                             detail::context_or_null(context), &out));
        return Bytes(out);
    }

    /* Encrypts `read` into `write` in constant memory; returns the plaintext length. */
    std::uint64_t encrypt_stream(const ReadFunction &read, const WriteFunction &write,
                                 const Context *context = nullptr) const {
        std::uint64_t len = 0;
        detail::clear_pending();
        detail::check(kmipkit_model1_encrypt_stream(get(), detail::read_trampoline, const_cast<ReadFunction *>(&read),
                                                    detail::write_trampoline, const_cast<WriteFunction *>(&write),
                                                    detail::context_or_null(context), &len));
        return len;
    }
    std::uint64_t encrypt_stream(std::istream &in, std::ostream &out, const Context *context = nullptr) const {
        return encrypt_stream(read_from(in), write_to(out), context);
    }
    /* Decrypts a stream; on any exception discard what was written (see WriteFunction). */
    std::uint64_t decrypt_stream(const ReadFunction &read, const WriteFunction &write,
                                 const Context *context = nullptr) const {
        std::uint64_t len = 0;
        detail::clear_pending();
        detail::check(kmipkit_model1_decrypt_stream(get(), detail::read_trampoline, const_cast<ReadFunction *>(&read),
                                                    detail::write_trampoline, const_cast<WriteFunction *>(&write),
                                                    detail::context_or_null(context), &len));
        return len;
    }
    std::uint64_t decrypt_stream(std::istream &in, std::ostream &out, const Context *context = nullptr) const {
        return decrypt_stream(read_from(in), write_to(out), context);
    }

    const kmipkit_model1 *get() const noexcept { return model_.get(); }
    /* Its client's transport, if any (see Client::state). */
    const std::shared_ptr<void> &state() const noexcept { return state_; }

private:
    Model1(kmipkit_model1 *owned, std::shared_ptr<void> state) noexcept : state_(std::move(state)), model_(owned) {}
    // The client's transport, if any: the C model keeps the C client, which may call it.
    std::shared_ptr<void> state_;
    detail::Owned<kmipkit_model1, kmipkit_model1_free> model_;
};

/*
 * Model 2 with one key prefix (kmipkit_model2): a key per identifier (user, document). A
 * ciphertext opens only with the identifier it was made for. Keeps its client alive.
 */
class Model2 {
public:
    Model2(const Client &client, const std::string &prefix, const KeyCache *cache = nullptr)
        : state_(client.state()) {
        kmipkit_model2 *model = nullptr;
        detail::check(kmipkit_model2_new(client.get(), detail::c_text(prefix, "prefix"),
                                         cache ? cache->get() : nullptr, &model));
        model_.reset(model);
    }

    /* The current version of `id`'s key, created and activated on first use. */
    KeyVersion key_for(const std::string &id) const {
        std::uint32_t version = 0;
        char *uid = nullptr;
        detail::check(kmipkit_model2_key_for(get(), detail::c_text(id, "id"), &version, &uid));
        return KeyVersion{version, detail::take_string(uid)};
    }
    /* Forgets what this model remembers of `id` (its cached key and version). */
    void forget(const std::string &id) const { detail::check(kmipkit_model2_forget(get(), detail::c_text(id, "id"))); }

    Bytes encrypt(const std::string &id, ByteView plaintext, const Context *context = nullptr) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_model2_encrypt(get(), detail::c_text(id, "id"), plaintext.data(), plaintext.size(),
                                             detail::context_or_null(context), &out));
        return Bytes(out);
    }
    /* A Compromised version decrypts only when `allow_compromised`. */
    Bytes decrypt(const std::string &id, ByteView ciphertext, const Context *context = nullptr,
                  bool allow_compromised = false) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_model2_decrypt(get(), detail::c_text(id, "id"), ciphertext.data(), ciphertext.size(),
                                             detail::context_or_null(context), allow_compromised, &out));
        return Bytes(out);
    }

    std::uint64_t encrypt_stream(const std::string &id, const ReadFunction &read, const WriteFunction &write,
                                 const Context *context = nullptr) const {
        std::uint64_t len = 0;
        detail::clear_pending();
        detail::check(kmipkit_model2_encrypt_stream(get(), detail::c_text(id, "id"), detail::read_trampoline,
                                                    const_cast<ReadFunction *>(&read), detail::write_trampoline,
                                                    const_cast<WriteFunction *>(&write),
                                                    detail::context_or_null(context), &len));
        return len;
    }
    std::uint64_t encrypt_stream(const std::string &id, std::istream &in, std::ostream &out,
                                 const Context *context = nullptr) const {
        return encrypt_stream(id, read_from(in), write_to(out), context);
    }
    std::uint64_t decrypt_stream(const std::string &id, const ReadFunction &read, const WriteFunction &write,
                                 const Context *context = nullptr, bool allow_compromised = false) const {
        std::uint64_t len = 0;
        detail::clear_pending();
        detail::check(kmipkit_model2_decrypt_stream(get(), detail::c_text(id, "id"), detail::read_trampoline,
                                                    const_cast<ReadFunction *>(&read), detail::write_trampoline,
                                                    const_cast<WriteFunction *>(&write),
                                                    detail::context_or_null(context), allow_compromised, &len));
        return len;
    }
    std::uint64_t decrypt_stream(const std::string &id, std::istream &in, std::ostream &out,
                                 const Context *context = nullptr, bool allow_compromised = false) const {
        return decrypt_stream(id, read_from(in), write_to(out), context, allow_compromised);
    }

    // ---- Versions (re-encryption of old ciphertexts: reencrypt_all, kmipkit/rotation.hpp).

    /* A new (Pre-Active) version of `id`'s key: it decrypts but does not encrypt until promote(). */
    KeyVersion add_version(const std::string &id) const {
        std::uint32_t version = 0;
        char *uid = nullptr;
        detail::check(kmipkit_model2_add_version(get(), detail::c_text(id, "id"), &version, &uid));
        return KeyVersion{version, detail::take_string(uid)};
    }
    /* Every version, oldest first, as JSON: [{"name", "version", "uid", "state"}, ...]. */
    std::string versions_json(const std::string &id) const {
        char *json = nullptr;
        detail::check(kmipkit_model2_versions_json(get(), detail::c_text(id, "id"), &json));
        return detail::take_string(json);
    }
    void promote(const std::string &id, std::uint32_t version) const {
        detail::check(kmipkit_model2_promote(get(), detail::c_text(id, "id"), version));
    }
    void deactivate(const std::string &id, std::uint32_t version) const {
        detail::check(kmipkit_model2_deactivate(get(), detail::c_text(id, "id"), version));
    }

    const kmipkit_model2 *get() const noexcept { return model_.get(); }

private:
    std::shared_ptr<void> state_;
    detail::Owned<kmipkit_model2, kmipkit_model2_free> model_;
};

/* The kmipkit ciphertext format under the caller's own 32-byte key (no key manager). The
 * header names the key as `key_name`, `key_version`, `key_uid`, for the caller's bookkeeping. */
inline Bytes seal_with_key(ByteView key, ByteView plaintext, const Context *context = nullptr,
                           const std::string &key_name = {}, std::uint32_t key_version = 0,
                           const std::string &key_uid = {}) {
    kmipkit_bytes *out = nullptr;
    detail::check(kmipkit_seal_with_key(key.data(), key.size(), plaintext.data(), plaintext.size(),
                                        detail::context_or_null(context), detail::c_text_or_null(key_name, "key_name"),
                                        key_version, detail::c_text_or_null(key_uid, "key_uid"), &out));
    return Bytes(out);
}

inline Bytes open_with_key(ByteView key, ByteView ciphertext, const Context *context = nullptr) {
    kmipkit_bytes *out = nullptr;
    detail::check(kmipkit_open_with_key(key.data(), key.size(), ciphertext.data(), ciphertext.size(),
                                        detail::context_or_null(context), &out));
    return Bytes(out);
}

/* What a ciphertext's header says, read without opening it (see kmipkit_envelope_header). */
struct EnvelopeHeader {
    std::uint32_t model;      /* 1: a wrapped data key; 2: a key per id */
    std::string key_name;     /* the KEK (Model 1) or the id's key (Model 2) */
    std::uint32_t key_version;
};

/* The header of a kmipkit ciphertext: which model and key made it; nothing is verified
 * (decryption still checks it). Throws KMIPKIT_RESULT_FORMAT for anything else. */
inline EnvelopeHeader envelope_header(ByteView ciphertext) {
    std::uint32_t model = 0, version = 0;
    char *name = nullptr;
    detail::check(kmipkit_envelope_header(ciphertext.data(), ciphertext.size(), &model, &name, &version));
    return EnvelopeHeader{model, detail::take_string(name), version};
}

}  // namespace kmipkit

#endif /* KMIPKIT_ENVELOPE_HPP */
