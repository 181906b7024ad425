/*
 * Logging and audit from C: a configuration built with a [log] file and an [audit] CSV, a few
 * operations against PyKMIP, then kmipkit_log_verify: the chain is intact, the audit trail has
 * the rows, no secret is in either file; one altered line is found exactly (kind, serial,
 * line); and the refusals give their exact codes.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "servers.h"

static char dir[1024], log_path[1100], audit_path[1100];

static kmipkit_config *configure(const server_info *kms1, const char *level) {
    kmipkit_config_builder *b = kmipkit_config_builder_new();
    kmipkit_server_builder *s = NULL;
    CHECK_OK(kmipkit_server_builder_new("127.0.0.1", &s));
    CHECK_OK(kmipkit_server_builder_set_int(s, "port", kms1->port));
    CHECK_OK(kmipkit_server_builder_set_text(s, "ca", kms1->ca));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_cert", kms1->client_cert));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_key", kms1->client_key));
    CHECK_OK(kmipkit_config_builder_add_server(b, s));
    kmipkit_server_builder_free(s);
    CHECK_OK(kmipkit_config_builder_set_text(b, "key", "name", "c-tests-kek"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "log", "level", level));
    CHECK_OK(kmipkit_config_builder_set_text(b, "log", "format", "rfc5424"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "log", "destination", "file"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "log", "path", log_path));
    CHECK_OK(kmipkit_config_builder_set_text(b, "audit", "path", audit_path));
    kmipkit_config *config = NULL;
    kmipkit_result rc = kmipkit_config_builder_build(b, &config);
    kmipkit_config_builder_free(b);
    return rc == KMIPKIT_RESULT_OK ? config : NULL;
}

static void operations(const server_info *kms1) {
    kmipkit_config *config = configure(kms1, "verbose");
    CHECK(config != NULL);
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_connect(config, &client));
    kmipkit_config_free(config);
    if (client == NULL)
        return;
    char *uid = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, "c-test-observe", 256, &uid));
    CHECK_OK(kmipkit_client_activate(client, uid));
    CHECK_RC(kmipkit_client_destroy(client, uid), KMIPKIT_RESULT_SERVER); /* active: refused */
    kmipkit_string_free(uid);
    kmipkit_client_free(client); /* the log is complete once the client is gone */
}

static void intact(void) {
    const char *files[] = {log_path};
    kmipkit_log_report *report = NULL;
    CHECK_OK(kmipkit_log_verify(files, 1, NULL, &report));
    CHECK(kmipkit_log_report_intact(report));
    CHECK(kmipkit_log_report_finding_count(report) == 0);
    size_t lines = kmipkit_log_report_lines(report);
    /* log_start, config_change, Discover Versions, Create, Activate, Destroy at least. */
    CHECK(lines >= 6);
    uint64_t first = 0, last = 0;
    CHECK_OK(kmipkit_log_report_serials(report, &first, &last));
    CHECK(first == 1 && last == lines);
    char *json = NULL;
    CHECK_OK(kmipkit_log_report_json(report, &json));
    CHECK(json != NULL && strstr(json, "\"intact\":true") != NULL);
    kmipkit_string_free(json);
    char *text = NULL;
    CHECK_OK(kmipkit_log_report_text(report, &text));
    CHECK(text != NULL && strstr(text, "chain intact") != NULL);
    kmipkit_string_free(text);
    kmipkit_log_report_free(report);
}

static void files_hold_the_operations_and_no_secret(const server_info *kms1) {
    char *log = check_read_file(log_path), *audit = check_read_file(audit_path), *key = check_read_file(kms1->client_key);
    CHECK(log != NULL && audit != NULL && key != NULL);
    if (log != NULL && audit != NULL && key != NULL) {
        CHECK(strstr(log, "Create") != NULL && strstr(log, "c-test-observe") != NULL);
        CHECK(strstr(audit, "Create") != NULL && strstr(audit, "Activate") != NULL);
        CHECK(strstr(audit, "config_change") != NULL);
        /* The client's private key: its PEM body lines appear in neither file. */
        char *line = strchr(key, '\n');
        int body_lines = 0;
        while (line != NULL && line[1] != '\0' && line[1] != '-') {
            char chunk[65] = {0};
            memcpy(chunk, line + 1, 64);
            char *nl = strchr(chunk, '\n');
            if (nl != NULL)
                *nl = '\0';
            if (strlen(chunk) >= 32) {
                body_lines++;
                CHECK(strstr(log, chunk) == NULL && strstr(audit, chunk) == NULL);
            }
            line = strchr(line + 1, '\n');
        }
        CHECK(body_lines > 0);
        CHECK(strstr(log, "PRIVATE KEY") == NULL && strstr(audit, "PRIVATE KEY") == NULL);
    }
    free(log);
    free(audit);
    free(key);
}

