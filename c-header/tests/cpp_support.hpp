/*
 * cpp_support.hpp: what the C++ tests (test_cpp_*.cpp) share: CHECK_THROWS (the call throws
 * a kmipkit::Error with exactly this result code), an unexpected-exception guard for main,
 * and small helpers. Built on check.h, like the C tests.
 */
#ifndef KMIPKIT_TEST_CPP_SUPPORT_HPP
#define KMIPKIT_TEST_CPP_SUPPORT_HPP

#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "check.h"
#include "kmipkit.hpp"

/* The kmipkit::Error that `call` throws, or nothing when it returns. */
template <class F> static std::optional<kmipkit::Error> error_of(F &&call) {
    try {
        call();
    } catch (const kmipkit::Error &e) {
        return e;
    }
    return std::nullopt;
}

static inline std::optional<kmipkit::Error> check_throws(std::optional<kmipkit::Error> error,
                                                         kmipkit_result expected, const char *call, int line) {
    if (error && error->code() == expected) {
        check_passes++;
    } else {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s\n    threw %s, expected %s\n", __FILE__, line, call,
                error ? error->what() : "nothing", kmipkit_result_name(expected));
        check_print_last_error();
    }
    return error;
}

/* `call` must throw a kmipkit::Error with result `expected`; returns it for more checks. */
#define CHECK_THROWS(call, expected) check_throws(error_of([&] { (void)(call); }), (expected), #call, __LINE__)

static inline bool has(const std::string &text, const std::string &needle) {
    return text.find(needle) != std::string::npos;
}

/* "cpp-<what>-<pid>": unique per process, so names found are this run's. */
static inline std::string unique_name(const char *what) {
    return std::string("cpp-") + what + "-" + std::to_string(static_cast<long>(getpid()));
}

static inline std::string text_of(const kmipkit::Bytes &bytes) {
    return std::string(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

/* Runs one test function; a kmipkit::Error it did not expect is a failure, not a crash. */
template <class F> static void run_part(const char *name, F &&part) {
    try {
        part();
    } catch (const kmipkit::Error &e) {
        check_failures++;
        fprintf(stderr, "FAIL %s: unexpected kmipkit::Error %s (reason %u)\n", name, e.what(), e.reason());
    } catch (const std::exception &e) {
        check_failures++;
        fprintf(stderr, "FAIL %s: unexpected exception %s\n", name, e.what());
    }
}

#endif
