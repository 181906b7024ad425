/*
 * Objects and their lifecycle against live PyKMIP, through the operation functions: Create with
 * typed attributes, Locate (by attributes and by name), Get, Get Attributes, Get Attribute List,
 * Activate, Revoke, Destroy, Register (key, HMAC key, secret data), Get wrapped, Create Key Pair,
 * Derive Key; and the operations PyKMIP 0.11 lacks (Check, Re-Key, Re-Key Key Pair, Archive,
 * Recover), refused with the server profile's explanation.
 */
#include "ops_support.h"

/* Create an AES key with typed attributes, find it, read it, and take it through its life. */
static void create_locate_lifecycle(kmipkit_client *client) {
    char name[64];
    ops_name(name, sizeof name, "lifecycle");
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_enum(attrs, "Cryptographic Algorithm", "AES"));
    CHECK_OK(kmipkit_attributes_add_int(attrs, "CryptographicLength", 256));
    CHECK_OK(kmipkit_attributes_add_json(attrs, "Cryptographic Usage Mask", "[\"Encrypt\",\"Decrypt\"]"));
    CHECK_OK(kmipkit_attributes_add_text(attrs, "Name", name));
    CHECK(kmipkit_attributes_count(attrs) == 4);
    char *uid = NULL;
    CHECK_OK(kmipkit_client_create(client, "SymmetricKey", attrs, &uid));
    kmipkit_attributes_free(attrs);
    if (uid == NULL)
        return;

    kmipkit_strings *found = NULL;
    CHECK_OK(kmipkit_client_locate_by_name(client, name, &found));
    CHECK(kmipkit_strings_count(found) == 1 && strcmp(kmipkit_strings_at(found, 0), uid) == 0);
    CHECK(kmipkit_strings_at(found, 1) == NULL);
    kmipkit_strings_free(found);

    kmipkit_attributes *query = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_text(query, "Name", name));
    CHECK_OK(kmipkit_attributes_add_enum(query, "Object Type", "SymmetricKey"));
    found = NULL;
    CHECK_OK(kmipkit_client_locate(client, query, 0, 0, &found));
    CHECK(kmipkit_strings_count(found) == 1 && strcmp(kmipkit_strings_at(found, 0), uid) == 0);
    kmipkit_strings_free(found);
    kmipkit_attributes_free(query);

    kmipkit_bytes *key = NULL;
    CHECK_OK(kmipkit_client_get(client, uid, &key));
    CHECK(kmipkit_bytes_len(key) == 32);
    kmipkit_bytes_free(key);

    /* All attributes (no names), then one by name. */
    kmipkit_attributes *all = NULL;
    CHECK_OK(kmipkit_client_get_attributes(client, uid, NULL, 0, &all));
    char *algorithm = ops_attribute(all, "CryptographicAlgorithm");
    char *length = ops_attribute(all, "CryptographicLength");
    char *mask = ops_attribute(all, "CryptographicUsageMask");
    CHECK(algorithm != NULL && strcmp(algorithm, "\"AES\"") == 0);
    CHECK(length != NULL && strcmp(length, "256") == 0);
    CHECK(mask != NULL && strcmp(mask, "[\"Encrypt\",\"Decrypt\"]") == 0);
    kmipkit_string_free(algorithm);
    kmipkit_string_free(length);
    kmipkit_string_free(mask);
    kmipkit_attributes_free(all);
    CHECK_SERVER_ATTRIBUTE(client, uid, "State", "\"PreActive\"");

    kmipkit_strings *names = NULL;
    CHECK_OK(kmipkit_client_get_attribute_list(client, uid, &names));
    bool has_name = false;
    for (size_t i = 0; i < kmipkit_strings_count(names); i++)
        has_name = has_name || strcmp(kmipkit_strings_at(names, i), "Name") == 0;
    CHECK(has_name);
    kmipkit_strings_free(names);

    CHECK_OK(kmipkit_client_activate(client, uid));
    CHECK_SERVER_ATTRIBUTE(client, uid, "State", "\"Active\"");
    CHECK_OK(kmipkit_client_revoke(client, uid, "CessationOfOperation", "rotated", 0));
    CHECK_SERVER_ATTRIBUTE(client, uid, "State", "\"Deactivated\"");
    CHECK_OK(kmipkit_client_destroy(client, uid));
    key = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_get(client, uid, &key), KMIPKIT_RESULT_SERVER);
    CHECK(key == NULL);
    CHECK(kmipkit_last_error_reason() == 0x01); /* Item Not Found */
    kmipkit_string_free(uid);
}

/* Register bytes the caller has and read exactly those bytes back; a key wrapped under a KEK
 * is the RFC 3394 wrap (computed with Python's `cryptography` for these fixed keys). */
