/*
 * Cryptography on the server against live PyKMIP, through the operation functions: Encrypt and
 * Decrypt (AES-GCM, checked against the ciphertext Python's `cryptography` computes for the same
 * key, IV and AAD), MAC (against HMAC-SHA256), Sign and Signature Verify (RSA, with a key pair
 * from Create Key Pair); the operations PyKMIP 0.11 lacks (MAC Verify, Hash, RNG Seed, RNG
 * Retrieve) refused with the profile's explanation; and the refusals of bad parameters.
 */
#include "ops_support.h"

static const uint8_t zero_iv[12];

static void aes_gcm(kmipkit_client *client) {
    uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_int(attrs, "Cryptographic Usage Mask", 12)); /* Encrypt|Decrypt */
    char *uid = NULL;
    CHECK_OK(kmipkit_client_register(client, "SymmetricKey", key, sizeof key, NULL, attrs, &uid));
    kmipkit_attributes_free(attrs);
    CHECK_OK(kmipkit_client_activate(client, uid));

    kmipkit_crypto_params *gcm = kmipkit_crypto_params_new();
    CHECK_OK(kmipkit_crypto_params_set_text(gcm, "CryptographicAlgorithm", "AES"));
    CHECK_OK(kmipkit_crypto_params_set_text(gcm, "BlockCipherMode", "GCM"));
    CHECK_OK(kmipkit_crypto_params_set_int(gcm, "TagLength", 16));
    const char *msg = "attack at dawn";
    kmipkit_bytes *ct = NULL, *iv = NULL, *tag = NULL;
    CHECK_OK(kmipkit_client_encrypt(client, uid, gcm, (const uint8_t *)msg, strlen(msg), zero_iv, 12,
                                    (const uint8_t *)"hdr", 3, &ct, &iv, &tag));
    /* AESGCM(key).encrypt(iv, msg, b"hdr") = ciphertext || tag */
    CHECK(ops_bytes_are(ct, "6fc8c1bfd647a3dc7c88cd546f42"));
    CHECK(ops_bytes_are(tag, "78847c0bd02b777d6ee0770fc9565c4b"));
    CHECK(iv == NULL); /* the caller gave the IV: the server returns none */

    kmipkit_bytes *plain = NULL;
    CHECK_OK(kmipkit_client_decrypt(client, uid, gcm, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct),
                                    zero_iv, 12, (const uint8_t *)"hdr", 3, kmipkit_bytes_data(tag),
                                    kmipkit_bytes_len(tag), &plain));
    CHECK(kmipkit_bytes_len(plain) == strlen(msg) && memcmp(kmipkit_bytes_data(plain), msg, strlen(msg)) == 0);
    kmipkit_bytes_free(plain);
    /* Other AAD: the tag does not verify, the server refuses, nothing is returned. */
    plain = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_decrypt(client, uid, gcm, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct),
                                    zero_iv, 12, (const uint8_t *)"other", 5, kmipkit_bytes_data(tag),
                                    kmipkit_bytes_len(tag), &plain),
             KMIPKIT_RESULT_SERVER);
    CHECK(plain == NULL);
    /* The IV and tag outputs are optional. */
    kmipkit_bytes *ct2 = NULL;
    CHECK_OK(kmipkit_client_encrypt(client, uid, gcm, (const uint8_t *)msg, strlen(msg), zero_iv, 12,
                                    NULL, 0, &ct2, NULL, NULL));
    CHECK(kmipkit_bytes_len(ct2) == strlen(msg));
    kmipkit_bytes_free(ct2);

    kmipkit_bytes_free(ct);
    kmipkit_bytes_free(tag);
    kmipkit_crypto_params_free(gcm);
    kmipkit_string_free(uid);
}

static void mac_and_unsupported(kmipkit_client *client) {
    uint8_t key[32];
    memset(key, 'k', sizeof key);
    kmipkit_attributes *attrs = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_json(attrs, "CryptographicUsageMask", "[\"MACGenerate\"]"));
    char *uid = NULL;
    CHECK_OK(kmipkit_client_register(client, "SymmetricKey", key, sizeof key, "HMAC_SHA256", attrs, &uid));
    kmipkit_attributes_free(attrs);
    CHECK_OK(kmipkit_client_activate(client, uid));
    kmipkit_bytes *mac = NULL;
    CHECK_OK(kmipkit_client_mac(client, uid, NULL, (const uint8_t *)"data", 4, &mac));
    /* hmac.new(b"k" * 32, b"data", sha256) */
    CHECK(ops_bytes_are(mac, "eedca5e79a7fa4f145644ea125666fbe8bab590801956fec0d4b7607d1427bc8"));

    bool valid = true;
    CHECK_PYKMIP_LACKS(kmipkit_client_mac_verify(client, uid, NULL, (const uint8_t *)"data", 4,
                                                 kmipkit_bytes_data(mac), kmipkit_bytes_len(mac), &valid),
                       "MACVerify");
    CHECK(valid == false);
    CHECK_EXPLANATION_HAS("constant time");
    kmipkit_bytes *digest = (kmipkit_bytes *)1;
    CHECK_PYKMIP_LACKS(kmipkit_client_hash(client, "SHA_256", (const uint8_t *)"data", 4, &digest), "Hash");
    CHECK(digest == NULL);
    CHECK_PYKMIP_LACKS(kmipkit_client_rng_seed(client, key, sizeof key), "RNGSeed");
    kmipkit_bytes *random = (kmipkit_bytes *)1;
    CHECK_PYKMIP_LACKS(kmipkit_client_rng_retrieve(client, 16, &random), "RNGRetrieve");
    CHECK(random == NULL);
    kmipkit_bytes_free(mac);
    kmipkit_string_free(uid);
}

