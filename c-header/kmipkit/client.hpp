/*
 * kmipkit/client.hpp (included by kmipkit.hpp): Client, every KMIP operation of the C API.
 * A Client may be used from many threads at once; each call blocks its thread. The client
 * over a caller's transport (Client::over_host) is in kmipkit/transport.hpp.
 */
#ifndef KMIPKIT_CLIENT_HPP
#define KMIPKIT_CLIENT_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base.hpp"
#include "config.hpp"
#include "values.hpp"

namespace kmipkit {

/* What the server's Encrypt returned: the ciphertext, and the IV and tag when it gave them. */
struct Encrypted {
    Bytes data;
    Bytes iv;
    Bytes tag;
};

/* The identifiers of a new (or re-keyed) key pair. */
struct KeyPair {
    std::string private_uid;
    std::string public_uid;
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
    /* Takes ownership of `owned`, keeping `state` (a transport the client calls) alive until
     * the C client is freed. */
    Client(kmipkit_client *owned, std::shared_ptr<void> state) noexcept
        : state_(std::move(state)), client_(owned) {}

    /* The KMIP protocol version the client speaks. */
    Version version() const {
        Version v{0, 0};
        detail::check(kmipkit_client_version(get(), &v.major, &v.minor));
        return v;
    }

    // ---- Objects: create, register, get, locate.

    /* Creates an AES key named `name` (pre-active), failover-safe; returns its unique identifier. */
    std::string create_aes_key(const std::string &name, std::int32_t bits = 256) const {
        char *uid = nullptr;
        detail::check(kmipkit_client_create_aes_key(get(), detail::c_text(name, "name"), bits, &uid));
        return detail::take_string(uid);
    }
    /* Create: a new object of `object_type` ("SymmetricKey", ...) with `attributes`. */
    std::string create(const std::string &object_type, const Attributes *attributes = nullptr) const {
        char *uid = nullptr;
        detail::check(kmipkit_client_create(get(), detail::c_text(object_type, "object_type"),
                                            attributes ? attributes->get() : nullptr, &uid));
        return detail::take_string(uid);
    }
    /* Create Key Pair: `common` attributes for both keys, then each key's own (any may be null). */
    KeyPair create_key_pair(const Attributes *common, const Attributes *private_key = nullptr,
                            const Attributes *public_key = nullptr) const {
        char *priv = nullptr, *pub = nullptr;
        kmipkit_result rc = kmipkit_client_create_key_pair(
            get(), common ? common->get() : nullptr, private_key ? private_key->get() : nullptr,
            public_key ? public_key->get() : nullptr, &priv, &pub);
        KeyPair pair{detail::take_string(priv), detail::take_string(pub)};
        detail::check(rc);
        return pair;
    }
    /* Register: stores `material` as an object of `object_type`; `algorithm` empty: the
     * type's default. */
    std::string register_object(const std::string &object_type, ByteView material,
                                const std::string &algorithm = {},
                                const Attributes *attributes = nullptr) const {
        char *uid = nullptr;
        detail::check(kmipkit_client_register(get(), detail::c_text(object_type, "object_type"), material.data(),
                                              material.size(), detail::c_text_or_null(algorithm, "algorithm"),
                                              attributes ? attributes->get() : nullptr, &uid));
        return detail::take_string(uid);
    }
    /* Get: the object's bytes (key material, secret data, a certificate's DER). */
    Bytes get_object(const std::string &uid) const {
        kmipkit_bytes *material = nullptr;
        detail::check(kmipkit_client_get(get(), detail::c_text(uid, "uid"), &material));
        return Bytes(material);
    }
    /* Get of the key `uid` wrapped (RFC 3394) under the key `wrapping_uid`. */
    Bytes get_wrapped(const std::string &uid, const std::string &wrapping_uid) const {
        kmipkit_bytes *wrapped = nullptr;
        detail::check(kmipkit_client_get_wrapped(get(), detail::c_text(uid, "uid"),
                                                 detail::c_text(wrapping_uid, "wrapping_uid"), &wrapped));
        return Bytes(wrapped);
    }
    /* Locate: the objects matching every attribute (null: all), at most `maximum_items`
     * (0: no limit) after skipping `offset_items`. */
    std::vector<std::string> locate(const Attributes *attributes = nullptr, std::int32_t maximum_items = 0,
                                    std::int32_t offset_items = 0) const {
        kmipkit_strings *uids = nullptr;
        detail::check(kmipkit_client_locate(get(), attributes ? attributes->get() : nullptr, maximum_items,
                                            offset_items, &uids));
        return detail::take_strings(uids);
    }
    /* Locate by Name. */
    std::vector<std::string> locate_by_name(const std::string &name) const {
        kmipkit_strings *uids = nullptr;
        detail::check(kmipkit_client_locate_by_name(get(), detail::c_text(name, "name"), &uids));
        return detail::take_strings(uids);
    }
    /* Check: the identifier the server checked. */
    std::string check(const std::string &uid) const {
        char *checked = nullptr;
        detail::check(kmipkit_client_check(get(), detail::c_text(uid, "uid"), &checked));
        return detail::take_string(checked);
    }

