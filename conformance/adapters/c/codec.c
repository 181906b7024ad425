// The codec actions of conformance/scenarios/README.md through kmipkit.h: TTLV to KMIP XML
// and KMIP JSON and back. The driver reads the vector files (plain file access, not the API).
#include "adapter.h"

// One TTLV message through KMIP XML and KMIP JSON and back: `via_xml` and `via_json` fields.
static int round_trips(kmipkit_codec *codec, const uint8_t *ttlv, size_t len, const char *xml_field,
                       const char *json_field) {
    char *xml = NULL, *json = NULL;
    kmipkit_bytes *from_xml = NULL, *from_json = NULL;
    int rc;
    TRY(kmipkit_codec_ttlv_to_xml(codec, ttlv, len, &xml));
    TRY(kmipkit_codec_xml_to_ttlv(codec, xml, &from_xml));
    TRY(kmipkit_codec_ttlv_to_json(codec, ttlv, len, false, &json));
    TRY(kmipkit_codec_json_to_ttlv(codec, json, &from_json));
    reply_kbytes(xml_field, from_xml);
    reply_kbytes(json_field, from_json);
done:
    kmipkit_string_free(xml);
    kmipkit_string_free(json);
    kmipkit_bytes_free(from_xml);
    kmipkit_bytes_free(from_json);
    return rc;
}

// codec_ttlv: `ttlv` is the vector file's bytes (the driver reads the file).
static int codec_ttlv(const request *r) {
    size_t len = 0;
    const uint8_t *ttlv = arg_bytes(r, "ttlv", &len);
    kmipkit_codec *codec = kmipkit_codec_new();
    reply_bytes("ttlv", ttlv, len);
    int rc = round_trips(codec, ttlv, len, "via_xml", "via_json");
    kmipkit_codec_free(codec);
    return rc;
}

// codec_xml: `xml` is an OASIS test case file's text; each message's fields are list items.
static int codec_xml(const request *r) {
    kmipkit_codec *codec = kmipkit_codec_new();
    kmipkit_ttlv_list *list = NULL;
    int rc;
    TRY(kmipkit_codec_xml_messages_to_ttlv(codec, arg_text(r, "xml"), &list));
    reply_int("count", (long long)kmipkit_ttlv_list_len(list));
    for (size_t i = 0; i < kmipkit_ttlv_list_len(list); i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        TRY(kmipkit_ttlv_list_get(list, i, &data, &len));
        reply_bytes("ttlv[]", data, len);
        TRY(round_trips(codec, data, len, "via_xml[]", "via_json[]"));
    }
done:
    kmipkit_ttlv_list_free(list);
    kmipkit_codec_free(codec);
    return rc;
}

const action CODEC_ACTIONS[] = {
    {"codec_ttlv", codec_ttlv},
    {"codec_xml", codec_xml},
    {NULL, NULL},
};
