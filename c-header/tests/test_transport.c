/* link: -lssl -lcrypto */
/*
 * A client over a transport the C program owns: the send callback of tls_transport.h opens a
 * mutual-TLS connection with OpenSSL to the live PyKMIP servers, writes the request and reads
 * one TTLV reply; kmipkit does the rest. Checked: negotiation and create/destroy through it,
 * failover when server 0 is unreachable (a refused TCP connect: KMIPKIT_SEND_CONNECT_FAILED),
 * a real timeout (a server that accepts and never answers: KMIPKIT_SEND_TIMEOUT), a callback
 * failure (KMIPKIT_RESULT_CALLBACK_FAILED, no failover), a failover-safe create after a reply
 * lost once the request was sent (one Create on the wire), two threads calling one client at
 * once, and the argument refusals.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "tls_transport.h"

static void create_and_destroy(kmipkit_client *client, const char *name) {
    char *uid = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, name, 256, &uid));
    CHECK(uid != NULL && uid[0] != '\0');
    if (uid != NULL)
        CHECK_OK(kmipkit_client_destroy(client, uid));
    kmipkit_string_free(uid);
}

static void over_both_servers(transport *t) {
    const char *names[] = {"kms1", "kms2"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 2, send_tls, t, 5000, 50, &client));
    if (client == NULL)
        return;
    int32_t major = 0, minor = 0;
    CHECK_OK(kmipkit_client_version(client, &major, &minor));
    CHECK((major == 1 && minor >= 0 && minor <= 4) || (major == 2 && minor >= 0 && minor <= 1));
    create_and_destroy(client, "c-test-host-transport");
    /* Everything went to the primary, which answered. */
    CHECK(atomic_load(&t->calls[0]) >= 3 && atomic_load(&t->calls[1]) == 0);
    CHECK(atomic_load(&t->last_time_left_ms) > 0 && atomic_load(&t->last_time_left_ms) <= 5000);
    kmipkit_client_free(client);
}

static void failover_when_server0_unreachable(transport *t, int kms1_port) {
    t->ports[0] = closed_port();
    t->ports[1] = kms1_port;
    atomic_store(&t->calls[0], 0);
    atomic_store(&t->calls[1], 0);
    const char *names[] = {"unreachable", "kms1"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 2, send_tls, t, 5000, 20, &client));
    if (client == NULL)
        return;
    create_and_destroy(client, "c-test-host-failover");
    CHECK(atomic_load(&t->calls[0]) >= 1); /* tried, refused ... */
    CHECK(atomic_load(&t->calls[1]) >= 3); /* ... and kms1 answered instead */
    kmipkit_client_free(client);
}

/* A server that takes the connection and never answers: the handshake read times out after
 * the time the callback was given and the callback says KMIPKIT_SEND_TIMEOUT. With no other
 * server the call ends at its deadline with every server failed, the timeout named; with
 * another server, the call fails over to it. */
static void timeout_is_reported(transport *t, int kms1_port) {
    int port = 0;
    int listener = silent_listener(&port);
    t->ports[0] = kms1_port;
    const char *names[] = {"silent"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 1, send_tls, t, 1500, 20, &client));
    if (client != NULL) {
        t->ports[0] = port; /* the server goes silent after the negotiation */
        char *uid = (char *)1;
        CHECK_RC(kmipkit_client_create_aes_key(client, "c-test-host-timeout", 256, &uid),
                 KMIPKIT_RESULT_ALL_SERVERS_FAILED);
        CHECK_MESSAGE_HAS("key server silent did not complete the response within");
        CHECK(uid == NULL);
        kmipkit_client_free(client);
    }
    /* Silent primary, healthy secondary: the create is made once, on the secondary. */
    t->ports[0] = kms1_port;
    t->ports[1] = kms1_port;
    const char *pair[] = {"silent", "kms1"};
    client = NULL;
    CHECK_OK(kmipkit_client_over_host(pair, 2, send_tls, t, 3000, 20, &client));
    if (client != NULL) {
        t->ports[0] = port;
        atomic_store(&t->calls[1], 0);
        create_and_destroy(client, "c-test-host-timeout-failover");
        CHECK(atomic_load(&t->calls[1]) >= 2);
        kmipkit_client_free(client);
    }
    t->ports[0] = port;
    /* Negotiation against the silent server: DiscoverVersions may be resent, so the call
     * tries until its deadline and names the timeouts. */
    client = (kmipkit_client *)1;
    CHECK_RC(kmipkit_client_over_host(names, 1, send_tls, t, 800, 20, &client),
             KMIPKIT_RESULT_ALL_SERVERS_FAILED);
    CHECK_MESSAGE_HAS("did not complete the response within");
    CHECK(client == NULL);
    close(listener);
}

