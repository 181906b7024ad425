/*
 * The codec: every PyKMIP capture in conformance/vectors/pykmip-0.11 goes TTLV -> KMIP JSON ->
 * TTLV and TTLV -> KMIP XML -> TTLV byte for byte; every message of the OASIS KMIP 1.4 and 2.0
 * XML test cases goes XML -> TTLV -> XML -> TTLV unchanged; the dump names the message; and the
 * refusals give their exact codes (truncated TTLV: Decode, bad XML or JSON: Syntax, over a
 * limit: LimitExceeded, bad arguments: NullArgument / InvalidUtf8).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>

#include "check.h"

#define VECTORS "conformance/vectors/pykmip-0.11"

/* The bytes of a one-line hex file, or NULL; *len gets their number. */
static unsigned char *read_hex(const char *path, size_t *len) {
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    static char hex[1 << 20];
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
        n--;
    unsigned char *out = malloc(n / 2 + 1);
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned int byte = 0;
        sscanf(hex + i, "%2x", &byte);
        out[i / 2] = (unsigned char)byte;
    }
    *len = n / 2;
    return out;
}

static int same(const kmipkit_bytes *bytes, const unsigned char *data, size_t len) {
    return bytes != NULL && kmipkit_bytes_len(bytes) == len &&
           memcmp(kmipkit_bytes_data(bytes), data, len) == 0;
}

/* One vector through JSON (indented and compact), XML and the dump. Returns 1 if all held. */
static int round_trip(kmipkit_codec *codec, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VECTORS, name);
    size_t len = 0;
    unsigned char *ttlv = read_hex(path, &len);
    CHECK(ttlv != NULL && len > 8);
    if (ttlv == NULL)
        return 0;
    int before = check_failures;

    for (int compact = 0; compact <= 1; compact++) {
        char *json = NULL;
        CHECK_OK(kmipkit_codec_ttlv_to_json(codec, ttlv, len, compact, &json));
        kmipkit_bytes *back = NULL;
        CHECK_OK(kmipkit_codec_json_to_ttlv(codec, json, &back));
        CHECK(same(back, ttlv, len));
        if (json != NULL)
            CHECK((strchr(json, '\n') == NULL || json[strlen(json) - 1] == '\n') &&
                  (compact ? strchr(json, '\n') == NULL : 1));
        kmipkit_bytes_free(back);
        kmipkit_string_free(json);
    }

    char *xml = NULL;
    CHECK_OK(kmipkit_codec_ttlv_to_xml(codec, ttlv, len, &xml));
    kmipkit_bytes *back = NULL;
    CHECK_OK(kmipkit_codec_xml_to_ttlv(codec, xml, &back));
    CHECK(same(back, ttlv, len));
    kmipkit_bytes_free(back);
    kmipkit_string_free(xml);

    char *dump = NULL;
    CHECK_OK(kmipkit_codec_dump(codec, ttlv, len, &dump));
    CHECK(dump != NULL && (strstr(dump, "RequestMessage") != NULL ||
                           strstr(dump, "ResponseMessage") != NULL));
    kmipkit_string_free(dump);

    kmipkit_bytes *normal = NULL;
    CHECK_OK(kmipkit_codec_normalize(codec, ttlv, len, &normal));
    CHECK(same(normal, ttlv, len));
    kmipkit_bytes_free(normal);

    if (check_failures != before)
        fprintf(stderr, "    in vector %s\n", name);
    free(ttlv);
    return check_failures == before;
}

static void every_vector_round_trips(void) {
    kmipkit_codec *codec = kmipkit_codec_new();
    CHECK(codec != NULL);
    DIR *dir = opendir(VECTORS);
    CHECK(dir != NULL);
    if (dir == NULL || codec == NULL)
        return;
    int vectors = 0, held = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t n = strlen(entry->d_name);
        if (n > 4 && strcmp(entry->d_name + n - 4, ".hex") == 0) {
            vectors++;
            held += round_trip(codec, entry->d_name);
        }
    }
    closedir(dir);
    /* 30 request/response pairs: a missing directory must not pass as "nothing failed". */
    CHECK(vectors == 60);
    CHECK(held == vectors);
    kmipkit_codec_free(codec);
}

/* One OASIS test case: every message, written back as XML by the codec that read it (so its
 * placeholders are restored) and read again, gives the same TTLV. Returns its message count. */
static size_t oasis_case(const char *path) {
    char *xml = check_read_file(path);
    CHECK(xml != NULL);
    if (xml == NULL)
        return 0;
    kmipkit_codec *codec = kmipkit_codec_new();
    kmipkit_ttlv_list *messages = NULL;
    int before = check_failures;
    CHECK_OK(kmipkit_codec_xml_messages_to_ttlv(codec, xml, &messages));
    size_t count = kmipkit_ttlv_list_len(messages);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        CHECK_OK(kmipkit_ttlv_list_get(messages, i, &data, &len));
        char *again = NULL;
        CHECK_OK(kmipkit_codec_ttlv_to_xml(codec, data, len, &again));
        kmipkit_bytes *back = NULL;
        if (again != NULL)
            CHECK_OK(kmipkit_codec_xml_to_ttlv(codec, again, &back));
        CHECK(same(back, data, len));
        kmipkit_bytes_free(back);
        kmipkit_string_free(again);
    }
    const uint8_t *data = (const uint8_t *)1;
    size_t len = 1;
    CHECK_RC(kmipkit_ttlv_list_get(messages, count, &data, &len), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK(data == NULL && len == 0);
    if (check_failures != before)
        fprintf(stderr, "    in test case %s\n", path);
    kmipkit_ttlv_list_free(messages);
    kmipkit_codec_free(codec);
    free(xml);
    return count;
}

