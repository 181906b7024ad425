/* Envelope seal/open through the C API with a caller's data key (no key server):
 * kmipkit_seal_with_key / kmipkit_open_with_key, each result freed (and wiped) by
 * kmipkit_bytes_free inside the timing, as a C caller would.
 *
 *   envelope_bench SIZE ITERATIONS
 *
 * Prints "seal SIZE NS_PER_CALL" and "open SIZE NS_PER_CALL". Its Rust twin,
 * core/examples/envelope_core_bench.rs, takes the same arguments, does the same with
 * kmipkit::envelope::format::{seal, open} and prints the same lines; c-header/bench/run.sh runs
 * the two interleaved and divides. Every call is checked, so a refusal cannot pass for speed. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmipkit.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, kmipkit_result rc) {
    char message[512] = "";
    size_t n;
    kmipkit_last_error_message(message, sizeof message, &n);
    fprintf(stderr, "envelope_bench: %s failed (%d): %s\n", what, (int)rc, message);
    exit(1);
}

/* One seal, freed: the unit the seal timing repeats. */
static void seal_once(const uint8_t *key, const uint8_t *data, size_t len) {
    kmipkit_bytes *ct = NULL;
    kmipkit_result rc = kmipkit_seal_with_key(key, 32, data, len, NULL, "bench", 1, "42", &ct);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_seal_with_key", rc);
    kmipkit_bytes_free(ct);
}

/* One open, checked by length and first and last byte, freed. */
static void open_once(const uint8_t *key, const kmipkit_bytes *ct, const uint8_t *data, size_t len) {
    kmipkit_bytes *pt = NULL;
    kmipkit_result rc = kmipkit_open_with_key(key, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct),
                                              NULL, &pt);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_open_with_key", rc);
    const uint8_t *out = kmipkit_bytes_data(pt);
    if (kmipkit_bytes_len(pt) != len || out[0] != data[0] || out[len - 1] != data[len - 1]) {
        fprintf(stderr, "envelope_bench: open returned other bytes than were sealed\n");
        exit(1);
    }
    kmipkit_bytes_free(pt);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: envelope_bench SIZE ITERATIONS\n");
        return 2;
    }
    size_t len = strtoul(argv[1], NULL, 10);
    long iterations = strtol(argv[2], NULL, 10);
    if (len == 0 || iterations <= 0) {
        fprintf(stderr, "envelope_bench: SIZE and ITERATIONS must be positive\n");
        return 2;
    }
    uint8_t key[32];
    memset(key, 7, sizeof key); /* the Rust twin's DEK */
    uint8_t *data = malloc(len);
    if (data == NULL) return 1;
    for (size_t i = 0; i < len; i++) data[i] = (uint8_t)(i * 31 % 251);

    kmipkit_bytes *sealed = NULL;
    kmipkit_result rc = kmipkit_seal_with_key(key, 32, data, len, NULL, "bench", 1, "42", &sealed);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_seal_with_key", rc);

    seal_once(key, data, len); /* warm: first-touch pages, lazy initialisation */
    double start = now_ns();
    for (long i = 0; i < iterations; i++) seal_once(key, data, len);
    double seal_ns = (now_ns() - start) / (double)iterations;

    open_once(key, sealed, data, len);
    start = now_ns();
    for (long i = 0; i < iterations; i++) open_once(key, sealed, data, len);
    double open_ns = (now_ns() - start) / (double)iterations;

    printf("seal %zu %.1f\nopen %zu %.1f\n", len, seal_ns, len, open_ns);
    kmipkit_bytes_free(sealed);
    free(data);
    return 0;
}
