/*
 * example_helpers.h: the file and error helpers the C examples share (static inline, so an
 * example that uses only some of them builds with -Werror), kept out of them so each
 * example shows only kmipkit calls.
 */
#ifndef KMIPKIT_EXAMPLE_HELPERS_H
#define KMIPKIT_EXAMPLE_HELPERS_H

#include <kmipkit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file at `path` in a malloc'ed buffer (freed by the caller), or NULL with errno. */
static inline uint8_t *read_file(const char *path, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (bigger == NULL) free(buf);
            buf = bigger;
        }
    }
    if (buf != NULL && ferror(f)) { free(buf); buf = NULL; }
    fclose(f);
    *out_len = len;
    return buf;
}

/* Writes `len` bytes to `path`; 0 on success, -1 (after printing why) otherwise. */
static inline int write_file(const char *path, const uint8_t *data, size_t len) {
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(data, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0) ok = 0;
    if (!ok) perror(path);
    return ok ? 0 : -1;
}

/* Prints the calling thread's last kmipkit failure: result name, message, KMIP reason, and
 * the server profile's explanation when there is one. */
static inline void report_error(const char *program) {
    char message[2048], explanation[2048];
    size_t n = 0;
    uint32_t result = kmipkit_last_error_result();
    if (result == KMIPKIT_RESULT_OK) return; /* the failure was not kmipkit's: already reported */
    if (kmipkit_last_error_message(message, sizeof message, &n) != KMIPKIT_RESULT_OK)
        strcpy(message, "(message too long)");
    fprintf(stderr, "%s: %s: %s\n", program, kmipkit_result_name(result), message);
    if (result == KMIPKIT_RESULT_SERVER)
        fprintf(stderr, "  KMIP result reason: 0x%02x\n", (unsigned)kmipkit_last_error_reason());
    if (kmipkit_last_error_explanation(explanation, sizeof explanation, &n) == KMIPKIT_RESULT_OK &&
        explanation[0] != '\0')
        fprintf(stderr, "  %s\n", explanation);
}

#endif
