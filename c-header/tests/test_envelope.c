/*
 * Envelope encryption in memory against live PyKMIP: Model 1 and Model 2 round trips with a
 * key-value context, the key cache, every refusal with its exact code (wrong context and
 * tampered data, not a ciphertext, a destroyed key, NULL arguments), the key-wrap method refused
 * by PyKMIP, and one model shared by threads. Interoperability is in test_interop.c.
 */
#define _GNU_SOURCE /* memmem, getpid */
#include <pthread.h>
#include <unistd.h>

#include "check.h"

static void context_refusals(void) {
    kmipkit_context *ctx = check_context_of("table", "orders", NULL, NULL);
    CHECK_RC(kmipkit_context_add(ctx, "table", "again"), KMIPKIT_RESULT_ENCODE);
    CHECK_MESSAGE_HAS("given twice");
    CHECK_RC(kmipkit_context_add(ctx, "a=b", "c"), KMIPKIT_RESULT_ENCODE);
    CHECK_RC(kmipkit_context_add(ctx, "", "c"), KMIPKIT_RESULT_ENCODE);
    CHECK_RC(kmipkit_context_add(ctx, NULL, "c"), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_context_add(NULL, "k", "v"), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(kmipkit_context_len(ctx) == 1); /* the refused pairs were not added */
    CHECK_RC(kmipkit_context_new(NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_context_free(ctx);
    kmipkit_context_free(NULL);
}

static void model1_round_trip(kmipkit_client *client, kmipkit_key_cache *cache) {
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", 0, cache, "encrypt", &model));
    if (model == NULL)
        return;
    uint32_t version = 0;
    char *uid = NULL;
    CHECK_OK(kmipkit_model1_ensure_kek(model, &version, &uid));
    CHECK(version >= 1 && uid != NULL && uid[0] != '\0');
    kmipkit_string_free(uid);

    kmipkit_context *ctx = check_context_of("table", "orders", "row", "7");
    kmipkit_context *other = check_context_of("table", "orders", "row", "8");
    kmipkit_bytes *ct = NULL, *plain = (kmipkit_bytes *)1;
    CHECK_OK(kmipkit_model1_encrypt(model, (const uint8_t *)"row 1", 5, ctx, &ct));
    CHECK(ct != NULL && kmipkit_bytes_len(ct) > 5);
    const uint8_t *data = kmipkit_bytes_data(ct);
    size_t len = kmipkit_bytes_len(ct);
    CHECK(memmem(data, len, "row 1", 5) == NULL); /* the plaintext is not in the ciphertext */

    CHECK_OK(kmipkit_model1_decrypt(model, data, len, ctx, &plain));
    CHECK(check_bytes_equal(plain, "row 1"));
    kmipkit_bytes_free(plain);
    /* The second decryption of the same data key is served by the cache. */
    kmipkit_key_cache_stats stats;
    CHECK_OK(kmipkit_model1_decrypt(model, data, len, ctx, &plain));
    kmipkit_bytes_free(plain);
    CHECK_OK(kmipkit_key_cache_stats_get(cache, &stats));
    CHECK(stats.hits >= 1 && stats.entries >= 1);
    CHECK(kmipkit_key_cache_len(cache) >= 1);
    CHECK_OK(kmipkit_key_cache_purge(cache));
    CHECK(kmipkit_key_cache_len(cache) == 0);

    /* The wrong context, and a tampered byte: Integrity, and no plaintext. */
    plain = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_model1_decrypt(model, data, len, other, &plain), KMIPKIT_RESULT_INTEGRITY);
    CHECK(plain == NULL);
    CHECK_RC(kmipkit_model1_decrypt(model, data, len, NULL, &plain), KMIPKIT_RESULT_INTEGRITY);
    uint8_t *tampered = malloc(len);
    memcpy(tampered, data, len);
    tampered[len - 1] ^= 0x01;
    CHECK_RC(kmipkit_model1_decrypt(model, tampered, len, ctx, &plain), KMIPKIT_RESULT_INTEGRITY);
    CHECK(plain == NULL);
    free(tampered);
    /* Not a ciphertext at all: Format. */
    CHECK_RC(kmipkit_model1_decrypt(model, (const uint8_t *)"hello, world", 12, ctx, &plain),
             KMIPKIT_RESULT_FORMAT);
    CHECK(plain == NULL);

    /* Another KEK's model refuses this ciphertext without asking the key manager. */
    kmipkit_model1 *other_kek = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-other-kek", 1, NULL, NULL, &other_kek));
    CHECK_RC(kmipkit_model1_decrypt(other_kek, data, len, ctx, &plain), KMIPKIT_RESULT_INTEGRITY);
    CHECK_MESSAGE_HAS("c-tests-kek");
    kmipkit_model1_free(other_kek);

    kmipkit_bytes_free(ct);
    kmipkit_context_free(ctx);
    kmipkit_context_free(other);
    kmipkit_model1_free(model);
}

/* One model and one cache shared by threads, each with its own round trips. */
#define THREADS 4
#define ROUNDS 3
static void *round_trips(void *model) {
    long ok = 0;
    for (int i = 0; i < ROUNDS; i++) {
        kmipkit_bytes *ct = NULL, *plain = NULL;
        if (kmipkit_model1_encrypt(model, (const uint8_t *)"shared", 6, NULL, &ct) == KMIPKIT_RESULT_OK &&
            kmipkit_model1_decrypt(model, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL,
                                   &plain) == KMIPKIT_RESULT_OK &&
            check_bytes_equal(plain, "shared"))
            ok++;
        kmipkit_bytes_free(plain);
        kmipkit_bytes_free(ct);
    }
    return (void *)ok;
}

static void model1_shared_by_threads(kmipkit_client *client, kmipkit_key_cache *cache) {
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", 0, cache, NULL, &model));
    uint32_t version = 0;
    CHECK_OK(kmipkit_model1_ensure_kek(model, &version, NULL));
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&threads[i], NULL, round_trips, model) == 0);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        total += (long)ok;
    }
    CHECK(total == THREADS * ROUNDS);
    kmipkit_model1_free(model);
}

