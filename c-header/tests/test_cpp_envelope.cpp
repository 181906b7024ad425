/*
 * The C++ wrapper's envelope encryption against live PyKMIP, in memory: Context, KeyCache,
 * Model1 (over a KEK name and from the configuration), Model2 with key versions, and the
 * format under the caller's own key. Every refusal is thrown with its exact code: another
 * context, another KEK, another identifier and altered bytes are KMIPKIT_RESULT_INTEGRITY.
 */
#include "cpp_support.hpp"

static void contexts() {
    kmipkit::Context ctx{{"table", "orders"}, {"row", "7"}};
    CHECK(ctx.size() == 2);
    CHECK_THROWS(ctx.add("table", "again"), KMIPKIT_RESULT_ENCODE);
    CHECK_THROWS(ctx.add("a=b", "c"), KMIPKIT_RESULT_ENCODE);
    CHECK_THROWS(ctx.add("", "c"), KMIPKIT_RESULT_ENCODE);
    CHECK(ctx.size() == 2);
    kmipkit::Context empty;
    CHECK(empty.size() == 0);
}

static void model1(const kmipkit::Client &client, const kmipkit::Config &config) {
    kmipkit::KeyCache cache;
    kmipkit::Model1 m = kmipkit::Model1::create(client, "c-tests-kek", 0, &cache, "encrypt");
    kmipkit::KeyVersion kek = m.ensure_kek();
    CHECK(kek.version >= 1 && !kek.uid.empty());
    CHECK(m.kek_version() == kek.version);
    CHECK(m.kek_method() == "encrypt");

    const kmipkit::Context ctx{{"table", "orders"}, {"row", "7"}};
    const kmipkit::Context reordered{{"row", "7"}, {"table", "orders"}};
    const kmipkit::Context other{{"table", "orders"}, {"row", "8"}};
    kmipkit::Bytes sealed = m.encrypt(std::string("hello, world"), &ctx);
    CHECK(sealed.size() > 12);
    CHECK(text_of(m.decrypt(sealed, &reordered)) == "hello, world");
    CHECK_THROWS(m.decrypt(sealed, &other), KMIPKIT_RESULT_INTEGRITY);
    CHECK_THROWS(m.decrypt(sealed), KMIPKIT_RESULT_INTEGRITY);
    std::vector<std::uint8_t> tampered = sealed.to_vector();
    tampered.back() ^= 1;
    CHECK_THROWS(m.decrypt(tampered, &ctx), KMIPKIT_RESULT_INTEGRITY);
    /* Another KEK name does not open it: the caller chooses the key, not the ciphertext. */
    kmipkit::Model1 other_kek = kmipkit::Model1::create(client, "c-tests-other-kek", 1);
    CHECK_THROWS(other_kek.decrypt(sealed, &ctx), KMIPKIT_RESULT_INTEGRITY);
    CHECK_THROWS(kmipkit::Model1::create(client, "c-tests-kek", 0, nullptr, "rot13"), KMIPKIT_RESULT_CONFIG);

    /* The cache served the decryptions after the first. */
    CHECK(text_of(m.decrypt(sealed, &ctx)) == "hello, world");
    kmipkit_key_cache_stats stats = cache.stats();
    CHECK(stats.hits >= 1 && stats.fetches >= 1 && cache.size() >= 1 && stats.entries == cache.size());
    cache.purge();
    CHECK(cache.size() == 0);
    CHECK(!cache.evict("no-such-key"));
    CHECK_THROWS(cache.evict(std::string("a\0b", 3)), KMIPKIT_RESULT_INVALID_ARGUMENT);

    /* From the configuration's [key] table: the same KEK, so it opens the same ciphertexts. */
    kmipkit::Model1 configured = kmipkit::Model1::from_config(client, config);
    CHECK(text_of(configured.decrypt(sealed, &ctx)) == "hello, world");
    kmipkit::Config keyless = kmipkit::Config::from_toml(
        "[primary]\nhost = \"127.0.0.1\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\n");
    CHECK_THROWS(kmipkit::Model1::from_config(client, keyless), KMIPKIT_RESULT_CONFIG);
}

