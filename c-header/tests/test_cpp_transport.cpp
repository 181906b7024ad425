/* link: -lssl -lcrypto */
/*
 * The C++ wrapper's client over the caller's transport (kmipkit::client_over_host): a
 * std::function send that speaks mutual TLS to the PyKMIP servers with OpenSSL (one connection
 * per request), used for real operations; a send that reports a connect failure (failover to
 * the next server, then ALL_SERVERS_FAILED naming the reason); and a send that throws: the
 * exception comes out of the Client call that was running, as itself, without failover, and
 * the client works again afterwards.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <memory>
#include <stdexcept>

#include "cpp_support.hpp"
#include "servers.h"

struct TransportDown : std::runtime_error {
    explicit TransportDown(const std::string &what) : std::runtime_error(what) {}
};

/* Reads exactly `len` bytes; false when the connection ended or failed. */
static bool read_all(SSL *ssl, std::uint8_t *buf, std::size_t len) {
    for (std::size_t done = 0; done < len;) {
        int n = SSL_read(ssl, buf + done, static_cast<int>(len - done));
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

/* One request over a fresh mutual-TLS connection to 127.0.0.1:port; one TTLV reply back. */
static std::uint32_t send_tls(SSL_CTX *tls, int port, kmipkit::ByteView request, std::uint64_t time_left_ms,
                              kmipkit::Reply &reply) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        reply.set_reason("socket() failed");
        return KMIPKIT_SEND_CONNECT_FAILED;
    }
    timeval tv{static_cast<time_t>(time_left_ms / 1000), static_cast<suseconds_t>(time_left_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::unique_ptr<SSL, void (*)(SSL *)> ssl(SSL_new(tls), SSL_free);
    std::uint32_t status = KMIPKIT_SEND_OK;
    std::uint8_t header[8];
    std::vector<std::uint8_t> body;
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        reply.set_reason("connect() refused");
        status = KMIPKIT_SEND_CONNECT_FAILED;
    } else if (SSL_set_fd(ssl.get(), fd) != 1 ||
               X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), "127.0.0.1") != 1 ||
               SSL_connect(ssl.get()) != 1) {
        reply.set_reason("TLS handshake failed");
        status = KMIPKIT_SEND_CONNECT_FAILED;
    } else if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) !=
               static_cast<int>(request.size())) {
        reply.set_reason("writing the request failed");
        status = KMIPKIT_SEND_LOST_SENT;
    } else if (!read_all(ssl.get(), header, sizeof header)) {
        reply.set_reason("reading the reply failed");
        status = KMIPKIT_SEND_LOST_SENT;
    } else {
        /* One TTLV message: an 8-byte header whose last 4 bytes are the length of the rest. */
        body.resize((std::size_t(header[4]) << 24) | (std::size_t(header[5]) << 16) |
                    (std::size_t(header[6]) << 8) | header[7]);
        if (!read_all(ssl.get(), body.data(), body.size())) {
            reply.set_reason("reading the reply failed");
            status = KMIPKIT_SEND_LOST_SENT;
        } else {
            reply.write(kmipkit::ByteView(header, sizeof header));
            reply.write(body);
        }
    }
    ssl.reset();
    close(fd);
    ERR_clear_error();
    return status;
}

