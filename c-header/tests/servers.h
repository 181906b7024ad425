/*
 * servers.h: what the C tests read about a PyKMIP test server from the JSON that
 * `kmip-test-server start --json` printed (run.sh passes KMIPKIT_TEST_SERVER1_JSON and
 * _SERVER2_JSON): its port, PID and TLS files. The JSON is flat and written by Python's json
 * module, so a field is found by its quoted name; no JSON library is needed.
 */
#ifndef KMIPKIT_TEST_SERVERS_H
#define KMIPKIT_TEST_SERVERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int port;
    long pid;
    char ca[1024];
    char client_cert[1024];
    char client_key[1024];
} server_info;

/* The text value of `"name": "..."` in `json` (no escapes in these paths), or "". */
static void server_text_field(const char *json, const char *name, char *out, size_t size) {
    char key[128];
    snprintf(key, sizeof key, "\"%s\": \"", name);
    out[0] = '\0';
    const char *at = strstr(json, key);
    if (at == NULL)
        return;
    at += strlen(key);
    const char *end = strchr(at, '"');
    if (end == NULL || (size_t)(end - at) >= size)
        return;
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
}

/* The number of `"name": N` in `json`, or -1. */
static long server_number_field(const char *json, const char *name) {
    char key[128];
    snprintf(key, sizeof key, "\"%s\": ", name);
    const char *at = strstr(json, key);
    return at == NULL ? -1 : strtol(at + strlen(key), NULL, 10);
}

/* Reads the server description at `path`; returns 0 when the port, PID or a file is missing. */
static int server_read(const char *path, server_info *info) {
    static char json[16384];
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(json, 1, sizeof json - 1, f);
    fclose(f);
    json[n] = '\0';
    info->port = (int)server_number_field(json, "port");
    info->pid = server_number_field(json, "pid");
    server_text_field(json, "ca", info->ca, sizeof info->ca);
    server_text_field(json, "client_cert", info->client_cert, sizeof info->client_cert);
    server_text_field(json, "client_key", info->client_key, sizeof info->client_key);
    return info->port > 0 && info->pid > 0 && info->ca[0] && info->client_cert[0] &&
           info->client_key[0];
}

#endif
