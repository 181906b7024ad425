/*
 * Configuration from a file, from TOML text and built setting by setting; the refusals of each
 * with their exact result codes; the last-error functions and kmipkit_result_name.
 */
#include "check.h"

static void results_have_stable_names(void) {
    CHECK(strcmp(kmipkit_result_name(KMIPKIT_RESULT_OK), "Ok") == 0);
    CHECK(strcmp(kmipkit_result_name(KMIPKIT_RESULT_SERVER), "Server") == 0);
    CHECK(strcmp(kmipkit_result_name(0x7001), "NullArgument") == 0);
    CHECK(strcmp(kmipkit_result_name(0xdeadbeef), "Unknown") == 0);
    CHECK(KMIPKIT_RESULT_INTEGRITY == 0x0501);
}

static void loads_the_file(const char *path) {
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_load(path, &config));
    CHECK(config != NULL);
    CHECK(kmipkit_config_server_count(config) == 2);
    char *name = NULL;
    CHECK_OK(kmipkit_config_server_name(config, 0, &name));
    CHECK(name != NULL && strcmp(name, "kms1") == 0);
    kmipkit_string_free(name);
    name = NULL;
    CHECK_RC(kmipkit_config_server_name(config, 2, &name), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(name == NULL);
    CHECK_MESSAGE_HAS("past the last server");
    kmipkit_config_free(config);
}

static void refuses_a_missing_file(void) {
    kmipkit_config *config = (kmipkit_config *)1; /* must be reset to NULL */
    CHECK_RC(kmipkit_config_load("/nonexistent/kmipkit.toml", &config), KMIPKIT_RESULT_CONFIG);
    CHECK(config == NULL);
    CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_CONFIG);
    CHECK_MESSAGE_HAS("/nonexistent/kmipkit.toml");
}

static void refuses_null_and_bad_utf8(void) {
    kmipkit_config *config = NULL;
    CHECK_RC(kmipkit_config_load(NULL, &config), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("kmipkit_config_load: argument `path` is NULL");
    CHECK_RC(kmipkit_config_load("kmipkit.toml", NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_config_load("\xff\xfe.toml", &config), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_MESSAGE_HAS("not valid UTF-8");
    CHECK(kmipkit_config_server_count(NULL) == 0);
    kmipkit_config_free(NULL);
    kmipkit_config_builder_free(NULL);
    kmipkit_server_builder_free(NULL);
    kmipkit_string_free(NULL);
    kmipkit_bytes_free(NULL);
    CHECK(kmipkit_bytes_len(NULL) == 0);
    CHECK(kmipkit_bytes_data(NULL) == NULL);
}

static void last_error_buffer_sizing(void) {
    kmipkit_config *config = NULL;
    CHECK_RC(kmipkit_config_load(NULL, &config), KMIPKIT_RESULT_NULL_ARGUMENT);
    size_t needed = 0;
    CHECK_RC(kmipkit_last_error_message(NULL, 0, &needed), KMIPKIT_RESULT_BUFFER_TOO_SMALL);
    CHECK(needed == strlen("kmipkit_config_load: argument `path` is NULL") + 1);
    char small[4];
    size_t n = 0;
    CHECK_RC(kmipkit_last_error_message(small, sizeof small, &n), KMIPKIT_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == needed);
    char *exact = malloc(needed);
    CHECK_OK(kmipkit_last_error_message(exact, needed, &n));
    CHECK(strcmp(exact, "kmipkit_config_load: argument `path` is NULL") == 0);
    free(exact);
    /* Reading the message does not replace it. */
    CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_last_error_message(small, sizeof small, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_last_error_clear();
    CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_OK);
    CHECK_OK(kmipkit_last_error_message(small, sizeof small, &n));
    CHECK(n == 1 && small[0] == '\0');
}

static void builds_field_by_field(const char *dir) {
    kmipkit_config_builder *b = kmipkit_config_builder_new();
    CHECK(b != NULL);
    kmipkit_server_builder *s = NULL;
    CHECK_OK(kmipkit_server_builder_new("127.0.0.1", &s));
    CHECK(s != NULL);
    CHECK_OK(kmipkit_server_builder_set_int(s, "port", 5696));
    CHECK_OK(kmipkit_server_builder_set_text(s, "name", "built"));
    CHECK_OK(kmipkit_server_builder_set_text(s, "ca", "pki/ca.crt"));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_cert", "pki/client.crt"));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_key", "pki/client.key"));
    CHECK_OK(kmipkit_config_builder_add_server(b, s));
    kmipkit_server_builder_free(s);
    CHECK_OK(kmipkit_config_builder_set_base_dir(b, dir));
    CHECK_OK(kmipkit_config_builder_set_text(b, "key", "name", "c-test-key"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "timeouts", "deadline", "5s"));
    CHECK_OK(kmipkit_config_builder_set_float(b, "timeouts", "connect", 1.5));
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_builder_build(b, &config));
    CHECK(kmipkit_config_server_count(config) == 1);
    kmipkit_config_free(config);

    /* An unknown setting is refused when built, naming it. */
    CHECK_OK(kmipkit_config_builder_set_int(b, "pool", "no_such_setting", 1));
    config = NULL;
    CHECK_RC(kmipkit_config_builder_build(b, &config), KMIPKIT_RESULT_CONFIG);
    CHECK(config == NULL);
    CHECK_MESSAGE_HAS("no_such_setting");
    kmipkit_config_builder_free(b);

    kmipkit_server_builder *none = (kmipkit_server_builder *)1; /* must be reset to NULL */
    CHECK_RC(kmipkit_server_builder_new(NULL, &none), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(none == NULL);
    CHECK_MESSAGE_HAS("kmipkit_server_builder_new: argument `host` is NULL");
    CHECK_RC(kmipkit_server_builder_new("127.0.0.1", NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_server_builder_new_https("\xff", &none), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK(none == NULL);
    CHECK_RC(kmipkit_config_builder_add_server(NULL, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
}

int main(void) {
    const char *config_path = check_env("KMIPKIT_TEST_CONFIG");
    const char *dir = check_env("KMIPKIT_TEST_SERVER_DIR");
    results_have_stable_names();
    loads_the_file(config_path);
    refuses_a_missing_file();
    refuses_null_and_bad_utf8();
    last_error_buffer_sizing();
    builds_field_by_field(dir);
    return check_summary("test_config");
}
