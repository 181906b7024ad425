/*
 * tls_transport.h: the transport test_transport.c gives kmipkit — what a C program that owns
 * its sockets writes. The send callback opens a mutual-TLS connection with OpenSSL to
 * 127.0.0.1:port of the server asked for, writes the request, reads one TTLV reply (8-byte
 * header, then the length it gives) within the time left, and maps each failure to its
 * KMIPKIT_SEND_* status. One connection per request keeps it short; a real program would pool.
 */
#ifndef KMIPKIT_TEST_TLS_TRANSPORT_H
#define KMIPKIT_TEST_TLS_TRANSPORT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "servers.h"

#define MAX_SERVERS 3

/* The callback's user_data: where each server listens, the TLS set-up, and counters. Read by
 * every thread that calls the client; the counters are atomic, the rest is not changed while
 * a call runs. */
typedef struct {
    int ports[MAX_SERVERS];
    SSL_CTX *tls;
    atomic_int calls[MAX_SERVERS];
    atomic_ullong last_time_left_ms;
    uint32_t forced_status; /* non-zero: returned without any I/O */
    int inspect;            /* count the operations sent, read with kmipkit's own codec */
    atomic_int creates, locates;
    atomic_int lose_create_reply; /* 1: the next Create's reply is "lost" after it was sent */
} transport;

/* Counts the request's Create and Locate operations; returns 1 for a Create. */
static int inspect_request(transport *t, const uint8_t *request, size_t len) {
    kmipkit_codec *codec = kmipkit_codec_new();
    char *tree = NULL;
    int create = 0;
    if (kmipkit_codec_dump(codec, request, len, &tree) == KMIPKIT_RESULT_OK) {
        create = strstr(tree, "Operation (Enumeration) = Create (") != NULL;
        if (create)
            atomic_fetch_add(&t->creates, 1);
        if (strstr(tree, "Operation (Enumeration) = Locate (") != NULL)
            atomic_fetch_add(&t->locates, 1);
    }
    kmipkit_string_free(tree);
    kmipkit_codec_free(codec);
    return create;
}

static int read_all(SSL *ssl, unsigned char *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        int n = SSL_read(ssl, buf + done, (int)(len - done));
        if (n <= 0)
            return 0;
        done += (size_t)n;
    }
    return 1;
}

/* Whether the last socket operation failed because SO_RCVTIMEO/SO_SNDTIMEO expired. */
static int timed_out(int saved_errno) {
    return saved_errno == EAGAIN || saved_errno == EWOULDBLOCK;
}

static uint32_t send_tls(void *user_data, size_t server, const uint8_t *request,
                         size_t request_len, uint64_t time_left_ms, kmipkit_reply *reply) {
    transport *t = user_data;
    if (server >= MAX_SERVERS || t->ports[server] == 0) {
        kmipkit_reply_set_reason(reply, "no such server in this transport");
        return KMIPKIT_SEND_FAILED;
    }
    atomic_fetch_add(&t->calls[server], 1);
    atomic_store(&t->last_time_left_ms, time_left_ms);
    if (t->forced_status != 0) {
        kmipkit_reply_set_reason(reply, "the test told the transport to fail");
        return t->forced_status;
    }

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        kmipkit_reply_set_reason(reply, "socket() failed");
        return KMIPKIT_SEND_CONNECT_FAILED;
    }
    struct timeval tv = {.tv_sec = (time_t)(time_left_ms / 1000),
                         .tv_usec = (suseconds_t)(time_left_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)t->ports[server])};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        kmipkit_reply_set_reason(reply, strerror(errno));
        close(fd);
        return KMIPKIT_SEND_CONNECT_FAILED;
    }

    uint32_t status = KMIPKIT_SEND_OK;
    unsigned char *body = NULL;
    SSL *ssl = SSL_new(t->tls);
    SSL_set_fd(ssl, fd);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
    errno = 0;
    if (SSL_connect(ssl) != 1) {
        int saved = errno;
        kmipkit_reply_set_reason(reply, timed_out(saved) ? "TLS handshake timed out"
                                                         : "TLS handshake failed");
        status = timed_out(saved) ? KMIPKIT_SEND_TIMEOUT : KMIPKIT_SEND_CONNECT_FAILED;
        goto done;
    }
    if (SSL_write(ssl, request, (int)request_len) != (int)request_len) {
        kmipkit_reply_set_reason(reply, "writing the request failed");
        status = KMIPKIT_SEND_LOST_SENT;
        goto done;
    }
    /* One TTLV message: an 8-byte header whose last 4 bytes are the length of the rest. */
    unsigned char header[8];
    errno = 0;
    if (!read_all(ssl, header, sizeof header)) {
        int saved = errno;
        kmipkit_reply_set_reason(reply, "reading the reply failed");
        status = timed_out(saved) ? KMIPKIT_SEND_TIMEOUT : KMIPKIT_SEND_LOST_SENT;
        goto done;
    }
    size_t body_len = ((size_t)header[4] << 24) | ((size_t)header[5] << 16) |
                      ((size_t)header[6] << 8) | header[7];
    body = malloc(body_len + 1);
    if (body == NULL || !read_all(ssl, body, body_len)) {
        kmipkit_reply_set_reason(reply, "reading the reply failed");
        status = KMIPKIT_SEND_LOST_SENT;
        goto done;
    }
    /* The server made the key, but the connection "breaks" before the reply is read. */
    if (t->inspect && inspect_request(t, request, request_len) &&
        atomic_exchange(&t->lose_create_reply, 0)) {
        kmipkit_reply_set_reason(reply, "connection reset while reading the reply");
        status = KMIPKIT_SEND_LOST_SENT;
        goto done;
    }
    kmipkit_reply_write(reply, header, sizeof header);
    kmipkit_reply_write(reply, body, body_len);
done:
    free(body);
    SSL_free(ssl);
    close(fd);
    ERR_clear_error();
    return status;
}

static SSL_CTX *tls_context(const server_info *info) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CHECK(ctx != NULL);
    CHECK(SSL_CTX_load_verify_locations(ctx, info->ca, NULL) == 1);
    CHECK(SSL_CTX_use_certificate_chain_file(ctx, info->client_cert) == 1);
    CHECK(SSL_CTX_use_PrivateKey_file(ctx, info->client_key, SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* A loopback port nothing listens on (bound, then closed): a connect to it is refused. */
static int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    close(fd);
    return ntohs(addr.sin_port);
}

/* A listening socket that never accepts: connects complete, no byte ever comes back. */
static int silent_listener(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    listen(fd, 16);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    *port = ntohs(addr.sin_port);
    return fd;
}

#endif
