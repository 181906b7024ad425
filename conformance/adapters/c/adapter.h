// The C conformance adapter's shared declarations: one request (an action and its arguments,
// decoded from the line protocol of README.md), one reply under construction, and the
// session of a scenario variant (its clients, key cache and codec). Every action is a thin
// call of kmipkit.h: the step logic (templates, expectations, results) is in the Python driver.
#ifndef KMIPKIT_C_ADAPTER_H
#define KMIPKIT_C_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kmipkit.h"

// One `key=hex` argument of a request; `value` is NUL-terminated (so text reads as a string).
typedef struct {
    char *key;
    uint8_t *value;
    size_t len;
} arg;

typedef struct {
    char *action;
    arg *args;
    size_t count;
} request;

// Readers of a request's arguments. Absent text is NULL; a repeated key is a list.
const char *arg_text(const request *r, const char *key);
const uint8_t *arg_bytes(const request *r, const char *key, size_t *out_len);
bool arg_has(const request *r, const char *key);
long long arg_int(const request *r, const char *key, long long fallback);
// The values of every `key` argument, in order (at most `max`): their count.
size_t arg_list(const request *r, const char *key, const char **out, size_t max);

// The reply being built: fields appended as ` name=T...` (see README.md for the types).
void reply_text(const char *name, const char *text);
void reply_bytes(const char *name, const uint8_t *data, size_t len);
void reply_int(const char *name, long long value);
void reply_bool(const char *name, bool value);
void reply_json(const char *name, const char *json);
void reply_kbytes(const char *name, const kmipkit_bytes *bytes);

// An adapter-side refusal (a missing argument, a file that cannot be read): reported as
// `bad`, which the driver turns into a StepError, never an outcome of the API under test.
int bad(const char *fmt, ...);
#define ADAPTER_BAD (-1)

// The session of one scenario variant: clients by configuration path, the key cache.
kmipkit_result session_client(const request *r, const kmipkit_client **out);
kmipkit_result session_cache(const request *r, const kmipkit_key_cache **out);
const kmipkit_key_cache *session_cache_if_any(void);
void session_reset(void);

// An action: returns KMIPKIT_RESULT_OK (reply built), a kmipkit_result failure (the thread's
// last error describes it), or ADAPTER_BAD.
typedef int (*action_fn)(const request *r);
typedef struct {
    const char *name;
    action_fn run;
} action;

// The step's client, connected on first use; a failure to connect is the step's outcome.
#define CLIENT(r, c)                                                                              \
    const kmipkit_client *c = NULL;                                                               \
    do {                                                                                          \
        int rc_ = session_client(r, &c);                                                          \
        if (rc_ != KMIPKIT_RESULT_OK) return rc_;                                                 \
    } while (0)

// A call whose failure ends the action: `rc` keeps the result, `done:` frees what was made.
#define TRY(call)                                                                                 \
    do {                                                                                          \
        rc = (call);                                                                              \
        if (rc != KMIPKIT_RESULT_OK) goto done;                                                   \
    } while (0)

extern const action OPS_ACTIONS[];
extern const action ENVELOPE_ACTIONS[];
extern const action CODEC_ACTIONS[];

#endif
