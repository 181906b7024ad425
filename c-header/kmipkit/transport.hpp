/*
 * kmipkit/transport.hpp (included by kmipkit.hpp): a Client whose bytes the caller carries
 * (kmipkit_client_over_host), with a std::function as the send callback.
 */
#ifndef KMIPKIT_TRANSPORT_HPP
#define KMIPKIT_TRANSPORT_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base.hpp"
#include "client.hpp"

namespace kmipkit {

/* Where a send function writes the reply (kmipkit_reply). Valid during that call only. */
class Reply {
public:
    explicit Reply(kmipkit_reply *reply) noexcept : reply_(reply) {}
    /* Appends reply bytes: the whole reply at once, or chunk by chunk. */
    void write(ByteView bytes) { detail::check(kmipkit_reply_write(reply_, bytes.data(), bytes.size())); }
    /* Says why the send failed, in the words the call's error message will carry. */
    void set_reason(const std::string &reason) {
        detail::check(kmipkit_reply_set_reason(reply_, detail::c_text(reason, "reason")));
    }

private:
    kmipkit_reply *reply_;
};

/*
 * Sends one request (TTLV) to server `server` (index in the names given) and writes exactly one
 * whole reply to `reply` within `time_left_ms`; returns KMIPKIT_SEND_OK or a KMIPKIT_SEND_*
 * failure, which decides the failover (see kmipkit_send_callback).
 *
 * Threads: it runs on the thread that called the client, concurrently when several threads
 * share the client, so what it uses must be safe from all of them. An exception it throws
 * ends the call without failover (KMIPKIT_SEND_FAILED, its what() as the reason) and is
 * rethrown, as itself, from the Client call that was running.
 */
using SendFunction = std::function<std::uint32_t(std::size_t server, ByteView request,
                                                 std::uint64_t time_left_ms, Reply &reply)>;

namespace detail {
inline std::uint32_t send_trampoline(void *user_data, std::size_t server, const std::uint8_t *request,
                                     std::size_t request_len, std::uint64_t time_left_ms,
                                     kmipkit_reply *reply) noexcept {
    Reply out(reply);
    try {
        return (*static_cast<const SendFunction *>(user_data))(server, ByteView(request, request_len),
                                                                time_left_ms, out);
    } catch (const std::exception &e) {
        keep_current_exception();
        // The C side names this reason in its own error; the exception itself is rethrown.
        kmipkit_reply_set_reason(reply, e.what());
    } catch (...) {
        keep_current_exception();
        kmipkit_reply_set_reason(reply, "the C++ send function threw a non-std::exception");
    }
    return KMIPKIT_SEND_FAILED;
}
}  // namespace detail

/*
 * A client over the caller's transport: `server_names` (distinct, the primary first) name the
 * servers in messages and the log; `send` carries each request. `deadline_ms` bounds each
 * call and `failover_delay_ms` is the pause before the next server (0: 60 s and 250 ms).
 * Blocks while the version is negotiated (through `send`). The Client keeps `send` alive.
 */
inline Client client_over_host(const std::vector<std::string> &server_names, SendFunction send,
                               std::uint64_t deadline_ms = 0, std::uint64_t failover_delay_ms = 0) {
    if (!send)
        throw Error(KMIPKIT_RESULT_NULL_ARGUMENT, "argument `send` is an empty std::function");
    std::vector<const char *> names = detail::c_texts(server_names, "server_names");
    auto state = std::make_shared<SendFunction>(std::move(send));
    kmipkit_client *client = nullptr;
    detail::clear_pending();
    detail::check(kmipkit_client_over_host(names.data(), names.size(), detail::send_trampoline, state.get(),
                                           deadline_ms, failover_delay_ms, &client));
    return Client(client, std::move(state));
}

}  // namespace kmipkit

#endif /* KMIPKIT_TRANSPORT_HPP */
