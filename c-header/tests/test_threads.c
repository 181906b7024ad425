/*
 * One client shared by many threads at once, and the last error kept per thread: eight threads
 * create, activate and destroy keys through the same kmipkit_client while each checks that its
 * own failures (and only its own) show in its last error.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 3

struct worker {
    kmipkit_client *client;
    int index;
    int failures; /* counted here, not in check.h's globals, which are not thread-safe */
};

static void *work(void *arg) {
    struct worker *w = arg;
    char name[64];
    for (int round = 0; round < ROUNDS; round++) {
        snprintf(name, sizeof name, "c-threads-%d-%d", w->index, round);
        char *uid = NULL;
        if (kmipkit_client_create_aes_key(w->client, name, 256, &uid) != KMIPKIT_RESULT_OK) {
            w->failures++;
            continue;
        }
        /* A failure of this thread's own: destroying an active key. */
        if (kmipkit_client_activate(w->client, uid) != KMIPKIT_RESULT_OK)
            w->failures++;
        if (kmipkit_client_destroy(w->client, uid) != KMIPKIT_RESULT_SERVER)
            w->failures++;
        if (kmipkit_last_error_result() != KMIPKIT_RESULT_SERVER)
            w->failures++;
        /* Odd threads also misuse an argument: their last error becomes NullArgument, and
         * the even threads must never see it. */
        if (w->index % 2 == 1) {
            if (kmipkit_client_activate(w->client, NULL) != KMIPKIT_RESULT_NULL_ARGUMENT)
                w->failures++;
            if (kmipkit_last_error_result() != KMIPKIT_RESULT_NULL_ARGUMENT)
                w->failures++;
        } else if (kmipkit_last_error_result() != KMIPKIT_RESULT_SERVER) {
            w->failures++;
        }
        kmipkit_string_free(uid);
    }
    return NULL;
}

int main(void) {
    kmipkit_client *client = check_connect();
    if (client == NULL)
        return check_summary("test_threads");

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.client = client, .index = i, .failures = 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(workers[i].failures == 0);
        if (workers[i].failures != 0)
            fprintf(stderr, "    thread %d: %d failed checks\n", i, workers[i].failures);
    }
    /* The main thread made no failing call: its last error is still empty. */
    CHECK(kmipkit_last_error_result() == KMIPKIT_RESULT_OK);
    kmipkit_client_free(client);
    return check_summary("test_threads");
}
