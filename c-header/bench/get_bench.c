/* Gets through the C API, one after the other on one client (kmipkit_client_get, the result
 * checked and freed), timing the loop and this process's CPU time.
 *
 *   get_bench CONFIG --create NAME       creates an AES-256 key named NAME, prints its uid
 *   get_bench CONFIG UID N WARMUP        WARMUP Gets (connection opened, pages touched), then N
 *
 * Prints one line: "c N WALL_S CPU_US_PER_GET RUSAGE_US_PER_GET GETS_PER_S". CPU is the sum over
 * this process's threads of /proc/self/task/<tid>/schedstat (nanoseconds, as the Rust twin
 * core/examples/get_core_bench.rs reads it), and getrusage(RUSAGE_SELF) user + sys as a
 * cross-check. c-header/bench/get.sh runs both against one Cosmian KMS, interleaved. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kmipkit.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of every live thread of this process, in nanoseconds. */
static double schedstat_ns(void) {
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) return 0;
    double total = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", entry->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) continue; /* the thread ended meanwhile */
        unsigned long long ns = 0;
        if (fscanf(f, "%llu", &ns) == 1) total += (double)ns;
        fclose(f);
    }
    closedir(dir);
    return total;
}

static double rusage_us(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void die(const char *what, kmipkit_result rc) {
    char message[512] = "";
    size_t n;
    kmipkit_last_error_message(message, sizeof message, &n);
    fprintf(stderr, "get_bench: %s failed (%d): %s\n", what, (int)rc, message);
    exit(1);
}

/* One Get, checked (32 key bytes) and freed: what the measured loop repeats. */
static void get_once(const kmipkit_client *client, const char *uid) {
    kmipkit_bytes *key = NULL;
    kmipkit_result rc = kmipkit_client_get(client, uid, &key);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_client_get", rc);
    if (kmipkit_bytes_len(key) != 32) {
        fprintf(stderr, "get_bench: Get returned %zu bytes, not a 32-byte key\n", kmipkit_bytes_len(key));
        exit(1);
    }
    kmipkit_bytes_free(key);
}

int main(int argc, char **argv) {
    int create = argc == 4 && strcmp(argv[2], "--create") == 0;
    if (!create && argc != 5) {
        fprintf(stderr, "usage: get_bench CONFIG --create NAME | get_bench CONFIG UID N WARMUP\n");
        return 2;
    }
    kmipkit_config *config = NULL;
    kmipkit_result rc = kmipkit_config_load(argv[1], &config);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_config_load", rc);
    kmipkit_client *client = NULL;
    rc = kmipkit_client_connect(config, &client);
    if (rc != KMIPKIT_RESULT_OK) die("kmipkit_client_connect", rc);
    if (create) {
        char *uid = NULL;
        rc = kmipkit_client_create_aes_key(client, argv[3], 256, &uid);
        if (rc != KMIPKIT_RESULT_OK) die("kmipkit_client_create_aes_key", rc);
        puts(uid);
        kmipkit_string_free(uid);
    } else {
        long n = strtol(argv[3], NULL, 10), warmup = strtol(argv[4], NULL, 10);
        if (n <= 0 || warmup < 0) {
            fprintf(stderr, "get_bench: N must be positive and WARMUP not negative\n");
            return 2;
        }
        for (long i = 0; i < warmup; i++) get_once(client, argv[2]);
        double cpu0 = schedstat_ns(), ru0 = rusage_us(), t0 = now_s();
        for (long i = 0; i < n; i++) get_once(client, argv[2]);
        double wall = now_s() - t0, cpu = schedstat_ns() - cpu0, ru = rusage_us() - ru0;
        printf("c %ld %.4f %.2f %.2f %.1f\n", n, wall, cpu / 1e3 / (double)n, ru / (double)n,
               (double)n / wall);
    }
    kmipkit_client_free(client);
    kmipkit_config_free(config);
    return 0;
}
