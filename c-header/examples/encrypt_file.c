/*
 * encrypt_file CONFIG IN OUT [--decrypt]: encrypts the file IN into OUT with Model 1, streaming
 * (constant memory, any file size): a fresh data key, protected by the key manager's KEK named
 * in CONFIG's [key] table. With --decrypt, the reverse. The README's example.
 */
#include <kmipkit.h>
#include <stdio.h>
#include <string.h>

#include "example_helpers.h"

static int read_cb(void *file, uint8_t *buf, size_t len, size_t *out_n) {
    *out_n = fread(buf, 1, len, file);
    return ferror((FILE *)file) ? -1 : 0;
}

static int write_cb(void *file, const uint8_t *buf, size_t len) {
    return fwrite(buf, 1, len, file) == len ? 0 : -1;
}

int main(int argc, char **argv) {
    int decrypt = argc == 5 && strcmp(argv[4], "--decrypt") == 0;
    if (argc != 4 && !decrypt) {
        fprintf(stderr, "usage: %s kmipkit.toml IN OUT [--decrypt]\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[2], "rb"), *out = in != NULL ? fopen(argv[3], "wb") : NULL;
    if (out == NULL) {
        perror(in == NULL ? argv[2] : argv[3]);
        if (in != NULL) fclose(in);
        return 1;
    }
    kmipkit_config *config = NULL;
    kmipkit_client *client = NULL;
    kmipkit_model1 *m = NULL;
    kmipkit_context *ctx = NULL; /* authenticated with the data: decrypt needs the same */
    uint32_t kek_version = 0;
    uint64_t n = 0;
    int ok = kmipkit_config_load(argv[1], &config) == KMIPKIT_RESULT_OK &&
             kmipkit_client_connect(config, &client) == KMIPKIT_RESULT_OK &&
             kmipkit_model1_from_config(client, config, NULL, &m) == KMIPKIT_RESULT_OK &&
             kmipkit_model1_ensure_kek(m, &kek_version, NULL) == KMIPKIT_RESULT_OK &&
             kmipkit_context_new(&ctx) == KMIPKIT_RESULT_OK &&
             kmipkit_context_add(ctx, "purpose", "file-backup") == KMIPKIT_RESULT_OK &&
             (decrypt ? kmipkit_model1_decrypt_stream(m, read_cb, in, write_cb, out, ctx, &n)
                      : kmipkit_model1_encrypt_stream(m, read_cb, in, write_cb, out, ctx, &n)) ==
                 KMIPKIT_RESULT_OK;
    if (!ok) report_error(argv[0]);
    kmipkit_context_free(ctx);
    kmipkit_model1_free(m);
    kmipkit_client_free(client);
    kmipkit_config_free(config);
    fclose(in);
    if (fclose(out) != 0) ok = 0;
    /* A stream is authenticated only when it ends well: discard a failed output. */
    if (!ok) remove(argv[3]);
    else fprintf(stderr, "%s %llu bytes\n", decrypt ? "decrypted" : "encrypted", (unsigned long long)n);
    return ok ? 0 : 1;
}
