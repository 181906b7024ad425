/*
 * Interoperability of C's envelope encryption: two frozen vectors of conformance/vectors/envelope/
 * opened with their data key (the format and the context encoding of docs/FORMAT.md, as every
 * front end writes them), and the CLI against live PyKMIP — what it encrypted opens from C, and
 * what C encrypted opens with it.
 */
#define _GNU_SOURCE /* getpid */
#include <unistd.h>

#include "check.h"

/* conformance/vectors/envelope/02-model1-small.json */
static const char V02_CIPHERTEXT[] =
    "4b4d4b45010001004300010000fefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0df000a6f"
    "72646572732d6b656b00000003000437663361c47066ace5c37f2f8d8b5046f9affe842cbdb53bbea968cec0de51c19c"
    "b556b80028000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627216421"
    "5c89279b3ebd35ad76522634e7fca3f690e2a5df8c6d5dad533817172820705dcac92943142b457d793c162c86314bdf"
    "e0c4838eeadfd11f";
static const char V02_DEK[] =
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
/* conformance/vectors/envelope/06-context-pairs.json */
static const char V06_CIPHERTEXT[] =
    "4b4d4b45010001004600000040606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f000f63"
    "7573746f6d65722d30303031323300000001000234313fab4a31015a841e305435326e9b1fb4cdfc70db1fb35d739f26"
    "7745c32e9889000087c2e8bb44f50545deff069dfbda8cefeae4480c8f57f6be2fae3b4ffdc6cbfa83d5147f7e99117d"
    "f6";
static const char V06_DEK[] =
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

/* Hex text to bytes; the caller frees the result. */
static uint8_t *unhex(const char *hex, size_t *len) {
    size_t n = strlen(hex) / 2;
    uint8_t *out = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned byte = 0;
        sscanf(hex + 2 * i, "%2x", &byte);
        out[i] = (uint8_t)byte;
    }
    *len = n;
    return out;
}

