// The envelope and codec actions of conformance/scenarios/README.md through kmipkit.h: Model 1
// and Model 2 in memory and streaming (through read/write callbacks), rotation, the key cache,
// and the TTLV / KMIP XML / KMIP JSON codec.
#include "adapter.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_PAIRS = 64 };

// The step's context: raw bytes (`ctx_raw`), or key-value pairs (`ctx_key` / `ctx_value`, in
// order); none: NULL, the empty context.
static int context(const request *r, kmipkit_context **out) {
    *out = NULL;
    if (arg_has(r, "ctx_raw")) {
        size_t len = 0;
        const uint8_t *raw = arg_bytes(r, "ctx_raw", &len);
        return kmipkit_context_from_bytes(raw, len, out);
    }
    const char *keys[MAX_PAIRS], *values[MAX_PAIRS];
    size_t n = arg_list(r, "ctx_key", keys, MAX_PAIRS);
    if (arg_list(r, "ctx_value", values, MAX_PAIRS) != n) return bad("ctx_key and ctx_value differ in number");
    if (n == 0) return KMIPKIT_RESULT_OK;
    int rc = kmipkit_context_new(out);
    for (size_t i = 0; rc == KMIPKIT_RESULT_OK && i < n; i++) rc = kmipkit_context_add(*out, keys[i], values[i]);
    return rc;
}

// ---- streams over memory ----------------------------------------------------------------

typedef struct {
    const uint8_t *data;
    size_t len, at;
} source;

typedef struct {
    uint8_t *data;
    size_t len, cap;
} sink;

// Hands out at most 4096 bytes per call, so that a stream takes several reads.
static int read_source(void *user_data, uint8_t *buf, size_t len, size_t *out_n) {
    source *s = user_data;
    size_t n = s->len - s->at;
    if (n > len) n = len;
    if (n > 4096) n = 4096;
    memcpy(buf, s->data + s->at, n);
    s->at += n;
    *out_n = n;
    return 0;
}

static int write_sink(void *user_data, const uint8_t *buf, size_t len) {
    sink *s = user_data;
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + len) cap *= 2;
        uint8_t *grown = realloc(s->data, cap);
        if (!grown) return 1;
        s->data = grown, s->cap = cap;
    }
    memcpy(s->data + s->len, buf, len);
    s->len += len;
    return 0;
}

// ---- Model 1 ----------------------------------------------------------------------------

// The model of the KEK `kek` (NULL: the step's `kek`) at `version` (0: the current one), with
// the scenario's cache when the step says so.
static int model1_of(const request *r, const kmipkit_client *c, const char *kek, uint32_t version,
                     kmipkit_model1 **out) {
    const kmipkit_key_cache *cache = NULL;
    int rc = session_cache(r, &cache);
    if (rc != KMIPKIT_RESULT_OK) return rc;
    if (!kek) kek = arg_text(r, "kek");
    if (!kek) return bad("missing argument kek");
    return kmipkit_model1_new(c, kek, version, cache, NULL, out);
}

static int model1(const request *r, const kmipkit_client *c, uint32_t version, kmipkit_model1 **out) {
    return model1_of(r, c, NULL, version, out);
}

// The key name a ciphertext's header gives (freed by the caller with kmipkit_string_free).
static int named_key(const uint8_t *ct, size_t len, char **out_name) {
    uint32_t model = 0, version = 0;
    return kmipkit_envelope_header(ct, len, &model, out_name, &version);
}

static int model1_kek(const request *r) {
    CLIENT(r, c);
    kmipkit_model1 *m = NULL;
    char *uid = NULL;
    uint32_t version = 0;
    int rc;
    TRY(model1(r, c, 0, &m));
    TRY(kmipkit_model1_ensure_kek(m, &version, &uid));
    reply_int("version", version);
    reply_text("id", uid);
done:
    kmipkit_string_free(uid);
    kmipkit_model1_free(m);
    return rc;
}

