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

static int check_summary(const char *test) {
    printf("%s: %d passed, %d failed\n", test, check_passes, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
