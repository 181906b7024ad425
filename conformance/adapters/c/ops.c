// The KMIP operations of conformance/scenarios/README.md, each one call (or two) of the
// kmipkit.h client. The driver sends every argument with its default already applied, enum
// values by name and attribute values as plain JSON; results go back as typed reply fields.
#include "adapter.h"

#include <stdio.h>
#include <string.h>

enum { MAX_LIST = 64 };

static int reply_uid(kmipkit_result rc, const char *name, char *uid) {
    if (rc == KMIPKIT_RESULT_OK) reply_text(name, uid);
    kmipkit_string_free(uid);
    return rc;
}

// Each attribute as a pair of list items: `attr_names[]` (its name as the library gives it)
// and `attr_values[]` (its plain JSON value).
static int reply_attributes(const kmipkit_attributes *attrs) {
    for (size_t i = 0; i < kmipkit_attributes_count(attrs); i++) {
        char *name = NULL, *value = NULL;
        int rc = kmipkit_attributes_get(attrs, i, &name, &value);
        if (rc == KMIPKIT_RESULT_OK) {
            reply_text("attr_names[]", name);
            reply_json("attr_values[]", value);
        }
        kmipkit_string_free(name);
        kmipkit_string_free(value);
        if (rc != KMIPKIT_RESULT_OK) return rc;
    }
    return KMIPKIT_RESULT_OK;
}

// The attributes of a new key: algorithm, length, usage (a JSON list of names), name.
static int key_attributes(const request *r, kmipkit_attributes *attrs) {
    int rc = KMIPKIT_RESULT_OK;
    if (arg_has(r, "algorithm"))
        TRY(kmipkit_attributes_add_enum(attrs, "Cryptographic Algorithm", arg_text(r, "algorithm")));
    if (arg_has(r, "length"))
        TRY(kmipkit_attributes_add_int(attrs, "Cryptographic Length", (int32_t)arg_int(r, "length", 0)));
    if (arg_has(r, "usage"))
        TRY(kmipkit_attributes_add_json(attrs, "Cryptographic Usage Mask", arg_text(r, "usage")));
    if (arg_has(r, "name")) TRY(kmipkit_attributes_add_text(attrs, "Name", arg_text(r, "name")));
done:
    return rc;
}

static int create(const request *r) {
    CLIENT(r, c);
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    char *uid = NULL;
    int rc = key_attributes(r, attrs);
    if (rc == KMIPKIT_RESULT_OK) rc = kmipkit_client_create(c, "SymmetricKey", attrs, &uid);
    kmipkit_attributes_free(attrs);
    return reply_uid(rc, "id", uid);
}

static int create_key_pair(const request *r) {
    CLIENT(r, c);
    kmipkit_attributes *common = kmipkit_attributes_new(), *priv = kmipkit_attributes_new(),
                       *pub = kmipkit_attributes_new();
    char *private_uid = NULL, *public_uid = NULL;
    int rc;
    TRY(kmipkit_attributes_add_enum(common, "Cryptographic Algorithm", "RSA"));
    TRY(kmipkit_attributes_add_int(common, "Cryptographic Length", (int32_t)arg_int(r, "length", 2048)));
    TRY(kmipkit_attributes_add_json(priv, "Cryptographic Usage Mask", "[\"Sign\"]"));
    TRY(kmipkit_attributes_add_json(pub, "Cryptographic Usage Mask", "[\"Verify\"]"));
    if (arg_has(r, "name")) {
        char public_name[512];
        snprintf(public_name, sizeof public_name, "%s-public", arg_text(r, "name"));
        TRY(kmipkit_attributes_add_text(priv, "Name", arg_text(r, "name")));
        TRY(kmipkit_attributes_add_text(pub, "Name", public_name));
    }
    TRY(kmipkit_client_create_key_pair(c, common, priv, pub, &private_uid, &public_uid));
    reply_text("private_id", private_uid);
    reply_text("public_id", public_uid);
done:
    kmipkit_string_free(private_uid);
    kmipkit_string_free(public_uid);
    kmipkit_attributes_free(common);
    kmipkit_attributes_free(priv);
    kmipkit_attributes_free(pub);
    return rc;
}