static void model2(const kmipkit::Client &client) {
    kmipkit::KeyCache cache(60000, 100, 4096);
    kmipkit::Model2 m(client, "cpp-tests:", &cache);
    const std::string id = unique_name("user"), other_id = id + "-other";
    kmipkit::Bytes sealed = m.encrypt(id, std::string("per-user secret"));
    kmipkit::KeyVersion current = m.key_for(id);
    CHECK(current.version == 1 && !current.uid.empty());
    CHECK(text_of(m.decrypt(id, sealed)) == "per-user secret");
    auto wrong = CHECK_THROWS(m.decrypt(other_id, sealed), KMIPKIT_RESULT_INTEGRITY);
    CHECK(wrong && !has(wrong->message(), "per-user secret")); /* no plaintext in errors */

    /* A second version: Pre-Active until promoted; the old one still decrypts. */
    kmipkit::KeyVersion v2 = m.add_version(id);
    CHECK(v2.version == 2 && v2.uid != current.uid);
    CHECK(m.key_for(id).version == 1);
    m.promote(id, 2);
    m.forget(id);
    CHECK(m.key_for(id).version == 2);
    CHECK(text_of(m.decrypt(id, sealed)) == "per-user secret");
    std::string versions = m.versions_json(id);
    CHECK(has(versions, "\"version\":1") && has(versions, "\"version\":2"));
    CHECK(m.versions_json("never-used") == "[]");
    m.deactivate(id, 1);
    CHECK(has(m.versions_json(id), "\"state\":\"Deactivated\""));
    auto last = CHECK_THROWS(m.deactivate(id, 2), KMIPKIT_RESULT_PROTOCOL);
    CHECK(last && has(last->message(), "promote a new version first"));
}

static void with_key() {
    const std::vector<std::uint8_t> key(32, 0x42), short_key(16, 0x42);
    const kmipkit::Context ctx{{"file", "a.txt"}};
    kmipkit::Bytes sealed = kmipkit::seal_with_key(key, std::string("local"), &ctx, "local-key", 3, "uid-9");
    CHECK(text_of(kmipkit::open_with_key(key, sealed, &ctx)) == "local");
    kmipkit::EnvelopeHeader header = kmipkit::envelope_header(sealed);
    CHECK(header.model == 2 && header.key_name == "local-key" && header.key_version == 3);
    CHECK_THROWS(kmipkit::envelope_header(std::string("not a ciphertext")), KMIPKIT_RESULT_FORMAT);
    kmipkit::Context raw = kmipkit::Context::from_bytes(std::string("row-7"));
    kmipkit::Bytes raw_sealed = kmipkit::seal_with_key(key, std::string("raw"), &raw);
    CHECK(text_of(kmipkit::open_with_key(key, raw_sealed, &raw)) == "raw");
    CHECK_THROWS(kmipkit::open_with_key(key, raw_sealed, &ctx), KMIPKIT_RESULT_INTEGRITY);
    CHECK_THROWS(raw.add("k", "v"), KMIPKIT_RESULT_WRONG_STATE);
    CHECK_THROWS(kmipkit::open_with_key(key, sealed), KMIPKIT_RESULT_INTEGRITY);
    std::vector<std::uint8_t> other_key(32, 0x43);
    CHECK_THROWS(kmipkit::open_with_key(other_key, sealed, &ctx), KMIPKIT_RESULT_INTEGRITY);
    CHECK_THROWS(kmipkit::seal_with_key(short_key, std::string("x")), KMIPKIT_RESULT_INVALID_ARGUMENT);
}

int main() {
    run_part("contexts", contexts);
    run_part("models", [] {
        kmipkit::Config config = kmipkit::Config::load(check_env("KMIPKIT_TEST_CONFIG"));
        kmipkit::Client client = kmipkit::Client::connect(config);
        model1(client, config);
        model2(client);
    });
    run_part("with_key", with_key);
    return check_summary("test_cpp_envelope");
}
