/*
 * The C++ wrapper's callbacks against live PyKMIP: Model 1 and Model 2 streams through
 * std::istream/std::ostream and through std::function, bulk rotation (Model 1 re-wrap, Model 2
 * re-encryption) with std::function sinks and progress. A callback that throws never unwinds
 * through C: the very exception it threw comes out of the wrapper call, and the C side saw
 * KMIPKIT_RESULT_CALLBACK_FAILED (the thread's last error). A failing stream object throws
 * CALLBACK_FAILED too.
 */
#include <sstream>
#include <stdexcept>

#include "cpp_support.hpp"

/* What a callback throws: not a kmipkit::Error, so it can only be the callback's own. */
struct CallbackBoom : std::runtime_error {
    explicit CallbackBoom(const std::string &what) : std::runtime_error(what) {}
};

/* `call` throws CallbackBoom with `what`, and the C call ended with CALLBACK_FAILED. */
template <class F> static void check_boom(F &&call, const char *what, int line) {
    try {
        call();
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: no exception; expected CallbackBoom(%s)\n", __FILE__, line, what);
    } catch (const CallbackBoom &e) {
        CHECK(std::string(e.what()) == what);
        CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_CALLBACK_FAILED);
    } catch (const std::exception &e) {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: threw %s; expected CallbackBoom(%s)\n", __FILE__, line, e.what(), what);
    }
}
#define CHECK_BOOM(call, what) check_boom([&] { (void)(call); }, (what), __LINE__)

static std::string big_text() {
    std::string text;
    for (int i = 0; text.size() < 200000; i++)
        text += "line " + std::to_string(i) + "\n";
    return text;
}