// model1_encrypt and model1_decrypt, in memory or (`stream`) through callbacks.
static int model1_crypt(const request *r) {
    CLIENT(r, c);
    bool encrypting = strcmp(r->action, "model1_encrypt") == 0;
    size_t len = 0;
    const uint8_t *in = arg_bytes(r, encrypting ? "plaintext" : "ciphertext", &len);
    const char *field = encrypting ? "ciphertext" : "plaintext";
    kmipkit_model1 *m = NULL;
    kmipkit_context *ctx = NULL;
    kmipkit_bytes *out = NULL;
    char *kek = NULL;
    sink streamed = {0};
    int rc;
    TRY(context(r, &ctx));
    // Decrypting without a `kek`: the KEK the ciphertext names.
    if (!encrypting && !arg_has(r, "kek")) TRY(named_key(in, len, &kek));
    TRY(model1_of(r, c, kek, 0, &m));
    if (arg_has(r, "stream")) {
        source src = {in, len, 0};
        uint64_t n = 0;
        TRY((encrypting ? kmipkit_model1_encrypt_stream : kmipkit_model1_decrypt_stream)(
            m, read_source, &src, write_sink, &streamed, ctx, &n));
        reply_bytes(field, streamed.data, streamed.len);
    } else {
        TRY((encrypting ? kmipkit_model1_encrypt : kmipkit_model1_decrypt)(m, in, len, ctx, &out));
        reply_kbytes(field, out);
    }
done:
    free(streamed.data);
    kmipkit_string_free(kek);
    kmipkit_bytes_free(out);
    kmipkit_context_free(ctx);
    kmipkit_model1_free(m);
    return rc;
}

// A new KEK version after the current one (as `kmipkit key rotate --kek` does).
static int model1_rotate(const request *r) {
    CLIENT(r, c);
    kmipkit_model1 *current = NULL, *next = NULL;
    uint32_t version = 0;
    int rc;
    TRY(model1(r, c, 0, &current));
    TRY(model1(r, c, kmipkit_model1_kek_version(current) + 1, &next));
    TRY(kmipkit_model1_ensure_kek(next, &version, NULL));
    reply_int("version", version);
done:
    kmipkit_model1_free(current);
    kmipkit_model1_free(next);
    return rc;
}

// model1_rewrap and model1_is_current: a rotation toward the KEK's current version.
static int model1_rotation(const request *r) {
    CLIENT(r, c);
    size_t len = 0;
    const uint8_t *ct = arg_bytes(r, "ciphertext", &len);
    kmipkit_model1 *m = NULL;
    kmipkit_model1_rotation *rotation = NULL;
    kmipkit_bytes *out = NULL;
    bool current = false;
    int rc;
    TRY(model1(r, c, 0, &m));
    TRY(kmipkit_model1_rotation_new(m, &rotation));
    if (strcmp(r->action, "model1_rewrap") == 0) {
        TRY(kmipkit_model1_rotation_rewrap(rotation, ct, len, &out));
        reply_kbytes("ciphertext", out);
    } else {
        TRY(kmipkit_model1_rotation_is_current(rotation, ct, len, &current));
        reply_bool("current", current);
    }
done:
    kmipkit_bytes_free(out);
    kmipkit_model1_rotation_free(rotation);
    kmipkit_model1_free(m);
    return rc;
}

// ---- Model 2 ----------------------------------------------------------------------------

static int model2(const request *r, const kmipkit_client *c, kmipkit_model2 **out) {
    const kmipkit_key_cache *cache = NULL;
    int rc = session_cache(r, &cache);
    if (rc != KMIPKIT_RESULT_OK) return rc;
    const char *prefix = arg_text(r, "prefix");
    return kmipkit_model2_new(c, prefix ? prefix : "", cache, out);
}

static int model2_crypt(const request *r) {
    CLIENT(r, c);
    bool encrypting = strcmp(r->action, "model2_encrypt") == 0;
    size_t len = 0;
    const uint8_t *in = arg_bytes(r, encrypting ? "plaintext" : "ciphertext", &len);
    const char *field = encrypting ? "ciphertext" : "plaintext", *id = arg_text(r, "id");
    const char *prefix = arg_text(r, "prefix") ? arg_text(r, "prefix") : "";
    kmipkit_model2 *m = NULL;
    kmipkit_context *ctx = NULL;
    kmipkit_bytes *out = NULL;
    char *named = NULL;
    sink streamed = {0};
    int rc;
    if (!id && encrypting) return bad("missing argument id");
    TRY(context(r, &ctx));
    if (!id) {
        // Decrypting without an `id`: the one the ciphertext names (its key name is prefix + id).
        TRY(named_key(in, len, &named));
        size_t skip = strlen(prefix);
        id = strncmp(named, prefix, skip) == 0 ? named + skip : named;
    }
    TRY(model2(r, c, &m));
    if (arg_has(r, "stream")) {
        source src = {in, len, 0};
        uint64_t n = 0;
        if (encrypting)
            TRY(kmipkit_model2_encrypt_stream(m, id, read_source, &src, write_sink, &streamed, ctx, &n));
        else
            TRY(kmipkit_model2_decrypt_stream(m, id, read_source, &src, write_sink, &streamed, ctx, false, &n));
        reply_bytes(field, streamed.data, streamed.len);
    } else {
        if (encrypting)
            TRY(kmipkit_model2_encrypt(m, id, in, len, ctx, &out));
        else
            TRY(kmipkit_model2_decrypt(m, id, in, len, ctx, false, &out));
        reply_kbytes(field, out);
    }
done:
    free(streamed.data);
    kmipkit_string_free(named);
    kmipkit_bytes_free(out);
    kmipkit_context_free(ctx);
    kmipkit_model2_free(m);
    return rc;
}