/* Model 1 as kmipkit.toml's [key] says; a configuration without [key] name is refused. */
static void model1_from_config(kmipkit_client *client, const kmipkit_config *config) {
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_from_config(client, config, NULL, &model));
    CHECK(kmipkit_model1_kek_version(model) >= 1);
    uint32_t version = 0;
    CHECK_OK(kmipkit_model1_ensure_kek(model, &version, NULL));
    kmipkit_bytes *ct = NULL, *plain = NULL;
    CHECK_OK(kmipkit_model1_encrypt(model, (const uint8_t *)"configured", 10, NULL, &ct));
    /* The model of "c-tests-kek" made by name opens it: the same KEK. */
    kmipkit_model1 *by_name = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", version, NULL, NULL, &by_name));
    CHECK_OK(kmipkit_model1_decrypt(by_name, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL,
                                    &plain));
    CHECK(check_bytes_equal(plain, "configured"));
    kmipkit_bytes_free(plain);
    kmipkit_bytes_free(ct);
    kmipkit_model1_free(by_name);
    kmipkit_model1_free(model);

    /* The test configuration without its leading [key] table. */
    FILE *f = fopen(check_env("KMIPKIT_TEST_CONFIG"), "r");
    char text[8192];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    const char *servers = strstr(text, "[primary]");
    CHECK(servers != NULL);
    kmipkit_config *keyless = NULL;
    CHECK_OK(kmipkit_config_from_toml(servers ? servers : text, NULL, &keyless));
    model = (kmipkit_model1 *)1;
    CHECK_RC(kmipkit_model1_from_config(client, keyless, NULL, &model), KMIPKIT_RESULT_CONFIG);
    CHECK_MESSAGE_HAS("no [key] name");
    CHECK(model == NULL);
    CHECK_RC(kmipkit_model1_from_config(client, NULL, NULL, &model), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_config_free(keyless);
}

