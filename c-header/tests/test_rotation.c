/*
 * Rotation against live PyKMIP: Model 1 re-wrap of data keys under a new KEK version, and
 * Model 2 new version + bulk re-encryption, each with its progress callback and report; the
 * refusals with their exact codes (a failing sink, another KEK's ciphertext, a wrong context,
 * an unknown identifier, NULL arguments).
 */
#define _GNU_SOURCE /* getpid */
#include <unistd.h>

#include "check.h"

#define ITEMS 3

/* Stores each new form by index, as a caller's database would. */
typedef struct {
    uint8_t *data[ITEMS];
    size_t len[ITEMS];
    size_t calls;
    long fail_index; /* refuse this index (-1: never) */
} store;

static int store_put(void *user_data, size_t index, const uint8_t *ciphertext, size_t len) {
    store *s = user_data;
    s->calls++;
    if ((long)index == s->fail_index || index >= ITEMS)
        return 1;
    free(s->data[index]);
    s->data[index] = malloc(len);
    memcpy(s->data[index], ciphertext, len);
    s->len[index] = len;
    return 0;
}

static void store_clear(store *s) {
    for (int i = 0; i < ITEMS; i++) {
        free(s->data[i]);
        s->data[i] = NULL;
    }
}

/* Records the progress reports: they must count up one item at a time. */
typedef struct {
    size_t calls, last_processed;
    int out_of_order;
} watcher;

static void watch(void *user_data, const kmipkit_rotation_progress *p) {
    watcher *w = user_data;
    w->calls++;
    if (p->processed != w->last_processed + 1)
        w->out_of_order = 1;
    w->last_processed = p->processed;
}