/* A callback failure ends the call at once: no failover to the healthy second server. */
static void callback_failure(transport *t, int kms1_port) {
    t->ports[0] = kms1_port;
    t->ports[1] = kms1_port;
    const char *names[] = {"a", "b"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 2, send_tls, t, 5000, 20, &client));
    if (client == NULL)
        return;
    atomic_store(&t->calls[0], 0);
    atomic_store(&t->calls[1], 0);
    t->forced_status = KMIPKIT_SEND_FAILED;
    char *uid = NULL;
    CHECK_RC(kmipkit_client_create_aes_key(client, "c-test-host-failed", 256, &uid),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("the test told the transport to fail");
    CHECK(atomic_load(&t->calls[0]) == 1 && atomic_load(&t->calls[1]) == 0);
    /* A value that is no KMIPKIT_SEND_* counts as a failure too. */
    t->forced_status = 77;
    CHECK_RC(kmipkit_client_create_aes_key(client, "c-test-host-failed", 256, &uid),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("status 77");
    /* The flag does not leak into the next call on this thread. */
    t->forced_status = 0;
    create_and_destroy(client, "c-test-host-after-failure");
    kmipkit_client_free(client);
}

/* A Create whose reply is lost after it was sent may have made a key: kmipkit looks for it
 * on the next server (here the same PyKMIP under a second name) before creating again, so
 * exactly one Create is sent and the key found is returned. */
static void create_is_failover_safe(transport *t, int kms1_port) {
    t->ports[0] = kms1_port;
    t->ports[1] = kms1_port;
    const char *names[] = {"kms1-a", "kms1-b"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 2, send_tls, t, 5000, 20, &client));
    if (client == NULL)
        return;
    t->inspect = 1;
    atomic_store(&t->creates, 0);
    atomic_store(&t->locates, 0);
    atomic_store(&t->lose_create_reply, 1);
    create_and_destroy(client, "c-test-host-failover-safe");
    CHECK(atomic_load(&t->lose_create_reply) == 0); /* the reply was indeed lost */
    CHECK(atomic_load(&t->creates) == 1);
    CHECK(atomic_load(&t->locates) >= 1);
    t->inspect = 0;
    kmipkit_client_free(client);
}

/* Each failure status becomes the core's error of that kind: with one server the call ends
 * with every server failed, and the message names the kind the callback reported. */
static void statuses_are_mapped(transport *t, int kms1_port) {
    t->ports[0] = kms1_port;
    const char *names[] = {"only"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 1, send_tls, t, 400, 20, &client));
    if (client == NULL)
        return;
    static const struct {
        uint32_t status;
        const char *message;
    } cases[] = {
        {KMIPKIT_SEND_CONNECT_FAILED, "cannot connect to key server only"},
        {KMIPKIT_SEND_LOST_NOT_SENT, "connection to key server only was lost before the request"},
        {KMIPKIT_SEND_TIMEOUT, "key server only did not complete the response within"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t->forced_status = cases[i].status;
        CHECK_RC(kmipkit_client_destroy(client, "no-such-key"), KMIPKIT_RESULT_ALL_SERVERS_FAILED);
        CHECK_MESSAGE_HAS(cases[i].message);
    }
    t->forced_status = 0;
    kmipkit_client_free(client);
}

static void *worker(void *client) {
    int failures = 0;
    for (int i = 0; i < 3; i++) {
        char *uid = NULL;
        if (kmipkit_client_create_aes_key(client, "c-test-host-threads", 256, &uid) !=
            KMIPKIT_RESULT_OK)
            failures++;
        else if (kmipkit_client_destroy(client, uid) != KMIPKIT_RESULT_OK)
            failures++;
        kmipkit_string_free(uid);
    }
    return (void *)(intptr_t)failures;
}

static void threads_share_a_client(transport *t, int kms1_port) {
    t->ports[0] = kms1_port;
    const char *names[] = {"kms1"};
    kmipkit_client *client = NULL;
    CHECK_OK(kmipkit_client_over_host(names, 1, send_tls, t, 10000, 20, &client));
    if (client == NULL)
        return;
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&threads[i], NULL, worker, client) == 0);
    for (int i = 0; i < 2; i++) {
        void *failures = NULL;
        pthread_join(threads[i], &failures);
        CHECK(failures == NULL);
    }
    kmipkit_client_free(client);
}

static void refusals(transport *t) {
    const char *names[] = {"a", "a"};
    kmipkit_client *client = (kmipkit_client *)1;
    CHECK_RC(kmipkit_client_over_host(names, 2, send_tls, t, 0, 0, &client), KMIPKIT_RESULT_CONFIG);
    CHECK(client == NULL);
    CHECK_RC(kmipkit_client_over_host(names, 0, send_tls, t, 0, 0, &client), KMIPKIT_RESULT_CONFIG);
    CHECK_RC(kmipkit_client_over_host(names, 1, NULL, t, 0, 0, &client),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `send` is NULL");
    CHECK_RC(kmipkit_client_over_host(NULL, 1, send_tls, t, 0, 0, &client),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    const char *bad[] = {"ok", NULL};
    CHECK_RC(kmipkit_client_over_host(bad, 2, send_tls, t, 0, 0, &client),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `server_names[1]` is NULL");
    CHECK_RC(kmipkit_client_over_host(names, 1, send_tls, t, 0, 0, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_reply_write(NULL, (const uint8_t *)"x", 1), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_reply_set_reason(NULL, "x"), KMIPKIT_RESULT_NULL_ARGUMENT);
}

int main(void) {
    server_info kms1, kms2;
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER1_JSON"), &kms1));
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER2_JSON"), &kms2));
    if (check_failures != 0)
        return check_summary("test_transport");
    transport t = {.ports = {kms1.port, kms2.port, 0}, .tls = tls_context(&kms1)};
    over_both_servers(&t);
    failover_when_server0_unreachable(&t, kms1.port);
    timeout_is_reported(&t, kms1.port);
    callback_failure(&t, kms1.port);
    statuses_are_mapped(&t, kms1.port);
    create_is_failover_safe(&t, kms1.port);
    threads_share_a_client(&t, kms1.port);
    refusals(&t);
    SSL_CTX_free(t.tls);
    return check_summary("test_transport");
}
