/*
 * Attributes and the server against live PyKMIP, through the operation functions: Set, Modify
 * and Delete Attribute (checked by reading the attributes back), Add Attribute (which PyKMIP
 * 0.11 lacks), Query, Discover Versions, Poll and Cancel (lacking too); and the refusals of
 * the attribute list: unknown names and values, bad JSON, bad UTF-8, an index past the end.
 */
#include "ops_support.h"

static kmipkit_attributes *one_text(const char *name, const char *value) {
    kmipkit_attributes *list = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_text(list, name, value));
    return list;
}

static void change_attributes(kmipkit_client *client) {
    char name[64], renamed[80];
    ops_name(name, sizeof name, "attrs");
    snprintf(renamed, sizeof renamed, "%s-renamed", name);
    char *uid = NULL;
    CHECK_OK(kmipkit_client_create_aes_key(client, name, 256, &uid));
    if (uid == NULL)
        return;
    CHECK_SERVER_ATTRIBUTE(client, uid, "Sensitive", "false");

    kmipkit_attributes *sensitive = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_bool(sensitive, "Sensitive", true));
    CHECK_OK(kmipkit_client_set_attribute(client, uid, sensitive));
    kmipkit_attributes_free(sensitive);
    CHECK_SERVER_ATTRIBUTE(client, uid, "Sensitive", "true");

    kmipkit_attributes *new_name = one_text("Name", renamed), *old_name = one_text("Name", name);
    CHECK_OK(kmipkit_client_modify_attribute(client, uid, new_name, old_name));
    kmipkit_strings *found = NULL;
    CHECK_OK(kmipkit_client_locate_by_name(client, renamed, &found));
    CHECK(kmipkit_strings_count(found) == 1 && strcmp(kmipkit_strings_at(found, 0), uid) == 0);
    kmipkit_strings_free(found);
    found = NULL;
    CHECK_OK(kmipkit_client_locate_by_name(client, name, &found));
    CHECK(kmipkit_strings_count(found) == 0);
    kmipkit_strings_free(found);

    CHECK_OK(kmipkit_client_delete_attribute(client, uid, "Name"));
    kmipkit_attributes *all = NULL;
    CHECK_OK(kmipkit_client_get_attributes(client, uid, NULL, 0, &all));
    char *gone = ops_attribute(all, "Name");
    CHECK(gone == NULL);
    kmipkit_string_free(gone);
    kmipkit_attributes_free(all);

    /* KMIP changes one attribute per operation: a list of two is refused before sending. */
    CHECK_OK(kmipkit_attributes_add_text(new_name, "Object Group", "payments"));
    CHECK_RC(kmipkit_client_add_attribute(client, uid, new_name), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `attribute` must hold exactly one attribute (it holds 2)");
    kmipkit_attributes *group = one_text("Object Group", "payments");
    CHECK_PYKMIP_LACKS(kmipkit_client_add_attribute(client, uid, group), "AddAttribute");
    CHECK_EXPLANATION_HAS("Set Attribute");
    kmipkit_attributes_free(group);
    kmipkit_attributes_free(new_name);
    kmipkit_attributes_free(old_name);
    kmipkit_string_free(uid);
}