static void register_and_get_wrapped(kmipkit_client *client) {
    uint8_t kek_bytes[32], key_bytes[32];
    for (int i = 0; i < 32; i++) {
        kek_bytes[i] = (uint8_t)i;
        key_bytes[i] = (uint8_t)(32 + i);
    }
    char name[64];
    ops_name(name, sizeof name, "kek");
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_text(attrs, "Name", name));
    CHECK_OK(kmipkit_attributes_add_json(attrs, "CryptographicUsageMask", "[\"WrapKey\",\"Encrypt\"]"));
    char *kek = NULL;
    CHECK_OK(kmipkit_client_register(client, "SymmetricKey", kek_bytes, 32, NULL, attrs, &kek));
    kmipkit_attributes_free(attrs);
    CHECK_OK(kmipkit_client_activate(client, kek));

    ops_name(name, sizeof name, "wrapped");
    attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_text(attrs, "Name", name));
    char *target = NULL;
    CHECK_OK(kmipkit_client_register(client, "SymmetricKey", key_bytes, 32, "AES", attrs, &target));
    kmipkit_attributes_free(attrs);

    kmipkit_bytes *plain = NULL;
    CHECK_OK(kmipkit_client_get(client, target, &plain));
    CHECK(kmipkit_bytes_len(plain) == 32 && memcmp(kmipkit_bytes_data(plain), key_bytes, 32) == 0);
    kmipkit_bytes_free(plain);

    kmipkit_bytes *wrapped = NULL;
    CHECK_OK(kmipkit_client_get_wrapped(client, target, kek, &wrapped));
    CHECK(ops_bytes_are(wrapped, "04f8a3c3c302d3b0b7e94b14dcf85ad1da69cd74056ed7907d3cb49fb27799a4104db058f2901adb"));
    kmipkit_bytes_free(wrapped);

    /* Secret data comes back as it went in. */
    char *secret = NULL;
    CHECK_OK(kmipkit_client_register(client, "SecretData", (const uint8_t *)"hunter2", 7, NULL, NULL, &secret));
    kmipkit_bytes *got = NULL;
    CHECK_OK(kmipkit_client_get(client, secret, &got));
    CHECK(kmipkit_bytes_len(got) == 7 && memcmp(kmipkit_bytes_data(got), "hunter2", 7) == 0);
    kmipkit_bytes_free(got);
    kmipkit_string_free(secret);
    kmipkit_string_free(kek);
    kmipkit_string_free(target);
}

/* PyKMIP's "HMAC" derivation is HKDF-SHA256 (RFC 5869) with the derivation data as info; the
 * expected key was computed with Python's `cryptography` for this base key, salt and info. */
static void derive_key_hkdf(kmipkit_client *client) {
    uint8_t base_key[32];
    for (int i = 0; i < 32; i++)
        base_key[i] = (uint8_t)i;
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_json(attrs, "CryptographicUsageMask", "[\"DeriveKey\"]"));
    char *base = NULL;
    CHECK_OK(kmipkit_client_register(client, "SymmetricKey", base_key, 32, NULL, attrs, &base));
    kmipkit_attributes_free(attrs);

    kmipkit_crypto_params *sha256 = kmipkit_crypto_params_new();
    CHECK_OK(kmipkit_crypto_params_set_text(sha256, "HashingAlgorithm", "SHA_256"));
    kmipkit_attributes *derived_attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_enum(derived_attrs, "CryptographicAlgorithm", "AES"));
    CHECK_OK(kmipkit_attributes_add_int(derived_attrs, "CryptographicLength", 256));
    const char *bases[] = {base};
    const char *info = "kmipkit derivation context", *salt = "kmipkit salt";
    char *derived = NULL;
    CHECK_OK(kmipkit_client_derive_key(client, bases, 1, "HMAC", (const uint8_t *)info, strlen(info),
                                       sha256, (const uint8_t *)salt, strlen(salt), 0, derived_attrs,
                                       &derived));
    kmipkit_bytes *key = NULL;
    CHECK_OK(kmipkit_client_get(client, derived, &key));
    CHECK(ops_bytes_are(key, "e095560d63a4c18fadb67caeb26eaef189a6c4e204f18025a10b16c2b9b5a1b2"));
    kmipkit_bytes_free(key);
    kmipkit_string_free(derived);
    kmipkit_string_free(base);
    kmipkit_attributes_free(derived_attrs);
    kmipkit_crypto_params_free(sha256);
}

/* Locate's limit: by then this run has registered several symmetric keys. */
static void locate_limits(kmipkit_client *client) {
    kmipkit_attributes *keys = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_enum(keys, "ObjectType", "SymmetricKey"));
    kmipkit_strings *all = NULL, *first = NULL;
    CHECK_OK(kmipkit_client_locate(client, keys, 0, 0, &all));
    CHECK(kmipkit_strings_count(all) >= 3);
    CHECK_OK(kmipkit_client_locate(client, keys, 1, 0, &first));
    CHECK(kmipkit_strings_count(first) == 1);
    kmipkit_strings_free(all);
    kmipkit_strings_free(first);
    kmipkit_attributes_free(keys);
}

/* A structure attribute reads back as a JSON object keyed by tag names: kmipkit marks what it
 * creates with Application Specific Information (its failover marker), which PyKMIP keeps. */