/* Changes one character of line 4 (its operation's name) and writes the log back. */
static void tamper(void) {
    char *log = check_read_file(log_path);
    CHECK(log != NULL);
    if (log == NULL)
        return;
    char *line = log;
    for (int i = 1; i < 4 && line != NULL; i++) {
        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    CHECK(line != NULL);
    char *serial = line != NULL ? strstr(line, "serial=\"4\"") : NULL;
    CHECK(serial != NULL && serial < strchr(line, '\n'));
    if (serial != NULL) {
        char *value = strstr(line, " op=\"");
        CHECK(value != NULL && value < strchr(line, '\n'));
        if (value != NULL)
            value[5] = value[5] == 'X' ? 'Y' : 'X';
        FILE *f = fopen(log_path, "wb");
        fputs(log, f);
        fclose(f);
    }
    free(log);
}

static void altered_line_found(void) {
    const char *files[] = {log_path};
    kmipkit_log_report *report = NULL;
    CHECK_OK(kmipkit_log_verify(files, 1, NULL, &report));
    CHECK(!kmipkit_log_report_intact(report));
    CHECK(kmipkit_log_report_finding_count(report) == 1);
    char *sentence = NULL, *kind = NULL;
    CHECK_OK(kmipkit_log_report_finding(report, 0, &sentence, &kind));
    CHECK(kind != NULL && strcmp(kind, "altered") == 0);
    CHECK(sentence != NULL && strstr(sentence, "altered: serial 4 (") != NULL &&
          strstr(sentence, "kmipkit.log line 4)") != NULL);
    if (sentence != NULL && strstr(sentence, "serial 4") == NULL)
        fprintf(stderr, "    finding: %s\n", sentence);
    kmipkit_string_free(sentence);
    kmipkit_string_free(kind);
    char *json = NULL;
    CHECK_OK(kmipkit_log_report_json(report, &json));
    CHECK(json != NULL && strstr(json, "\"intact\":false") != NULL &&
          strstr(json, "\"kind\":\"altered\"") != NULL);
    kmipkit_string_free(json);
    /* Past the last finding. */
    sentence = (char *)1;
    CHECK_RC(kmipkit_log_report_finding(report, 1, &sentence, NULL),
             KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(sentence == NULL);
    kmipkit_log_report_free(report);
}

static void refusals(const server_info *kms1) {
    kmipkit_log_report *report = (kmipkit_log_report *)1;
    const char *files[] = {log_path};
    CHECK_RC(kmipkit_log_verify(files, 0, NULL, &report), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(report == NULL);
    CHECK_RC(kmipkit_log_verify(NULL, 1, NULL, &report), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_log_verify(files, 1, NULL, NULL), KMIPKIT_RESULT_NULL_ARGUMENT);
    char missing[1200];
    snprintf(missing, sizeof missing, "%s/no-such.log", dir);
    const char *none[] = {missing};
    CHECK_RC(kmipkit_log_verify(none, 1, "", &report), KMIPKIT_RESULT_LOG);
    CHECK_MESSAGE_HAS("no-such.log");
    uint64_t a, b;
    CHECK_RC(kmipkit_log_report_serials(NULL, &a, &b), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(!kmipkit_log_report_intact(NULL) && kmipkit_log_report_lines(NULL) == 0);
    kmipkit_log_report_free(NULL);
    /* A log level that does not exist is refused when the configuration is built. */
    kmipkit_config *config = configure(kms1, "chatty");
    CHECK(config == NULL);
    CHECK_MESSAGE_HAS("level");
    kmipkit_config_free(config);
}

int main(void) {
    server_info kms1;
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER1_JSON"), &kms1));
    snprintf(dir, sizeof dir, "%s/observe-%ld", check_env("KMIPKIT_TEST_WORK"), (long)getpid());
    CHECK(mkdir(dir, 0700) == 0);
    snprintf(log_path, sizeof log_path, "%s/kmipkit.log", dir);
    snprintf(audit_path, sizeof audit_path, "%s/audit.csv", dir);
    operations(&kms1);
    intact();
    files_hold_the_operations_and_no_secret(&kms1);
    tamper();
    altered_line_found();
    refusals(&kms1);
    return check_summary("test_observe");
}