static void model1_rewrap(kmipkit_client *client) {
    char kek[64];
    snprintf(kek, sizeof kek, "c-tests-rotate-%ld", (long)getpid());
    kmipkit_model1 *v1 = NULL, *v2 = NULL, *current = NULL;
    uint32_t version = 0;
    CHECK_OK(kmipkit_model1_new(client, kek, 1, NULL, "encrypt", &v1));
    CHECK_OK(kmipkit_model1_ensure_kek(v1, &version, NULL));
    CHECK(version == 1);
    kmipkit_bytes *ct[ITEMS] = {NULL};
    const uint8_t *cts[ITEMS];
    size_t lens[ITEMS];
    char text[ITEMS][16];
    for (int i = 0; i < ITEMS; i++) {
        snprintf(text[i], sizeof text[i], "record %d", i);
        CHECK_OK(kmipkit_model1_encrypt(v1, (const uint8_t *)text[i], strlen(text[i]), NULL, &ct[i]));
        cts[i] = kmipkit_bytes_data(ct[i]);
        lens[i] = kmipkit_bytes_len(ct[i]);
    }

    CHECK_OK(kmipkit_model1_new(client, kek, 2, NULL, "encrypt", &v2));
    CHECK_OK(kmipkit_model1_ensure_kek(v2, &version, NULL));
    CHECK(version == 2);
    CHECK_OK(kmipkit_model1_new(client, kek, 0, NULL, NULL, &current));
    CHECK(kmipkit_model1_kek_version(current) == 2);

    kmipkit_model1_rotation *rotation = NULL;
    CHECK_OK(kmipkit_model1_rotation_new(v2, &rotation));
    bool is_current = true;
    CHECK_OK(kmipkit_model1_rotation_is_current(rotation, cts[0], lens[0], &is_current));
    CHECK(!is_current);

    /* The sink refuses item 1: the run stops there; the report says how far it got. */
    store failing = {{NULL}, {0}, 0, 1};
    kmipkit_rotation_progress report;
    CHECK_RC(kmipkit_model1_rotation_rewrap_all(rotation, cts, lens, ITEMS, store_put, &failing,
                                                NULL, NULL, &report),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("item 1");
    CHECK(report.processed == 1 && report.rotated == 1);
    store_clear(&failing);

    store s = {{NULL}, {0}, 0, -1};
    watcher w = {0, 0, 0};
    CHECK_OK(kmipkit_model1_rotation_rewrap_all(rotation, cts, lens, ITEMS, store_put, &s, watch, &w,
                                                &report));
    CHECK(report.processed == ITEMS && report.rotated == ITEMS && report.already_current == 0);
    CHECK(report.key_manager_calls >= ITEMS);
    CHECK(w.calls == ITEMS && !w.out_of_order && s.calls == ITEMS);
    for (int i = 0; i < ITEMS; i++) {
        kmipkit_bytes *plain = NULL;
        CHECK_OK(kmipkit_model1_decrypt(current, s.data[i], s.len[i], NULL, &plain));
        CHECK(plain != NULL && kmipkit_bytes_len(plain) == strlen(text[i]) &&
              memcmp(kmipkit_bytes_data(plain), text[i], strlen(text[i])) == 0);
        kmipkit_bytes_free(plain);
        CHECK_OK(kmipkit_model1_rotation_is_current(rotation, s.data[i], s.len[i], &is_current));
        CHECK(is_current);
    }
    /* Run again on the new forms: nothing to do. */
    const uint8_t *rotated[ITEMS];
    for (int i = 0; i < ITEMS; i++)
        rotated[i] = s.data[i];
    store again = {{NULL}, {0}, 0, -1};
    CHECK_OK(kmipkit_model1_rotation_rewrap_all(rotation, rotated, s.len, ITEMS, store_put, &again,
                                                NULL, NULL, &report));
    CHECK(report.already_current == ITEMS && report.rotated == 0 && again.calls == 0);

    /* One at a time. */
    kmipkit_bytes *one = NULL;
    CHECK_OK(kmipkit_model1_rotation_rewrap(rotation, cts[2], lens[2], &one));
    CHECK(one != NULL && kmipkit_bytes_len(one) == s.len[2]);
    kmipkit_bytes_free(one);

    /* Another KEK's ciphertext is refused; so are NULL arguments. */
    kmipkit_model1 *other = NULL;
    kmipkit_bytes *foreign = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", 0, NULL, NULL, &other));
    CHECK_OK(kmipkit_model1_ensure_kek(other, &version, NULL));
    CHECK_OK(kmipkit_model1_encrypt(other, (const uint8_t *)"x", 1, NULL, &foreign));
    CHECK_RC(kmipkit_model1_rotation_rewrap(rotation, kmipkit_bytes_data(foreign),
                                            kmipkit_bytes_len(foreign), &one),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(one == NULL);
    CHECK_RC(kmipkit_model1_rotation_rewrap(rotation, (const uint8_t *)"junk", 4, &one),
             KMIPKIT_RESULT_FORMAT);
    CHECK_RC(kmipkit_model1_rotation_rewrap_all(rotation, cts, lens, ITEMS, NULL, NULL, NULL, NULL,
                                                &report),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_rotation_rewrap_all(rotation, NULL, lens, ITEMS, store_put, &again,
                                                NULL, NULL, &report),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `ciphertexts` is NULL");
    kmipkit_model1_rotation *none = (kmipkit_model1_rotation *)1;
    CHECK_RC(kmipkit_model1_rotation_new(NULL, &none), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(none == NULL);
    kmipkit_bytes_free(foreign);
    kmipkit_model1_free(other);

    store_clear(&s);
    for (int i = 0; i < ITEMS; i++)
        kmipkit_bytes_free(ct[i]);
    kmipkit_model1_free(v1);
    kmipkit_model1_free(v2);
    kmipkit_model1_free(current);
    kmipkit_model1_rotation_free(rotation);
    kmipkit_model1_rotation_free(NULL);
}

static void model2_reencrypt(kmipkit_client *client) {
    kmipkit_model2 *model = NULL;
    CHECK_OK(kmipkit_model2_new(client, "c-tests-rotate:", NULL, &model));
    if (model == NULL)
        return;
    char id[64];
    snprintf(id, sizeof id, "tenant-%ld", (long)getpid());
    kmipkit_context *ctx[ITEMS];
    kmipkit_bytes *ct[ITEMS] = {NULL};
    const uint8_t *cts[ITEMS];
    size_t lens[ITEMS];
    char value[ITEMS][16];
    for (int i = 0; i < ITEMS; i++) {
        snprintf(value[i], sizeof value[i], "%d", i);
        CHECK_OK(kmipkit_context_new(&ctx[i]));
        CHECK_OK(kmipkit_context_add(ctx[i], "row", value[i]));
        CHECK_OK(kmipkit_model2_encrypt(model, id, (const uint8_t *)"secret", 6, ctx[i], &ct[i]));
        cts[i] = kmipkit_bytes_data(ct[i]);
        lens[i] = kmipkit_bytes_len(ct[i]);
    }
    uint32_t v2 = 0;
    char *uid2 = NULL;
    CHECK_OK(kmipkit_model2_add_version(model, id, &v2, &uid2));
    CHECK(v2 == 2 && uid2 != NULL);
    kmipkit_string_free(uid2);
    CHECK_OK(kmipkit_model2_promote(model, id, v2));
    uint32_t current = 0;
    CHECK_OK(kmipkit_model2_key_for(model, id, &current, NULL));
    CHECK(current == 2);

    /* The wrong context for item 1: Integrity; item 0 was already moved. */
    const kmipkit_context *wrong[ITEMS] = {ctx[0], ctx[0], ctx[2]};
    store s = {{NULL}, {0}, 0, -1};
    kmipkit_rotation_progress report;
    CHECK_RC(kmipkit_model2_reencrypt_all(model, id, cts, lens, wrong, ITEMS, false, store_put, &s,
                                          NULL, NULL, &report),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(report.processed == 1 && s.calls == 1);

    watcher w = {0, 0, 0};
    const kmipkit_context *contexts[ITEMS] = {ctx[0], ctx[1], ctx[2]};
    CHECK_OK(kmipkit_model2_reencrypt_all(model, id, cts, lens, contexts, ITEMS, false, store_put,
                                          &s, watch, &w, &report));
    CHECK(report.processed == ITEMS && report.rotated == ITEMS && report.already_current == 0);
    CHECK(w.calls == ITEMS && !w.out_of_order);
    for (int i = 0; i < ITEMS; i++) {
        kmipkit_bytes *plain = NULL;
        CHECK_OK(kmipkit_model2_decrypt(model, id, s.data[i], s.len[i], ctx[i], false, &plain));
        CHECK(plain != NULL && kmipkit_bytes_len(plain) == 6);
        kmipkit_bytes_free(plain);
    }
    const uint8_t *moved[ITEMS] = {s.data[0], s.data[1], s.data[2]};
    store again = {{NULL}, {0}, 0, -1};
    CHECK_OK(kmipkit_model2_reencrypt_all(model, id, moved, s.len, contexts, ITEMS, false,
                                          store_put, &again, NULL, NULL, &report));
    CHECK(report.already_current == ITEMS && again.calls == 0);

    /* Version 1 can now be deactivated; an unknown identifier is never given a key. */
    CHECK_OK(kmipkit_model2_deactivate(model, id, 1));
    char *json = NULL;
    CHECK_OK(kmipkit_model2_versions_json(model, id, &json));
    CHECK(json != NULL && strstr(json, "\"version\":1") != NULL && strstr(json, "\"version\":2") != NULL);
    CHECK(json != NULL && strstr(json, "\"state\":\"Deactivated\"") != NULL &&
          strstr(json, "\"state\":\"Active\"") != NULL);
    if (json != NULL && strstr(json, "Deactivated") == NULL)
        fprintf(stderr, "    versions: %s\n", json);
    kmipkit_string_free(json);
    CHECK_OK(kmipkit_model2_versions_json(model, "never-used", &json));
    CHECK(json != NULL && strcmp(json, "[]") == 0);
    kmipkit_string_free(json);
    CHECK_RC(kmipkit_model2_versions_json(model, id, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    /* The only Active version cannot be deactivated: nothing would encrypt. */
    CHECK_RC(kmipkit_model2_deactivate(model, id, 2), KMIPKIT_RESULT_PROTOCOL);
    CHECK_MESSAGE_HAS("promote a new version first");
    kmipkit_result rc = kmipkit_model2_reencrypt_all(model, "nobody-here", cts, lens, contexts,
                                                     ITEMS, false, store_put, &again, NULL, NULL,
                                                     &report);
    CHECK(rc != KMIPKIT_RESULT_OK);
    CHECK_MESSAGE_HAS("never creates one");
    CHECK_RC(kmipkit_model2_add_version(model, NULL, &v2, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model2_promote(NULL, id, 2), KMIPKIT_RESULT_NULL_ARGUMENT);

    store_clear(&s);
    for (int i = 0; i < ITEMS; i++) {
        kmipkit_bytes_free(ct[i]);
        kmipkit_context_free(ctx[i]);
    }
    kmipkit_model2_free(model);
}

int main(void) {
    kmipkit_client *client = check_connect();
    if (client == NULL)
        return check_summary("test_rotation");
    model1_rewrap(client);
    model2_reencrypt(client);
    kmipkit_client_free(client);
    return check_summary("test_rotation");
}