static int register_object(const request *r) {
    CLIENT(r, c);
    size_t len = 0;
    const uint8_t *value = arg_bytes(r, "value", &len);
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    char *uid = NULL;
    int rc;
    if (arg_has(r, "name")) TRY(kmipkit_attributes_add_text(attrs, "Name", arg_text(r, "name")));
    if (arg_has(r, "usage"))
        TRY(kmipkit_attributes_add_json(attrs, "Cryptographic Usage Mask", arg_text(r, "usage")));
    rc = kmipkit_client_register(c, arg_text(r, "object_type"), value, len, arg_text(r, "algorithm"),
                                 attrs, &uid);
done:
    kmipkit_attributes_free(attrs);
    return reply_uid(rc, "id", uid);
}

static int derive_key(const request *r) {
    CLIENT(r, c);
    const char *base[MAX_LIST];
    size_t count = arg_list(r, "base", base, MAX_LIST), data_len = 0, salt_len = 0;
    const uint8_t *data = arg_bytes(r, "data", &data_len), *salt = arg_bytes(r, "salt", &salt_len);
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    kmipkit_crypto_params *params = kmipkit_crypto_params_new();
    char *uid = NULL;
    int rc;
    TRY(key_attributes(r, attrs));
    TRY(kmipkit_crypto_params_set_text(params, "HashingAlgorithm", arg_text(r, "hash")));
    rc = kmipkit_client_derive_key(c, base, count, arg_text(r, "method"), data, data_len, params, salt,
                                   salt_len, (int32_t)arg_int(r, "iterations", 0), attrs, &uid);
done:
    kmipkit_crypto_params_free(params);
    kmipkit_attributes_free(attrs);
    return reply_uid(rc, "id", uid);
}

static int locate(const request *r) {
    CLIENT(r, c);
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    kmipkit_strings *uids = NULL;
    int rc;
    if (arg_has(r, "name")) TRY(kmipkit_attributes_add_text(attrs, "Name", arg_text(r, "name")));
    if (arg_has(r, "object_type"))
        TRY(kmipkit_attributes_add_enum(attrs, "Object Type", arg_text(r, "object_type")));
    if (arg_has(r, "state")) TRY(kmipkit_attributes_add_enum(attrs, "State", arg_text(r, "state")));
    TRY(kmipkit_client_locate(c, attrs, (int32_t)arg_int(r, "max_items", 0), 0, &uids));
    for (size_t i = 0; i < kmipkit_strings_count(uids); i++) reply_text("ids[]", kmipkit_strings_at(uids, i));
done:
    kmipkit_strings_free(uids);
    kmipkit_attributes_free(attrs);
    return rc;
}

// Get gives the bytes; the object's type, algorithm and length are its attributes (as
// kmip_client_get's documentation says to read them).
static int get(const request *r) {
    CLIENT(r, c);
    const char *uid = arg_text(r, "id"), *wrapping = arg_text(r, "wrapping_id");
    const char *names[] = {"Object Type", "Cryptographic Algorithm", "Cryptographic Length"};
    kmipkit_bytes *material = NULL;
    kmipkit_attributes *attrs = NULL;
    int rc;
    TRY(wrapping ? kmipkit_client_get_wrapped(c, uid, wrapping, &material)
                 : kmipkit_client_get(c, uid, &material));
    TRY(kmipkit_client_get_attributes(c, uid, names, 3, &attrs));
    reply_kbytes("material", material);
    rc = reply_attributes(attrs);
done:
    kmipkit_bytes_free(material);
    kmipkit_attributes_free(attrs);
    return rc;
}

static int get_attributes(const request *r) {
    CLIENT(r, c);
    const char *names[MAX_LIST];
    size_t count = arg_list(r, "names", names, MAX_LIST);
    kmipkit_attributes *attrs = NULL;
    int rc = kmipkit_client_get_attributes(c, arg_text(r, "id"), names, count, &attrs);
    if (rc == KMIPKIT_RESULT_OK) rc = reply_attributes(attrs);
    kmipkit_attributes_free(attrs);
    return rc;
}

