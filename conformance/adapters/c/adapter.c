// The C conformance adapter: a long-running process that executes one action of
// conformance/scenarios/README.md per request line on stdin, through the public C API of
// libkmipkit (kmipkit.h) only, and answers one reply line on stdout (README.md). The Python
// driver (adapter.py) runs the scenarios and judges the replies.
#define _POSIX_C_SOURCE 200809L
#include "adapter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- requests ---------------------------------------------------------------------------

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static const arg *find(const request *r, const char *key) {
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->args[i].key, key) == 0) return &r->args[i];
    return NULL;
}

const char *arg_text(const request *r, const char *key) {
    const arg *a = find(r, key);
    return a ? (const char *)a->value : NULL;
}

const uint8_t *arg_bytes(const request *r, const char *key, size_t *out_len) {
    const arg *a = find(r, key);
    *out_len = a ? a->len : 0;
    return a ? a->value : NULL;
}

bool arg_has(const request *r, const char *key) { return find(r, key) != NULL; }

long long arg_int(const request *r, const char *key, long long fallback) {
    const char *t = arg_text(r, key);
    return t ? strtoll(t, NULL, 10) : fallback;
}

size_t arg_list(const request *r, const char *key, const char **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < r->count && n < max; i++)
        if (strcmp(r->args[i].key, key) == 0) out[n++] = (const char *)r->args[i].value;
    return n;
}

// Splits `line` (modified in place) into the action and its `key=hex` arguments. Returns
// false with a message for a malformed line (the driver's fault, never the API's).
static bool parse(char *line, request *r, char *why, size_t why_len) {
    memset(r, 0, sizeof *r);
    size_t tokens = 1;
    for (char *p = line; *p; p++) tokens += *p == ' ';
    r->args = calloc(tokens, sizeof(arg));
    char *save = NULL;
    r->action = strtok_r(line, " ", &save);
    if (!r->action || !r->args) {
        snprintf(why, why_len, "empty request line");
        return false;
    }
    for (char *t = strtok_r(NULL, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(t, '=');
        size_t digits = eq ? strlen(eq + 1) : 0;
        if (!eq || digits % 2) {
            snprintf(why, why_len, "malformed argument %.40s (key=hex expected)", t);
            return false;
        }
        *eq = '\0';
        arg *a = &r->args[r->count++];
        a->key = t;
        a->len = digits / 2;
        a->value = malloc(a->len + 1);
        if (!a->value) {
            snprintf(why, why_len, "out of memory");
            return false;
        }
        for (size_t i = 0; i < a->len; i++) {
            int hi = hex_digit(eq[1 + 2 * i]), lo = hex_digit(eq[2 + 2 * i]);
            if (hi < 0 || lo < 0) {
                snprintf(why, why_len, "argument %s: not hex", t);
                return false;
            }
            a->value[i] = (uint8_t)(hi << 4 | lo);
        }
        a->value[a->len] = '\0';
    }
    return true;
}

static void request_free(request *r) {
    for (size_t i = 0; i < r->count; i++) free(r->args[i].value);
    free(r->args);
}

// ---- replies ----------------------------------------------------------------------------

static char *reply_buf;
static size_t reply_len, reply_cap;

static void put(const char *s, size_t n) {
    if (reply_len + n + 1 > reply_cap) {
        size_t cap = reply_cap ? reply_cap : 256;
        while (cap < reply_len + n + 1) cap *= 2;
        char *grown = realloc(reply_buf, cap);
        if (!grown) {
            fputs("adapter: out of memory\n", stderr);
            exit(2);
        }
        reply_buf = grown, reply_cap = cap;
    }
    memcpy(reply_buf + reply_len, s, n);
    reply_len += n;
    reply_buf[reply_len] = '\0';
}

static void put_hex(const uint8_t *data, size_t len) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char two[2] = {digits[data[i] >> 4], digits[data[i] & 15]};
        put(two, 2);
    }
}

static void field(const char *name, char type) {
    char head[4] = {'=', type, '\0'};
    put(" ", 1);
    put(name, strlen(name));
    put(head, 2);
}

void reply_text(const char *name, const char *text) {
    field(name, 's');
    if (text) put_hex((const uint8_t *)text, strlen(text));
}

void reply_bytes(const char *name, const uint8_t *data, size_t len) {
    field(name, 'b');
    put_hex(data, len);
}

void reply_kbytes(const char *name, const kmipkit_bytes *bytes) {
    reply_bytes(name, kmipkit_bytes_data(bytes), kmipkit_bytes_len(bytes));
}

void reply_int(const char *name, long long value) {
    char text[32];
    int n = snprintf(text, sizeof text, "%lld", value);
    field(name, 'i');
    put(text, (size_t)n);
}