static void model1_streams(const kmipkit::Client &client) {
    kmipkit::Model1 m = kmipkit::Model1::create(client, "c-tests-kek");
    m.ensure_kek();
    const kmipkit::Context ctx{{"purpose", "stream"}};
    const std::string plain = big_text();

    std::istringstream in(plain);
    std::ostringstream sealed;
    CHECK(m.encrypt_stream(in, sealed, &ctx) == plain.size());
    std::istringstream sealed_in(sealed.str());
    std::ostringstream opened;
    CHECK(m.decrypt_stream(sealed_in, opened, &ctx) == plain.size());
    CHECK(opened.str() == plain);

    /* std::function both ways, small reads. */
    std::size_t at = 0, writes = 0;
    std::string out;
    kmipkit::ReadFunction read = [&](std::uint8_t *buf, std::size_t len) {
        std::size_t n = std::min<std::size_t>({len, 1000, plain.size() - at});
        plain.copy(reinterpret_cast<char *>(buf), n, at);
        at += n;
        return n;
    };
    kmipkit::WriteFunction write = [&](const std::uint8_t *buf, std::size_t len) {
        writes++;
        out.append(reinterpret_cast<const char *>(buf), len);
    };
    CHECK(m.encrypt_stream(read, write, &ctx) == plain.size());
    CHECK(writes >= 1 && out.size() > plain.size());
    std::istringstream wrong_in(out);
    std::ostringstream discarded;
    CHECK_THROWS(m.decrypt_stream(wrong_in, discarded), KMIPKIT_RESULT_INTEGRITY);

    /* Callbacks that throw: the exception itself comes back, after the C call returned. */
    kmipkit::ReadFunction bad_read = [](std::uint8_t *, std::size_t) -> std::size_t {
        throw CallbackBoom("the disk is on fire");
    };
    std::ostringstream unused;
    CHECK_BOOM(m.encrypt_stream(bad_read, kmipkit::write_to(unused)), "the disk is on fire");
    std::istringstream again(plain);
    int calls = 0;
    kmipkit::WriteFunction bad_write = [&](const std::uint8_t *, std::size_t) {
        if (++calls == 2)
            throw CallbackBoom("the network is down");
    };
    CHECK_BOOM(m.encrypt_stream(kmipkit::read_from(again), bad_write), "the network is down");
    CHECK(calls == 2); /* stopped at the throw */
    kmipkit::ReadFunction liar = [](std::uint8_t *, std::size_t len) { return len + 1; };
    auto lie = CHECK_THROWS(m.encrypt_stream(liar, kmipkit::write_to(unused)), KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK(lie && has(lie->message(), "more bytes than asked for"));

    /* A failed output stream: CALLBACK_FAILED, saying which. */
    std::istringstream source(plain);
    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    auto bad_stream = CHECK_THROWS(m.encrypt_stream(source, broken), KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK(bad_stream && has(bad_stream->message(), "std::ostream"));

    kmipkit::clear_last_error();
    CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_OK);
    /* After a callback threw, the next call works and throws nothing stale. */
    std::istringstream small("x");
    std::ostringstream small_out;
    CHECK(m.encrypt_stream(small, small_out) == 1);
}

static void model2_streams(const kmipkit::Client &client) {
    kmipkit::Model2 m(client, "cpp-tests-stream:");
    const std::string id = unique_name("doc");
    std::istringstream in("a document");
    std::ostringstream sealed;
    CHECK(m.encrypt_stream(id, in, sealed) == 10);
    std::istringstream sealed_in(sealed.str());
    std::ostringstream opened;
    CHECK(m.decrypt_stream(id, sealed_in, opened) == 10);
    CHECK(opened.str() == "a document");
    std::istringstream other_in(sealed.str());
    std::ostringstream other_out;
    CHECK_THROWS(m.decrypt_stream(id + "-other", other_in, other_out), KMIPKIT_RESULT_INTEGRITY);
    std::istringstream boom_in(sealed.str());
    CHECK_BOOM(m.decrypt_stream(id, kmipkit::read_from(boom_in),
                                [](const std::uint8_t *, std::size_t) { throw CallbackBoom("no room"); }),
               "no room");
}

static void model1_rotation(const kmipkit::Client &client) {
    const std::string kek = unique_name("rotate");
    kmipkit::Model1 v1 = kmipkit::Model1::create(client, kek, 1, nullptr, "encrypt");
    CHECK(v1.ensure_kek().version == 1);
    std::vector<kmipkit::Bytes> cts;
    for (int i = 0; i < 3; i++)
        cts.push_back(v1.encrypt(std::string("record ") + std::to_string(i)));
    const std::vector<kmipkit::ByteView> items(cts.begin(), cts.end());
    kmipkit::Model1 v2 = kmipkit::Model1::create(client, kek, 2, nullptr, "encrypt");
    CHECK(v2.ensure_kek().version == 2);

    kmipkit::Model1Rotation rotation(v2);
    CHECK(!rotation.is_current(items[0]));
    std::vector<std::vector<std::uint8_t>> stored(3);
    std::vector<std::size_t> seen;
    kmipkit::RotationSink sink = [&](std::size_t index, kmipkit::ByteView ct) {
        stored.at(index).assign(ct.data(), ct.data() + ct.size());
    };
    kmipkit_rotation_progress report = rotation.rewrap_all(
        items, sink, [&](const kmipkit_rotation_progress &p) { seen.push_back(p.processed); });
    CHECK(report.processed == 3 && report.rotated == 3 && report.already_current == 0);
    CHECK(seen == (std::vector<std::size_t>{1, 2, 3}));
    for (int i = 0; i < 3; i++) {
        CHECK(text_of(v2.decrypt(stored[i])) == "record " + std::to_string(i));
        CHECK(rotation.is_current(stored[i]));
    }
    CHECK(rotation.rewrap(items[2]).size() == stored[2].size());
    CHECK_THROWS(rotation.rewrap(std::string("junk")), KMIPKIT_RESULT_FORMAT);

    /* A sink that throws stops the run at that item; a progress that throws stops it before
     * the next item (it cannot stop it itself: the next sink call does). */
    CHECK_BOOM(rotation.rewrap_all(items,
                                   [](std::size_t index, kmipkit::ByteView) {
                                       if (index == 1)
                                           throw CallbackBoom("sink full");
                                   }),
               "sink full");
    std::size_t sunk = 0;
    CHECK_BOOM(rotation.rewrap_all(
                   items, [&](std::size_t, kmipkit::ByteView) { sunk++; },
                   [](const kmipkit_rotation_progress &) { throw CallbackBoom("progress bar broke"); }),
               "progress bar broke");
    CHECK(sunk == 1);
}

static void model2_rotation(const kmipkit::Client &client) {
    kmipkit::Model2 m(client, "cpp-tests-rotate:");
    const std::string id = unique_name("tenant");
    const kmipkit::Context c0{{"row", "0"}}, c1{{"row", "1"}};
    std::vector<kmipkit::Bytes> cts;
    cts.push_back(m.encrypt(id, std::string("secret"), &c0));
    cts.push_back(m.encrypt(id, std::string("secret"), &c1));
    const std::vector<kmipkit::ByteView> items(cts.begin(), cts.end());
    m.promote(id, m.add_version(id).version);
    std::vector<std::vector<std::uint8_t>> stored(2);
    kmipkit::RotationSink sink = [&](std::size_t index, kmipkit::ByteView ct) {
        stored.at(index).assign(ct.data(), ct.data() + ct.size());
    };
    CHECK_THROWS(kmipkit::reencrypt_all(m, id, items, {&c0, &c0}, sink), KMIPKIT_RESULT_INTEGRITY);
    CHECK_THROWS(kmipkit::reencrypt_all(m, id, items, {&c0}, sink), KMIPKIT_RESULT_INVALID_ARGUMENT);
    kmipkit_rotation_progress report = kmipkit::reencrypt_all(m, id, items, {&c0, &c1}, sink);
    CHECK(report.processed == 2 && report.rotated + report.already_current == 2);
    CHECK(text_of(m.decrypt(id, stored[1], &c1)) == "secret");
    CHECK_BOOM(kmipkit::reencrypt_all(m, id, items, {&c0, &c1},
                                      [](std::size_t, kmipkit::ByteView) { throw CallbackBoom("nope"); }),
               "nope");
}

int main() {
    run_part("callbacks", [] {
        kmipkit::Client client = kmipkit::Client::connect(kmipkit::Config::load(check_env("KMIPKIT_TEST_CONFIG")));
        model1_streams(client);
        model2_streams(client);
        model1_rotation(client);
        model2_rotation(client);
    });
    return check_summary("test_cpp_streaming");
}