static int get_attribute_list(const request *r) {
    CLIENT(r, c);
    kmipkit_strings *names = NULL;
    int rc = kmipkit_client_get_attribute_list(c, arg_text(r, "id"), &names);
    for (size_t i = 0; rc == KMIPKIT_RESULT_OK && i < kmipkit_strings_count(names); i++)
        reply_text("names[]", kmipkit_strings_at(names, i));
    kmipkit_strings_free(names);
    return rc;
}

// add / set / modify: one attribute `name` = `value` (plain JSON); modify's `current` too.
static int change_attribute(const request *r) {
    CLIENT(r, c);
    const char *uid = arg_text(r, "id"), *name = arg_text(r, "name"), *action = r->action;
    kmipkit_attributes *attr = kmipkit_attributes_new(), *current = NULL;
    int rc;
    TRY(kmipkit_attributes_add_json(attr, name, arg_text(r, "value")));
    if (strcmp(action, "add_attribute") == 0) {
        rc = kmipkit_client_add_attribute(c, uid, attr);
    } else if (strcmp(action, "set_attribute") == 0) {
        rc = kmipkit_client_set_attribute(c, uid, attr);
    } else {
        if (arg_has(r, "current")) {
            current = kmipkit_attributes_new();
            TRY(kmipkit_attributes_add_json(current, name, arg_text(r, "current")));
        }
        rc = kmipkit_client_modify_attribute(c, uid, attr, current);
    }
done:
    kmipkit_attributes_free(attr);
    kmipkit_attributes_free(current);
    return rc;
}

static int delete_attribute(const request *r) {
    CLIENT(r, c);
    return kmipkit_client_delete_attribute(c, arg_text(r, "id"), arg_text(r, "name"));
}

static int lifecycle(const request *r) {
    CLIENT(r, c);
    const char *uid = arg_text(r, "id"), *action = r->action;
    if (strcmp(action, "activate") == 0) return kmipkit_client_activate(c, uid);
    if (strcmp(action, "destroy") == 0) return kmipkit_client_destroy(c, uid);
    if (strcmp(action, "archive") == 0) return kmipkit_client_archive(c, uid);
    if (strcmp(action, "recover") == 0) return kmipkit_client_recover(c, uid);
    char *checked = NULL;
    int rc = kmipkit_client_check(c, uid, &checked);
    kmipkit_string_free(checked);
    return rc;
}

static int revoke(const request *r) {
    CLIENT(r, c);
    return kmipkit_client_revoke(c, arg_text(r, "id"), arg_text(r, "reason"), NULL,
                                 arg_int(r, "compromise_date", 0));
}

static int rekey(const request *r) {
    CLIENT(r, c);
    char *uid = NULL;
    return reply_uid(kmipkit_client_rekey(c, arg_text(r, "id"), &uid), "id", uid);
}

static int query(const request *r) {
    CLIENT(r, c);
    char *json = NULL;
    int rc = kmipkit_client_query(c, &json);
    if (rc == KMIPKIT_RESULT_OK) reply_json("query", json);
    kmipkit_string_free(json);
    return rc;
}

static int discover_versions(const request *r) {
    CLIENT(r, c);
    const char *offered[MAX_LIST];
    size_t count = arg_list(r, "offered", offered, MAX_LIST);
    kmipkit_strings *versions = NULL;
    int rc = kmipkit_client_discover_versions(c, offered, count, &versions);
    for (size_t i = 0; rc == KMIPKIT_RESULT_OK && i < kmipkit_strings_count(versions); i++)
        reply_text("versions[]", kmipkit_strings_at(versions, i));
    kmipkit_strings_free(versions);
    return rc;
}