static void structured_attribute(kmipkit_client *client) {
    char name[64];
    ops_name(name, sizeof name, "structured");
    char *uid = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, name, 128, &uid));
    if (uid == NULL)
        return;
    char *info = ops_server_attribute(client, uid, "ApplicationSpecificInformation");
    CHECK(info != NULL && info[0] == '{' && strstr(info, "\"ApplicationNamespace\":\"") != NULL &&
          strstr(info, "\"ApplicationData\":\"") != NULL);
    kmipkit_string_free(info);
    CHECK_SERVER_ATTRIBUTE(client, uid, "CryptographicLength", "128");
    kmipkit_string_free(uid);
}

/* What PyKMIP 0.11 does not implement is refused, and the profile says what to do instead. */
static void refused_by_pykmip(kmipkit_client *client) {
    char *uid = NULL;
    char name[64];
    ops_name(name, sizeof name, "refused");
    CHECK_OK(kmipkit_client_create_aes_key(client, name, 256, &uid));
    char *out = (char *)1;
    CHECK_PYKMIP_LACKS(kmipkit_client_check(client, uid, &out), "Check");
    CHECK(out == NULL);
    CHECK_PYKMIP_LACKS(kmipkit_client_rekey(client, uid, &out), "ReKey");
    CHECK_EXPLANATION_HAS("create a new key");
    char *public_uid = (char *)1;
    CHECK_PYKMIP_LACKS(kmipkit_client_rekey_key_pair(client, uid, &out, &public_uid), "ReKeyKeyPair");
    CHECK(out == NULL && public_uid == NULL);
    CHECK_PYKMIP_LACKS(kmipkit_client_archive(client, uid), "Archive");
    CHECK_PYKMIP_LACKS(kmipkit_client_recover(client, uid), "Recover");
    /* The explanation follows the size-query convention: too short a buffer gets the size. */
    char tiny[8];
    size_t needed = 0;
    CHECK_RC(kmipkit_last_error_explanation(tiny, sizeof tiny, &needed), KMIPKIT_RESULT_BUFFER_TOO_SMALL);
    CHECK(needed > sizeof tiny);
    kmipkit_string_free(uid);
}

static void argument_refusals(kmipkit_client *client) {
    char *uid = (char *)1;
    CHECK_RC(kmipkit_client_create(client, "Key", NULL, &uid), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown object type \"Key\"");
    CHECK(uid == NULL);
    CHECK_RC(kmipkit_client_create(NULL, "SymmetricKey", NULL, &uid), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `client` is NULL");
    CHECK_RC(kmipkit_client_register(client, "SymmetricKey", NULL, 32, NULL, NULL, &uid),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `material` is NULL");
    CHECK_RC(kmipkit_client_register(client, "SymmetricKey", (const uint8_t *)"k", 1, "Rot13", NULL, &uid),
             KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("Rot13");
    CHECK_RC(kmipkit_client_revoke(client, "1", "Bored", NULL, 0), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown revocation reason \"Bored\"");
    kmipkit_bytes *key = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_get(client, "\xff\xfe", &key), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_MESSAGE_HAS("argument `uid` is not valid UTF-8");
    CHECK(key == NULL);
    CHECK_RC(kmipkit_client_get(client, "1", NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `out_material` is NULL");
    const char *names[] = {"State", NULL};
    kmipkit_attributes *attrs = (kmipkit_attributes *)1;
    CHECK_RC(kmipkit_client_get_attributes(client, "1", names, 2, &attrs), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `names[1]` is NULL");
    CHECK(attrs == NULL);
    CHECK_RC(kmipkit_client_get_attributes(client, "1", NULL, 1, &attrs), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `names` is NULL");
    kmipkit_strings *found = (kmipkit_strings *)1;
    CHECK_RC(kmipkit_client_locate_by_name(client, NULL, &found), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(found == NULL);
    const char *bases[] = {"1"};
    CHECK_RC(kmipkit_client_derive_key(client, bases, 1, "Magic", NULL, 0, NULL, NULL, 0, 0, NULL, &uid),
             KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown derivation method \"Magic\"");
    /* A NULL output does not leave the other outputs as garbage. */
    char *public_uid = (char *)1;
    CHECK_RC(kmipkit_client_create_key_pair(client, NULL, NULL, NULL, NULL, &public_uid),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `out_private_uid` is NULL");
    CHECK(public_uid == NULL);
    kmipkit_bytes *iv = (kmipkit_bytes *)1, *tag = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_encrypt(client, "1", NULL, NULL, 0, NULL, 0, NULL, 0, NULL, &iv, &tag),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(iv == NULL && tag == NULL);
    /* NULLs are accepted by every _free and count as empty. */
    kmipkit_strings_free(NULL);
    CHECK(kmipkit_strings_count(NULL) == 0 && kmipkit_strings_at(NULL, 0) == NULL);
}

int main(void) {
    kmipkit_client *client = ops_connect();
    if (client == NULL)
        return check_summary("test_ops_objects");
    create_locate_lifecycle(client);
    register_and_get_wrapped(client);
    derive_key_hkdf(client);
    locate_limits(client);
    structured_attribute(client);
    refused_by_pykmip(client);
    argument_refusals(client);
    kmipkit_client_free(client);
    return check_summary("test_ops_objects");
}