    // ---- Life cycle.

    /* Activate: pre-active to active. */
    void activate(const std::string &uid) const {
        detail::check(kmipkit_client_activate(get(), detail::c_text(uid, "uid")));
    }
    /* Revoke for `reason` ("CessationOfOperation", "KeyCompromise", ...); `message` empty:
     * none; `compromise_date` (Unix seconds, 0: none) KMIP requires for a compromise. */
    void revoke(const std::string &uid, const std::string &reason, const std::string &message = {},
                std::int64_t compromise_date = 0) const {
        detail::check(kmipkit_client_revoke(get(), detail::c_text(uid, "uid"), detail::c_text(reason, "reason"),
                                            detail::c_text_or_null(message, "message"), compromise_date));
    }
    /* Destroy (the object must not be active). */
    void destroy(const std::string &uid) const {
        detail::check(kmipkit_client_destroy(get(), detail::c_text(uid, "uid")));
    }
    void archive(const std::string &uid) const {
        detail::check(kmipkit_client_archive(get(), detail::c_text(uid, "uid")));
    }
    void recover(const std::string &uid) const {
        detail::check(kmipkit_client_recover(get(), detail::c_text(uid, "uid")));
    }
    /* Re-Key: the replacement key's identifier. */
    std::string rekey(const std::string &uid) const {
        char *new_uid = nullptr;
        detail::check(kmipkit_client_rekey(get(), detail::c_text(uid, "uid"), &new_uid));
        return detail::take_string(new_uid);
    }
    KeyPair rekey_key_pair(const std::string &private_uid) const {
        char *priv = nullptr, *pub = nullptr;
        kmipkit_result rc =
            kmipkit_client_rekey_key_pair(get(), detail::c_text(private_uid, "private_uid"), &priv, &pub);
        KeyPair pair{detail::take_string(priv), detail::take_string(pub)};
        detail::check(rc);
        return pair;
    }
    /* Derive Key from `base_uids` by `method` ("PBKDF2", "HASH", "HMAC", ...). */
    std::string derive_key(const std::vector<std::string> &base_uids, const std::string &method, ByteView data,
                           const CryptoParams *params = nullptr, ByteView salt = {}, std::int32_t iterations = 0,
                           const Attributes *attributes = nullptr) const {
        std::vector<const char *> bases = detail::c_texts(base_uids, "base_uids");
        char *uid = nullptr;
        detail::check(kmipkit_client_derive_key(get(), bases.data(), bases.size(), detail::c_text(method, "method"),
                                                data.data(), data.size(), params ? params->get() : nullptr,
                                                salt.data_or_null(), salt.size(), iterations,
                                                attributes ? attributes->get() : nullptr, &uid));
        return detail::take_string(uid);
    }

    // ---- Attributes.

    /* Get Attributes: those named in `names` (empty: all). */
    Attributes get_attributes(const std::string &uid, const std::vector<std::string> &names = {}) const {
        std::vector<const char *> wanted = detail::c_texts(names, "names");
        kmipkit_attributes *attributes = nullptr;
        detail::check(kmipkit_client_get_attributes(get(), detail::c_text(uid, "uid"), wanted.data(),
                                                    wanted.size(), &attributes));
        return Attributes(attributes);
    }
    std::vector<std::string> get_attribute_list(const std::string &uid) const {
        kmipkit_strings *names = nullptr;
        detail::check(kmipkit_client_get_attribute_list(get(), detail::c_text(uid, "uid"), &names));
        return detail::take_strings(names);
    }
    /* Add Attribute: the one attribute of `attribute`. */
    void add_attribute(const std::string &uid, const Attributes &attribute) const {
        detail::check(kmipkit_client_add_attribute(get(), detail::c_text(uid, "uid"), attribute.get()));
    }
    /* Modify Attribute; `current` is the value replaced (KMIP 2.x needs it for a Name). */
    void modify_attribute(const std::string &uid, const Attributes &attribute,
                          const Attributes *current = nullptr) const {
        detail::check(kmipkit_client_modify_attribute(get(), detail::c_text(uid, "uid"), attribute.get(),
                                                      current ? current->get() : nullptr));
    }
    /* Set Attribute (KMIP 2.0). */
    void set_attribute(const std::string &uid, const Attributes &attribute) const {
        detail::check(kmipkit_client_set_attribute(get(), detail::c_text(uid, "uid"), attribute.get()));
    }
    void delete_attribute(const std::string &uid, const std::string &name) const {
        detail::check(kmipkit_client_delete_attribute(get(), detail::c_text(uid, "uid"), detail::c_text(name, "name")));
    }

    // ---- Cryptography on the server.

