/*
 * encrypt_file CONFIG IN OUT: encrypts the file IN with Model 1 (a fresh data key, wrapped by
 * the key manager's key named in CONFIG) into OUT. The README's example.
 */
#include <kmipkit.h>
#include <stdio.h>
#include <stdlib.h>

#include "example_helpers.h"

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s kmipkit.toml IN OUT\n", argv[0]);
        return 2;
    }
    size_t len = 0;
    uint8_t *plain = read_file(argv[2], &len);
    if (plain == NULL) {
        perror(argv[2]);
        return 1;
    }
    /* The context is authenticated with the ciphertext: decrypt must give the same. */
    const char *keys[] = {"purpose"}, *values[] = {"file-backup"};
    kmipkit_config *config = NULL;
    kmipkit_client *client = NULL;
    kmipkit_model1 *m = NULL;
    kmipkit_bytes *sealed = NULL;
    int ok = kmipkit_config_load(argv[1], &config) == KMIPKIT_RESULT_OK &&
             kmipkit_client_connect(config, &client) == KMIPKIT_RESULT_OK &&
             kmipkit_model1_new(client, &m) == KMIPKIT_RESULT_OK &&
             kmipkit_model1_encrypt(m, plain, len, keys, values, 1, &sealed) == KMIPKIT_RESULT_OK &&
             write_file(argv[3], kmipkit_bytes_data(sealed), kmipkit_bytes_len(sealed)) == 0;
    if (!ok) report_error(argv[0]);
    kmipkit_bytes_free(sealed);
    kmipkit_model1_free(m);
    kmipkit_client_free(client);
    kmipkit_config_free(config);
    free(plain);
    return ok ? 0 : 1;
}
