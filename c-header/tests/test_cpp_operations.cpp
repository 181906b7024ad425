/*
 * The C++ wrapper's Client operations against live PyKMIP: objects (Create, Register, Get,
 * Get wrapped, Locate, Derive Key, Create Key Pair), life cycle, attributes (Attributes read
 * back, Set, Modify, Delete), the server's cryptography (CryptoParams, Encrypt/Decrypt with the
 * known AES-GCM answer, Sign/Verify, MAC), Query, Discover Versions; every operation PyKMIP
 * 0.11 lacks throws KMIPKIT_RESULT_SERVER with the profile's explanation; refusals before
 * sending throw their exact code.
 */
#include "cpp_support.hpp"

static kmipkit::Client connect() {
    return kmipkit::Client::connect(kmipkit::Config::load(check_env("KMIPKIT_TEST_CONFIG")));
}

/* PyKMIP 0.11 does not implement `op`: a server refusal, explained. */
#define CHECK_PYKMIP_LACKS(call, op)                                                              \
    do {                                                                                          \
        auto lacks_ = CHECK_THROWS(call, KMIPKIT_RESULT_SERVER);                                  \
        CHECK(lacks_ && has(lacks_->explanation(), "PyKMIP 0.11.0 does not implement " op " ")); \
    } while (0)