    /* Encrypt with the key `uid`; `params` null: the key's defaults; `iv`, `aad` empty: none. */
    Encrypted encrypt(const std::string &uid, ByteView data, const CryptoParams *params = nullptr,
                      ByteView iv = {}, ByteView aad = {}) const {
        kmipkit_bytes *out = nullptr, *out_iv = nullptr, *out_tag = nullptr;
        kmipkit_result rc = kmipkit_client_encrypt(get(), detail::c_text(uid, "uid"), params ? params->get() : nullptr,
                                                   data.data(), data.size(), iv.data_or_null(), iv.size(),
                                                   aad.data_or_null(), aad.size(), &out, &out_iv, &out_tag);
        Encrypted encrypted{Bytes(out), Bytes(out_iv), Bytes(out_tag)};
        detail::check(rc);
        return encrypted;
    }
    Bytes decrypt(const std::string &uid, ByteView data, const CryptoParams *params = nullptr, ByteView iv = {},
                  ByteView aad = {}, ByteView tag = {}) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_client_decrypt(get(), detail::c_text(uid, "uid"), params ? params->get() : nullptr,
                                             data.data(), data.size(), iv.data_or_null(), iv.size(),
                                             aad.data_or_null(), aad.size(), tag.data_or_null(), tag.size(), &out));
        return Bytes(out);
    }
    Bytes sign(const std::string &uid, ByteView data, const CryptoParams *params = nullptr) const {
        kmipkit_bytes *signature = nullptr;
        detail::check(kmipkit_client_sign(get(), detail::c_text(uid, "uid"), params ? params->get() : nullptr,
                                          data.data(), data.size(), &signature));
        return Bytes(signature);
    }
    /* Signature Verify: true when the signature is valid (an invalid one is not an error). */
    bool signature_verify(const std::string &uid, ByteView data, ByteView signature,
                          const CryptoParams *params = nullptr) const {
        bool valid = false;
        detail::check(kmipkit_client_signature_verify(get(), detail::c_text(uid, "uid"),
                                                      params ? params->get() : nullptr, data.data(), data.size(),
                                                      signature.data(), signature.size(), &valid));
        return valid;
    }
    Bytes mac(const std::string &uid, ByteView data, const CryptoParams *params = nullptr) const {
        kmipkit_bytes *mac = nullptr;
        detail::check(kmipkit_client_mac(get(), detail::c_text(uid, "uid"), params ? params->get() : nullptr,
                                         data.data(), data.size(), &mac));
        return Bytes(mac);
    }
    bool mac_verify(const std::string &uid, ByteView data, ByteView mac, const CryptoParams *params = nullptr) const {
        bool valid = false;
        detail::check(kmipkit_client_mac_verify(get(), detail::c_text(uid, "uid"), params ? params->get() : nullptr,
                                                data.data(), data.size(), mac.data(), mac.size(), &valid));
        return valid;
    }
    /* Hash on the server with `algorithm` ("SHA_256", ...). */
    Bytes hash(const std::string &algorithm, ByteView data) const {
        kmipkit_bytes *digest = nullptr;
        detail::check(kmipkit_client_hash(get(), detail::c_text(algorithm, "algorithm"), data.data(), data.size(),
                                          &digest));
        return Bytes(digest);
    }
    /* RNG Retrieve: `length` random bytes from the key server. */
    Bytes rng_retrieve(std::size_t length) const {
        kmipkit_bytes *bytes = nullptr;
        detail::check(kmipkit_client_rng_retrieve(get(), length, &bytes));
        return Bytes(bytes);
    }
    void rng_seed(ByteView seed) const { detail::check(kmipkit_client_rng_seed(get(), seed.data(), seed.size())); }

    // ---- The server.

    /* Query, as JSON: {"operations": [...], "object_types": [...], ...}. */
    std::string query() const {
        char *json = nullptr;
        detail::check(kmipkit_client_query(get(), &json));
        return detail::take_string(json);
    }
    /* Discover Versions among `offered` ("1.4", ...; empty: all), the server's preference first. */
    std::vector<std::string> discover_versions(const std::vector<std::string> &offered = {}) const {
        std::vector<const char *> versions = detail::c_texts(offered, "offered");
        kmipkit_strings *out = nullptr;
        detail::check(kmipkit_client_discover_versions(get(), versions.data(), versions.size(), &out));
        return detail::take_strings(out);
    }
    void poll(ByteView correlation) const {
        detail::check(kmipkit_client_poll(get(), correlation.data(), correlation.size()));
    }
    void cancel(ByteView correlation) const {
        detail::check(kmipkit_client_cancel(get(), correlation.data(), correlation.size()));
    }

    const kmipkit_client *get() const noexcept { return client_.get(); }
    /* What the C client calls back into (a transport), if anything: objects that keep the C
     * client alive (a Model1, a Model2) keep this alive too. */
    const std::shared_ptr<void> &state() const noexcept { return state_; }
    /* Gives up ownership: the caller frees the result with kmipkit_client_free. Not for a
     * client over a caller's transport (its callback state would be freed with this object). */
    kmipkit_client *release() noexcept { return client_.release(); }

private:
    // Declared first so that it is destroyed last: the C client may call into it until freed.
    std::shared_ptr<void> state_;
    detail::Owned<kmipkit_client, kmipkit_client_free> client_;
};

}  // namespace kmipkit

#endif /* KMIPKIT_CLIENT_HPP */
