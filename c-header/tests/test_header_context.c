/* kmipkit_envelope_header (a ciphertext's key reference, read without opening it) and
 * kmipkit_context_from_bytes (a raw context), through the format with a caller's key: no key
 * server is needed. Every refusal is checked with its exact result code. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "kmipkit.h"

static const uint8_t KEY[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t RAW[] = {0x00, 0xff, 0x00, 0xff};

static void header_names_the_key(void) {
    kmipkit_bytes *ct = NULL;
    CHECK_OK(kmipkit_seal_with_key(KEY, 32, (const uint8_t *)"hi", 2, NULL, "orders-key", 7, "uid-1", &ct));
    uint32_t model = 0, version = 0;
    char *name = NULL;
    CHECK_OK(kmipkit_envelope_header(kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), &model, &name, &version));
    CHECK(model == 2); /* no wrapped data key: the key is the caller's, as in Model 2 */
    CHECK(name != NULL && strcmp(name, "orders-key") == 0);
    CHECK(version == 7);
    kmipkit_string_free(name);

    /* Not a ciphertext: Format, outputs left NULL. */
    name = (char *)"stale";
    CHECK_RC(kmipkit_envelope_header((const uint8_t *)"not a ciphertext", 16, &model, &name, &version),
             KMIPKIT_RESULT_FORMAT);
    CHECK(name == NULL);
    /* A truncated header: Format too. */
    CHECK_RC(kmipkit_envelope_header(kmipkit_bytes_data(ct), 10, &model, &name, &version), KMIPKIT_RESULT_FORMAT);
    CHECK_RC(kmipkit_envelope_header(kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL, &name, &version),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_envelope_header(NULL, 5, &model, &name, &version), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_bytes_free(ct);
}

static void raw_context_binds_its_bytes(void) {
    kmipkit_context *raw = NULL, *other = NULL, *pairs = NULL;
    const uint8_t flipped[] = {0x00, 0xff, 0x00, 0xfe};
    CHECK_OK(kmipkit_context_from_bytes(RAW, sizeof RAW, &raw));
    CHECK_OK(kmipkit_context_from_bytes(flipped, sizeof flipped, &other));
    CHECK(kmipkit_context_len(raw) == 0);
    /* Pairs cannot be added to raw bytes. */
    CHECK_RC(kmipkit_context_add(raw, "k", "v"), KMIPKIT_RESULT_WRONG_STATE);
    CHECK_MESSAGE_HAS("raw bytes");

    kmipkit_bytes *ct = NULL, *plain = NULL;
    CHECK_OK(kmipkit_seal_with_key(KEY, 32, (const uint8_t *)"secret", 6, raw, NULL, 1, NULL, &ct));
    CHECK_OK(kmipkit_open_with_key(KEY, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), raw, &plain));
    CHECK(plain && kmipkit_bytes_len(plain) == 6 && memcmp(kmipkit_bytes_data(plain), "secret", 6) == 0);
    kmipkit_bytes_free(plain);
    plain = NULL;
    /* One bit of the context changed, or no context at all: Integrity. */
    CHECK_RC(kmipkit_open_with_key(KEY, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), other, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(plain == NULL);
    CHECK_RC(kmipkit_open_with_key(KEY, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    /* A key-value context is other bytes: Integrity. */
    CHECK_OK(kmipkit_context_new(&pairs));
    CHECK_OK(kmipkit_context_add(pairs, "k", "v"));
    CHECK_RC(kmipkit_open_with_key(KEY, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), pairs, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    kmipkit_bytes_free(ct);

    /* No bytes: NULL data with length 0 is the empty context; NULL with a length is refused. */
    kmipkit_context *empty = NULL;
    CHECK_OK(kmipkit_context_from_bytes(NULL, 0, &empty));
    CHECK_OK(kmipkit_seal_with_key(KEY, 32, (const uint8_t *)"x", 1, empty, NULL, 1, NULL, &ct));
    CHECK_OK(kmipkit_open_with_key(KEY, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL, &plain));
    kmipkit_bytes_free(plain);
    kmipkit_bytes_free(ct);
    kmipkit_context *none = (kmipkit_context *)&none;
    CHECK_RC(kmipkit_context_from_bytes(NULL, 3, &none), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(none == NULL);
    CHECK_RC(kmipkit_context_from_bytes(RAW, sizeof RAW, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);

    kmipkit_context_free(empty);
    kmipkit_context_free(pairs);
    kmipkit_context_free(other);
    kmipkit_context_free(raw);
}

int main(void) {
    (void)check_env; /* no server needed: the format with a caller's key */
    header_names_the_key();
    raw_context_binds_its_bytes();
    return check_summary("test_header_context");
}
