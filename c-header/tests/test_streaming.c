/*
 * Streaming envelope encryption through read and write callbacks against live PyKMIP: 64 MiB
 * through Model 1 with bounded memory (peak RSS by getrusage) and frame-sized chunks, a Model 2
 * round trip, and every refusal with its exact code: a failing read or write callback, a
 * callback that overreports, a wrong context, a tampered or cut-short stream, a stream that is
 * not a ciphertext, NULL arguments. On a failure only whole authenticated frames were written.
 */
#define _GNU_SOURCE /* getpid */
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"

#define MIB (1024u * 1024u)
#define FRAME 65536u

/* A plaintext made on the fly (byte i is a function of i), failing or overreporting on request. */
typedef struct {
    uint64_t total, produced;
    uint64_t fail_at;    /* fail the read that would pass this offset (0: never) */
    int overreport;      /* report more bytes than the buffer holds */
} source;

static uint8_t pattern(uint64_t i) { return (uint8_t)(i * 131 + (i >> 13)); }

static int source_read(void *user_data, uint8_t *buf, size_t len, size_t *out_n) {
    source *s = user_data;
    if (s->overreport) {
        *out_n = len + 1;
        return 0;
    }
    uint64_t left = s->total - s->produced;
    size_t n = left < len ? (size_t)left : len;
    if (s->fail_at != 0 && s->produced + n > s->fail_at)
        return -5;
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(s->produced + i);
    s->produced += n;
    *out_n = n;
    return 0;
}

/* A file read through the callback, optionally cut short or failing at an offset. */
typedef struct {
    FILE *f;
    long offset, stop_at, fail_at; /* stop_at: a premature end; fail_at: a callback failure */
    long flip_at;                  /* flip one bit of the byte at this offset (-1: none) */
    size_t largest_read;
} file_source;

static int file_read(void *user_data, uint8_t *buf, size_t len, size_t *out_n) {
    file_source *s = user_data;
    if (s->fail_at >= 0 && s->offset >= s->fail_at)
        return 7;
    if (s->stop_at >= 0 && s->offset + (long)len > s->stop_at)
        len = s->offset < s->stop_at ? (size_t)(s->stop_at - s->offset) : 0;
    if (len > s->largest_read)
        s->largest_read = len;
    size_t n = fread(buf, 1, len, s->f);
    if (s->flip_at >= s->offset && s->flip_at < s->offset + (long)n)
        buf[s->flip_at - s->offset] ^= 0x10;
    s->offset += (long)n;
    *out_n = n;
    return ferror(s->f) ? -1 : 0;
}

static int file_write(void *user_data, const uint8_t *buf, size_t len) {
    return fwrite(buf, 1, len, (FILE *)user_data) == len ? 0 : -1;
}

/* A sink checking the plaintext against the pattern and recording the chunk sizes. */
typedef struct {
    uint64_t received, mismatches;
    size_t largest, calls;
    int fail_on_call; /* fail this call (1-based; 0: never) */
} sink;

static int sink_write(void *user_data, const uint8_t *buf, size_t len) {
    sink *k = user_data;
    k->calls++;
    if (k->fail_on_call != 0 && (int)k->calls == k->fail_on_call)
        return 3;
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pattern(k->received + i))
            k->mismatches++;
    k->received += len;
    if (len > k->largest)
        k->largest = len;
    return 0;
}

static long peak_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static file_source reader_of(FILE *f) {
    rewind(f);
    file_source s = {f, 0, -1, -1, -1, 0};
    return s;
}

static void model1_64_mib(kmipkit_model1 *model, kmipkit_context *ctx, FILE *ct) {
    long before = peak_rss_kib();
    source src = {64ull * MIB, 0, 0, 0};
    uint64_t n = 0;
    CHECK_OK(kmipkit_model1_encrypt_stream(model, source_read, &src, file_write, ct, ctx, &n));
    CHECK(n == 64ull * MIB);
    fflush(ct);
    long size = ftell(ct);
    CHECK(size > (long)(64 * MIB) && size < (long)(64 * MIB + 64 * MIB / 100));

    file_source in = reader_of(ct);
    sink out = {0, 0, 0, 0, 0};
    CHECK_OK(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &out, ctx, &n));
    CHECK(n == 64ull * MIB && out.received == n && out.mismatches == 0);
    /* Frame by frame: each write is one 64 KiB frame, never the whole stream. */
    CHECK(out.largest == FRAME);
    CHECK(out.calls >= 64 * MIB / FRAME);
    /* And each read asks for about one frame (with its tag), not the whole stream. */
    CHECK(in.largest_read > 0 && in.largest_read <= FRAME + 64);
    long grown_mib = (peak_rss_kib() - before) / 1024;
#ifndef __SANITIZE_ADDRESS__ /* ASan's quarantine keeps freed memory: no bound to check there */
    if (grown_mib >= 48)
        fprintf(stderr, "peak RSS grew by %ld MiB streaming 64 MiB each way\n", grown_mib);
    CHECK(grown_mib < 48);
#else
    (void)grown_mib;
#endif
}