static void server(kmipkit_client *client) {
    char *json = NULL;
    CHECK_OK(kmipkit_client_query(client, &json));
    CHECK(json != NULL && strstr(json, "\"operations\":[") != NULL);
    CHECK(json != NULL && strstr(json, "\"Create\"") != NULL && strstr(json, "\"Get\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"vendor_identification\":\"PyKMIP") != NULL);
    kmipkit_string_free(json);

    kmipkit_strings *versions = NULL;
    CHECK_OK(kmipkit_client_discover_versions(client, NULL, 0, &versions));
    CHECK(kmipkit_strings_count(versions) >= 5);
    CHECK(kmipkit_strings_at(versions, 0) != NULL && strcmp(kmipkit_strings_at(versions, 0), "2.0") == 0);
    kmipkit_strings_free(versions);
    const char *offered[] = {"1.4", "1.2"};
    versions = NULL;
    CHECK_OK(kmipkit_client_discover_versions(client, offered, 2, &versions));
    CHECK(kmipkit_strings_count(versions) == 2);
    CHECK(strcmp(kmipkit_strings_at(versions, 0), "1.4") == 0 && strcmp(kmipkit_strings_at(versions, 1), "1.2") == 0);
    kmipkit_strings_free(versions);
    const char *bad[] = {"one.four"};
    versions = (kmipkit_strings *)1;
    CHECK_RC(kmipkit_client_discover_versions(client, bad, 1, &versions), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("one.four");
    CHECK(versions == NULL);

    const uint8_t correlation[4] = {1, 2, 3, 4};
    CHECK_PYKMIP_LACKS(kmipkit_client_poll(client, correlation, sizeof correlation), "Poll");
    CHECK_PYKMIP_LACKS(kmipkit_client_cancel(client, correlation, sizeof correlation), "Cancel");
    CHECK_RC(kmipkit_client_poll(client, NULL, 4), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `correlation` is NULL");
}

static void list_refusals(void) {
    kmipkit_attributes *list = kmipkit_attributes_new();
    CHECK_RC(kmipkit_attributes_add_text(list, "CryptoAlgorithm", "AES"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("CryptoAlgorithm");
    CHECK_MESSAGE_HAS("unknown attribute");
    CHECK_RC(kmipkit_attributes_add_enum(list, "Cryptographic Algorithm", "AESX"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("AESX");
    CHECK_RC(kmipkit_attributes_add_int(list, "Sensitive", 3), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_RC(kmipkit_attributes_add_json(list, "Cryptographic Usage Mask", "[\"Encrypt\""),
             KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `value_json` is not JSON");
    CHECK_RC(kmipkit_attributes_add_text(list, "Name", "\xc3\x28"), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_MESSAGE_HAS("argument `value` is not valid UTF-8");
    CHECK_RC(kmipkit_attributes_add_text(NULL, "Name", "x"), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `attributes` is NULL");
    CHECK_RC(kmipkit_attributes_add_bytes(list, "Short Unique Identifier", NULL, 4), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `data` is NULL");
    CHECK_RC(kmipkit_attributes_add_bytes(list, "x-digest", (const uint8_t *)"ab", 2), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("attribute \"x-digest\": a vendor attribute's value is text");
    /* Nothing refused was added. */
    CHECK(kmipkit_attributes_count(list) == 0);

    /* What is added reads back as name and plain JSON. */
    const uint8_t short_id[3] = {0xab, 0x01, 0xff};
    CHECK_OK(kmipkit_attributes_add_bytes(list, "Short Unique Identifier", short_id, sizeof short_id));
    CHECK_OK(kmipkit_attributes_add_long(list, "x-generation", 7));
    CHECK_OK(kmipkit_attributes_add_date_time(list, "Activation Date", 1700000000));
    CHECK(kmipkit_attributes_count(list) == 3);
    char *name = NULL, *value = NULL;
    CHECK_OK(kmipkit_attributes_get(list, 0, &name, &value));
    CHECK(name != NULL && strcmp(name, "ShortUniqueIdentifier") == 0 && strcmp(value, "\"ab01ff\"") == 0);
    kmipkit_string_free(name);
    kmipkit_string_free(value);
    CHECK_OK(kmipkit_attributes_get(list, 1, &name, &value));
    CHECK(name != NULL && strcmp(name, "x-generation") == 0 && strcmp(value, "7") == 0);
    kmipkit_string_free(name);
    kmipkit_string_free(value);
    CHECK_OK(kmipkit_attributes_get(list, 2, &name, &value));
    CHECK(name != NULL && strcmp(name, "ActivationDate") == 0 && strcmp(value, "1700000000") == 0);
    kmipkit_string_free(name);
    kmipkit_string_free(value);
    name = (char *)1;
    CHECK_RC(kmipkit_attributes_get(list, 3, &name, &value), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `index` 3 is past the end: the list has 3 attributes");
    CHECK(name == NULL && value == NULL);
    value = (char *)1;
    CHECK_RC(kmipkit_attributes_get(list, 0, NULL, &value), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `out_name` is NULL");
    CHECK(value == NULL);
    kmipkit_attributes_free(list);
    kmipkit_attributes_free(NULL);
    CHECK(kmipkit_attributes_count(NULL) == 0);
}

int main(void) {
    kmipkit_client *client = ops_connect();
    if (client == NULL)
        return check_summary("test_ops_attributes");
    change_attributes(client);
    server(client);
    list_refusals();
    kmipkit_client_free(client);
    return check_summary("test_ops_attributes");
}
