/*
 * The C++ wrapper (kmipkit.hpp) against live PyKMIP servers: configuration three ways, the
 * client's calls, failures thrown as kmipkit::Error with the exact result code, KMIP reason and
 * explanation, and ownership (moves leave nothing behind to free twice; valgrind checks leaks).
 */
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "kmipkit.hpp"

/* The kmipkit::Error that `call` throws, or nothing when it returns. */
template <class F> static std::optional<kmipkit::Error> error_of(F &&call) {
    try {
        call();
    } catch (const kmipkit::Error &e) {
        return e;
    }
    return std::nullopt;
}

/* `call` must throw a kmipkit::Error with result `expected`; a failure prints what came instead. */
#define CHECK_THROWS(call, expected) check_throws(error_of([&] { (void)(call); }), (expected), #call, __LINE__)

static std::optional<kmipkit::Error> check_throws(std::optional<kmipkit::Error> error,
                                                  kmipkit_result expected, const char *call, int line) {
    if (error && error->code() == expected) {
        check_passes++;
    } else {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s\n    threw %s, expected %s\n", __FILE__, line, call,
                error ? error->what() : "nothing", kmipkit_result_name(expected));
    }
    return error;
}

static bool has(const std::string &text, const char *needle) { return text.find(needle) != std::string::npos; }

static std::string read_file(const char *path) {
    std::string text;
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    fclose(f);
    return text;
}