void reply_bool(const char *name, bool value) { field(name, value ? 't' : 'f'); }

void reply_json(const char *name, const char *json) {
    field(name, 'j');
    put_hex((const uint8_t *)json, strlen(json));
}

static char bad_message[512];

int bad(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bad_message, sizeof bad_message, fmt, ap);
    va_end(ap);
    return ADAPTER_BAD;
}

// ---- the session ------------------------------------------------------------------------

enum { MAX_CLIENTS = 16 };
static struct {
    char *config;
    kmipkit_client *client;
} clients[MAX_CLIENTS];
static size_t client_count;
static kmipkit_key_cache *cache;

// The client of the step's configuration (`config`: a kmipkit.toml path), loaded and
// connected as a user does on its first use in the scenario; a failure is the step's outcome.
kmipkit_result session_client(const request *r, const kmipkit_client **out) {
    const char *path = arg_text(r, "config");
    if (!path) return bad("no config argument");
    for (size_t i = 0; i < client_count; i++)
        if (strcmp(clients[i].config, path) == 0) return *out = clients[i].client, KMIPKIT_RESULT_OK;
    if (client_count == MAX_CLIENTS) return bad("more than %d clients in one scenario", MAX_CLIENTS);
    kmipkit_config *config = NULL;
    kmipkit_result rc = kmipkit_config_load(path, &config);
    if (rc != KMIPKIT_RESULT_OK) return rc;
    kmipkit_client *client = NULL;
    rc = kmipkit_client_connect(config, &client);
    kmipkit_config_free(config);
    if (rc != KMIPKIT_RESULT_OK) return rc;
    clients[client_count].config = strdup(path);
    clients[client_count++].client = client;
    *out = client;
    return KMIPKIT_RESULT_OK;
}

// The scenario's one key cache, made on first use with Python's defaults.
static kmipkit_result make_cache(void) {
    if (cache) return KMIPKIT_RESULT_OK;
    return kmipkit_key_cache_new(300000, UINT64_C(1) << 32, 65536, &cache);
}

// The key cache when the step says `cache` (NULL otherwise).
kmipkit_result session_cache(const request *r, const kmipkit_key_cache **out) {
    *out = NULL;
    if (!arg_has(r, "cache")) return KMIPKIT_RESULT_OK;
    kmipkit_result rc = make_cache();
    *out = cache;
    return rc;
}

const kmipkit_key_cache *session_cache_if_any(void) {
    return make_cache() == KMIPKIT_RESULT_OK ? cache : NULL;
}

void session_reset(void) {
    for (size_t i = 0; i < client_count; i++) {
        kmipkit_client_free(clients[i].client);
        free(clients[i].config);
    }
    client_count = 0;
    kmipkit_key_cache_free(cache);
    cache = NULL;
}

// ---- the loop ---------------------------------------------------------------------------

static const action *lookup(const char *name) {
    const action *tables[] = {OPS_ACTIONS, ENVELOPE_ACTIONS, CODEC_ACTIONS};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const action *a = tables[t]; a->name; a++)
            if (strcmp(a->name, name) == 0) return a;
    return NULL;
}

// `err NAME REASON HEXMESSAGE`: the result's stable name, the KMIP Result Reason (0: none)
// and the message of the thread's last error.
static void reply_error(int rc) {
    char message[2048];
    size_t n = 0;
    if (kmipkit_last_error_message(message, sizeof message, &n) != KMIPKIT_RESULT_OK)
        snprintf(message, sizeof message, "(message too long)");
    char head[96];
    snprintf(head, sizeof head, "err %s %u ", kmipkit_result_name((uint32_t)rc),
             (unsigned)kmipkit_last_error_reason());
    reply_len = 0;
    put(head, strlen(head));
    put_hex((const uint8_t *)message, strlen(message));
}

static void reply_bad(const char *message) {
    reply_len = 0;
    put("bad ", 4);
    put_hex((const uint8_t *)message, strlen(message));
}

static void serve(char *line) {
    request r;
    char why[256];
    reply_len = 0;
    put("ok", 2);
    if (!parse(line, &r, why, sizeof why)) {
        reply_bad(why);
    } else if (strcmp(r.action, "reset") == 0) {
        session_reset();
    } else {
        const action *a = lookup(r.action);
        kmipkit_last_error_clear();
        int rc = a ? a->run(&r) : bad("the C adapter has no action %s", r.action);
        if (rc == ADAPTER_BAD) reply_bad(bad_message);
        else if (rc != KMIPKIT_RESULT_OK) reply_error(rc);
    }
    request_free(&r);
    fwrite(reply_buf, 1, reply_len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n') line[n - 1] = '\0';
        serve(line);
    }
    session_reset();
    free(line);
    free(reply_buf);
    return 0;
}