static void objects(const kmipkit::Client &client) {
    const std::string name = unique_name("objects");
    kmipkit::Attributes attrs;
    attrs.add_enum("Cryptographic Algorithm", "AES")
        .add_int("CryptographicLength", 256)
        .add_json("Cryptographic Usage Mask", "[\"Encrypt\",\"Decrypt\"]")
        .add_text("Name", name);
    CHECK(attrs.size() == 4);
    kmipkit::Attributes::Entry first = attrs.at(0);
    CHECK(first.name == "CryptographicAlgorithm" && first.value_json == "\"AES\"");
    CHECK_THROWS(attrs.at(4), KMIPKIT_RESULT_INVALID_ARGUMENT);

    std::string uid = client.create("SymmetricKey", &attrs);
    CHECK(client.locate_by_name(name) == std::vector<std::string>{uid});
    kmipkit::Attributes query;
    query.add_text("Name", name).add_enum("Object Type", "SymmetricKey");
    CHECK(client.locate(&query) == std::vector<std::string>{uid});
    CHECK(client.get_object(uid).size() == 32);

    kmipkit::Attributes all = client.get_attributes(uid);
    CHECK(all.find("CryptographicAlgorithm") == "\"AES\"");
    CHECK(all.find("CryptographicLength") == "256");
    CHECK(all.find("CryptographicUsageMask") == "[\"Encrypt\",\"Decrypt\"]");
    CHECK(client.get_attributes(uid, {"State"}).find("State") == "\"PreActive\"");
    std::vector<std::string> names = client.get_attribute_list(uid);
    CHECK(names.size() >= 4);

    client.activate(uid);
    client.revoke(uid, "CessationOfOperation", "rotated");
    CHECK(client.get_attributes(uid, {"State"}).find("State") == "\"Deactivated\"");
    client.destroy(uid);
    CHECK_THROWS(client.get_object(uid), KMIPKIT_RESULT_SERVER);

    /* Register, then Get wrapped under a registered KEK. */
    std::vector<std::uint8_t> kek_bytes(32, 0x11), key_bytes(32, 0x22);
    kmipkit::Attributes kek_attrs;
    kek_attrs.add_text("Name", name + "-kek").add_json("CryptographicUsageMask", "[\"WrapKey\",\"Encrypt\"]");
    std::string kek = client.register_object("SymmetricKey", kek_bytes, "", &kek_attrs);
    client.activate(kek);
    std::string target = client.register_object("SymmetricKey", key_bytes, "AES");
    CHECK(client.get_object(target).to_vector() == key_bytes);
    kmipkit::Bytes wrapped = client.get_wrapped(target, kek);
    CHECK(wrapped.size() == 40); /* RFC 3394: 8 bytes longer */
    std::string secret = client.register_object("SecretData", std::string("hunter2"));
    CHECK(text_of(client.get_object(secret)) == "hunter2");

    /* Derive Key: HMAC-SHA256 derivation, the same answer test_ops_objects.c checks. */
    std::vector<std::uint8_t> base_key(32);
    for (int i = 0; i < 32; i++)
        base_key[i] = static_cast<std::uint8_t>(i);
    kmipkit::Attributes derive_mask;
    derive_mask.add_json("CryptographicUsageMask", "[\"DeriveKey\"]");
    std::string base = client.register_object("SymmetricKey", base_key, "", &derive_mask);
    client.activate(base);
    kmipkit::CryptoParams sha256;
    sha256.set_text("HashingAlgorithm", "SHA_256");
    kmipkit::Attributes derived_attrs;
    derived_attrs.add_enum("CryptographicAlgorithm", "AES").add_int("CryptographicLength", 256);
    std::string derived = client.derive_key({base}, "HMAC", std::string("kmipkit derivation context"), &sha256,
                                            std::string("kmipkit salt"), 0, &derived_attrs);
    CHECK(client.get_object(derived).size() == 32);

    /* Locate with a limit. */
    kmipkit::Attributes keys;
    keys.add_enum("ObjectType", "SymmetricKey");
    CHECK(client.locate(&keys, 1).size() == 1);

    CHECK_PYKMIP_LACKS(client.check(target), "Check");
    CHECK_PYKMIP_LACKS(client.rekey(target), "ReKey");
    CHECK_PYKMIP_LACKS(client.rekey_key_pair(target), "ReKeyKeyPair");
    CHECK_PYKMIP_LACKS(client.archive(target), "Archive");
    CHECK_PYKMIP_LACKS(client.recover(target), "Recover");

    /* Refusals before anything is sent. */
    CHECK_THROWS(client.create("Key"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(client.register_object("SymmetricKey", std::string("k"), "Rot13"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(client.revoke("1", "Bored"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(client.get_object("\xff\xfe"), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_THROWS(client.derive_key({base}, "Magic", kmipkit::ByteView()), KMIPKIT_RESULT_INVALID_ARGUMENT);
    auto nul = CHECK_THROWS(client.locate_by_name(std::string("a\0b", 3)), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(nul && has(nul->message(), "argument `name` contains a NUL byte"));
}

static void attributes(const kmipkit::Client &client) {
    const std::string name = unique_name("attrs"), renamed = name + "-renamed";
    std::string uid = client.create_aes_key(name, 256);
    kmipkit::Attributes sensitive;
    sensitive.add_bool("Sensitive", true);
    client.set_attribute(uid, sensitive);
    CHECK(client.get_attributes(uid, {"Sensitive"}).find("Sensitive") == "true");

    kmipkit::Attributes new_name, old_name;
    new_name.add_text("Name", renamed);
    old_name.add_text("Name", name);
    client.modify_attribute(uid, new_name, &old_name);
    CHECK(client.locate_by_name(renamed) == std::vector<std::string>{uid});
    CHECK(client.locate_by_name(name).empty());
    client.delete_attribute(uid, "Name");
    CHECK(client.get_attributes(uid).find("Name").empty());

    /* One attribute per operation: two are refused before sending. */
    new_name.add_text("Object Group", "payments");
    auto two = CHECK_THROWS(client.add_attribute(uid, new_name), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(two && has(two->message(), "must hold exactly one attribute (it holds 2)"));
    kmipkit::Attributes group;
    group.add_text("Object Group", "payments");
    CHECK_PYKMIP_LACKS(client.add_attribute(uid, group), "AddAttribute");

    /* The list refuses what it cannot encode, with the exact code. */
    kmipkit::Attributes list;
    CHECK_THROWS(list.add_text("CryptoAlgorithm", "AES"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(list.add_enum("Cryptographic Algorithm", "AESX"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(list.add_int("Sensitive", 3), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(list.add_text("Name", "\xc3\x28"), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_THROWS(list.add_bytes("x-digest", std::string("ab")), KMIPKIT_RESULT_INVALID_ARGUMENT);
    list.add_long("x-record-count", 5).add_date_time("Activation Date", 1700000000);
    CHECK(list.size() == 2);
}

static void cryptography(const kmipkit::Client &client) {
    std::vector<std::uint8_t> key(32), zero_iv(12, 0);
    for (int i = 0; i < 32; i++)
        key[i] = static_cast<std::uint8_t>(i);
    kmipkit::Attributes mask;
    mask.add_int("Cryptographic Usage Mask", 12); /* Encrypt|Decrypt */
    std::string uid = client.register_object("SymmetricKey", key, "", &mask);
    client.activate(uid);
    kmipkit::CryptoParams gcm;
    gcm.set_text("CryptographicAlgorithm", "AES").set_text("BlockCipherMode", "GCM").set_int("TagLength", 16);
    const std::string msg = "attack at dawn";
    kmipkit::Encrypted ct = client.encrypt(uid, msg, &gcm, zero_iv, std::string("hdr"));
    /* AESGCM(key).encrypt(iv, msg, b"hdr") = ciphertext || tag (as test_ops_crypto.c). */
    const std::vector<std::uint8_t> want_ct{0x6f, 0xc8, 0xc1, 0xbf, 0xd6, 0x47, 0xa3, 0xdc, 0x7c, 0x88, 0xcd, 0x54, 0x6f, 0x42};
    CHECK(ct.data.to_vector() == want_ct);
    CHECK(ct.tag.size() == 16 && ct.tag.data()[0] == 0x78 && ct.tag.data()[15] == 0x4b);
    CHECK(ct.iv.empty()); /* the caller gave the IV */
    CHECK(text_of(client.decrypt(uid, ct.data, &gcm, zero_iv, std::string("hdr"), ct.tag)) == msg);
    CHECK_THROWS(client.decrypt(uid, ct.data, &gcm, zero_iv, std::string("other"), ct.tag), KMIPKIT_RESULT_SERVER);

    /* RSA: sign with the private key, verify with the public one. */
    kmipkit::Attributes common, priv, pub;
    common.add_enum("Cryptographic Algorithm", "RSA").add_int("Cryptographic Length", 2048);
    priv.add_json("Cryptographic Usage Mask", "[\"Sign\"]").add_text("Name", unique_name("rsa-private"));
    pub.add_json("Cryptographic Usage Mask", "[\"Verify\"]").add_text("Name", unique_name("rsa-public"));
    kmipkit::KeyPair pair = client.create_key_pair(&common, &priv, &pub);
    CHECK(!pair.private_uid.empty() && !pair.public_uid.empty() && pair.private_uid != pair.public_uid);
    client.activate(pair.private_uid);
    client.activate(pair.public_uid);
    kmipkit::CryptoParams rsa;
    rsa.set_text("DigitalSignatureAlgorithm", "SHA_256WithRSAEncryption").set_text("PaddingMethod", "PKCS1V1_5");
    kmipkit::Bytes signature = client.sign(pair.private_uid, std::string("msg"), &rsa);
    CHECK(signature.size() == 256);
    CHECK(client.signature_verify(pair.public_uid, std::string("msg"), signature, &rsa));
    CHECK(!client.signature_verify(pair.public_uid, std::string("other"), signature, &rsa));

    /* MAC with an HMAC key; what PyKMIP lacks is explained. */
    kmipkit::Attributes mac_mask;
    mac_mask.add_json("CryptographicUsageMask", "[\"MACGenerate\"]");
    std::string mac_key = client.register_object("SymmetricKey", key, "HMAC_SHA256", &mac_mask);
    client.activate(mac_key);
    kmipkit::Bytes mac = client.mac(mac_key, std::string("data"));
    CHECK(mac.size() == 32);
    CHECK_PYKMIP_LACKS(client.mac_verify(mac_key, std::string("data"), mac), "MACVerify");
    CHECK_PYKMIP_LACKS(client.hash("SHA_256", std::string("data")), "Hash");
    CHECK_PYKMIP_LACKS(client.rng_seed(key), "RNGSeed");
    CHECK_PYKMIP_LACKS(client.rng_retrieve(16), "RNGRetrieve");

    /* CryptoParams refuse unknown fields and values. */
    kmipkit::CryptoParams params;
    CHECK_THROWS(params.set_text("BlockCipherMode", "XTS-ish"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_THROWS(params.set_text("BlockMode", "GCM"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    params.set_bool("RandomIV", true);
    CHECK_THROWS(client.hash("MD17", std::string("x")), KMIPKIT_RESULT_INVALID_ARGUMENT);
}

static void server(const kmipkit::Client &client) {
    std::string json = client.query();
    CHECK(has(json, "\"operations\":[") && has(json, "\"Create\"") && has(json, "\"Get\""));
    CHECK(has(json, "\"vendor_identification\":\"PyKMIP"));
    std::vector<std::string> versions = client.discover_versions();
    CHECK(!versions.empty());
    CHECK(versions.size() >= 5 && versions[0] == "2.0");
    CHECK(client.discover_versions({"1.4", "1.2"}) == (std::vector<std::string>{"1.4", "1.2"}));
    auto bad = CHECK_THROWS(client.discover_versions({"one.four"}), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(bad && has(bad->message(), "one.four"));
    const std::vector<std::uint8_t> correlation{1, 2, 3, 4};
    CHECK_PYKMIP_LACKS(client.poll(correlation), "Poll");
    CHECK_PYKMIP_LACKS(client.cancel(correlation), "Cancel");

    /* Strings: the list type the operations return, read by index. */
    kmipkit::Strings none;
    CHECK(none.size() == 0 && none.to_vector().empty());
    CHECK_THROWS(none.at(0), KMIPKIT_RESULT_INVALID_ARGUMENT);
}

int main() {
    run_part("operations", [] {
        kmipkit::Client client = connect();
        objects(client);
        attributes(client);
        cryptography(client);
        server(client);
    });
    return check_summary("test_cpp_operations");
}