// model2_key (the id's current version, created on first use) and model2_rotate (a new
// version, promoted to the one that encrypts).
static int model2_version(const request *r) {
    CLIENT(r, c);
    const char *id = arg_text(r, "id");
    kmipkit_model2 *m = NULL;
    uint32_t version = 0;
    char *uid = NULL;
    int rc;
    TRY(model2(r, c, &m));
    if (strcmp(r->action, "model2_key") == 0) {
        TRY(kmipkit_model2_key_for(m, id, &version, &uid));
        reply_text("id", uid);
    } else {
        TRY(kmipkit_model2_add_version(m, id, &version, NULL));
        TRY(kmipkit_model2_promote(m, id, version));
    }
    reply_int("version", version);
done:
    kmipkit_string_free(uid);
    kmipkit_model2_free(m);
    return rc;
}

static int keep_first(void *user_data, size_t index, const uint8_t *ciphertext, size_t len) {
    (void)index;
    return write_sink(user_data, ciphertext, len);
}

// One ciphertext re-encrypted under the id's current version; one already current is not
// handed to the sink and comes back unchanged.
static int model2_reencrypt(const request *r) {
    CLIENT(r, c);
    size_t len = 0;
    const uint8_t *ct = arg_bytes(r, "ciphertext", &len);
    kmipkit_model2 *m = NULL;
    kmipkit_context *ctx = NULL;
    kmipkit_rotation_progress progress;
    sink out = {0};
    int rc;
    TRY(context(r, &ctx));
    TRY(model2(r, c, &m));
    const kmipkit_context *contexts[1] = {ctx};
    TRY(kmipkit_model2_reencrypt_all(m, arg_text(r, "id"), &ct, &len, contexts, 1, false, keep_first, &out,
                                     NULL, NULL, &progress));
    if (progress.rotated) reply_bytes("ciphertext", out.data, out.len);
    else reply_bytes("ciphertext", ct, len);
done:
    free(out.data);
    kmipkit_context_free(ctx);
    kmipkit_model2_free(m);
    return rc;
}

static int cache_stats(const request *r) {
    (void)r;
    kmipkit_key_cache_stats stats;
    int rc = kmipkit_key_cache_stats_get(session_cache_if_any(), &stats);
    if (rc != KMIPKIT_RESULT_OK) return rc;
    reply_int("hits", (long long)stats.hits);
    reply_int("misses", (long long)stats.misses);
    reply_int("entries", (long long)stats.entries);
    return KMIPKIT_RESULT_OK;
}

// The key reference a ciphertext's header gives, and which model made it.
static int header(const request *r) {
    size_t len = 0;
    const uint8_t *ct = arg_bytes(r, "ciphertext", &len);
    uint32_t model = 0, version = 0;
    char *name = NULL;
    int rc = kmipkit_envelope_header(ct, len, &model, &name, &version);
    if (rc == KMIPKIT_RESULT_OK) {
        reply_int("model", model);
        reply_text("key_name", name);
        reply_int("key_version", version);
    }
    kmipkit_string_free(name);
    return rc;
}

const action ENVELOPE_ACTIONS[] = {
    {"model1_kek", model1_kek},
    {"model1_encrypt", model1_crypt},
    {"model1_decrypt", model1_crypt},
    {"model1_rotate", model1_rotate},
    {"model1_rewrap", model1_rotation},
    {"model1_is_current", model1_rotation},
    {"model2_encrypt", model2_crypt},
    {"model2_decrypt", model2_crypt},
    {"model2_key", model2_version},
    {"model2_rotate", model2_version},
    {"model2_reencrypt", model2_reencrypt},
    {"cache_stats", cache_stats},
    {"header", header},
    {NULL, NULL},
};
