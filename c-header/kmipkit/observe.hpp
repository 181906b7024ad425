/*
 * kmipkit/observe.hpp (included by kmipkit.hpp): verification of kmipkit's hash-chained log
 * (log_verify, LogReport) and the KMIP codec (Codec: TTLV, JSON, XML, the readable dump).
 */
#ifndef KMIPKIT_OBSERVE_HPP
#define KMIPKIT_OBSERVE_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base.hpp"

namespace kmipkit {

/* What log_verify found (kmipkit_log_report). Immutable. */
class LogReport {
public:
    struct Finding {
        std::string sentence;  // "altered: serial 3 (kmipkit.log line 3): ..."
        std::string kind;      // deleted, inserted, altered, reordered, tail-missing, restarted
    };

    explicit LogReport(kmipkit_log_report *owned) noexcept : report_(owned) {}

    /* True when nothing was found. */
    bool intact() const noexcept { return kmipkit_log_report_intact(get()); }
    std::size_t lines() const noexcept { return kmipkit_log_report_lines(get()); }
    std::size_t finding_count() const noexcept { return kmipkit_log_report_finding_count(get()); }
    Finding finding(std::size_t index) const {
        char *sentence = nullptr, *kind = nullptr;
        kmipkit_result rc = kmipkit_log_report_finding(get(), index, &sentence, &kind);
        Finding found{detail::take_string(sentence), detail::take_string(kind)};
        detail::check(rc);
        return found;
    }
    std::vector<Finding> findings() const {
        std::vector<Finding> all;
        for (std::size_t i = 0; i < finding_count(); i++)
            all.push_back(finding(i));
        return all;
    }
    /* The lowest and highest serial seen (0, 0 without serials). */
    std::pair<std::uint64_t, std::uint64_t> serials() const {
        std::uint64_t first = 0, last = 0;
        detail::check(kmipkit_log_report_serials(get(), &first, &last));
        return {first, last};
    }
    std::string text() const {
        char *text = nullptr;
        detail::check(kmipkit_log_report_text(get(), &text));
        return detail::take_string(text);
    }
    std::string json() const {
        char *json = nullptr;
        detail::check(kmipkit_log_report_json(get(), &json));
        return detail::take_string(json);
    }

    const kmipkit_log_report *get() const noexcept { return report_.get(); }

private:
    detail::Owned<kmipkit_log_report, kmipkit_log_report_free> report_;
};

/*
 * Checks the hash chain of a log and its rotated files (any order). `state_file`: absent looks
 * for `<newest file>.state`, "" checks without one. A broken chain is a report, not an error;
 * an unreadable file throws KMIPKIT_RESULT_LOG.
 */
inline LogReport log_verify(const std::vector<std::string> &paths,
                            const std::optional<std::string> &state_file = std::nullopt) {
    std::vector<const char *> files = detail::c_texts(paths, "paths");
    kmipkit_log_report *report = nullptr;
    detail::check(kmipkit_log_verify(files.data(), files.size(),
                                     state_file ? detail::c_text(*state_file, "state_file") : nullptr, &report));
    return LogReport(report);
}

/* The TTLV messages of a KMIP XML test case (kmipkit_ttlv_list), wiped when destroyed. */
class TtlvList {
public:
    explicit TtlvList(kmipkit_ttlv_list *owned) noexcept : list_(owned) {}
    std::size_t size() const noexcept { return kmipkit_ttlv_list_len(list_.get()); }
    /* Message `index`, borrowed from the list. */
    ByteView at(std::size_t index) const {
        const std::uint8_t *data = nullptr;
        std::size_t len = 0;
        detail::check(kmipkit_ttlv_list_get(list_.get(), index, &data, &len));
        return ByteView(data, len);
    }
    const kmipkit_ttlv_list *get() const noexcept { return list_.get(); }

private:
    detail::Owned<kmipkit_ttlv_list, kmipkit_ttlv_list_free> list_;
};

/*
 * A KMIP codec (kmipkit_codec): decoding limits and the test-case placeholders read so far.
 * One thread at a time: make one per thread.
 */
class Codec {
public:
    Codec() : codec_(kmipkit_codec_new()) {
        if (!codec_)
            throw std::bad_alloc();
    }

    /* The largest message (bytes), deepest nesting, most items; 0 keeps a limit. Input over
     * a limit throws KMIPKIT_RESULT_LIMIT_EXCEEDED. */
    Codec &set_limits(std::size_t max_message_size, std::size_t max_depth, std::size_t max_items) {
        detail::check(kmipkit_codec_set_limits(codec_.get(), max_message_size, max_depth, max_items));
        return *this;
    }
    std::string ttlv_to_json(ByteView ttlv, bool compact = false) const {
        char *json = nullptr;
        detail::check(kmipkit_codec_ttlv_to_json(codec_.get(), ttlv.data(), ttlv.size(), compact, &json));
        return detail::take_string(json);
    }
    Bytes json_to_ttlv(const std::string &json) {
        kmipkit_bytes *ttlv = nullptr;
        detail::check(kmipkit_codec_json_to_ttlv(codec_.get(), detail::c_text(json, "json_text"), &ttlv));
        return Bytes(ttlv);
    }
    std::string ttlv_to_xml(ByteView ttlv) const {
        char *xml = nullptr;
        detail::check(kmipkit_codec_ttlv_to_xml(codec_.get(), ttlv.data(), ttlv.size(), &xml));
        return detail::take_string(xml);
    }
    Bytes xml_to_ttlv(const std::string &xml) {
        kmipkit_bytes *ttlv = nullptr;
        detail::check(kmipkit_codec_xml_to_ttlv(codec_.get(), detail::c_text(xml, "xml_text"), &ttlv));
        return Bytes(ttlv);
    }
    /* Every message of a KMIP XML test case, in document order. */
    TtlvList xml_messages_to_ttlv(const std::string &xml) {
        kmipkit_ttlv_list *list = nullptr;
        detail::check(kmipkit_codec_xml_messages_to_ttlv(codec_.get(), detail::c_text(xml, "xml_text"), &list));
        return TtlvList(list);
    }
    /* A readable tree, one item a line; byte strings show only their length. */
    std::string dump(ByteView ttlv) const {
        char *text = nullptr;
        detail::check(kmipkit_codec_dump(codec_.get(), ttlv.data(), ttlv.size(), &text));
        return detail::take_string(text);
    }
    /* The canonical TTLV of the same message. */
    Bytes normalize(ByteView ttlv) const {
        kmipkit_bytes *out = nullptr;
        detail::check(kmipkit_codec_normalize(codec_.get(), ttlv.data(), ttlv.size(), &out));
        return Bytes(out);
    }

    const kmipkit_codec *get() const noexcept { return codec_.get(); }

private:
    detail::Owned<kmipkit_codec, kmipkit_codec_free> codec_;
};

}  // namespace kmipkit

#endif /* KMIPKIT_OBSERVE_HPP */
