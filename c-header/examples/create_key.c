/*
 * create_key CONFIG [NAME]: connects to the key servers of CONFIG, creates an AES-256 key named
 * NAME (default "example-key"), activates it and prints its unique identifier.
 */
#include <kmipkit.h>
#include <stdio.h>

#include "example_helpers.h"

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s kmipkit.toml [NAME]\n", argv[0]);
        return 2;
    }
    const char *name = argc == 3 ? argv[2] : "example-key";
    kmipkit_config *config = NULL;
    kmipkit_client *client = NULL;
    char *uid = NULL;
    int32_t major = 0, minor = 0;
    int ok = kmipkit_config_load(argv[1], &config) == KMIPKIT_RESULT_OK &&
             kmipkit_client_connect(config, &client) == KMIPKIT_RESULT_OK &&
             kmipkit_client_version(client, &major, &minor) == KMIPKIT_RESULT_OK &&
             kmipkit_client_create_aes_key(client, name, 256, &uid) == KMIPKIT_RESULT_OK &&
             kmipkit_client_activate(client, uid) == KMIPKIT_RESULT_OK;
    if (ok)
        printf("created and activated %s (KMIP %d.%d): %s\n", name, (int)major, (int)minor, uid);
    else
        report_error(argv[0]);
    kmipkit_string_free(uid); /* NULL-safe, like every kmipkit free */
    kmipkit_client_free(client);
    kmipkit_config_free(config);
    return ok ? 0 : 1;
}