// Cryptographic Parameters from the request: `algorithm`, `mode`, `padding`, `tag_length`,
// `signature_algorithm` (each only when given).
static int crypto_params(const request *r, kmipkit_crypto_params *p) {
    static const char *const fields[][2] = {{"algorithm", "CryptographicAlgorithm"},
                                            {"mode", "BlockCipherMode"},
                                            {"padding", "PaddingMethod"},
                                            {"signature_algorithm", "DigitalSignatureAlgorithm"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!arg_has(r, fields[i][0])) continue;
        int rc = kmipkit_crypto_params_set_text(p, fields[i][1], arg_text(r, fields[i][0]));
        if (rc != KMIPKIT_RESULT_OK) return rc;
    }
    if (arg_has(r, "tag_length"))
        return kmipkit_crypto_params_set_int(p, "TagLength", (int32_t)arg_int(r, "tag_length", 0));
    return KMIPKIT_RESULT_OK;
}

static int crypt(const request *r) {
    CLIENT(r, c);
    size_t data_len = 0, iv_len = 0, aad_len = 0, tag_len = 0;
    const uint8_t *data = arg_bytes(r, "data", &data_len), *iv = arg_bytes(r, "iv", &iv_len),
                  *aad = arg_bytes(r, "aad", &aad_len), *tag = arg_bytes(r, "tag", &tag_len);
    kmipkit_crypto_params *params = kmipkit_crypto_params_new();
    kmipkit_bytes *out = NULL, *out_iv = NULL, *out_tag = NULL;
    int rc;
    TRY(crypto_params(r, params));
    if (strcmp(r->action, "encrypt") == 0) {
        TRY(kmipkit_client_encrypt(c, arg_text(r, "id"), params, data, data_len, iv, iv_len, aad, aad_len,
                                   &out, &out_iv, &out_tag));
        if (out_iv) reply_kbytes("iv", out_iv);
        if (out_tag) reply_kbytes("tag", out_tag);
    } else {
        TRY(kmipkit_client_decrypt(c, arg_text(r, "id"), params, data, data_len, iv, iv_len, aad, aad_len,
                                   tag, tag_len, &out));
    }
    reply_kbytes("data", out);
done:
    kmipkit_bytes_free(out);
    kmipkit_bytes_free(out_iv);
    kmipkit_bytes_free(out_tag);
    kmipkit_crypto_params_free(params);
    return rc;
}

// sign, signature_verify and mac: the driver sends the parameters the scenarios fix.
static int sign_or_mac(const request *r) {
    CLIENT(r, c);
    size_t data_len = 0, sig_len = 0;
    const uint8_t *data = arg_bytes(r, "data", &data_len), *sig = arg_bytes(r, "signature", &sig_len);
    const char *uid = arg_text(r, "id");
    kmipkit_crypto_params *params = kmipkit_crypto_params_new();
    kmipkit_bytes *out = NULL;
    bool valid = false;
    int rc;
    TRY(crypto_params(r, params));
    if (strcmp(r->action, "sign") == 0) {
        TRY(kmipkit_client_sign(c, uid, params, data, data_len, &out));
        reply_kbytes("signature", out);
    } else if (strcmp(r->action, "mac") == 0) {
        TRY(kmipkit_client_mac(c, uid, params, data, data_len, &out));
        reply_kbytes("mac", out);
    } else {
        TRY(kmipkit_client_signature_verify(c, uid, params, data, data_len, sig, sig_len, &valid));
        reply_bool("valid", valid);
    }
done:
    kmipkit_bytes_free(out);
    kmipkit_crypto_params_free(params);
    return rc;
}

const action OPS_ACTIONS[] = {
    {"create", create},
    {"create_key_pair", create_key_pair},
    {"register", register_object},
    {"derive_key", derive_key},
    {"locate", locate},
    {"get", get},
    {"get_attributes", get_attributes},
    {"get_attribute_list", get_attribute_list},
    {"add_attribute", change_attribute},
    {"set_attribute", change_attribute},
    {"modify_attribute", change_attribute},
    {"delete_attribute", delete_attribute},
    {"activate", lifecycle},
    {"destroy", lifecycle},
    {"archive", lifecycle},
    {"recover", lifecycle},
    {"check", lifecycle},
    {"revoke", revoke},
    {"rekey", rekey},
    {"query", query},
    {"discover_versions", discover_versions},
    {"encrypt", crypt},
    {"decrypt", crypt},
    {"sign", sign_or_mac},
    {"signature_verify", sign_or_mac},
    {"mac", sign_or_mac},
    {NULL, NULL},
};
