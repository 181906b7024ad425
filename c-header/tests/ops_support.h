/*
 * ops_support.h: what the operation tests (test_ops_*.c) share: a connected client, names no
 * other run uses (run.sh runs each test three times against the same servers), the check that
 * PyKMIP 0.11 refused an operation with the server profile's explanation, and byte comparisons.
 */
#ifndef KMIPKIT_OPS_SUPPORT_H
#define KMIPKIT_OPS_SUPPORT_H

#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

/* "c-ops-<what>-<pid>": unique per process, so locating by name finds this run's objects only. */
static inline void ops_name(char *out, size_t size, const char *what) {
    snprintf(out, size, "c-ops-%s-%ld", what, (long)getpid());
}

static inline kmipkit_client *ops_connect(void) {
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_load(check_env("KMIPKIT_TEST_CONFIG"), &config));
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_connect(config, &client));
    kmipkit_config_free(config);
    return client;
}

/* The server profile's explanation of the last failure contains `needle`. */
#define CHECK_EXPLANATION_HAS(needle)                                                \
    do {                                                                             \
        char ops_expl_[1024];                                                        \
        size_t ops_n_ = 0;                                                           \
        kmipkit_last_error_explanation(ops_expl_, sizeof ops_expl_, &ops_n_);        \
        if (strstr(ops_expl_, (needle)) != NULL) {                                   \
            check_passes++;                                                          \
        } else {                                                                     \
            check_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: explanation lacks \"%s\": \"%s\"\n",        \
                    __FILE__, __LINE__, (needle), ops_expl_);                        \
        }                                                                            \
    } while (0)

/* PyKMIP 0.11 does not implement `op`: the server refuses, and the profile says so. */
#define CHECK_PYKMIP_LACKS(call, op)                                                 \
    do {                                                                             \
        CHECK_RC(call, KMIPKIT_RESULT_SERVER);                                       \
        CHECK_EXPLANATION_HAS("PyKMIP 0.11.0 does not implement " op " ");           \
    } while (0)

/* `bytes` holds exactly the bytes spelled by the lowercase hex text `hex`. */
static inline bool ops_bytes_are(const kmipkit_bytes *bytes, const char *hex) {
    size_t n = strlen(hex) / 2;
    if (bytes == NULL || kmipkit_bytes_len(bytes) != n)
        return false;
    const uint8_t *data = kmipkit_bytes_data(bytes);
    for (size_t i = 0; i < n; i++) {
        unsigned value = 0;
        if (sscanf(hex + 2 * i, "%2x", &value) != 1 || data[i] != value)
            return false;
    }
    return true;
}

/* The value (plain JSON text) of the attribute `name` in `attrs`, or NULL; freed by the caller
 * with kmipkit_string_free. */
static inline char *ops_attribute(const kmipkit_attributes *attrs, const char *name) {
    for (size_t i = 0; i < kmipkit_attributes_count(attrs); i++) {
        char *n = NULL, *value = NULL;
        if (kmipkit_attributes_get(attrs, i, &n, &value) != KMIPKIT_RESULT_OK)
            return NULL;
        bool found = strcmp(n, name) == 0;
        kmipkit_string_free(n);
        if (found)
            return value;
        kmipkit_string_free(value);
    }
    return NULL;
}

/* The object's attribute `name` read from the server, as plain JSON text (or NULL). */
static inline char *ops_server_attribute(kmipkit_client *client, const char *uid, const char *name) {
    kmipkit_attributes *attrs = NULL;
    const char *names[] = {name};
    if (kmipkit_client_get_attributes(client, uid, names, 1, &attrs) != KMIPKIT_RESULT_OK)
        return NULL;
    char *value = ops_attribute(attrs, name);
    kmipkit_attributes_free(attrs);
    return value;
}

/* The server's value of `name` on `uid` is exactly the JSON text `expected`. */
#define CHECK_SERVER_ATTRIBUTE(client, uid, name, expected)                          \
    do {                                                                             \
        char *ops_v_ = ops_server_attribute((client), (uid), (name));                \
        if (ops_v_ != NULL && strcmp(ops_v_, (expected)) == 0) {                     \
            check_passes++;                                                          \
        } else {                                                                     \
            check_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s is %s, expected %s\n", __FILE__,         \
                    __LINE__, (name), ops_v_ ? ops_v_ : "(absent)", (expected));     \
        }                                                                            \
        kmipkit_string_free(ops_v_);                                                 \
    } while (0)

#endif