static void errors_carry_code_name_and_message() {
    auto e = CHECK_THROWS(kmipkit::Config::load("/nonexistent/kmipkit.toml"), KMIPKIT_RESULT_CONFIG);
    if (!e)
        return;
    CHECK(std::string(e->name()) == kmipkit_result_name(KMIPKIT_RESULT_CONFIG));
    CHECK(has(e->message(), "/nonexistent/kmipkit.toml"));
    CHECK(std::string(e->what()) == std::string(e->name()) + ": " + e->message());
    CHECK(e->reason() == 0);
    CHECK(e->explanation().empty());
    /* A kmipkit::Error is a std::exception. */
    const std::exception &base = *e;
    CHECK(has(base.what(), "/nonexistent/kmipkit.toml"));

    /* C text ends at a NUL: the wrapper refuses such a string instead of cutting it short. */
    auto nul = CHECK_THROWS(kmipkit::Config::load(std::string("kmipkit.toml\0.bak", 17)),
                            KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(nul && has(nul->message(), "argument `path` contains a NUL byte"));
    auto utf8 = CHECK_THROWS(kmipkit::Config::load("\xff\xfe.toml"), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK(utf8 && has(utf8->message(), "not valid UTF-8"));
}

static void configuration(const char *path, const char *dir) {
    kmipkit::Config config = kmipkit::Config::load(path);
    CHECK(config.server_count() == 2);
    CHECK(config.server_name(0) == "kms1");
    CHECK(config.server_name(1) == "kms2");
    auto past = CHECK_THROWS(config.server_name(2), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(past && has(past->message(), "past the last server"));

    kmipkit::Config from_text = kmipkit::Config::from_toml(read_file(path));
    CHECK(from_text.server_count() == 2);
    CHECK_THROWS(kmipkit::Config::from_toml("[primary]\nport = \"not a number\"\n"), KMIPKIT_RESULT_CONFIG);

    kmipkit::ConfigBuilder builder;
    builder.add_server(kmipkit::ServerBuilder("127.0.0.1")
                           .set_int("port", 5696)
                           .set_text("name", "built")
                           .set_text("ca", "pki/ca.crt")
                           .set_text("client_cert", "pki/client.crt")
                           .set_text("client_key", "pki/client.key"))
        .set_base_dir(dir)
        .set_text("key", "name", "cpp-test-key")
        .set_text("timeouts", "deadline", "5s")
        .set_float("timeouts", "connect", 1.5)
        .set_bool("cluster", "create_when_primary_down", false);
    kmipkit::Config built = builder.build();
    CHECK(built.server_count() == 1);
    CHECK(built.server_name(0) == "built");
    /* The builder stays usable; an unknown setting is refused when built, naming it. */
    builder.set_int("pool", "no_such_setting", 1);
    auto unknown = CHECK_THROWS(builder.build(), KMIPKIT_RESULT_CONFIG);
    CHECK(unknown && has(unknown->message(), "no_such_setting"));

    /* Moving hands the handle over: the moved-from object holds nothing to free twice. */
    kmipkit::Config moved = std::move(built);
    CHECK(moved.server_count() == 1);
    CHECK(built.get() == nullptr); // NOLINT(bugprone-use-after-move): checked on purpose
    CHECK(built.server_count() == 0);
    CHECK_THROWS(built.server_name(0), KMIPKIT_RESULT_NULL_ARGUMENT);
}

static void client_calls(kmipkit::Client &client) {
    kmipkit::Client::Version v = client.version();
    CHECK((v.major == 1 && v.minor >= 0 && v.minor <= 4) || (v.major == 2 && v.minor <= 1));

    std::string uid = client.create_aes_key("cpp-test-lifecycle");
    CHECK(!uid.empty());
    client.activate(uid);
    /* An active key cannot be destroyed: a server refusal with its KMIP Result Reason. */
    auto active = CHECK_THROWS(client.destroy(uid), KMIPKIT_RESULT_SERVER);
    CHECK(active && active->reason() != 0);

    std::string pre_active = client.create_aes_key("cpp-test-pre-active", 128);
    client.destroy(pre_active);
    auto gone = CHECK_THROWS(client.destroy(pre_active), KMIPKIT_RESULT_SERVER);
    CHECK(gone && gone->reason() == 0x01); /* Item Not Found */

    /* PyKMIP 0.11 has no RNG Retrieve: the profile's explanation comes with the error. */
    auto rng = CHECK_THROWS(client.rng_retrieve(32), KMIPKIT_RESULT_SERVER);
    CHECK(rng && has(rng->explanation(), "does not implement RNGRetrieve"));

    CHECK_THROWS(client.activate(std::string("a\0b", 3)), KMIPKIT_RESULT_INVALID_ARGUMENT);
}

static void ownership(kmipkit::Client client) {
    kmipkit::Client other = std::move(client);
    CHECK(client.get() == nullptr); // NOLINT(bugprone-use-after-move): checked on purpose
    CHECK(other.get() != nullptr);
    /* A call on a moved-from client is the C API's NULL refusal, thrown. */
    auto null = CHECK_THROWS(client.create_aes_key("x"), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK(null && has(null->message(), "argument `client` is NULL"));

    kmipkit::Bytes empty;
    CHECK(empty.size() == 0 && empty.empty() && empty.begin() == empty.end());
    CHECK(empty.to_vector().empty());

    /* A ByteView borrows a pointer and a size, a vector or a Bytes, without copying. */
    std::vector<std::uint8_t> vec{1, 2, 3};
    kmipkit::ByteView from_vector = vec, from_pointer{vec.data() + 1, 2}, from_bytes = empty;
    CHECK(from_vector.data() == vec.data() && from_vector.size() == 3);
    CHECK(from_pointer.data()[0] == 2 && from_pointer.size() == 2);
    CHECK(from_bytes.size() == 0);

    /* release() hands the C handle back to the caller, who frees it. */
    kmipkit_client *raw = other.release();
    CHECK(raw != nullptr && other.get() == nullptr);
    kmipkit::Client again(raw);
    CHECK(again.version().major >= 1);
}

int main() {
    const char *path = check_env("KMIPKIT_TEST_CONFIG");
    const char *dir = check_env("KMIPKIT_TEST_SERVER_DIR");
    errors_carry_code_name_and_message();
    try {
        configuration(path, dir);
        kmipkit::Config config = kmipkit::Config::load(path);
        kmipkit::Client client = kmipkit::Client::connect(config);
        client_calls(client);
        ownership(std::move(client));
    } catch (const kmipkit::Error &e) {
        check_failures++;
        fprintf(stderr, "FAIL: unexpected kmipkit::Error %s (reason %u)\n", e.what(), e.reason());
    }
    /* A moved-from configuration is a NULL one: connecting with it throws, and leaks nothing. */
    kmipkit::Config config = kmipkit::Config::load(path);
    kmipkit::Config taken = std::move(config);
    CHECK_THROWS(kmipkit::Client::connect(config), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_config_server_name(taken.get(), 5, nullptr), KMIPKIT_RESULT_NULL_ARGUMENT);
    return check_summary("test_cpp");
}
