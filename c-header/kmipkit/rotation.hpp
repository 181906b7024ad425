/*
 * kmipkit/rotation.hpp (included by kmipkit.hpp): bulk rotation. Model1Rotation re-wraps Model 1
 * ciphertexts under a target KEK version; reencrypt_all re-encrypts Model 2 ciphertexts under
 * an identifier's current version. Each new form goes to a sink; progress is told after each
 * item. Runs stop at the first error, leaving the rest in their old form: run again to finish.
 */
#ifndef KMIPKIT_ROTATION_HPP
#define KMIPKIT_ROTATION_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base.hpp"
#include "envelope.hpp"
#include "values.hpp"

namespace kmipkit {

/* Stores the new form of item `index` (valid during the call); throws to stop the run. */
using RotationSink = std::function<void(std::size_t index, ByteView ciphertext)>;
/* Told the progress after each item; an exception it throws stops the run before the next
 * item and is rethrown by the rotating call. */
using RotationProgress = std::function<void(const kmipkit_rotation_progress &progress)>;

namespace detail {
inline int sink_trampoline(void *user_data, std::size_t index, const std::uint8_t *ciphertext,
                           std::size_t len) noexcept {
    try {
        // A progress callback that threw cannot stop the run itself (it returns void): the
        // next sink call does.
        if (pending_exception())
            return 1;
        (*static_cast<const RotationSink *>(user_data))(index, ByteView(ciphertext, len));
        return 0;
    } catch (...) {
        keep_current_exception();
        return 1;
    }
}

inline void progress_trampoline(void *user_data, const kmipkit_rotation_progress *progress) noexcept {
    if (pending_exception())
        return;  // the first exception is the one rethrown
    try {
        (*static_cast<const RotationProgress *>(user_data))(*progress);
    } catch (...) {
        keep_current_exception();
    }
}

/* The parallel arrays the C rotations take, borrowed from `items`. */
struct ItemArrays {
    explicit ItemArrays(const std::vector<ByteView> &items) {
        for (const ByteView &item : items) {
            pointers.push_back(item.data());
            lengths.push_back(item.size());
        }
    }
    std::vector<const std::uint8_t *> pointers;
    std::vector<std::size_t> lengths;
};
}  // namespace detail

/* Re-wraps Model 1 ciphertexts under `target`'s KEK version (kmipkit_model1_rotation). One
 * thread at a time; remembers re-wrapped data keys, so many ciphertexts under one cost one. */
class Model1Rotation {
public:
    explicit Model1Rotation(const Model1 &target) : state_(target.state()) {
        kmipkit_model1_rotation *rotation = nullptr;
        detail::check(kmipkit_model1_rotation_new(target.get(), &rotation));
        rotation_.reset(rotation);
    }

    /* True when `ciphertext` is already under the target version. */
    bool is_current(ByteView ciphertext) const {
        bool current = false;
        detail::check(kmipkit_model1_rotation_is_current(rotation_.get(), ciphertext.data(), ciphertext.size(),
                                                         &current));
        return current;
    }
    Bytes rewrap(ByteView ciphertext) {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_model1_rotation_rewrap(rotation_.get(), ciphertext.data(), ciphertext.size(), &out));
        return Bytes(out);
    }
    /* Re-wraps every item not yet current into `sink`; returns how far it got. */
    kmipkit_rotation_progress rewrap_all(const std::vector<ByteView> &items, const RotationSink &sink,
                                         const RotationProgress &progress = nullptr) {
        detail::ItemArrays arrays(items);
        kmipkit_rotation_progress report{};
        detail::clear_pending();
        detail::check(kmipkit_model1_rotation_rewrap_all(
            rotation_.get(), arrays.pointers.data(), arrays.lengths.data(), items.size(), detail::sink_trampoline,
            const_cast<RotationSink *>(&sink), progress ? detail::progress_trampoline : nullptr,
            const_cast<RotationProgress *>(&progress), &report));
        return report;
    }

    const kmipkit_model1_rotation *get() const noexcept { return rotation_.get(); }

private:
    // The C rotation holds the model, so the client, so its transport: keep that alive too.
    std::shared_ptr<void> state_;
    detail::Owned<kmipkit_model1_rotation, kmipkit_model1_rotation_free> rotation_;
};

/*
 * Re-encrypts `id`'s `items` under its current version: `contexts` empty (all empty contexts)
 * or one per item (null: empty). Items already current are skipped; never creates a key.
 */
inline kmipkit_rotation_progress reencrypt_all(const Model2 &model, const std::string &id,
                                               const std::vector<ByteView> &items,
                                               const std::vector<const Context *> &contexts,
                                               const RotationSink &sink,
                                               const RotationProgress &progress = nullptr,
                                               bool allow_compromised = false) {
    if (!contexts.empty() && contexts.size() != items.size())
        throw Error(KMIPKIT_RESULT_INVALID_ARGUMENT,
                    "reencrypt_all: " + std::to_string(contexts.size()) + " contexts for " +
                        std::to_string(items.size()) + " items; give one per item, or none");
    detail::ItemArrays arrays(items);
    std::vector<const kmipkit_context *> c_contexts;
    for (const Context *context : contexts)
        c_contexts.push_back(detail::context_or_null(context));
    kmipkit_rotation_progress report{};
    detail::clear_pending();
    detail::check(kmipkit_model2_reencrypt_all(
        model.get(), detail::c_text(id, "id"), arrays.pointers.data(), arrays.lengths.data(),
        c_contexts.empty() ? nullptr : c_contexts.data(), items.size(), allow_compromised, detail::sink_trampoline,
        const_cast<RotationSink *>(&sink), progress ? detail::progress_trampoline : nullptr,
        const_cast<RotationProgress *>(&progress), &report));
    return report;
}

}  // namespace kmipkit

#endif /* KMIPKIT_ROTATION_HPP */