/* A frozen vector opened with its data key and context, then refused with a flipped bit. */
static void open_vector(const char *ct_hex, const char *dek_hex, const kmipkit_context *ctx,
                        const char *expected) {
    size_t ct_len = 0, dek_len = 0;
    uint8_t *ct = unhex(ct_hex, &ct_len);
    uint8_t *dek = unhex(dek_hex, &dek_len);
    kmipkit_bytes *plain = NULL;
    CHECK_OK(kmipkit_open_with_key(dek, dek_len, ct, ct_len, ctx, &plain));
    CHECK(check_bytes_equal(plain, expected));
    kmipkit_bytes_free(plain);
    CHECK_RC(kmipkit_open_with_key(dek, dek_len, ct, ct_len, NULL, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    ct[ct_len - 3] ^= 0x80;
    CHECK_RC(kmipkit_open_with_key(dek, dek_len, ct, ct_len, ctx, &plain),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK_RC(kmipkit_open_with_key(dek, 16, ct, ct_len, ctx, &plain),
             KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(plain == NULL);
    free(ct);
    free(dek);
}

static void frozen_vectors(void) {
    kmipkit_context *v02 = check_context_of("tenant", "acme;record=17", NULL, NULL);
    open_vector(V02_CIPHERTEXT, V02_DEK, v02, "The quick brown fox jumps over the lazy dog");
    kmipkit_context_free(v02);

    /* The pairs in another order than their canonical one: the encoding sorts them. */
    kmipkit_context *v06 = check_context_of("table", "orders", "row", "7");
    CHECK_OK(kmipkit_context_add(v06, "r\xc3\xa9gion", "eu-west"));
    CHECK_OK(kmipkit_context_add(v06, "note", "first line\nsecond line"));
    CHECK_OK(kmipkit_context_add(v06, "path", "C:\\exports\\a=b"));
    open_vector(V06_CIPHERTEXT, V06_DEK, v06, "order 7: 3 items, shipped");
    kmipkit_context_free(v06);

    /* A round trip with a caller's key. */
    uint8_t key[32] = {1, 2, 3};
    kmipkit_bytes *ct = NULL, *plain = NULL;
    CHECK_OK(kmipkit_seal_with_key(key, 32, (const uint8_t *)"mine", 4, NULL, "my-key", 1, NULL, &ct));
    CHECK_OK(kmipkit_open_with_key(key, 32, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), NULL,
                                   &plain));
    CHECK(check_bytes_equal(plain, "mine"));
    kmipkit_bytes_free(plain);
    kmipkit_bytes_free(ct);
}

/* The CLI (KMIPKIT_TEST_CLI, built by run.sh) on the same configuration: what it encrypted opens
 * here, and what was encrypted here opens with it — Model 1 under [key] name, and Model 2. */
static int run_cli(const char *args) {
    char command[4096];
    snprintf(command, sizeof command, "KMIPKIT_CONFIG='%s' '%s' %s", check_env("KMIPKIT_TEST_CONFIG"),
             check_env("KMIPKIT_TEST_CLI"), args);
    int status = system(command);
    if (status != 0)
        fprintf(stderr, "    `%s` exited with %d\n", command, status);
    return status;
}

static void write_file(const char *path, const uint8_t *data, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fwrite(data, 1, len, f) == len);
        fclose(f);
    }
}

/* The first bytes of a file (the test's files are small), their count to `*n`. */
static void read_small(const char *path, uint8_t *buf, size_t cap, size_t *n) {
    FILE *f = fopen(path, "rb");
    *n = f ? fread(buf, 1, cap, f) : 0;
    if (f)
        fclose(f);
}

static void cli_interop(kmipkit_client *client, const kmipkit_config *config) {
    const char *work = check_env("KMIPKIT_TEST_WORK");
    char plain_path[1024], cli_ct[1024], c_ct[1024], out_path[1024], args[4096];
    long pid = (long)getpid();
    snprintf(plain_path, sizeof plain_path, "%s/cli-plain-%ld.txt", work, pid);
    snprintf(cli_ct, sizeof cli_ct, "%s/cli-%ld.kmk", work, pid);
    snprintf(c_ct, sizeof c_ct, "%s/c-%ld.kmk", work, pid);
    snprintf(out_path, sizeof out_path, "%s/cli-out-%ld.txt", work, pid);
    write_file(plain_path, (const uint8_t *)"from the CLI", 12);
    kmipkit_context *ctx = check_context_of("table", "orders", "row", "7");

    /* Model 1: the CLI encrypts under [key] name; C decrypts. */
    snprintf(args, sizeof args, "encrypt -C row=7 -C table=orders -o '%s' '%s'", cli_ct, plain_path);
    CHECK(run_cli(args) == 0);
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_from_config(client, config, NULL, &model));
    uint8_t data[4096];
    size_t n = 0;
    read_small(cli_ct, data, sizeof data, &n);
    CHECK(n > 12);
    kmipkit_bytes *plain = NULL, *ct = NULL;
    CHECK_OK(kmipkit_model1_decrypt(model, data, n, ctx, &plain));
    CHECK(check_bytes_equal(plain, "from the CLI"));
    kmipkit_bytes_free(plain);
    CHECK_RC(kmipkit_model1_decrypt(model, data, n, NULL, &plain), KMIPKIT_RESULT_INTEGRITY);

    /* Model 1: C encrypts; the CLI decrypts. */
    CHECK_OK(kmipkit_model1_encrypt(model, (const uint8_t *)"from C", 6, ctx, &ct));
    write_file(c_ct, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct));
    kmipkit_bytes_free(ct);
    snprintf(args, sizeof args, "decrypt -C table=orders -C row=7 -o '%s' '%s'", out_path, c_ct);
    CHECK(run_cli(args) == 0);
    read_small(out_path, data, sizeof data, &n);
    CHECK(n == 6 && memcmp(data, "from C", 6) == 0);
    kmipkit_model1_free(model);

    /* Model 2: the CLI encrypts for an identifier; C decrypts it with the same prefix. */
    char id[64];
    snprintf(id, sizeof id, "C-%ld", pid);
    snprintf(args, sizeof args, "encrypt --for %s --prefix c-tests-cli: -C row=7 -C table=orders -o '%s' '%s'",
             id, cli_ct, plain_path);
    CHECK(run_cli(args) == 0);
    read_small(cli_ct, data, sizeof data, &n);
    kmipkit_model2 *model2 = NULL;
    CHECK_OK(kmipkit_model2_new(client, "c-tests-cli:", NULL, &model2));
    CHECK_OK(kmipkit_model2_decrypt(model2, id, data, n, ctx, false, &plain));
    CHECK(check_bytes_equal(plain, "from the CLI"));
    kmipkit_bytes_free(plain);
    kmipkit_model2_free(model2);
    kmipkit_context_free(ctx);
}

int main(void) {
    frozen_vectors();
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_load(check_env("KMIPKIT_TEST_CONFIG"), &config));
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_connect(config, &client));
    if (client != NULL)
        cli_interop(client, config);
    kmipkit_client_free(client);
    kmipkit_config_free(config);
    return check_summary("test_interop");
}
