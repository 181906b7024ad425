/*
 * check.h: the assertions of the C tests. A failed check prints the file, line, expression,
 * the kmipkit result name and the last error message, and counts a failure; the test goes on
 * so one run shows every failure. main() returns check_summary().
 */
#ifndef KMIPKIT_CHECK_H
#define KMIPKIT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmipkit.h"

static int check_failures;
static int check_passes;

static void check_print_last_error(void) {
    char message[2048];
    size_t n = 0;
    if (kmipkit_last_error_message(message, sizeof message, &n) == KMIPKIT_RESULT_OK)
        fprintf(stderr, "    last error: %s\n", message);
}

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            check_passes++;                                                          \
        } else {                                                                     \
            check_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                            \
    } while (0)

/* A call that must return `expected` (a kmipkit_result). */
#define CHECK_RC(call, expected)                                                     \
    do {                                                                             \
        kmipkit_result check_rc_ = (call);                                           \
        if (check_rc_ == (expected)) {                                               \
            check_passes++;                                                          \
        } else {                                                                     \
            check_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s\n    returned %s, expected %s\n",        \
                    __FILE__, __LINE__, #call, kmipkit_result_name(check_rc_),       \
                    kmipkit_result_name(expected));                                  \
            check_print_last_error();                                                \
        }                                                                            \
    } while (0)

#define CHECK_OK(call) CHECK_RC(call, KMIPKIT_RESULT_OK)

/* The last error message on this thread contains `needle`. */
#define CHECK_MESSAGE_HAS(needle)                                                    \
    do {                                                                             \
        char check_msg_[2048];                                                       \
        size_t check_n_ = 0;                                                         \
        kmipkit_last_error_message(check_msg_, sizeof check_msg_, &check_n_);        \
        if (strstr(check_msg_, (needle)) != NULL) {                                  \
            check_passes++;                                                          \
        } else {                                                                     \
            check_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: last error lacks \"%s\": %s\n",             \
                    __FILE__, __LINE__, (needle), check_msg_);                       \
        }                                                                            \
    } while (0)

/* An environment variable the runner (run.sh) sets; the test stops without it. */
static const char *check_env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "%s is not set: run the C tests with c-header/tests/run.sh\n", name);
        exit(2);
    }
    return value;
}

/* The whole file at `path` as a NUL-terminated string (malloc'd; the caller frees it), or NULL. */
static inline char *check_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        text = (char *)malloc((size_t)size + 1); /* the cast: C++ tests include this too */
    if (text != NULL) {
        size_t n = fread(text, 1, (size_t)size, f);
        text[n] = '\0';
    }
    fclose(f);
    return text;
}

/* `b` holds exactly the bytes of `text`. */
static inline int check_bytes_equal(const kmipkit_bytes *b, const char *text) {
    size_t n = strlen(text);
    return b != NULL && kmipkit_bytes_len(b) == n && memcmp(kmipkit_bytes_data(b), text, n) == 0;
}

/* A context of one or two pairs (`key2` NULL: one); the caller frees it. */
static inline kmipkit_context *check_context_of(const char *key1, const char *value1,
                                                const char *key2, const char *value2) {
    kmipkit_context *ctx = NULL;
    CHECK_OK(kmipkit_context_new(&ctx));
    CHECK_OK(kmipkit_context_add(ctx, key1, value1));
    if (key2 != NULL)
        CHECK_OK(kmipkit_context_add(ctx, key2, value2));
    return ctx;
}

/* A client of the runner's configuration ($KMIPKIT_TEST_CONFIG), or NULL (the check failed). */
static inline kmipkit_client *check_connect(void) {
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_load(check_env("KMIPKIT_TEST_CONFIG"), &config));
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_connect(config, &client));
    kmipkit_config_free(config);
    return client;
}

static int check_summary(const char *test) {
    printf("%s: %d passed, %d failed\n", test, check_passes, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
