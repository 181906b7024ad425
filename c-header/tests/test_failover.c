/*
 * Failover through the ordinary client: a dedicated PyKMIP server, started here, is the
 * primary and kms2 the secondary. A create goes to the primary; the primary is killed (by the
 * process group this test started, never the shared kms1); the next create and the version
 * still work, and the new key is found on kms2 by a client that knows only kms2.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "servers.h"

static void add_server(kmipkit_config_builder *b, const char *name, const server_info *info) {
    kmipkit_server_builder *s = NULL;
    CHECK_OK(kmipkit_server_builder_new("127.0.0.1", &s));
    CHECK_OK(kmipkit_server_builder_set_text(s, "name", name));
    CHECK_OK(kmipkit_server_builder_set_int(s, "port", info->port));
    CHECK_OK(kmipkit_server_builder_set_text(s, "ca", info->ca));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_cert", info->client_cert));
    CHECK_OK(kmipkit_server_builder_set_text(s, "client_key", info->client_key));
    CHECK_OK(kmipkit_config_builder_add_server(b, s));
    kmipkit_server_builder_free(s);
}

static kmipkit_client *connect_to(const server_info *primary, const server_info *secondary) {
    kmipkit_config_builder *b = kmipkit_config_builder_new();
    add_server(b, primary == secondary ? "kms2" : "primary", primary);
    if (primary != secondary)
        add_server(b, "kms2", secondary);
    CHECK_OK(kmipkit_config_builder_set_text(b, "key", "name", "c-tests-kek"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "timeouts", "deadline", "10s"));
    CHECK_OK(kmipkit_config_builder_set_text(b, "timeouts", "failover_delay", "50ms"));
    kmipkit_config *config = NULL;
    CHECK_OK(kmipkit_config_builder_build(b, &config));
    kmipkit_config_builder_free(b);
    kmipkit_client *client = NULL;
    if (config != NULL)
        CHECK_OK(kmipkit_client_connect(config, &client));
    kmipkit_config_free(config);
    return client;
}

/* Waits up to 10 s for every process of the group `pid` leads to be gone. */
static int gone(long pid) {
    for (int i = 0; i < 200; i++) {
        if (kill(-(pid_t)pid, 0) != 0 && errno == ESRCH)
            return 1;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return 0;
}

int main(void) {
    server_info kms2, own;
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER2_JSON"), &kms2));
    char dir[1024], json[1100], command[4096];
    snprintf(dir, sizeof dir, "%s/failover-%ld", check_env("KMIPKIT_TEST_WORK"), (long)getpid());
    snprintf(json, sizeof json, "%s.json", dir);
    snprintf(command, sizeof command,
             "conformance/pykmip/kmip-test-server start --dir '%s' --port 0 --json > '%s'", dir,
             json);
    CHECK(system(command) == 0);
    CHECK(server_read(json, &own));
    if (check_failures != 0)
        return check_summary("test_failover");

    kmipkit_client *client = connect_to(&own, &kms2);
    char *before = NULL, *after = NULL;
    if (client != NULL) {
        CHECK_OK(kmipkit_client_create_aes_key(client, "c-test-failover-before", 256, &before));
        /* kmip-test-server started this server in a session of its own, whose process group
         * is the server and the helper processes PyKMIP forks: kill the group, so that no
         * child keeps the listening socket open (and nothing is left running). */
        CHECK(kill(-(pid_t)own.pid, SIGKILL) == 0);
        CHECK(gone(own.pid));
        CHECK_OK(kmipkit_client_create_aes_key(client, "c-test-failover-after", 256, &after));
        int32_t major = 0, minor = 0;
        CHECK_OK(kmipkit_client_version(client, &major, &minor));
        CHECK(major == 1 || major == 2);
        kmipkit_client_free(client);
    }
    /* The second key was made by kms2: a client of kms2 alone can destroy it. */
    kmipkit_client *secondary = connect_to(&kms2, &kms2);
    if (secondary != NULL && after != NULL)
        CHECK_OK(kmipkit_client_destroy(secondary, after));
    kmipkit_client_free(secondary);
    kmipkit_string_free(before);
    kmipkit_string_free(after);

    snprintf(command, sizeof command,
             "conformance/pykmip/kmip-test-server stop --dir '%s' > /dev/null 2>&1", dir);
    CHECK(system(command) == 0);
    return check_summary("test_failover");
}