static void refusals(kmipkit_model1 *model, kmipkit_context *ctx, FILE *ct) {
    uint64_t n = 99;
    sink out = {0, 0, 0, 0, 0};
    file_source in;

    /* The read callback fails after 3 frames of input: the stream stops. */
    FILE *scratch = tmpfile();
    source failing = {MIB, 0, 3 * FRAME, 0};
    CHECK_RC(kmipkit_model1_encrypt_stream(model, source_read, &failing, file_write, scratch, ctx,
                                           &n),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("the read callback returned -5");
    CHECK(n == 0);
    source over = {MIB, 0, 0, 1};
    CHECK_RC(kmipkit_model1_encrypt_stream(model, source_read, &over, file_write, scratch, ctx, &n),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("bytes for a");
    fclose(scratch);

    /* Decryption: the read callback fails mid-stream; only whole frames were written. */
    in = reader_of(ct);
    in.fail_at = 10 * FRAME + 1000;
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &out, ctx, &n),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    /* Reads run one frame ahead (to find the last one), so frame 10 may still be released. */
    CHECK(out.received % FRAME == 0 && out.received <= 11 * FRAME && out.mismatches == 0);
    /* The write callback fails on its third frame. */
    in = reader_of(ct);
    sink failing_sink = {0, 0, 0, 0, 3};
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &failing_sink, ctx,
                                           &n),
             KMIPKIT_RESULT_CALLBACK_FAILED);
    CHECK_MESSAGE_HAS("the write callback returned 3");
    CHECK(failing_sink.calls == 3 && failing_sink.received == 2 * FRAME);

    /* The wrong context: refused before any plaintext is written. */
    kmipkit_context *other = NULL;
    CHECK_OK(kmipkit_context_new(&other));
    CHECK_OK(kmipkit_context_add(other, "file", "another"));
    in = reader_of(ct);
    sink none = {0, 0, 0, 0, 0};
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &none, other, &n),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(none.received == 0 && n == 0);
    kmipkit_context_free(other);

    /* A bit flipped in frame 5: Integrity, and only frames before it were written. */
    in = reader_of(ct);
    in.flip_at = 5 * (FRAME + 16) + 400 + 100;
    sink flipped = {0, 0, 0, 0, 0};
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &flipped, ctx, &n),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK(flipped.received % FRAME == 0 && flipped.received <= 5 * FRAME);

    /* Cut short inside frame 8: the end is missing, so the stream is refused (Integrity: a
     * truncation is an authentication failure of the stream as a whole). */
    in = reader_of(ct);
    in.stop_at = 8 * (FRAME + 16) + 400;
    sink cut = {0, 0, 0, 0, 0};
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, sink_write, &cut, ctx, &n),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK_MESSAGE_HAS("truncated");
    CHECK(cut.received % FRAME == 0 && cut.received <= 8 * FRAME && cut.mismatches == 0);

    /* Not a ciphertext. */
    source text = {1000, 0, 0, 0};
    CHECK_RC(kmipkit_model1_decrypt_stream(model, source_read, &text, sink_write, &none, ctx, &n),
             KMIPKIT_RESULT_FORMAT);

    /* NULL arguments. */
    CHECK_RC(kmipkit_model1_encrypt_stream(model, NULL, NULL, file_write, ct, ctx, &n),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `read` is NULL");
    CHECK_RC(kmipkit_model1_decrypt_stream(model, file_read, &in, NULL, NULL, ctx, &n),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_decrypt_stream(NULL, file_read, &in, sink_write, &none, ctx, &n),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    CHECK_RC(kmipkit_model1_encrypt_stream(model, source_read, &text, file_write, ct, ctx, NULL),
             KMIPKIT_RESULT_NULL_ARGUMENT);
}

static void model2_stream(kmipkit_client *client, kmipkit_context *ctx) {
    kmipkit_model2 *model = NULL;
    CHECK_OK(kmipkit_model2_new(client, "c-tests-stream:", NULL, &model));
    if (model == NULL)
        return;
    char id[64];
    snprintf(id, sizeof id, "doc-%ld", (long)getpid());
    FILE *ct = tmpfile();
    source src = {MIB + 7, 0, 0, 0};
    uint64_t n = 0;
    CHECK_OK(kmipkit_model2_encrypt_stream(model, id, source_read, &src, file_write, ct, ctx, &n));
    CHECK(n == MIB + 7);
    fflush(ct);
    file_source in = reader_of(ct);
    sink out = {0, 0, 0, 0, 0};
    CHECK_OK(kmipkit_model2_decrypt_stream(model, id, file_read, &in, sink_write, &out, ctx, false,
                                           &n));
    CHECK(n == MIB + 7 && out.received == n && out.mismatches == 0);
    in = reader_of(ct);
    CHECK_RC(kmipkit_model2_decrypt_stream(model, "doc-other", file_read, &in, sink_write, &out, ctx,
                                           false, &n),
             KMIPKIT_RESULT_INTEGRITY);
    CHECK_RC(kmipkit_model2_encrypt_stream(model, NULL, source_read, &src, file_write, ct, ctx, &n),
             KMIPKIT_RESULT_NULL_ARGUMENT);
    fclose(ct);
    kmipkit_model2_free(model);
}

int main(void) {
    kmipkit_client *client = check_connect();
    if (client == NULL)
        return check_summary("test_streaming");
    kmipkit_model1 *model = NULL;
    CHECK_OK(kmipkit_model1_new(client, "c-tests-kek", 0, NULL, NULL, &model));
    uint32_t version = 0;
    CHECK_OK(kmipkit_model1_ensure_kek(model, &version, NULL));
    kmipkit_context *ctx = NULL;
    CHECK_OK(kmipkit_context_new(&ctx));
    CHECK_OK(kmipkit_context_add(ctx, "file", "backup.tar"));

    FILE *ct = tmpfile();
    CHECK(ct != NULL);
    if (model != NULL && ct != NULL) {
        model1_64_mib(model, ctx, ct);
        refusals(model, ctx, ct);
    }
    if (ct != NULL)
        fclose(ct);
    model2_stream(client, ctx);
    kmipkit_context_free(ctx);
    kmipkit_model1_free(model);
    kmipkit_client_free(client);
    return check_summary("test_streaming");
}
