/*
 * The client against live PyKMIP servers: connect, the negotiated version, create, activate
 * and destroy, a server refusal with its KMIP Result Reason, and the argument refusals.
 */
#include "check.h"

static void lifecycle(kmipkit_client *client) {
    int32_t major = 0, minor = 0;
    CHECK_OK(kmipkit_client_version(client, &major, &minor));
    CHECK((major == 1 && minor >= 0 && minor <= 4) || (major == 2 && minor >= 0 && minor <= 1));

    char *uid = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, "c-test-lifecycle", 256, &uid));
    CHECK(uid != NULL && uid[0] != '\0');
    if (uid == NULL)
        return;
    CHECK_OK(kmipkit_client_activate(client, uid));
    /* An active key cannot be destroyed: the server refuses, with a KMIP Result Reason. */
    CHECK_RC(kmipkit_client_destroy(client, uid), KMIPKIT_RESULT_SERVER);
    CHECK(kmipkit_last_error_reason() != 0);
    kmipkit_string_free(uid);

    char *pre_active = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, "c-test-pre-active", 256, &pre_active));
    CHECK_OK(kmipkit_client_destroy(client, pre_active));
    /* Gone: a second Destroy finds nothing (Item Not Found, reason 0x01). */
    CHECK_RC(kmipkit_client_destroy(client, pre_active), KMIPKIT_RESULT_SERVER);
    CHECK(kmipkit_last_error_reason() == 0x01);
    kmipkit_string_free(pre_active);
}

/* PyKMIP 0.11 has no RNG Retrieve: the refusal comes with the server profile's explanation. */
static void random_bytes_refused_with_explanation(kmipkit_client *client) {
    kmipkit_bytes *random = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_rng_retrieve(client, 32, &random), KMIPKIT_RESULT_SERVER);
    CHECK(random == NULL);
    char explanation[1024];
    size_t n = 0;
    CHECK_OK(kmipkit_last_error_explanation(explanation, sizeof explanation, &n));
    CHECK(strstr(explanation, "does not implement RNGRetrieve") != NULL);
    CHECK(n == strlen(explanation) + 1);
}

static void refusals(kmipkit_client *client) {
    char *uid = NULL;
    CHECK_RC(kmipkit_client_create_aes_key(NULL, "x", 256, &uid), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `client` is NULL");
    CHECK_RC(kmipkit_client_create_aes_key(client, NULL, 256, &uid), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_client_create_aes_key(client, "x", 256, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_client_activate(client, "\xc3\x28"), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK(uid == NULL);
    kmipkit_client *none = (kmipkit_client *)1;
    CHECK_RC(kmipkit_client_connect(NULL, &none), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(none == NULL);
}

int main(void) {
    kmipkit_client *client = check_connect();
    if (client == NULL)
        return check_summary("test_client");
    lifecycle(client);
    random_bytes_refused_with_explanation(client);
    refusals(client);
    kmipkit_client_free(client);
    return check_summary("test_client");
}
