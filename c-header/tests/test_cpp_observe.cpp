/*
 * The C++ wrapper's log verification and codec. A client configured with a [log] file makes
 * a few calls against PyKMIP; log_verify finds the chain intact, then finds the one line this
 * test alters. The codec converts Protocol Version Major 1 between TTLV, JSON and XML, reads
 * every message of an OASIS test case, and refuses bad input with the exact code.
 */
#include <fstream>
#include <sstream>

#include "cpp_support.hpp"
#include "servers.h"

/* Protocol Version Major 1, as TTLV. */
static const std::vector<std::uint8_t> MAJOR_TTLV{0x42, 0x00, 0x6a, 0x02, 0x00, 0x00, 0x00, 0x04,
                                                  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};

static std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

static void log_and_verify(const std::string &log_path) {
    server_info kms1;
    CHECK(server_read(check_env("KMIPKIT_TEST_SERVER1_JSON"), &kms1));
    {
        kmipkit::ConfigBuilder builder;
        builder
            .add_server(kmipkit::ServerBuilder("127.0.0.1")
                            .set_int("port", kms1.port)
                            .set_text("ca", kms1.ca)
                            .set_text("client_cert", kms1.client_cert)
                            .set_text("client_key", kms1.client_key))
            .set_text("log", "level", "verbose")
            .set_text("log", "format", "rfc5424")
            .set_text("log", "destination", "file")
            .set_text("log", "path", log_path);
        kmipkit::Client client = kmipkit::Client::connect(builder.build());
        std::string uid = client.create_aes_key(unique_name("observe"));
        client.activate(uid);
        CHECK_THROWS(client.destroy(uid), KMIPKIT_RESULT_SERVER);
    } /* the log is complete once the client is gone */

    kmipkit::LogReport report = kmipkit::log_verify({log_path});
    CHECK(report.intact() && report.finding_count() == 0 && report.findings().empty());
    CHECK(report.lines() >= 5);
    std::pair<std::uint64_t, std::uint64_t> serials = report.serials();
    CHECK(serials.first >= 1 && serials.second > serials.first);
    CHECK(has(report.json(), "\"intact\":true"));
    CHECK(!report.text().empty());
    CHECK_THROWS(report.finding(0), KMIPKIT_RESULT_INVALID_ARGUMENT);

    /* Alter line 4's operation name: one finding, "altered", naming serial and line. */
    std::string log = slurp(log_path);
    std::size_t line4 = 0;
    for (int i = 1; i < 4; i++)
        line4 = log.find('\n', line4) + 1;
    std::size_t op = log.find(" op=\"", line4);
    CHECK(op != std::string::npos && op < log.find('\n', line4));
    if (op == std::string::npos)
        return;
    log[op + 5] = log[op + 5] == 'X' ? 'Y' : 'X';
    std::ofstream(log_path, std::ios::binary | std::ios::trunc) << log;
    kmipkit::LogReport altered = kmipkit::log_verify({log_path}, std::string());
    CHECK(!altered.intact() && altered.finding_count() == 1);
    kmipkit::LogReport::Finding finding = altered.finding(0);
    CHECK(finding.kind == "altered");
    CHECK(has(finding.sentence, "altered: serial 4 (") && has(finding.sentence, "line 4)"));
    if (!has(finding.sentence, "serial 4"))
        fprintf(stderr, "    finding: %s\n", finding.sentence.c_str());
    CHECK(has(altered.json(), "\"kind\":\"altered\""));

    CHECK_THROWS(kmipkit::log_verify({log_path + ".missing"}), KMIPKIT_RESULT_LOG);
}

static void codec() {
    kmipkit::Codec codec;
    CHECK(codec.xml_to_ttlv("<ProtocolVersionMajor type=\"Integer\" value=\"1\"/>").to_vector() == MAJOR_TTLV);
    CHECK(codec.json_to_ttlv("{\"tag\": \"ProtocolVersionMajor\", \"type\": \"Integer\", \"value\": 1}")
              .to_vector() == MAJOR_TTLV);
    std::string json = codec.ttlv_to_json(MAJOR_TTLV, true);
    CHECK(has(json, "\"ProtocolVersionMajor\"") && json.find('\n') == std::string::npos);
    CHECK(codec.json_to_ttlv(codec.ttlv_to_json(MAJOR_TTLV)).to_vector() == MAJOR_TTLV);
    CHECK(codec.xml_to_ttlv(codec.ttlv_to_xml(MAJOR_TTLV)).to_vector() == MAJOR_TTLV);
    CHECK(has(codec.dump(MAJOR_TTLV), "ProtocolVersionMajor"));
    CHECK(codec.normalize(MAJOR_TTLV).to_vector() == MAJOR_TTLV);

    /* An OASIS test case: a request and a response at least, each back to the same TTLV. */
    std::string xml = slurp("conformance/vectors/oasis-xml/v1.4/AKLC-M-1-14.xml");
    CHECK(!xml.empty());
    kmipkit::Codec reader;
    kmipkit::TtlvList messages = reader.xml_messages_to_ttlv(xml);
    CHECK(messages.size() >= 2);
    for (std::size_t i = 0; i < messages.size(); i++) {
        kmipkit::ByteView message = messages.at(i);
        CHECK(reader.xml_to_ttlv(reader.ttlv_to_xml(message)).size() == message.size());
    }
    CHECK_THROWS(messages.at(messages.size()), KMIPKIT_RESULT_INVALID_ARGUMENT);

    /* Refusals: truncated TTLV, text that is not well formed, a limit, bad UTF-8. */
    const kmipkit::ByteView truncated(MAJOR_TTLV.data(), 10);
    CHECK_THROWS(codec.ttlv_to_json(truncated), KMIPKIT_RESULT_DECODE);
    CHECK_THROWS(codec.dump(kmipkit::ByteView()), KMIPKIT_RESULT_DECODE);
    CHECK_THROWS(codec.xml_to_ttlv("<ProtocolVersionMajor type=\"Integer\""), KMIPKIT_RESULT_SYNTAX);
    CHECK_THROWS(codec.json_to_ttlv("{\"tag\": "), KMIPKIT_RESULT_SYNTAX);
    codec.set_limits(12, 0, 0);
    CHECK_THROWS(codec.ttlv_to_xml(MAJOR_TTLV), KMIPKIT_RESULT_LIMIT_EXCEEDED);
    codec.set_limits(1 << 20, 0, 0);
    CHECK(codec.normalize(MAJOR_TTLV).size() == 16);
    CHECK_THROWS(codec.xml_to_ttlv("\xc3\x28"), KMIPKIT_RESULT_INVALID_UTF8);
}

int main() {
    /* One log per process: the plain, sanitized and valgrind runs each start a fresh chain. */
    const std::string log_path = std::string(check_env("KMIPKIT_TEST_WORK")) + "/cpp-observe-" +
                                 std::to_string(static_cast<long>(getpid())) + ".log";
    run_part("log", [&] { log_and_verify(log_path); });
    run_part("codec", codec);
    return check_summary("test_cpp_observe");
}
