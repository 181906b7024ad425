/*
 * kmipkit.hpp: header-only C++17 wrappers over the C API of kmipkit (kmipkit.h), nothing else.
 *
 * - Every handle is a move-only class that frees its C handle when destroyed (unique ownership;
 *   a moved-from object holds nothing and may only be destroyed or assigned to).
 * - A failed call throws kmipkit::Error, which carries the kmipkit_result, its stable name, the
 *   message, the KMIP Result Reason of a server refusal and the server profile's explanation.
 * - Returned bytes are a kmipkit::Bytes, wiped and freed by its destructor; returned strings are
 *   copied into std::string and the C string freed at once.
 * - Byte inputs are a kmipkit::ByteView, made from a pointer and a size, a
 *   std::vector<std::uint8_t> or a kmipkit::Bytes (std::span is C++20).
 * - Thread safety is the C API's: see each type in kmipkit.h (a Client may be shared by threads;
 *   builders belong to one thread at a time).
 *
 * - Callbacks are std::function (streams: also std::istream / std::ostream). An exception a
 *   callback throws never crosses the C API: the trampoline keeps it and returns a failure code,
 *   and the wrapper rethrows it, as itself, once the C call has returned.
 *
 * The wrappers are split by area, all included here:
 *   kmipkit/base.hpp       Error, Bytes, ByteView, Strings
 *   kmipkit/config.hpp     Config, ServerBuilder, ConfigBuilder
 *   kmipkit/values.hpp     Attributes, CryptoParams, Context
 *   kmipkit/client.hpp     Client: every KMIP operation
 *   kmipkit/transport.hpp  client_over_host: a Client over a std::function send
 *   kmipkit/stream.hpp     ReadFunction, WriteFunction, read_from(istream), write_to(ostream)
 *   kmipkit/envelope.hpp   KeyCache, Model1, Model2, seal_with_key, open_with_key
 *   kmipkit/rotation.hpp   Model1Rotation, reencrypt_all (Model 2)
 *   kmipkit/observe.hpp    log_verify, LogReport, Codec, TtlvList
 *
 * Adding a wrapper for a new C function: call it through detail::check (which throws on
 * failure), pass outputs as `T *out = nullptr;`, and wrap them at once (Bytes, take_string,
 * or a handle class like Client) so nothing leaks if a later step throws.
 */
#ifndef KMIPKIT_HPP
#define KMIPKIT_HPP

#include "kmipkit.h"
#include "kmipkit/base.hpp"
#include "kmipkit/config.hpp"
#include "kmipkit/values.hpp"
#include "kmipkit/client.hpp"
#include "kmipkit/transport.hpp"
#include "kmipkit/stream.hpp"
#include "kmipkit/envelope.hpp"
#include "kmipkit/rotation.hpp"
#include "kmipkit/observe.hpp"

#endif /* KMIPKIT_HPP */