static SSL_CTX *tls_context(const server_info &info) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CHECK(ctx != nullptr);
    CHECK(SSL_CTX_load_verify_locations(ctx, info.ca, nullptr) == 1);
    CHECK(SSL_CTX_use_certificate_chain_file(ctx, info.client_cert) == 1);
    CHECK(SSL_CTX_use_PrivateKey_file(ctx, info.client_key, SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    return ctx;
}

static void over_tls(SSL_CTX *tls, int port1, int port2) {
    std::atomic<int> calls[2] = {{0}, {0}};
    std::atomic<bool> explode{false};
    kmipkit::SendFunction send = [&](std::size_t server, kmipkit::ByteView request, std::uint64_t time_left_ms,
                                     kmipkit::Reply &reply) -> std::uint32_t {
        calls[server]++;
        if (explode.load())
            throw TransportDown("the VPN dropped");
        return send_tls(tls, server == 0 ? port1 : port2, request, time_left_ms, reply);
    };
    kmipkit::Client client = kmipkit::client_over_host({"kms1", "kms2"}, send, 60000, 50);
    CHECK(calls[0] >= 1); /* the version was negotiated through it */
    CHECK(client.version().major >= 1);
    std::string uid = client.create_aes_key(unique_name("transport"));
    client.activate(uid);
    CHECK(client.get_object(uid).size() == 32);
    CHECK_THROWS(client.destroy(uid), KMIPKIT_RESULT_SERVER);

    /* A model over it keeps the transport alive after the Client object is gone. */
    kmipkit::Model1 model = kmipkit::Model1::create(client, "c-tests-kek");
    model.ensure_kek();
    {
        kmipkit::Client gone = std::move(client);
    }
    kmipkit::Bytes sealed = model.encrypt(std::string("over the host"));
    CHECK(text_of(model.decrypt(sealed)) == "over the host");

    /* The send throws: no failover (kms2 is not tried), the exception itself comes back. */
    explode = true;
    int before = calls[1];
    try {
        (void)model.encrypt(std::string("never sent"));
        check_failures++;
        fprintf(stderr, "FAIL: a throwing send did not make the call throw\n");
    } catch (const TransportDown &e) {
        CHECK(std::string(e.what()) == "the VPN dropped");
        CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_CALLBACK_FAILED);
    } catch (const std::exception &e) {
        check_failures++;
        fprintf(stderr, "FAIL: a throwing send gave %s instead of TransportDown\n", e.what());
    }
    CHECK(calls[1] == before);
    explode = false;
    CHECK(text_of(model.decrypt(sealed)) == "over the host");
}

static void failures() {
    /* Nothing answers: both servers fail to connect, the message names the reason. */
    int calls = 0;
    auto e = CHECK_THROWS(kmipkit::client_over_host(
                              {"kms1", "kms2"},
                              [&](std::size_t, kmipkit::ByteView, std::uint64_t, kmipkit::Reply &reply) {
                                  calls++;
                                  reply.set_reason("no route to the key servers");
                                  return std::uint32_t(KMIPKIT_SEND_CONNECT_FAILED);
                              },
                              2000, 10),
                          KMIPKIT_RESULT_ALL_SERVERS_FAILED);
    CHECK(e && has(e->message(), "no route to the key servers"));
    CHECK(calls >= 2);

    /* A throw while connecting: thrown out of client_over_host itself. */
    try {
        kmipkit::client_over_host({"kms1"}, [](std::size_t, kmipkit::ByteView, std::uint64_t,
                                               kmipkit::Reply &) -> std::uint32_t { throw std::logic_error("bug"); });
        check_failures++;
        fprintf(stderr, "FAIL: client_over_host did not rethrow\n");
    } catch (const std::logic_error &error) {
        CHECK(std::string(error.what()) == "bug");
    }
    kmipkit::SendFunction unused = [](std::size_t, kmipkit::ByteView, std::uint64_t, kmipkit::Reply &) {
        return std::uint32_t(KMIPKIT_SEND_FAILED);
    };
    CHECK_THROWS(kmipkit::client_over_host({"same", "same"}, unused), KMIPKIT_RESULT_CONFIG);
    CHECK_THROWS(kmipkit::client_over_host({}, unused), KMIPKIT_RESULT_CONFIG);
    auto empty = CHECK_THROWS(kmipkit::client_over_host({"kms1"}, nullptr), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(empty && has(empty->message(), "`send`"));
}

int main() {
    server_info kms1, kms2;
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER1_JSON"), &kms1));
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER2_JSON"), &kms2));
    SSL_CTX *tls = tls_context(kms1);
    run_part("over TLS", [&] { over_tls(tls, kms1.port, kms2.port); });
    run_part("failures", failures);
    SSL_CTX_free(tls);
    return check_summary("test_cpp_transport");
}