static void oasis_test_cases_round_trip(void) {
    const char *dirs[] = {"conformance/vectors/oasis-xml/v1.4", "conformance/vectors/oasis-xml/v2.0"};
    size_t cases = 0, messages = 0;
    for (size_t d = 0; d < 2; d++) {
        DIR *dir = opendir(dirs[d]);
        CHECK(dir != NULL);
        if (dir == NULL)
            continue;
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            size_t n = strlen(entry->d_name);
            if (n > 4 && strcmp(entry->d_name + n - 4, ".xml") == 0) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s", dirs[d], entry->d_name);
                cases++;
                messages += oasis_case(path);
            }
        }
        closedir(dir);
    }
    /* Every test case has a request and a response at least. */
    CHECK(cases >= 100 && messages >= 2 * cases);
    printf("test_codec: %zu OASIS test cases, %zu messages\n", cases, messages);
}

/* Protocol Version Major 1, as TTLV, JSON and XML. */
static const unsigned char MAJOR_TTLV[] = {0x42, 0x00, 0x6a, 0x02, 0x00, 0x00, 0x00, 0x04,
                                           0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};

static void text_inputs(void) {
    kmipkit_codec *codec = kmipkit_codec_new();
    kmipkit_bytes *ttlv = NULL;
    CHECK_OK(kmipkit_codec_xml_to_ttlv(
        codec, "<ProtocolVersionMajor type=\"Integer\" value=\"1\"/>", &ttlv));
    CHECK(same(ttlv, MAJOR_TTLV, sizeof MAJOR_TTLV));
    kmipkit_bytes_free(ttlv);
    ttlv = NULL;
    CHECK_OK(kmipkit_codec_json_to_ttlv(
        codec, "{\"tag\": \"ProtocolVersionMajor\", \"type\": \"Integer\", \"value\": 1}", &ttlv));
    CHECK(same(ttlv, MAJOR_TTLV, sizeof MAJOR_TTLV));
    kmipkit_bytes_free(ttlv);
    char *json = NULL;
    CHECK_OK(kmipkit_codec_ttlv_to_json(codec, MAJOR_TTLV, sizeof MAJOR_TTLV, true, &json));
    CHECK(json != NULL && strstr(json, "\"ProtocolVersionMajor\"") != NULL);
    kmipkit_string_free(json);
    kmipkit_codec_free(codec);
}

static void refusals(void) {
    kmipkit_codec *codec = kmipkit_codec_new();
    char *text = (char *)1;
    kmipkit_bytes *ttlv = (kmipkit_bytes *)1;

    /* Truncated TTLV: the header promises 4 bytes of value that are not there. */
    CHECK_RC(kmipkit_codec_ttlv_to_json(codec, MAJOR_TTLV, 10, false, &text),
             KMIPKIT_RESULT_DECODE);
    CHECK(text == NULL);
    CHECK_RC(kmipkit_codec_dump(codec, MAJOR_TTLV, 0, &text), KMIPKIT_RESULT_DECODE);
    CHECK_RC(kmipkit_codec_normalize(codec, MAJOR_TTLV, 7, &ttlv), KMIPKIT_RESULT_DECODE);
    CHECK(ttlv == NULL);

    /* Text that is not well formed. */
    ttlv = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_codec_xml_to_ttlv(codec, "<ProtocolVersionMajor type=\"Integer\"", &ttlv),
             KMIPKIT_RESULT_SYNTAX);
    CHECK(ttlv == NULL);
    CHECK_RC(kmipkit_codec_json_to_ttlv(codec, "{\"tag\": ", &ttlv), KMIPKIT_RESULT_SYNTAX);

    /* Over a limit: a 16-byte message against a 12-byte cap, in TTLV and in text. */
    CHECK_OK(kmipkit_codec_set_limits(codec, 12, 0, 0));
    CHECK_RC(kmipkit_codec_ttlv_to_xml(codec, MAJOR_TTLV, sizeof MAJOR_TTLV, &text),
             KMIPKIT_RESULT_LIMIT_EXCEEDED);
    CHECK_RC(kmipkit_codec_json_to_ttlv(
                 codec, "{\"tag\": \"ProtocolVersionMajor\", \"type\": \"Integer\", \"value\": 1}",
                 &ttlv),
             KMIPKIT_RESULT_LIMIT_EXCEEDED);
    CHECK_OK(kmipkit_codec_set_limits(codec, 1 << 20, 0, 0));
    CHECK_OK(kmipkit_codec_normalize(codec, MAJOR_TTLV, sizeof MAJOR_TTLV, &ttlv));
    kmipkit_bytes_free(ttlv);

    /* The caller's mistakes. */
    CHECK_RC(kmipkit_codec_ttlv_to_json(NULL, MAJOR_TTLV, 16, false, &text),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `codec` is NULL");
    CHECK_RC(kmipkit_codec_ttlv_to_json(codec, NULL, 16, false, &text),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_codec_xml_to_ttlv(codec, "\xc3\x28", &ttlv), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_RC(kmipkit_codec_set_limits(NULL, 1, 1, 1), KMIPKIT_RESULT_NULL_ARGUMENT);
    kmipkit_codec_free(codec);
    kmipkit_codec_free(NULL);
}

int main(void) {
    (void)check_env; /* no server needed: the vectors are read from the repository */
    every_vector_round_trips();
    oasis_test_cases_round_trip();
    text_inputs();
    refusals();
    return check_summary("test_codec");
}