/* PyKMIP 0.11 cannot unwrap on the server: the key-wrap method is refused when the KEK is set
 * up, not at the first unlock (Python's test_model1_key_wrap_is_refused_at_setup_...). */
static void model1_key_wrap_refused_by_pykmip(kmipkit_client *client) {
    char kek[64];
    snprintf(kek, sizeof kek, "c-tests-wrap-%ld", (long)getpid());
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_new(client, kek, 1, NULL, "key-wrap", &model));
    CHECK(strcmp(kmipkit_model1_kek_method(model), "key-wrap") == 0);
    uint32_t version = 0;
    CHECK_RC(kmipkit_model1_ensure_kek(model, &version, NULL), KMIPKIT_RESULT_PROTOCOL);
    CHECK_MESSAGE_HAS("cannot protect Model 1 data keys by AES key wrap");
    kmipkit_model1_free(model);
    CHECK_OK(kmipkit_model1_new(client, kek, 1, NULL, NULL, &model));
    CHECK(strcmp(kmipkit_model1_kek_method(model), "encrypt") == 0);
    kmipkit_model1_free(model);
    CHECK(strcmp(kmipkit_model1_kek_method(NULL), "") == 0);
}

static void model1_refusals(kmipkit_client *client) {
    kmipkit_model1 *model = (kmipkit_model1 *)1;
    CHECK_RC(kmipkit_model1_new(NULL, "k", 1, NULL, NULL, &model), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(model == NULL);
    CHECK_RC(kmipkit_model1_new(client, NULL, 1, NULL, NULL, &model), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_new(client, "k", 1, NULL, NULL, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_new(client, "k", 1, NULL, "rot13", &model), KMIPKIT_RESULT_CONFIG);
    CHECK_RC(kmipkit_model1_new(client, "bad:name", 1, NULL, NULL, &model), KMIPKIT_RESULT_ENCODE);
    CHECK_MESSAGE_HAS("contains ':'");
    CHECK(model == NULL);

    kmipkit_bytes *out = NULL;
    CHECK_RC(kmipkit_model1_encrypt(NULL, (const uint8_t *)"x", 1, NULL, &out),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `model` is NULL");
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", 1, NULL, NULL, &model));
    CHECK_RC(kmipkit_model1_encrypt(model, NULL, 5, NULL, &out), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `plaintext` is NULL");
    CHECK_RC(kmipkit_model1_encrypt(model, (const uint8_t *)"x", 1, NULL, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_decrypt(model, NULL, 3, NULL, &out), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_ensure_kek(model, NULL, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(out == NULL);
    /* A KEK that does not exist: the model says to create it. */
    kmipkit_model1 *missing = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-never-created", 1, NULL, NULL, &missing));
    CHECK_RC(kmipkit_model1_encrypt(missing, (const uint8_t *)"x", 1, NULL, &out),
             KMIPKIT_RESULT_PROTOCOL);
    CHECK_MESSAGE_HAS("ensure_kek");
    kmipkit_model1_free(missing);
    kmipkit_model1_free(model);
    kmipkit_model1_free(NULL);
}

static void model2_round_trip_and_destroyed_key(kmipkit_client *client) {
    kmipkit_model2 *model = NULL;
    CHECK_OK(kmipkit_model2_new(client, "c-tests:", NULL, &model));
    if (model == NULL)
        return;
    char id[64];
    snprintf(id, sizeof id, "user-%ld", (long)getpid());
    kmipkit_context *ctx = check_context_of("doc", "invoice-7", NULL, NULL);
    kmipkit_bytes *ct = NULL, *plain = NULL;
    CHECK_OK(kmipkit_model2_encrypt(model, id, (const uint8_t *)"invoice 7", 9, ctx, &ct));
    if (ct == NULL)
        return;
    const uint8_t *data = kmipkit_bytes_data(ct);
    size_t len = kmipkit_bytes_len(ct);
    CHECK_OK(kmipkit_model2_decrypt(model, id, data, len, ctx, false, &plain));
    CHECK(check_bytes_equal(plain, "invoice 7"));
    kmipkit_bytes_free(plain);
    plain = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_model2_decrypt(model, id, data, len, NULL, false, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(plain == NULL);
    CHECK_RC(kmipkit_model2_decrypt(model, "someone-else", data, len, ctx, false, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK_RC(kmipkit_model2_decrypt(model, id, (const uint8_t *)"KMKE", 4, ctx, false, &plain),
             KMIPKIT_RESULT_FORMAT);
    CHECK_RC(kmipkit_model2_decrypt(model, NULL, data, len, ctx, false, &plain),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model2_encrypt(model, id, (const uint8_t *)"x", 1, ctx, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_model2 *none = (kmipkit_model2 *)1;
    CHECK_RC(kmipkit_model2_new(client, NULL, NULL, &none), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(none == NULL);
    CHECK_RC(kmipkit_model2_new(client, "no-colon-at-end", NULL, &none), KMIPKIT_RESULT_ENCODE);

    /* A destroyed key: version 2 becomes current, version 1 is deactivated and destroyed, and
     * the key manager refuses it. */
    uint32_t v1 = 0, v2 = 0;
    char *uid1 = NULL;
    CHECK_OK(kmipkit_model2_key_for(model, id, &v1, &uid1));
    CHECK(v1 == 1 && uid1 != NULL);
    CHECK_OK(kmipkit_model2_add_version(model, id, &v2, NULL));
    CHECK(v2 == 2);
    CHECK_OK(kmipkit_model2_promote(model, id, v2));
    CHECK_OK(kmipkit_model2_deactivate(model, id, v1));
    if (uid1 != NULL)
        CHECK_OK(kmipkit_client_destroy(client, uid1));
    kmipkit_string_free(uid1);
    CHECK_OK(kmipkit_model2_forget(model, id));
    CHECK_RC(kmipkit_model2_decrypt(model, id, data, len, ctx, false, &plain),
             KMIPKIT_RESULT_SERVER);
    CHECK(kmipkit_last_error_reason() != 0);
    CHECK(plain == NULL);

    kmipkit_bytes_free(ct);
    kmipkit_context_free(ctx);
    kmipkit_model2_free(model);
    kmipkit_model2_free(NULL);
}

static void cache_settings(void) {
    kmipkit_key_cache *cache = (kmipkit_key_cache *)1;
    CHECK_RC(kmipkit_key_cache_new(1000, 10, 64, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_OK(kmipkit_key_cache_new(1000, 10, 64, &cache));
    bool evicted = true;
    CHECK_OK(kmipkit_key_cache_evict(cache, "nothing-cached", &evicted));
    CHECK(!evicted);
    CHECK_RC(kmipkit_key_cache_evict(cache, NULL, &evicted), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_key_cache_purge(NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_key_cache_stats stats;
    CHECK_RC(kmipkit_key_cache_stats_get(cache, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_OK(kmipkit_key_cache_stats_get(cache, &stats));
    CHECK(stats.entries == 0 && stats.hits == 0);
    CHECK(kmipkit_key_cache_len(NULL) == 0);
    kmipkit_key_cache_free(cache);
    kmipkit_key_cache_free(NULL);
}

int main(void) {
    context_refusals();
    cache_settings();
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_load(check_env("KMIPKIT_TEST_CONFIG"), &config));
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_connect(config, &client));
    if (client == NULL) {
        kmipkit_config_free(config);
        return check_summary("test_envelope");
    }
    model1_from_config(client, config);
    kmipkit_config_free(config);
    kmipkit_key_cache *cache = NULL;
    CHECK_OK(kmipkit_key_cache_new(300000, UINT64_C(1) << 32, 65536, &cache));
    model1_round_trip(client, cache);
    model1_shared_by_threads(client, cache);
    kmipkit_key_cache_free(cache);
    model1_refusals(client);
    model1_key_wrap_refused_by_pykmip(client);
    model2_round_trip_and_destroyed_key(client);
    kmipkit_client_free(client);
    return check_summary("test_envelope");
}