static void sign_and_verify(kmipkit_client *client) {
    char private_name[64], public_name[64];
    ops_name(private_name, sizeof private_name, "rsa-private");
    ops_name(public_name, sizeof public_name, "rsa-public");
    kmipkit_attributes *common = kmipkit_attributes_new(), *priv = kmipkit_attributes_new(),
                       *pub = kmipkit_attributes_new();
    CHECK_OK(kmipkit_attributes_add_enum(common, "Cryptographic Algorithm", "RSA"));
    CHECK_OK(kmipkit_attributes_add_int(common, "Cryptographic Length", 2048));
    CHECK_OK(kmipkit_attributes_add_json(priv, "Cryptographic Usage Mask", "[\"Sign\"]"));
    CHECK_OK(kmipkit_attributes_add_text(priv, "Name", private_name));
    CHECK_OK(kmipkit_attributes_add_json(pub, "Cryptographic Usage Mask", "[\"Verify\"]"));
    CHECK_OK(kmipkit_attributes_add_text(pub, "Name", public_name));
    char *private_uid = NULL, *public_uid = NULL;
    CHECK_OK(kmipkit_client_create_key_pair(client, common, priv, pub, &private_uid, &public_uid));
    kmipkit_attributes_free(common);
    kmipkit_attributes_free(priv);
    kmipkit_attributes_free(pub);
    if (private_uid == NULL || public_uid == NULL)
        return;
    CHECK(strcmp(private_uid, public_uid) != 0);
    CHECK_SERVER_ATTRIBUTE(client, public_uid, "ObjectType", "\"PublicKey\"");
    CHECK_OK(kmipkit_client_activate(client, private_uid));
    CHECK_OK(kmipkit_client_activate(client, public_uid));

    kmipkit_crypto_params *rsa = kmipkit_crypto_params_new();
    CHECK_OK(kmipkit_crypto_params_set_text(rsa, "DigitalSignatureAlgorithm", "SHA_256WithRSAEncryption"));
    CHECK_OK(kmipkit_crypto_params_set_text(rsa, "PaddingMethod", "PKCS1V1_5"));
    kmipkit_bytes *sig = NULL;
    CHECK_OK(kmipkit_client_sign(client, private_uid, rsa, (const uint8_t *)"msg", 3, &sig));
    CHECK(kmipkit_bytes_len(sig) == 256); /* RSA-2048 */
    bool valid = false;
    CHECK_OK(kmipkit_client_signature_verify(client, public_uid, rsa, (const uint8_t *)"msg", 3,
                                             kmipkit_bytes_data(sig), kmipkit_bytes_len(sig), &valid));
    CHECK(valid == true);
    CHECK_OK(kmipkit_client_signature_verify(client, public_uid, rsa, (const uint8_t *)"other", 5,
                                             kmipkit_bytes_data(sig), kmipkit_bytes_len(sig), &valid));
    CHECK(valid == false);
    kmipkit_bytes_free(sig);
    kmipkit_crypto_params_free(rsa);
    kmipkit_string_free(private_uid);
    kmipkit_string_free(public_uid);
}

static void parameter_refusals(kmipkit_client *client) {
    kmipkit_crypto_params *params = kmipkit_crypto_params_new();
    CHECK_RC(kmipkit_crypto_params_set_text(params, "BlockCipherMode", "XTS-ish"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("XTS-ish");
    CHECK_RC(kmipkit_crypto_params_set_text(params, "BlockMode", "GCM"), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("BlockMode");
    CHECK_RC(kmipkit_crypto_params_set_int(NULL, "TagLength", 16), KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `params` is NULL");
    CHECK_RC(kmipkit_crypto_params_set_bool(params, "RandomIV", true), KMIPKIT_RESULT_OK);
    kmipkit_bytes *out = (kmipkit_bytes *)1;
    CHECK_RC(kmipkit_client_encrypt(client, "1", params, NULL, 5, NULL, 0, NULL, 0, &out, NULL, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `data` is NULL");
    CHECK(out == NULL);
    CHECK_RC(kmipkit_client_encrypt(client, "1", params, (const uint8_t *)"x", 1, NULL, 0, NULL, 0, NULL, NULL, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `out_data` is NULL");
    CHECK_RC(kmipkit_client_decrypt(client, "1", NULL, (const uint8_t *)"x", 1, NULL, 3, NULL, 0, NULL, 0, &out),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `iv` is NULL");
    CHECK_RC(kmipkit_client_hash(client, "MD17", (const uint8_t *)"x", 1, &out), KMIPKIT_RESULT_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown hashing algorithm \"MD17\"");
    CHECK_RC(kmipkit_client_sign(client, "\xc3\x28", NULL, (const uint8_t *)"x", 1, &out), KMIPKIT_RESULT_INVALID_UTF8);
    CHECK_MESSAGE_HAS("argument `uid` is not valid UTF-8");
    CHECK_RC(kmipkit_client_signature_verify(client, "1", NULL, (const uint8_t *)"x", 1, NULL, 0, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `out_valid` is NULL");
    kmipkit_crypto_params_free(params);
    kmipkit_crypto_params_free(NULL);
}

int main(void) {
    kmipkit_client *client = ops_connect();
    if (client == NULL)
        return check_summary("test_ops_crypto");
    aes_gcm(client);
    mac_and_unsupported(client);
    sign_and_verify(client);
    parameter_refusals(client);
    kmipkit_client_free(client);
    return check_summary("test_ops_crypto");
}
